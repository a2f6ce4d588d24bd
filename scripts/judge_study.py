#!/usr/bin/env python3
"""How far can the judge's frontal cues go? A study over labelled synthetic subjects.

Reads `sitwell analyze --mode static` records and the generator's `labels.json` for one or more
sets of stills, computes the judge's two CVA cues the way `src/posture/cues.rs` does (head scale
= ln(ear width / shoulder width), ear height below the image centre in shoulder widths; each
relative to the subject's `upright` still), and prints the CVA-drop MAE over the slouch and
forward-head stills for:

  1. the shipped estimate (src/posture/judge.rs): two gains, then a soft saturation
     x / sqrt(1 + (x / s)^2);
  2. the linear gains shipped before it;
  3. the shipped form refitted on the training set (least absolute error; the shipped numbers
     are this fit on the subjects within 6 degrees of level, rounded);
  4. the two cues refitted linearly on the training set (least squares);
  5. the same linear refit on the *true* 2-D points of the labels instead of BlazePose's;
  6. the true points plus the true camera geometry (the view elevation of the ears and the
     camera's tilt, from the labels' K and R): what a perfect camera model could add.
The last column is leave-one-subject-out on the training set (fit on the others, frozen).

Rows 5 and 6 separate the model's keypoint noise from what a frontal view cannot know.

usage: judge_study.py --train NAME=RECORDS.jsonl:LABELS.json [--eval NAME=...]... [--max-tilt DEG]
Needs numpy (the synthetic generator's venv has it) and scipy (`pip install scipy`).
"""
import argparse
import json
import math
import os
import sys

import numpy as np

# Keep in step with src/posture/judge.rs: drop = sat(hs·Δhead scale + eh·Δear height).
SHIPPED = {"hs": 52.0, "eh": 171.0, "saturation": 34.0}
# The linear gains shipped before the estimate levelled off (fitted on the dev set).
LINEAR_BEFORE = {"hs": 95.0, "eh": 110.0}
EYES = (2, 5)  # left_eye, right_eye: calibration refuses a head cut off at the top edge
POINTS = {"nose": 0, "left_ear": 7, "right_ear": 8, "left_shoulder": 11, "right_shoulder": 12}
SCORED = ("slouch_", "fhp_")
# The distractors a refit also sees (their true drop is ~0), so it does not learn to flag them.
FIT_EXTRA = ("upright_var", "distr_moved_closer", "distr_turn_head_25")


def cues(pt, width, height):
    """pt: name -> (x, y) in pixels."""
    le, re = np.array(pt["left_ear"]), np.array(pt["right_ear"])
    ls, rs = np.array(pt["left_shoulder"]), np.array(pt["right_shoulder"])
    sw = np.linalg.norm(ls - rs)
    ew = np.linalg.norm(le - re)
    return {"hs": math.log(ew / sw), "eh": ((le[1] + re[1]) / 2 - height / 2) / sw}


def camera_geometry(frame, width, height):
    """(ear view elevation, camera tilt) in radians, both positive when the camera looks up at
    the ears / is pitched down, from the label's intrinsics and rotation."""
    cam = frame["camera"]
    f = cam["K"][1][1]
    cy = cam["K"][1][2]
    tilt_down = math.asin(max(-1.0, min(1.0, -cam["R"][2][1])))
    ear_y = (frame["keypoints_2d"]["left_ear"][1] + frame["keypoints_2d"]["right_ear"][1]) / 2
    elevation = math.atan((cy - ear_y) / f) - tilt_down
    return elevation, tilt_down


def load_set(spec):
    name, _, paths = spec.partition("=")
    records, labels = paths.split(":")
    frames = json.load(open(labels))["frames"]
    width, height = 640, 480
    model = {}
    head_cut = set()
    for line in open(records):
        r = json.loads(line)
        if "source" not in r or not r.get("person"):
            continue
        kp = r["keypoints"]
        model[os.path.basename(r["source"])] = cues({n: kp[i][:2] for n, i in POINTS.items()}, width, height)
        if not all(0 <= kp[i][0] < width and 0 <= kp[i][1] < height for i in EYES):
            head_cut.add(os.path.basename(r["source"]))
    truth = {f["file"]: cues({n: f["keypoints_2d"][n][:2] for n in POINTS}, width, height) for f in frames}
    rows = []
    for f in frames:
        base = f["subject"] + "_upright.jpg"
        if f["file"] not in model or base not in model or base in head_cut:
            continue
        elevation, tilt = camera_geometry(next(g for g in frames if g["file"] == base), width, height)
        rows.append({
            "subject": f["subject"], "condition": f["condition"],
            "y": f["calib_cva_deg"] - f["cva_deg"],
            "model": {k: model[f["file"]][k] - model[base][k] for k in ("hs", "eh")},
            "truth": {k: truth[f["file"]][k] - truth[base][k] for k in ("hs", "eh")},
            "elevation": elevation, "tilt": tilt,
        })
    refused = sorted(b.split("_")[0] for b in head_cut if b.endswith("_upright.jpg"))
    if refused:
        print(f"{name}: calibration refuses {', '.join(refused)} (eyes above the picture); left out")
    return name, rows


def scored(rows):
    """The stills the MAE is taken over: slouches and forward heads."""
    return [r for r in rows if r["condition"].startswith(SCORED)]


def fit_rows(rows):
    """The stills a fit sees: the scored ones plus distractors whose true drop is ~0."""
    return [r for r in rows if r["condition"].startswith(SCORED) or r["condition"] in FIT_EXTRA]


def features(row, source, geometry):
    d = row[source]
    x = [d["hs"], d["eh"]]
    if geometry:
        for g in (row["elevation"], row["tilt"]):
            x += [d["hs"] * g, d["eh"] * g]
    return x


def linear(source, geometry):
    """A linear reading of the cues (from `source` points, optionally with the camera
    geometry), as (fit, predict); fitted by least squares."""

    def predict(w, row):
        return float(np.dot(w, features(row, source, geometry)))

    def fit(rows):
        sel = fit_rows(rows)
        X = np.array([features(r, source, geometry) for r in sel])
        y = np.array([r["y"] for r in sel])
        return np.linalg.lstsq(X, y, rcond=None)[0]

    return fit, predict


def predict_saturating(v, row):
    """The shipped form: (hs, eh) gains, then levelling off at v[2] degrees."""
    x = v[0] * row["model"]["hs"] + v[1] * row["model"]["eh"]
    return x / math.sqrt(1.0 + (x / v[2]) ** 2)


def fit_saturating(rows):
    """The shipped form fitted by least absolute error."""
    from scipy.optimize import minimize

    sel = fit_rows(rows)

    def loss(v):
        return np.mean([abs(predict_saturating(v, r) - r["y"]) for r in sel]) if v[2] > 1.0 else 1e9

    start = [LINEAR_BEFORE["hs"], LINEAR_BEFORE["eh"], 30.0]
    return minimize(loss, start, method="Nelder-Mead", options={"maxiter": 6000}).x


def mae(predict, params, rows):
    return float(np.mean([abs(predict(params, r) - r["y"]) for r in scored(rows)]))


def loso(fit, predict, rows):
    """Leave-one-subject-out: fit on the others, judge the one left out; MAE over all."""
    errors = []
    for s in sorted({r["subject"] for r in rows}):
        params = fit([r for r in rows if r["subject"] != s])
        errors += [abs(predict(params, r) - r["y"]) for r in scored(rows) if r["subject"] == s]
    return float(np.mean(errors))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--train", required=True)
    ap.add_argument("--eval", action="append", default=[])
    ap.add_argument("--max-tilt", type=float, default=90.0, help="keep training subjects whose camera tilt is within ±DEG")
    a = ap.parse_args()
    train_name, train = load_set(a.train)
    train = [r for r in train if abs(math.degrees(r["tilt"])) <= a.max_tilt]
    sets = [(train_name, train)] + [load_set(s) for s in a.eval]
    print(f"training: {train_name}, {len({r['subject'] for r in train})} subjects (camera tilt within ±{a.max_tilt:g}°)")
    header = "| cue model | " + " | ".join(f"{n} ({len({r['subject'] for r in rs})})" for n, rs in sets) + f" | leave-one-subject-out on {train_name} |"
    print(header)
    print("|---" * (len(sets) + 2) + "|")
    def row(label, predict, params, held_out="–"):
        print(f"| {label} | " + " | ".join(f"{mae(predict, params, rs):.2f}°" for _, rs in sets) + f" | {held_out} |")

    shipped = [SHIPPED["hs"], SHIPPED["eh"], SHIPPED["saturation"]]
    row("shipped: 52·Δhs + 171·Δeh, levelling off at 34°, BlazePose lite points", predict_saturating, shipped)
    _, predict_before = linear("model", False)
    row("before: 95·Δhs + 110·Δeh, linear", predict_before, np.array([LINEAR_BEFORE["hs"], LINEAR_BEFORE["eh"]]))
    v = fit_saturating(train)
    row(f"shipped form refitted ({v[0]:.0f}, {v[1]:.0f}, {v[2]:.0f}°)", predict_saturating, v,
        f"{loso(fit_saturating, predict_saturating, train):.2f}°")
    for label, source, geometry in [
        ("linear refit, BlazePose lite points", "model", False),
        ("linear refit, true 2-D points", "truth", False),
        ("linear refit, true points + true camera geometry", "truth", True),
    ]:
        fit, predict = linear(source, geometry)
        row(label, predict, fit(train), f"{loso(fit, predict, train):.2f}°")
    return 0


if __name__ == "__main__":
    sys.exit(main())
