"""Mixed-precision static QDQ: only the first FRAC of nodes (topological order) are quantized;
the rest (incl. the regression/heatmap heads) stay fp32. Usage: make_mixed.py FRAC"""
import os, sys, onnx
from onnxruntime.quantization import quantize_static, QuantFormat, QuantType, CalibrationMethod
from common import calibration_set
HERE = os.getcwd()  # the work folder (run.sh: target/model-variants)
meta, crops, cal, Reader = calibration_set()
frac = float(sys.argv[1])
for name in ["pose_landmark_lite", "pose_landmark_full"]:
    pre = f"{HERE}/models/{name}.fp32x_pre.onnx"
    nodes = onnx.load(pre).graph.node
    cut = int(len(nodes) * frac)
    exclude = [n.name for n in nodes[cut:]]
    quantize_static(pre, f"{HERE}/models/{name}.int8qdq_first{int(frac*100)}.onnx", Reader(crops["pose"]),
                    quant_format=QuantFormat.QDQ, per_channel=True, activation_type=QuantType.QUInt8,
                    weight_type=QuantType.QInt8, calibrate_method=CalibrationMethod.MinMax,
                    nodes_to_exclude=exclude)
    print(name, "quantized", cut, "of", len(nodes), "nodes")
