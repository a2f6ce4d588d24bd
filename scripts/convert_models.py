"""Convert MediaPipe's BlazePose TFLite models (and its face mesh) to the ONNX files in `models/`.

Run through `scripts/convert-models.sh`, which fetches the pinned sources and
builds the Python environment. Steps per model:

1. (detector only) densify: the detector stores some weights sparse, behind
   DENSIFY ops that tf2onnx cannot read. We run the TFLite interpreter once,
   read every DENSIFY output (a plain fp16 tensor), store it as a constant
   buffer and drop the DENSIFY ops. The densified model's outputs are checked
   to be identical to the original's.
2. tf2onnx (--tflite, opset 17).
3. landmark models only: drop the segmentation output and the nodes only it needs. Sitwell
   never uses the person mask, and that head is more than half of the model's CPU time.
4. fp16 storage: every fp32 initializer that fp16 represents exactly (all the
   weights: the originals are fp16) is stored as fp16 followed by a Cast.
   Lossless; ONNX Runtime folds the Casts when it loads the session.
5. check: the ONNX model in ONNX Runtime against the original TFLite model on
   the same random inputs, every remaining output; print the max difference and sha256.

The result is not byte-reproducible (tf2onnx invents constant names), which is
why the .onnx files are committed and checked by sha256 at load time.
"""

import argparse
import hashlib
import os
import subprocess
import sys
import tempfile

import numpy as np

DENSIFY = 124


def op_code(model, op):
    code = model.operatorCodes[op.opcodeIndex]
    return max(code.builtinCode, code.deprecatedBuiltinCode)


def densify(src, dst):
    """Replace the DENSIFY ops of `src` by constant dense tensors; write `dst`."""
    from ai_edge_litert.interpreter import Interpreter, OpResolverType
    from ai_edge_litert.tools import flatbuffer_utils as fb

    # Without the XNNPACK delegate, so that every DENSIFY output is a real tensor.
    interp = Interpreter(
        model_path=src,
        experimental_preserve_all_tensors=True,
        experimental_op_resolver_type=OpResolverType.BUILTIN_WITHOUT_DEFAULT_DELEGATES,
    )
    interp.allocate_tensors()
    for d in interp.get_input_details():
        interp.set_tensor(d["index"], np.zeros(d["shape"], d["dtype"]))
    interp.invoke()

    model = fb.read_model(src)
    graph = model.subgraphs[0]
    kept = []
    removed = 0
    for op in graph.operators:
        if op_code(model, op) != DENSIFY:
            kept.append(op)
            continue
        sparse_idx, dense_idx = op.inputs[0], op.outputs[0]
        dense = interp.get_tensor(dense_idx)
        buf = type(model.buffers[0])()
        buf.data = np.frombuffer(dense.tobytes(), dtype=np.uint8)
        model.buffers.append(buf)
        buf_idx = len(model.buffers) - 1
        graph.tensors[dense_idx].buffer = buf_idx
        graph.tensors[sparse_idx].buffer = buf_idx
        graph.tensors[sparse_idx].sparsity = None
        removed += 1
    graph.operators = kept
    fb.write_model(model, dst)
    print(f"  densify: replaced {removed} DENSIFY ops")
    return removed


def tflite_outputs(path, inputs):
    from ai_edge_litert.interpreter import Interpreter

    interp = Interpreter(model_path=path)
    interp.allocate_tensors()
    for d, x in zip(interp.get_input_details(), inputs):
        interp.set_tensor(d["index"], x)
    interp.invoke()
    return {d["name"]: interp.get_tensor(d["index"]) for d in interp.get_output_details()}


SEGMENTATION_OUTPUT = "Identity_2"


def drop_segmentation(src, dst):
    """Removes the landmark model's segmentation output and its exclusive nodes."""
    import onnx
    from onnx.utils import Extractor

    model = onnx.load(src)
    outputs = [o.name for o in model.graph.output if o.name != SEGMENTATION_OUTPUT]
    inputs = [i.name for i in model.graph.input]
    pruned = Extractor(model).extract_model(inputs, outputs)
    onnx.save(pruned, dst)
    print(f"  pruned segmentation head: {len(model.graph.node)} -> {len(pruned.graph.node)} nodes")


def store_fp16(src, dst):
    """Store exactly-representable fp32 initializers as fp16 + Cast."""
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    model = onnx.load(src)
    graph = model.graph
    kept, casts, converted = [], [], 0
    for init in graph.initializer:
        arr = numpy_helper.to_array(init)
        if (
            init.data_type == TensorProto.FLOAT
            and arr.size >= 16
            and np.array_equal(arr.astype(np.float16).astype(np.float32), arr)
        ):
            half = numpy_helper.from_array(arr.astype(np.float16), init.name + "__fp16")
            kept.append(half)
            casts.append(helper.make_node("Cast", [half.name], [init.name], to=TensorProto.FLOAT))
            converted += 1
        else:
            kept.append(init)
    del graph.initializer[:]
    graph.initializer.extend(kept)
    nodes = casts + list(graph.node)
    del graph.node[:]
    graph.node.extend(nodes)
    onnx.checker.check_model(model)
    onnx.save(model, dst)
    print(f"  fp16: {converted} initializers stored as fp16")


def check(tflite_path, onnx_path, seed=0):
    import onnxruntime as ort

    sess = ort.InferenceSession(onnx_path, providers=["CPUExecutionProvider"])
    rng = np.random.default_rng(seed)
    feeds = {}
    for i in sess.get_inputs():
        # The detector takes [-1, 1], the landmark models [0, 1].
        low = -1.0 if i.shape[1] == 224 else 0.0
        feeds[i.name] = rng.uniform(low, 1, size=i.shape).astype(np.float32)
    ours = sess.run(None, feeds)
    theirs = tflite_outputs(tflite_path, list(feeds.values()))
    # Outputs are matched by shape, since the two runtimes name them differently.
    worst = 0.0
    for o, meta in zip(ours, sess.get_outputs()):
        match = [v for v in theirs.values() if v.shape == o.shape]
        if not match:
            sys.exit(f"no TFLite output with shape {o.shape} for {meta.name}")
        diff = min(float(np.max(np.abs(m - o))) for m in match)
        span = float(np.max(np.abs(o))) + 1.0
        worst = max(worst, diff / span)
        print(f"  check {meta.name} {list(o.shape)}: max |onnx - tflite| = {diff:.2e} (range {span - 1:.1f})")
    return worst


def sha256(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tflite-dir", required=True, help="folder with the three .tflite sources")
    ap.add_argument("--out", required=True, help="output folder (models/)")
    ap.add_argument("--only", nargs="*", help="convert only these (tf2onnx output is not byte-reproducible)")
    a = ap.parse_args()
    names = ["pose_detection", "pose_landmark_lite", "pose_landmark_full", "face_landmark"]
    names = [n for n in names if not a.only or n in a.only]
    os.makedirs(a.out, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        for name in names:
            print(name)
            src = os.path.join(a.tflite_dir, name + ".tflite")
            print(f"  source sha256 {sha256(src)}")
            tfl = src
            if name == "pose_detection":
                tfl = os.path.join(tmp, name + "_dense.tflite")
                densify(src, tfl)
                a_in = [np.random.default_rng(1).uniform(-1, 1, (1, 224, 224, 3)).astype(np.float32)]
                orig, dense = tflite_outputs(src, a_in), tflite_outputs(tfl, a_in)
                d = max(float(np.max(np.abs(orig[k] - dense[k]))) for k in orig)
                print(f"  densified vs original: max diff {d:.2e}")
                if d != 0.0:
                    sys.exit("densified detector differs from the original")
            fp32 = os.path.join(tmp, name + "_fp32.onnx")
            subprocess.run(
                [sys.executable, "-m", "tf2onnx.convert", "--tflite", tfl, "--output", fp32, "--opset", "17"],
                check=True,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            if name.startswith("pose_landmark"):
                pruned = os.path.join(tmp, name + "_pruned.onnx")
                drop_segmentation(fp32, pruned)
                fp32 = pruned
            dst = os.path.join(a.out, name + ".onnx")
            store_fp16(fp32, dst)
            worst = check(src, dst)
            if worst > 1e-3:
                sys.exit(f"{name}: ONNX output differs from TFLite by {worst} of its range")
            print(f"  {dst}: {os.path.getsize(dst)} bytes, sha256 {sha256(dst)}")


if __name__ == "__main__":
    main()
