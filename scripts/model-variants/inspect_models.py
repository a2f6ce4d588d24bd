"""Print inputs/outputs, op histogram and initializer dtypes of each model."""
import sys, collections, onnx, onnxruntime as ort
from onnx import numpy_helper
for path in sys.argv[1:]:
    m = onnx.load(path)
    print("==", path, "opset", [(o.domain, o.version) for o in m.opset_import])
    s = ort.InferenceSession(path, providers=["CPUExecutionProvider"])
    for i in s.get_inputs(): print("  in ", i.name, i.shape, i.type)
    for o in s.get_outputs(): print("  out", o.name, o.shape, o.type)
    ops = collections.Counter(n.op_type for n in m.graph.node)
    print("  ops", dict(ops.most_common()))
    dt = collections.Counter()
    for t in m.graph.initializer: dt[onnx.TensorProto.DataType.Name(t.data_type)] += numpy_helper.to_array(t).size
    print("  initializer elements by dtype", dict(dt))
