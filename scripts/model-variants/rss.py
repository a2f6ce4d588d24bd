"""RSS growth of loading one model in a fresh process. Usage: rss.py  (spawns one child per model)."""
import glob, json, os, subprocess, sys
HERE = os.getcwd()  # the work folder (run.sh: target/model-variants)
ROOT = os.environ["SITWELL_ROOT"]  # the checkout (run.sh sets it)
CHILD = r'''
import sys, numpy as np, onnxruntime as ort
def rss():
    for l in open("/proc/self/status"):
        if l.startswith("VmRSS"): return int(l.split()[1])
p = sys.argv[1]
o = ort.SessionOptions(); o.intra_op_num_threads = 1; o.inter_op_num_threads = 1
o.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
b = rss()
s = ort.InferenceSession(p, o, providers=["CPUExecutionProvider"])
a = rss()
shape = s.get_inputs()[0].shape
s.run(None, {"input_1": np.random.rand(*shape).astype(np.float32)})
r = rss()
print(b, a, r)
'''
res = {}
for name in ["pose_landmark_lite", "pose_landmark_full", "face_landmark", "pose_detection"]:
    paths = [("fp32 (shipped)", f"{ROOT}/models/{name}.onnx")] + [
        (os.path.basename(p).split(".")[1], p) for p in sorted(glob.glob(f"{HERE}/models/{name}.*.onnx"))
        if "fp32x" not in p]
    for tag, p in paths:
        vals = []
        for _ in range(3):
            out = subprocess.run([sys.executable, "-c", CHILD, p], capture_output=True, text=True).stdout.split()
            b, a, r = map(int, out)
            vals.append((a - b, r - b))
        load = sorted(v[0] for v in vals)[1] / 1024; first = sorted(v[1] for v in vals)[1] / 1024
        res[f"{name}|{tag}"] = dict(size_bytes=os.path.getsize(p), rss_load_mib=load, rss_after_first_run_mib=first)
        print(f"{name:20} {tag:16} size {os.path.getsize(p)/1e6:6.2f} MB  RSS +{load:6.1f} MiB load, +{first:6.1f} MiB after 1st run (median of 3 processes)", flush=True)
json.dump(res, open(f"{HERE}/data/rss.json", "w"), indent=1)
