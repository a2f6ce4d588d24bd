"""Static int8 (QDQ, per-channel int8 weights, uint8 activations) calibrated on the 'cal' crops.
Usage: make_static.py [method]   method: MinMax (default) | Percentile | Entropy
"""
import os, sys, numpy as np
from onnxruntime.quantization import quantize_static, QuantFormat, QuantType, CalibrationMethod
from onnxruntime.quantization.shape_inference import quant_pre_process
from common import calibration_set

HERE = os.getcwd()  # the work folder (run.sh: target/model-variants)
meta, crops, cal, Reader = calibration_set()

method = sys.argv[1] if len(sys.argv) > 1 else "MinMax"
tag = {"MinMax": "int8qdq", "Percentile": "int8qdq_pct", "Entropy": "int8qdq_ent"}[method]
for name, key in [("pose_landmark_lite", "pose"), ("pose_landmark_full", "pose"), ("face_landmark", "face")]:
    src = f"{HERE}/models/{name}.fp32x.onnx"
    pre = f"{HERE}/models/{name}.fp32x_pre.onnx"
    if not os.path.exists(pre):
        quant_pre_process(src, pre, skip_symbolic_shape=True)
    extra = {"CalibMovingAverage": False}
    if method == "Percentile":
        extra["CalibPercentile"] = 99.99
    quantize_static(pre, f"{HERE}/models/{name}.{tag}.onnx", Reader(crops[key]),
                    quant_format=QuantFormat.QDQ, per_channel=True,
                    activation_type=QuantType.QUInt8, weight_type=QuantType.QInt8,
                    calibrate_method=getattr(CalibrationMethod, method), extra_options=extra)
    print(name, tag, "done", len(cal), "calibration crops")

# detector: calibrated on the same 'cal' sources, letterboxed 224 inputs in [-1,1]
det = np.load(f"{HERE}/data/det.npz")["det"]
src = f"{HERE}/models/pose_detection.fp32x.onnx"; pre = f"{HERE}/models/pose_detection.fp32x_pre.onnx"
if not os.path.exists(pre):
    quant_pre_process(src, pre, skip_symbolic_shape=True)
quantize_static(pre, f"{HERE}/models/pose_detection.{tag}.onnx", Reader(det),
                quant_format=QuantFormat.QDQ, per_channel=True,
                activation_type=QuantType.QUInt8, weight_type=QuantType.QInt8,
                calibrate_method=getattr(CalibrationMethod, method),
                extra_options={"CalibPercentile": 99.99} if method == "Percentile" else {})
print("pose_detection", tag, "done")
