#!/usr/bin/env python3
"""What a perspective term in the CVA-drop estimate would do (GEOMETRY.md "Moving closer").

Reads `sitwell analyze --baseline B --mode static --format jsonl` records of the posture study's
stills (each subject calibrated on its own `upright` still) and the split's `labels.json`. For a
term of C degrees per unit of ln(shoulder width / calibrated width), it undoes the estimate's
soft saturation, adds the term, saturates again and prints per condition: stills, flagged as a
forward head (estimate >= 5.5 deg) without and with the term, and the estimate's mean absolute
error against the render's truth without and with it (stills the judge could judge only). With --fit, it also prints the C that
best explains the moved closer / farther stills' errors.

usage: python3 scripts/synthetic/distance_term.py RECORDS LABELS.json C [--fit]
(RECORDS: a .jsonl file or a folder of them, made as for posture_loso.py: GEOMETRY.md "Reproduce")
"""
import collections
import glob
import json
import math
import os
import sys

SATURATION_DEG = 32.0  # judge::CVA_DROP_SATURATION_DEG
FORWARD_HEAD_DROP_DEG = 5.5  # judge::FORWARD_HEAD_DROP_DEG


def unsaturate(y):
    return y / math.sqrt(max(1e-6, 1 - (y / SATURATION_DEG) ** 2))


def saturate(x):
    return x / math.sqrt(1 + (x / SATURATION_DEG) ** 2)


def main():
    records, labels_path, c = sys.argv[1], sys.argv[2], float(sys.argv[3])
    labels = json.load(open(labels_path))
    frames = labels["frames"] if isinstance(labels, dict) else labels
    by_file = {os.path.basename(f["file"]): f for f in frames}
    paths = sorted(glob.glob(os.path.join(records, "*.jsonl"))) if os.path.isdir(records) else [records]
    rows = collections.defaultdict(list)
    moved = []
    for path in paths:
        for line in open(path):
            r = json.loads(line)
            f = by_file.get(os.path.basename(r["source"]))
            if f is None:
                continue
            rows[f["condition"]].append((r, f))
            if r.get("cva_drop_deg") is not None and f["condition"].startswith("distr_moved"):
                x = -math.log(1 + r["distance_change_pct"] / 100)
                moved.append((x, unsaturate(r["cva_drop_deg"]) - (f["calib_cva_deg"] - f["cva_deg"])))
    print(f"{'condition':24} {'n':>3} {'flagged':>7} {'with C':>6} {'MAE':>6} {'with C':>6}")
    for cond, items in sorted(rows.items()):
        flagged = flagged_c = judged = 0
        err = err_c = 0.0
        for r, f in items:
            if r.get("cva_drop_deg") is None:
                continue
            judged += 1
            x = -math.log(1 + r["distance_change_pct"] / 100)
            old = r["cva_drop_deg"]
            new = saturate(unsaturate(old) + c * x)
            truth = f["calib_cva_deg"] - f["cva_deg"]
            flagged += old >= FORWARD_HEAD_DROP_DEG
            flagged_c += new >= FORWARD_HEAD_DROP_DEG
            err += abs(old - truth)
            err_c += abs(new - truth)
        n = max(judged, 1)
        print(f"{cond:24} {judged:3d} {flagged:7d} {flagged_c:6d} {err / n:6.2f} {err_c / n:6.2f}")
    if "--fit" in sys.argv and moved:
        sxx = sum(x * x for x, _ in moved)
        sxr = sum(x * e for x, e in moved)
        print(f"C that best explains the moved stills' errors: {-sxr / sxx:.1f} deg per unit")


if __name__ == "__main__":
    main()
