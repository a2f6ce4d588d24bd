"""Latency: ORT CPU, 1 intra / 1 inter thread, ORT_ENABLE_ALL, sequential; 20 warm-up then
200 timed runs per variant, interleaved in blocks of 10 across the variants of one model.
Usage: bench.py RUN_LABEL  -> data/bench_<label>.json"""
import json, os, sys, time, numpy as np, onnxruntime as ort
ROOT = os.environ["SITWELL_ROOT"]  # the checkout (run.sh sets it)
HERE = os.getcwd()  # the work folder (run.sh: target/model-variants)
crops = np.load(f"{HERE}/data/crops.npz"); det = np.load(f"{HERE}/data/det.npz")["det"]
meta = json.load(open(f"{HERE}/data/crops_meta.json"))
i0 = next(i for i, m in enumerate(meta) if m["split"] == "eval" and m["group"] == "real_clip")
MODELS = {
    "pose_landmark_lite": (crops["pose"][i0][None], ["fp16", "int8dyn", "int8qdq", "int8qdq_first25"]),
    "pose_landmark_full": (crops["pose"][i0][None], ["fp16", "int8dyn", "int8qdq", "int8qdq_first25"]),
    "face_landmark": (crops["face"][i0][None], ["fp16", "int8dyn", "int8dyn_pc", "int8qdq"]),
    "pose_detection": (det[i0][None], ["fp16", "int8dyn", "int8qdq"]),
}
def sess(p):
    o = ort.SessionOptions()
    o.intra_op_num_threads = 1; o.inter_op_num_threads = 1
    o.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    o.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    return ort.InferenceSession(p, o, providers=["CPUExecutionProvider"])
out = {}
for name, (x, tags) in MODELS.items():
    paths = {"fp32 (shipped)": f"{ROOT}/models/{name}.onnx"}
    paths.update({t: f"{HERE}/models/{name}.{t}.onnx" for t in tags})
    ss = {t: sess(p) for t, p in paths.items()}
    feed = {"input_1": x}
    for s in ss.values():
        for _ in range(20): s.run(None, feed)
    times = {t: [] for t in ss}
    for _ in range(20):           # 20 blocks x 10 runs = 200 per variant
        for t, s in ss.items():
            for _ in range(10):
                a = time.perf_counter_ns(); s.run(None, feed); times[t].append(time.perf_counter_ns() - a)
    for t, v in times.items():
        v = np.array(v) / 1e6
        out[f"{name}|{t}"] = dict(median_ms=float(np.median(v)), p90_ms=float(np.percentile(v, 90)), n=len(v))
        print(f"{name:20} {t:16} median {np.median(v):7.3f} ms  p90 {np.percentile(v, 90):7.3f} ms", flush=True)
json.dump(out, open(f"{HERE}/data/bench_{sys.argv[1]}.json", "w"), indent=1)
