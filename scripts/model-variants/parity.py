"""Parity of each variant against the shipped fp32 model on the 'eval' crops.
Writes data/parity.json and prints a summary."""
import glob, json, os, numpy as np, onnxruntime as ort
from common import sigmoid
from make_crops import refine
ROOT = os.environ["SITWELL_ROOT"]  # the checkout (run.sh sets it)

HERE = os.getcwd()  # the work folder (run.sh: target/model-variants)
meta = json.load(open(f"{HERE}/data/crops_meta.json"))
crops = np.load(f"{HERE}/data/crops.npz")
det = np.load(f"{HERE}/data/det.npz")["det"]
EV = [i for i, m in enumerate(meta) if m["split"] == "eval"]
FACE_ANCHORS = [1, 33, 263, 61, 291, 10, 152]

def sess(p):
    o = ort.SessionOptions(); o.intra_op_num_threads = 2
    o.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    return ort.InferenceSession(p, o, providers=["CPUExecutionProvider"])

def variants(name):
    vs = sorted(p for p in glob.glob(f"{HERE}/models/{name}.*.onnx") if "fp32x" not in p)
    return [(os.path.basename(p).split(".")[1], p) for p in vs]

def stats(err_img, per_crop):
    """err_img: list of per-crop arrays of point errors (image px)."""
    flat = np.concatenate(err_img)
    meds = np.array([np.median(e) for e in per_crop]); maxs = np.array([e.max() for e in per_crop])
    return dict(median=float(np.median(flat)), p95=float(np.percentile(flat, 95)), max=float(flat.max()),
                worst_crop_median=float(meds.max()), crops_median_gt_1_5=int((meds > 1.5).sum()),
                crops_max_gt_4=int((maxs > 4).sum()), n_crops=len(per_crop))

def by_group(idx, errs):
    out = {}
    for g in sorted({meta[i]["group"] for i in idx}):
        e = [errs[k] for k, i in enumerate(idx) if meta[i]["group"] == g]
        if e: out[g] = stats(e, e)
    return out

res = {}
for name in ["pose_landmark_lite", "pose_landmark_full"]:
    ref = sess(f"{ROOT}/models/{name}.onnx")
    X = crops["pose"]
    R = [ref.run(None, {"input_1": X[i][None]}) for i in EV]
    pkey = "presence_" + name.split("_")[-1]
    for tag, p in variants(name):
        s = sess(p)
        O = [s.run(None, {"input_1": X[i][None]}) for i in EV]
        agree = sum((r[1].ravel()[0] >= .5) == (o[1].ravel()[0] >= .5) for r, o in zip(R, O))
        dpres = max(abs(float(r[1].ravel()[0] - o[1].ravel()[0])) for r, o in zip(R, O))
        raw_c, raw_i, ref_c, ref_i, idx = [], [], [], [], []
        for k, i in enumerate(EV):
            r, o = R[k], O[k]
            if r[1].ravel()[0] < .5:
                continue
            scale = meta[i]["pose_roi"][2] / 256
            a, b = r[0].reshape(39, 5), o[0].reshape(39, 5)
            e = np.linalg.norm(a[:13, :2] - b[:13, :2], axis=1)
            raw_c.append(e); raw_i.append(e * scale)
            ra, rb = refine(a, r[2][0]), refine(b, o[2][0])
            e2 = np.linalg.norm(ra[:13, :2] - rb[:13, :2], axis=1)
            ref_c.append(e2); ref_i.append(e2 * scale); idx.append(i)
        res[(name, tag)] = dict(
            presence_agree=f"{agree}/{len(EV)}", presence_max_abs_diff=dpres,
            raw_crop_px=stats(raw_c, raw_c), raw_image_px=stats(raw_i, raw_i),
            refined_crop_px=stats(ref_c, ref_c), refined_image_px=stats(ref_i, ref_i),
            raw_image_px_by_group=by_group(idx, raw_i), refined_image_px_by_group=by_group(idx, ref_i))
        print(name, tag, json.dumps({k: v for k, v in res[(name, tag)].items() if "group" not in k}))

name = "face_landmark"
ref = sess(f"{ROOT}/models/{name}.onnx")
X = crops["face"]
R = [ref.run(None, {"input_1": X[i][None]}) for i in EV]
for tag, p in variants(name):
    s = sess(p)
    O = [s.run(None, {"input_1": X[i][None]}) for i in EV]
    agree = sum((r[1].ravel()[0] >= 0) == (o[1].ravel()[0] >= 0) for r, o in zip(R, O))
    dflag = max(abs(float(sigmoid(r[1].ravel()[0]) - sigmoid(o[1].ravel()[0]))) for r, o in zip(R, O))
    all_c, all_i, anc_i, idx = [], [], [], []
    for k, i in enumerate(EV):
        r, o = R[k], O[k]
        if r[1].ravel()[0] < 0:
            continue
        scale = meta[i]["face_roi"][2] / 192
        a, b = r[0].reshape(468, 3), o[0].reshape(468, 3)
        e = np.linalg.norm(a[:, :2] - b[:, :2], axis=1)
        all_c.append(e); all_i.append(e * scale); anc_i.append(e[FACE_ANCHORS] * scale); idx.append(i)
    res[(name, tag)] = dict(face_flag_agree=f"{agree}/{len(EV)}", face_flag_max_abs_diff=dflag,
                            all468_crop_px=stats(all_c, all_c), all468_image_px=stats(all_i, all_i),
                            anchors7_image_px=stats(anc_i, anc_i),
                            anchors7_image_px_by_group=by_group(idx, anc_i),
                            all468_image_px_by_group=by_group(idx, all_i))
    print(name, tag, json.dumps({k: v for k, v in res[(name, tag)].items() if "group" not in k}))

# detector: the fp32 top-scoring anchor's 12 regression values (box + 4 keypoints, 224-px units)
name = "pose_detection"
ref = sess(f"{ROOT}/models/{name}.onnx")
R = [ref.run(None, {"input_1": det[i][None]}) for i in EV]
for tag, p in variants(name):
    s = sess(p)
    O = [s.run(None, {"input_1": det[i][None]}) for i in EV]
    same_top, agree, kp_c, kp_i = 0, 0, [], []
    for k, i in enumerate(EV):
        r, o = R[k], O[k]
        j = int(np.argmax(r[1].ravel())); jo = int(np.argmax(o[1].ravel()))
        same_top += j == jo
        agree += (r[1].ravel()[j] >= 0) == (o[1].ravel()[jo] >= 0)   # person found at 0.5 score
        if r[1].ravel()[j] < 0:
            continue
        a, b = r[0][0, j].reshape(6, 2), o[0][0, j].reshape(6, 2)
        e = np.linalg.norm(a[2:4] - b[2:4], axis=1)  # keypoints 0,1 = hip centre, scale point
        kp_c.append(e); kp_i.append(e * max(meta[i]["w"], meta[i]["h"]) / 224)
    res[(name, tag)] = dict(found_agree=f"{agree}/{len(EV)}", same_top_anchor=f"{same_top}/{len(EV)}",
                            align_pts_det_px=stats(kp_c, kp_c), align_pts_image_px=stats(kp_i, kp_i))
    print(name, tag, json.dumps(res[(name, tag)]))

json.dump({f"{a}|{b}": v for (a, b), v in res.items()}, open(f"{HERE}/data/parity.json", "w"), indent=1)
