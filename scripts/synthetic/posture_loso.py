#!/usr/bin/env python3
"""Leave-one-subject-out check of the posture study's thresholds (issue 28).

Reads `sitwell analyze --baseline B --mode static --format jsonl` records of each dev subject's
stills (calibrated on its own `upright` still, as `tests/judge.rs` does) and the split's
`labels.json`. For each subject, picks each threshold again from the other subjects by the fewest
errors and applies it to the left-out subject:

- side lean: |side_lean_deg| of the side leans against the quiet stills (slouches, upright,
  moved closer/farther, recline, head tilts);
- head tilt: |head_tilt_deg| of the head tilts against side leans, small leans, reaches, quiet;
- the hunch gate (closer %, shoulder drop degrees) on the bowed hunches the old rule would have
  called a glance (pitch >= 12 deg, shoulder drop < 8 deg) against the look-downs, a flagged
  look-down counting five misses.
Prints per camera family.

usage: posture_loso.py RECORDS_DIR LABELS.json      (RECORDS_DIR/*.jsonl, one file per subject)
"""
import collections
import glob
import json
import os
import sys

import numpy as np


def load(records_dir, labels_path):
    labels = json.load(open(labels_path))
    frames = labels["frames"] if isinstance(labels, dict) else labels
    by_file = {os.path.basename(f["file"]): f for f in frames}
    rows = []
    for path in glob.glob(os.path.join(records_dir, "*.jsonl")):
        for line in open(path):
            r = json.loads(line)
            f = by_file.get(os.path.basename(r["source"]))
            if f is None or "_light" in f["condition"] or r.get("cva_drop_deg") is None:
                continue
            if r["pattern"] == "unknown":
                continue
            rows.append(dict(s=f["subject"], c=f["condition"], side=abs(r["side_lean_deg"]),
                             tilt=abs(r["head_tilt_deg"]), closer=-r["distance_change_pct"],
                             sh=r["shoulder_drop_deg"], pitch=r["head_pitch_deg"]))
    return rows


def is_(x, *prefixes):
    return any(x["c"].startswith(p) for p in prefixes)


def best(grid, pos, neg):
    """The threshold with the fewest errors; ties: the middle of the tied ones."""
    errors = [(sum(v < t for v in pos) + sum(v >= t for v in neg), t) for t in grid]
    least = min(e for e, _ in errors)
    tied = [t for e, t in errors if e == least]
    return tied[len(tied) // 2]


def main():
    rows = load(sys.argv[1], sys.argv[2])
    grid = np.arange(4, 14.01, 0.25)
    out = collections.defaultdict(collections.Counter)
    for s in sorted({x["s"] for x in rows}):
        train = [x for x in rows if x["s"] != s]
        test = [x for x in rows if x["s"] == s]
        quiet = ("slouch_", "upright", "distr_moved", "distr_recline")
        side_t = best(grid, [x["side"] for x in train if is_(x, "side_lean")],
                      [x["side"] for x in train if is_(x, "head_tilt", *quiet)])
        tilt_t = best(grid, [x["tilt"] for x in train if is_(x, "head_tilt")],
                      [x["tilt"] for x in train if is_(x, "side_lean", "distr_lean", "distr_reach", *quiet)])
        gated = [x for x in train if is_(x, "hunch_bowed") and x["pitch"] >= 12 and x["sh"] < 8]
        looks = [x for x in train if is_(x, "look_down")]
        pick = None
        for c in np.arange(0.5, 6.01, 0.5):
            for h in np.arange(1, 7.01, 0.5):
                tp = sum(x["closer"] >= c and x["sh"] >= h for x in gated)
                fp = sum(x["closer"] >= c and x["sh"] >= h for x in looks)
                if pick is None or tp - 5 * fp > pick[0]:
                    pick = (tp - 5 * fp, c, h)
        _, c, h = pick
        o = out[s[0]]
        o["n"] += 1
        o["side_t"] += side_t
        o["tilt_t"] += tilt_t
        o["hunch_c"] += c
        o["hunch_h"] += h
        for x in test:
            if is_(x, "side_lean"):
                o["side"] += 1
                o["side_hit"] += x["side"] >= side_t
            if is_(x, "head_tilt"):
                o["tilt"] += 1
                o["tilt_hit"] += x["tilt"] >= tilt_t
            if is_(x, *quiet):
                o["quiet"] += 1
                o["quiet_hit"] += x["side"] >= side_t or x["tilt"] >= tilt_t
            if is_(x, "hunch_bowed") and x["pitch"] >= 12 and x["sh"] < 8:
                o["gated"] += 1
                o["gated_hit"] += x["closer"] >= c and x["sh"] >= h
            if is_(x, "look_down"):
                o["look"] += 1
                o["look_hit"] += x["closer"] >= c and x["sh"] >= h
    for family, o in sorted(out.items()):
        n = o["n"]
        print(f"{family}: side lean threshold {o['side_t'] / n:.2f} deg (mean), side leans over it "
              f"{o['side_hit']}/{o['side']}; head tilt threshold {o['tilt_t'] / n:.2f} deg, tilts over "
              f"it {o['tilt_hit']}/{o['tilt']}; quiet stills over either {o['quiet_hit']}/{o['quiet']}; "
              f"hunch gate (closer {o['hunch_c'] / n:.2f} %, shoulders {o['hunch_h'] / n:.2f} deg) "
              f"catches {o['gated_hit']}/{o['gated']}, look-downs caught {o['look_hit']}/{o['look']}")


if __name__ == "__main__":
    main()
