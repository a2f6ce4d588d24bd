"""Build fp32-expanded, fp16 and dynamic-int8 variants of each model.

The shipped models store weights as FP16 initializers followed by Cast(to=FLOAT). The
quantizers only see initializers feeding Conv directly, so we first fold those Casts into
FP32 initializers ("fp32x" = numerically identical to the shipped model).
"""
import os, sys, numpy as np, onnx
from onnx import numpy_helper, TensorProto
from onnxruntime.quantization import quantize_dynamic, QuantType
from onnxconverter_common import float16
ROOT = os.environ["SITWELL_ROOT"]  # the checkout (run.sh sets it)

SRC = f"{ROOT}/models"
OUT = os.path.join(os.getcwd(), "models")  # the work folder (run.sh: target/model-variants)
NAMES = ["pose_landmark_lite", "pose_landmark_full", "face_landmark", "pose_detection"]

def expand_fp16_casts(m):
    inits = {t.name: t for t in m.graph.initializer}
    keep, new_inits, dropped = [], [], set()
    for n in m.graph.node:
        if n.op_type == "Cast" and len(n.input) == 1 and n.input[0] in inits:
            to = next(a.i for a in n.attribute if a.name == "to")
            t = inits[n.input[0]]
            if to == TensorProto.FLOAT and t.data_type == TensorProto.FLOAT16:
                arr = numpy_helper.to_array(t).astype(np.float32)
                new_inits.append(numpy_helper.from_array(arr, n.output[0]))
                dropped.add(n.input[0])
                continue
        keep.append(n)
    del m.graph.node[:]
    m.graph.node.extend(keep)
    used = {i for n in m.graph.node for i in n.input}
    rest = [t for t in m.graph.initializer if t.name not in dropped or t.name in used]
    del m.graph.initializer[:]
    m.graph.initializer.extend(rest + new_inits)
    # drop stale value_info for removed tensors is harmless; keep
    return m

if __name__ == "__main__":
    names = sys.argv[1:] or NAMES
    os.makedirs(OUT, exist_ok=True)
    for name in names:
        m = onnx.load(f"{SRC}/{name}.onnx")
        m = expand_fp16_casts(m)
        onnx.checker.check_model(m)
        p32 = f"{OUT}/{name}.fp32x.onnx"
        onnx.save(m, p32)
        # fp16 compute (weights and activations), fp32 I/O
        m16 = float16.convert_float_to_float16(onnx.load(p32), keep_io_types=True)
        onnx.save(m16, f"{OUT}/{name}.fp16.onnx")
        # dynamic int8 (weights int8, activations quantized on the fly; Conv -> ConvInteger)
        quantize_dynamic(p32, f"{OUT}/{name}.int8dyn.onnx", weight_type=QuantType.QUInt8)
        # dynamic int8, per-channel signed weights
        quantize_dynamic(p32, f"{OUT}/{name}.int8dyn_pc.onnx", weight_type=QuantType.QInt8, per_channel=True)
        print(name, "done")
