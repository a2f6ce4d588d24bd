#!/usr/bin/env python3
"""Sitwell's camera study: fits and checks the judge's camera-aware CVA-drop estimate.

Reads `sitwell analyze --mode static` records (BlazePose keypoints and the face mesh's anchors)
and the generator's labels for sets of stills, and follows the judge (src/posture/) step by step:
the frame's sighting, the camera's pitch estimated at calibration from the face, the cues in the
level view of that camera, the CVA-drop estimate, the pattern. Then it

  1. fits the camera estimate (view elevation of the eyes from the face mesh's pitch) on the
     training sets' upright stills;
  2. fits the CVA-drop estimate sat(A·Δhs + B·Δhh + C·Δhs·hh0 + D·Δhh·hh0) on the training sets
     (soft-L1 loss, every judgeable still but the look-downs), and prints the numbers to put in
     src/posture/{camera,judge}.rs;
  3. reports, per camera family (laptop / monitor / level): leave-one-subject-out (each subject
     judged by a fit, camera estimate included, made without it), leave-one-family-out (a
     family judged by a fit on the other sets only), and the fit on the evaluation sets
     (`--eval`, never fitted on).

Each set is NAME=RECORDS.jsonl:LABELS.json. Labels with a "family" per frame are split by it
(scripts/synthetic/camera_study_subjects.json); others count as one family named after the set.

usage: camera_study.py --train NAME=R:L [--train ...] [--eval NAME=R:L ...] [--per-still]
Needs numpy and scipy (the synthetic generator's venv plus `pip install scipy`).
"""
import argparse
import json
import math
import os
import sys

import numpy as np

# --- as in src/posture: keep in step -------------------------------------------------------
HFOV_DEG = 65.0                      # camera.rs ASSUMED_HFOV_DEG
TILT_RANGE = {"laptop": (3.0, 32.0), "monitor": (-28.0, 3.0), "other": (-30.0, 32.0)}
FRAME_MARGIN = 0.08                  # cues.rs
MIN_VISIBILITY = 0.5
CALIBRATION_MIN_VISIBILITY = 0.8     # baseline.rs
MAX_CALIBRATION_YAW_DEG = 20.0
MIN_HEADROOM = 0.1                   # room above the face, in face heights
MIN_HEADROOM_LOOKING_UP = 0.5        # ... when the camera looks up (a slouch raises the head)
LOOKING_UP_DEG = 8.0
NOSE_OFFSET_PER_YAW_SIN = 0.9        # cues.rs
MIN_YAW_COS = 0.5
FORWARD_HEAD_DROP_DEG = 5.5          # judge.rs
ROUNDED_SHOULDER_DROP_DEG = 8.0
LOOK_DOWN_PITCH_DEG = 12.0
MAX_YAW_DEG = 18.0
SHOULDER_DEG_PER_SHOULDER_DROP = 160.0
# BlazePose order: nose, eyes (inner, centre, outer) left then right, ears, mouth, shoulders.
KP = dict(nose=0, left_eye=2, right_eye=5, left_ear=7, right_ear=8, left_shoulder=11, right_shoulder=12)
REQUIRED = ("nose", "left_ear", "right_ear", "left_shoulder", "right_shoulder")
# analyze's face anchors, in FaceAnchor::ALL order.
ANCHORS = ("nose_tip", "forehead", "chin", "right_cheek", "left_cheek", "right_eye_outer", "left_eye_outer")
FAMILY_PLACE = {"laptop": "laptop", "monitor": "monitor"}   # anything else: "other"
SLOUCH = ("forward_head", "rounded_shoulders", "upper_crossed")


def face_roi(kp):
    """pose/face.rs roi_from_pose: centre and side of the face mesh's crop."""
    pts = np.array([k[:2] for k in kp[:11]])
    centre = pts.mean(axis=0)
    ears = np.linalg.norm(pts[7] - pts[8])
    eyes, mouth = (pts[2] + pts[5]) / 2, (pts[9] + pts[10]) / 2
    return centre, 2.0 * max(ears, 1.3 * np.linalg.norm(eyes - mouth))


def sighting(record, width, height):
    """cues.rs Sighting::of; None without a person."""
    if not record.get("person"):
        return None
    kp = record["keypoints"]
    p = {n: np.array(kp[i][:2]) for n, i in KP.items()}
    margin = FRAME_MARGIN * max(width, height)
    inside = lambda names, m: all(-m <= p[n][0] < width + m and -m <= p[n][1] < height + m for n in names)
    face = None
    if record.get("face"):
        a = {n: np.array(v) for n, v in zip(ANCHORS, record["face"]["anchors"])}
        forehead, chin = a["forehead"], a["chin"]
        pitch = math.degrees(math.atan2(chin[2] - forehead[2], chin[1] - forehead[1]))
        re, le = a["right_eye_outer"][:2], a["left_eye_outer"][:2]
        offset = (a["nose_tip"][0] - (re[0] + le[0]) / 2) / max(np.linalg.norm(le - re), 1.0)
        centre, side = face_roi(kp)
        half = side / 4.0
        face = dict(centre=np.array(record["face"]["centre"]), right_cheek=a["right_cheek"][:2],
                    headroom=(centre[1] - half) / (2 * half),
                    left_cheek=a["left_cheek"][:2], pitch=pitch,
                    yaw=math.degrees(math.asin(max(-1.0, min(1.0, offset / NOSE_OFFSET_PER_YAW_SIN)))),
                    roll=math.degrees(math.atan2(le[1] - re[1], le[0] - re[0])),
                    inside=bool(centre[0] - half >= 0 and centre[1] - half >= 0
                                and centre[0] + half <= width and centre[1] + half <= height))
    return dict(right_shoulder=p["right_shoulder"], left_shoulder=p["left_shoulder"],
                eyes=(p["left_eye"] + p["right_eye"]) / 2, face=face,
                min_visibility=min(kp[KP[n]][3] for n in REQUIRED),
                in_frame=inside(REQUIRED, margin), eyes_in_frame=inside(("left_eye", "right_eye"), 0.0))


def judgeable(s):
    return (s is not None and s["min_visibility"] >= MIN_VISIBILITY and s["in_frame"] and s["eyes_in_frame"]
            and s["face"] is not None and s["face"]["inside"])


def level_camera(width, height, tilt=0.0):
    return dict(tilt=tilt, f=width / 2 / math.tan(math.radians(HFOV_DEG / 2)), cx=width / 2, cy=height / 2)


def level_from_image(cam, p):
    """level_view.rs CameraGeometry::level_from_image."""
    t = math.radians(cam["tilt"])
    x, y = (p[0] - cam["cx"]) / cam["f"], (p[1] - cam["cy"]) / cam["f"]
    yl, zl = math.cos(t) * y - math.sin(t), math.sin(t) * y + math.cos(t)
    return np.array([cam["cx"] + cam["f"] * x / zl, cam["cy"] + cam["f"] * yl / zl])


def cues(s, cam):
    """cues.rs Cues::measure."""
    if not judgeable(s):
        return None
    f = s["face"]
    rs, ls = level_from_image(cam, s["right_shoulder"]), level_from_image(cam, s["left_shoulder"])
    sw = np.linalg.norm(ls - rs)
    fw = np.linalg.norm(level_from_image(cam, f["left_cheek"]) - level_from_image(cam, f["right_cheek"]))
    centre = level_from_image(cam, f["centre"])
    # The face's width as if it faced the camera: a turned face is narrower by cos(yaw).
    fw /= max(math.cos(math.radians(f["yaw"])), MIN_YAW_COS)
    return dict(sw=sw, hs=math.log(fw / sw), hh=(centre[1] - cam["cy"]) / sw,
                sh=((rs[1] + ls[1]) / 2 - cam["cy"]) / sw, pitch=f["pitch"], yaw=f["yaw"], roll=f["roll"])


def estimate_camera(place, pitch, eyes_y, width, height, elev):
    """level_view.rs CameraGeometry::estimate; elev = (offset, gain)."""
    cam = level_camera(width, height)
    below_axis = math.degrees(math.atan((eyes_y - cam["cy"]) / cam["f"]))
    low, high = TILT_RANGE[place]
    cam["tilt"] = min(max(elev[0] + elev[1] * pitch + below_axis, low), high)
    return cam


def calibrate(s, place, width, height, elev):
    """baseline.rs Baseline::calibrate on one upright still: (camera, centre cues) or a refusal."""
    if s is None:
        return "no person"
    if not (s["in_frame"] and s["min_visibility"] >= CALIBRATION_MIN_VISIBILITY):
        return "not visible"
    if not s["eyes_in_frame"] or (s["face"] is not None and not s["face"]["inside"]):
        return "head cut off"
    if s["face"] is None:
        return "face hidden"
    if abs(s["face"]["yaw"]) > MAX_CALIBRATION_YAW_DEG:
        return "from the side"
    cam = estimate_camera(place, s["face"]["pitch"], s["eyes"][1], width, height, elev)
    looking_up = place == "laptop" or cam["tilt"] >= LOOKING_UP_DEG
    need = MIN_HEADROOM_LOOKING_UP if looking_up else MIN_HEADROOM
    if s["face"]["headroom"] < need:
        return "no room above the head"
    c = cues(s, cam)
    return (cam, c) if c is not None else "face hidden"


def sat(x, s):
    return x / math.sqrt(1.0 + (x / s) ** 2)


def cva_drop(v, d, c0):
    """judge.rs: v = (A, B, C, D, E, saturation)."""
    x = (v[0] * d["hs"] + v[1] * d["hh"] + v[2] * d["hs"] * c0["hh"] + v[3] * d["hh"] * c0["hh"]
         + v[4] * d["sh"])
    return sat(x, v[5])


def judge(v, c, c0):
    """judge.rs judge: (pattern, CVA drop) at sensitivity 1."""
    d = {k: c[k] - c0[k] for k in ("hs", "hh", "sh", "pitch", "yaw")}
    drop = cva_drop(v, d, c0)
    shoulder = SHOULDER_DEG_PER_SHOULDER_DROP * d["sh"]
    if abs(d["yaw"]) >= MAX_YAW_DEG:
        return "unknown", drop
    if d["pitch"] >= LOOK_DOWN_PITCH_DEG and shoulder < ROUNDED_SHOULDER_DROP_DEG:
        return "look_down", drop
    head, shoulders = drop >= FORWARD_HEAD_DROP_DEG, shoulder >= ROUNDED_SHOULDER_DROP_DEG
    return ("upper_crossed" if head and shoulders else "forward_head" if head
            else "rounded_shoulders" if shoulders else "upright"), drop


# --- data ----------------------------------------------------------------------------------
def load_set(spec):
    """Subjects of one set: id -> dict(family, place, stills: condition -> still)."""
    name, _, paths = spec.partition("=")
    records_path, labels_path = paths.split(":")
    records = {}
    for line in open(records_path):
        r = json.loads(line)
        if "source" in r:
            records[os.path.basename(r["source"])] = r
    subjects = {}
    for f in json.load(open(labels_path))["frames"]:
        r = records.get(f["file"])
        if r is None:
            continue
        width, height = int(2 * f["camera"]["K"][0][2]), int(2 * f["camera"]["K"][1][2])
        family = f.get("family") if f.get("family") in ("laptop", "monitor", "level") else name
        eyes = (np.array(f["keypoints_2d"]["left_eye"][:2]) + np.array(f["keypoints_2d"]["right_eye"][:2])) / 2
        tilt = math.degrees(math.asin(f["camera"]["R"][2][1]))
        subj = subjects.setdefault(f["subject"], dict(set=name, family=family, place=FAMILY_PLACE.get(family, "other"),
                                                      width=width, height=height, stills={}))
        subj["stills"][f["condition"]] = dict(
            s=sighting(r, width, height), label=f["label"], drop=f["calib_cva_deg"] - f["cva_deg"],
            tilt=tilt, elevation=tilt - math.degrees(math.atan((eyes[1] - height / 2) / f["camera"]["K"][1][1])))
    return subjects


def fit_elevation(subjects):
    """Least squares: view elevation of the eyes = offset + gain · face pitch, on the upright stills."""
    X, y = [], []
    for subj in subjects.values():
        u = subj["stills"].get("upright")
        if u and u["s"] and u["s"]["face"] and judgeable(u["s"]):
            X.append([1.0, u["s"]["face"]["pitch"]])
            y.append(u["elevation"])
    return tuple(np.linalg.lstsq(np.array(X), np.array(y), rcond=None)[0])


def calibrated(subjects, elev):
    """Each subject's calibration (or refusal) with a given camera estimate."""
    out = {}
    for sid, subj in subjects.items():
        u = subj["stills"].get("upright")
        out[sid] = calibrate(u["s"] if u else None, subj["place"], subj["width"], subj["height"], elev)
    return out


def training_rows(subjects, cal):
    rows = []
    for sid, subj in subjects.items():
        if isinstance(cal[sid], str):
            continue
        cam, c0 = cal[sid]
        for cond, st in subj["stills"].items():
            if cond == "upright" or cond.startswith("look_down"):
                continue
            c = cues(st["s"], cam)
            if c is None or abs(c["yaw"] - c0["yaw"]) >= MAX_YAW_DEG:
                continue
            rows.append((st["drop"], {k: c[k] - c0[k] for k in ("hs", "hh", "sh", "yaw")}, c0))
    return rows


def fit_drop(rows):
    from scipy.optimize import least_squares
    res = lambda v: np.array([cva_drop(v, d, c0) - y for y, d, c0 in rows])
    v = least_squares(res, [60.0, 150.0, 0.0, 0.0, 0.0, 34.0], loss="soft_l1", f_scale=2.0).x
    v[5] = abs(v[5])  # sat() is even in its limit
    return v


def fit(subjects):
    elev = fit_elevation(subjects)
    return elev, fit_drop(training_rows(subjects, calibrated(subjects, elev)))


def judge_subject(subj, elev, v):
    """Per still: (condition, label, true drop, pattern, estimated drop); or the refusal."""
    u = subj["stills"].get("upright")
    cal = calibrate(u["s"] if u else None, subj["place"], subj["width"], subj["height"], elev)
    if isinstance(cal, str):
        return cal, []
    cam, c0 = cal
    out = []
    for cond, st in subj["stills"].items():
        if cond == "upright":
            continue
        c = cues(st["s"], cam)
        pattern, drop = judge(v, c, c0) if c is not None else ("unknown", None)
        out.append((cond, st["label"], st["drop"], pattern, drop, cam["tilt"] - u["tilt"]))
    return cam, out


def summary(results):
    """results: list of (subject, family, refusal or camera, stills) -> rows per family."""
    fams = {}
    for sid, fam, cal, stills in results:
        f = fams.setdefault(fam, dict(subjects=0, refused=[], slouched=0, caught=0, upright=0, false=0,
                                      look_down=0, look_down_flagged=0, errors=[], unknown=0, tilt_errors=[]))
        f["subjects"] += 1
        if isinstance(cal, str):
            f["refused"].append(f"{sid} ({cal})")
            continue
        for cond, label, truth, pattern, drop, tilt_error in stills:
            flagged = pattern in SLOUCH
            f["unknown"] += pattern == "unknown"
            if label == "slouched":
                f["slouched"] += 1
                f["caught"] += flagged
            elif label == "upright":
                f["upright"] += 1
                f["false"] += flagged
            elif label == "look_down":
                f["look_down"] += 1
                f["look_down_flagged"] += flagged
            if cond.startswith(("slouch_", "fhp_")) and drop is not None and pattern != "unknown":
                f["errors"].append(abs(drop - truth))
        f["tilt_errors"].append(abs(stills[0][5]) if stills else 0.0)
    return fams


def print_table(title, fams):
    print(f"\n{title}")
    print("| family | subjects (refused) | slouched flagged | false flags (upright_var + distractors) | look-down flagged | CVA-drop MAE | unknown | camera tilt error |")
    print("|---|---|---|---|---|---|---|---|")
    for fam, f in sorted(fams.items()):
        pct = lambda a, b: f"{a}/{b} ({100.0 * a / b:.1f} %)" if b else "–"
        mae = f"{np.mean(f['errors']):.2f}°" if f["errors"] else "–"
        tilt = f"{np.mean(f['tilt_errors']):.1f}°" if f["tilt_errors"] else "–"
        print(f"| {fam} | {f['subjects']} ({len(f['refused'])}) | {pct(f['caught'], f['slouched'])} | "
              f"{pct(f['false'], f['upright'])} | {f['look_down_flagged']}/{f['look_down']} | {mae} | {f['unknown']} | {tilt} |")
    refused = [r for f in fams.values() for r in f["refused"]]
    if refused:
        print("refused at calibration: " + ", ".join(refused))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--train", action="append", required=True)
    ap.add_argument("--eval", action="append", default=[])
    ap.add_argument("--per-still", action="store_true", help="print every judged still of the evaluation sets")
    ap.add_argument("--why", action="store_true", help="print the missed slouches and false flags of leave-one-subject-out")
    a = ap.parse_args()
    train = {}
    for spec in a.train:
        train.update(load_set(spec))
    elev, v = fit(train)
    print(f"camera estimate, fitted on {len(train)} training subjects: elevation = {elev[0]:.2f}° + {elev[1]:.3f} · face pitch")
    print(f"CVA-drop estimate: A = {v[0]:.1f}, B = {v[1]:.1f}, C = {v[2]:.1f}, D = {v[3]:.1f}, E = {v[4]:.1f}, saturation = {v[5]:.1f}°")

    families = sorted({s["family"] for s in train.values()})
    loso, lofo = [], []
    for fam in families:
        others = {k: s for k, s in train.items() if s["family"] != fam}
        e_f, v_f = fit(others)
        for sid, subj in sorted(train.items()):
            if subj["family"] != fam:
                continue
            e_s, v_s = fit({k: s for k, s in train.items() if k != sid})
            cal, stills = judge_subject(subj, e_s, v_s)
            loso.append((sid, fam, cal, stills))
            cal, stills = judge_subject(subj, e_f, v_f)
            lofo.append((sid, fam, cal, stills))
    print_table("Leave-one-subject-out (camera estimate and CVA estimate fitted without the subject)", summary(loso))
    if a.why:
        for sid, fam, cal, stills in loso:
            for cond, label, truth, pattern, drop, tilt_error in stills:
                wrong = (label == "slouched") != (pattern in SLOUCH) and label in ("slouched", "upright")
                if wrong:
                    print(f"  {sid} {cond:24s} {label:9s} true {truth:6.1f} est {drop if drop is not None else float('nan'):6.1f} {pattern:17s} tilt error {tilt_error:+.1f}")
    print_table("Leave-one-family-out (fitted on the other families and sets only)", summary(lofo))

    for spec in a.eval:
        subjects = load_set(spec)
        results = []
        for sid, subj in sorted(subjects.items()):
            cal, stills = judge_subject(subj, elev, v)
            results.append((sid, subj["family"], cal, stills))
            if a.per_still and not isinstance(cal, str):
                for cond, label, truth, pattern, drop, _ in stills:
                    print(f"  {sid} {cond:24s} {label:9s} true {truth:6.1f} est {drop if drop is not None else float('nan'):6.1f} {pattern}")
        print_table(f"{spec.partition('=')[0]}: the fit above, never fitted on this set", summary(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
