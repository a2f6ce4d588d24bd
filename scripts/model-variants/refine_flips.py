"""How often heatmap refinement turns a tiny fp16 change into a jump (points 0-12, eval crops)."""
import json, os, numpy as np, onnxruntime as ort
from make_crops import refine
ROOT = os.environ["SITWELL_ROOT"]  # the checkout (run.sh sets it)
meta = json.load(open("data/crops_meta.json")); X = np.load("data/crops.npz")["pose"]
EV = [i for i, m in enumerate(meta) if m["split"] == "eval"]
for name in ["pose_landmark_lite", "pose_landmark_full"]:
    a_s = ort.InferenceSession(f"{ROOT}/models/{name}.onnx"); b_s = ort.InferenceSession(f"models/{name}.fp16.onnx")
    big = []
    for i in EV:
        r = a_s.run(None, {"input_1": X[i][None]}); o = b_s.run(None, {"input_1": X[i][None]})
        if r[1].ravel()[0] < .5: continue
        e = np.linalg.norm(refine(r[0].reshape(39, 5), r[2][0])[:13, :2] - refine(o[0].reshape(39, 5), o[2][0])[:13, :2], axis=1)
        for k in np.where(e > 0.5)[0]:
            big.append((meta[i]["name"], int(k), round(float(e[k]), 2), round(float(e[k] * meta[i]["pose_roi"][2] / 256), 2)))
    print(name, "fp16 refined errors > 0.5 crop px (name, point, crop px, image px):", big)
