"""Render data/{bench_run*,rss,parity}.json into Markdown tables -> data/tables.md"""
import json
B = [json.load(open(f"data/bench_run{i}.json")) for i in (1, 2, 3)]
R = json.load(open("data/rss.json")); P = json.load(open("data/parity.json"))
def lat(k):
    return " / ".join(f"{b[k]['median_ms']:.2f}–{b[k]['p90_ms']:.2f}" if k in b else "–" for b in B)
def f(s, d=2): return f"{s['median']:.{d}f} / {s['p95']:.{d}f} / {s['max']:.{d}f}"
out = []
for name in ["pose_landmark_lite", "pose_landmark_full", "face_landmark", "pose_detection"]:
    out.append(f"\n### {name}\n")
    if name.startswith("pose_landmark"):
        out.append("| variant | file MB | RSS MiB load / +1st run | latency ms median–p90, runs 1 / 2 / 3 | pts 0–12 raw, crop px med/p95/max | raw, image px med/p95/max | heatmap-refined, image px med/p95/max | crops with median>1.5 / max>4 img px (refined) | presence agree |")
        out.append("|---|---|---|---|---|---|---|---|---|")
    elif name == "face_landmark":
        out.append("| variant | file MB | RSS MiB load / +1st run | latency ms median–p90, runs 1 / 2 / 3 | 468 pts, crop px med/p95/max | 468 pts, image px med/p95/max | 7 anchors (1,33,263,61,291,10,152), image px med/p95/max | crops with median>1.5 / max>4 img px (468) | face-flag agree |")
        out.append("|---|---|---|---|---|---|---|---|---|")
    else:
        out.append("| variant | file MB | RSS MiB load / +1st run | latency ms median–p90, runs 1 / 2 / 3 | top-anchor alignment pts, 224-px units med/p95/max | same, image px med/p95/max | same top anchor | person-found agree |")
        out.append("|---|---|---|---|---|---|---|---|")
    keys = [k for k in R if k.startswith(name + "|")]
    for k in keys:
        tag = k.split("|")[1]; r = R[k]
        head = f"| {tag} | {r['size_bytes']/1e6:.2f} | {r['rss_load_mib']:.1f} / {r['rss_after_first_run_mib']:.1f} | {lat(k)} |"
        p = P.get(k)
        if p is None:
            out.append(head + (" reference | reference | reference | – | – |" if "landmark" in name else " reference | reference | – | – |"))
            continue
        if name.startswith("pose_landmark"):
            g = p["refined_image_px"]
            out.append(head + f" {f(p['raw_crop_px'])} | {f(p['raw_image_px'])} | {f(g)} | {g['crops_median_gt_1_5']} / {g['crops_max_gt_4']} of {g['n_crops']} | {p['presence_agree']} |")
        elif name == "face_landmark":
            g = p["all468_image_px"]
            out.append(head + f" {f(p['all468_crop_px'], 3)} | {f(g, 3)} | {f(p['anchors7_image_px'], 3)} | {g['crops_median_gt_1_5']} / {g['crops_max_gt_4']} of {g['n_crops']} | {p['face_flag_agree']} |")
        else:
            out.append(head + f" {f(p['align_pts_det_px'])} | {f(p['align_pts_image_px'])} | {p['same_top_anchor']} | {p['found_agree']} |")
open("data/tables.md", "w").write("\n".join(out) + "\n")
print("\n".join(out))
