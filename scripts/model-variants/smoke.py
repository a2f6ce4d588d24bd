"""The folded fp32 models give the shipped models' outputs, and every variant loads and runs."""
import glob, os, numpy as np, onnxruntime as ort
ROOT = os.environ["SITWELL_ROOT"]  # the checkout (run.sh sets it)
rng = np.random.default_rng(0)
for name in ["pose_landmark_lite", "pose_landmark_full", "face_landmark", "pose_detection"]:
    ref = ort.InferenceSession(f"{ROOT}/models/{name}.onnx", providers=["CPUExecutionProvider"])
    shp = ref.get_inputs()[0].shape
    x = rng.random(shp, dtype=np.float32)
    r = ref.run(None, {"input_1": x})
    for p in sorted(glob.glob(f"models/{name}.*.onnx")):
        try:
            s = ort.InferenceSession(p, providers=["CPUExecutionProvider"])
            o = s.run(None, {"input_1": x})
            print(p, [float(np.abs(a - b).max()) for a, b in zip(r, o)])
        except Exception as e:
            print(p, "FAILED", str(e)[:200])
