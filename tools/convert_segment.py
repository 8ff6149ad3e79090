#!/usr/bin/env python3
"""Build the ``segment`` processor's model: MediaPipe's selfie segmentation, TF Lite -> ONNX.

Maintainer tool (MODEL_SOURCES.md section 9). Run it with the converter
environment (tensorflow-cpu, tf2onnx 1.17, onnx, onnxruntime), never the app's::

    pip download --no-deps mediapipe==0.10.14 -d /tmp/wheels
    /path/to/convert-venv/bin/python tools/convert_segment.py \\
        --wheel /tmp/wheels/mediapipe-0.10.14-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl

Steps: take ``mediapipe/modules/selfie_segmentation/selfie_segmentation.tflite``
out of the wheel; ``tf2onnx.convert --tflite ... --opset 17`` (13 fails on
HardSwish; tf2onnx 1.17 still calls ``np.product``, removed in numpy 2, so it
is aliased); tf2onnx leaves MediaPipe's custom op ``Convolution2DTransposeBias``
(the last layer: 16 channels at 128 x 128 -> 1 channel at 256 x 256) as an
unknown node, which is replaced here by an ONNX ``ConvTranspose`` (kernel and
stride 2, its bias; weights ``[out, kh, kw, in]`` -> ``[in, out, kh, kw]``)
working on the NCHW tensor before tf2onnx's NHWC transpose, followed by one
transpose back to NHWC. :func:`tflite_reference` then checks the whole ONNX
against TF Lite's interpreter (see there).
"""
from __future__ import annotations

import argparse
import hashlib
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
ONNX_NAME = "selfie_segmentation.onnx"
TFLITE_MEMBER = "mediapipe/modules/selfie_segmentation/selfie_segmentation.tflite"
CUSTOM_OP = "Convolution2DTransposeBias"
SIDE = 256


def extract_tflite(wheel: Path, dest: Path) -> Path:
    path = dest / Path(TFLITE_MEMBER).name
    with zipfile.ZipFile(wheel) as z:
        path.write_bytes(z.read(TFLITE_MEMBER))
    return path


def tf2onnx_convert(tflite: Path, out: Path) -> None:
    code = ("import sys, numpy as np; np.product = np.prod; from tf2onnx import convert; "
            f"sys.argv = ['tf2onnx', '--tflite', {str(tflite)!r}, '--output', {str(out)!r}, '--opset', '17']; "
            "convert.main()")
    subprocess.run([sys.executable, "-c", code], check=True)


def replace_custom_op(raw: Path, out: Path) -> None:
    """The custom transposed convolution -> ConvTranspose + bias on NCHW, then NHWC for the graph's output."""
    import onnx
    from onnx import helper, numpy_helper

    proto = onnx.load(str(raw))
    graph = proto.graph
    nodes = list(graph.node)
    custom = [n for n in nodes if n.op_type.endswith(CUSTOM_OP)]
    if len(custom) != 1:
        raise SystemExit(f"expected one {CUSTOM_OP} node, found {len(custom)}: the model changed")
    node = custom[0]
    data, weight_name, bias_name = node.input
    inits = {i.name: i for i in graph.initializer}
    weight = numpy_helper.to_array(inits[weight_name])  # out, kh, kw, in (TF Lite's layout)
    bias = numpy_helper.to_array(inits[bias_name])
    # tf2onnx put an NCHW -> NHWC Transpose in front of the custom op: start from its NCHW input instead.
    producer = next(n for n in nodes if data in n.output)
    if producer.op_type != "Transpose" or list(producer.attribute[0].ints) != [0, 2, 3, 1]:
        raise SystemExit(f"unexpected producer of the custom op's input: {producer.op_type}")
    nchw_in = producer.input[0]
    kh, kw = weight.shape[1:3]
    graph.initializer.extend([
        numpy_helper.from_array(np.ascontiguousarray(weight.transpose(3, 0, 1, 2)), "segment_deconv_weight"),
        numpy_helper.from_array(bias.astype(np.float32), "segment_deconv_bias"),
    ])
    deconv = helper.make_node("ConvTranspose", [nchw_in, "segment_deconv_weight", "segment_deconv_bias"],
                              ["segment_nchw"], name="segment_deconv", kernel_shape=[int(kh), int(kw)],
                              strides=[2, 2])
    to_nhwc = helper.make_node("Transpose", ["segment_nchw"], [node.output[0]], name="segment_to_nhwc",
                               perm=[0, 2, 3, 1])
    index = nodes.index(node)
    keep_producer = any(data in n.input for n in nodes if n is not node)
    new_nodes = [n for n in nodes[:index] if keep_producer or n is not producer] + [deconv, to_nhwc] + nodes[index + 1:]
    del graph.node[:]
    graph.node.extend(new_nodes)
    used = {i for n in graph.node for i in n.input}
    for init in list(graph.initializer):
        if init.name not in used:
            graph.initializer.remove(init)
    proto.doc_string = ""
    onnx.checker.check_model(proto)
    onnx.save(proto, str(out))


def tflite_reference(tflite: Path, image: np.ndarray) -> np.ndarray:
    """TF Lite's output for ``image`` (1x256x256x3 RGB 0-1), the custom op rewritten as TF Lite's own op.

    TF Lite's Python interpreter has no kernel for MediaPipe's custom op, so the
    reference model is the same file with that one operator changed, in the
    flatbuffer, into TF Lite's builtin TRANSPOSE_CONV (which takes the bias as
    its fourth input): every other layer runs in TF Lite's own kernels, and the
    last layer in TF Lite's definition of a transposed convolution.
    """
    import tensorflow as tf
    from tensorflow.lite.python import schema_py_generated as schema
    from tensorflow.lite.tools import flatbuffer_utils

    model = flatbuffer_utils.read_model(str(tflite))
    code_index = next(i for i, c in enumerate(model.operatorCodes)
                      if c.customCode and c.customCode.decode() == CUSTOM_OP)
    code = model.operatorCodes[code_index]
    code.customCode = None
    code.builtinCode = schema.BuiltinOperator.TRANSPOSE_CONV
    code.deprecatedBuiltinCode = schema.BuiltinOperator.TRANSPOSE_CONV
    code.version = 3
    sub = model.subgraphs[0]
    op = next(o for o in sub.operators if o.opcodeIndex == code_index)
    data, weight, bias = op.inputs
    out_shape = [int(v) for v in sub.tensors[op.outputs[0]].shape]
    buffer = schema.BufferT()
    buffer.data = np.array(out_shape, np.int32).tobytes()
    model.buffers.append(buffer)
    tensor = schema.TensorT()
    tensor.shape = [4]
    tensor.type = schema.TensorType.INT32
    tensor.buffer = len(model.buffers) - 1
    tensor.name = b"segment_output_shape"
    sub.tensors.append(tensor)
    op.inputs = [len(sub.tensors) - 1, weight, data, bias]
    options = schema.TransposeConvOptionsT()
    options.padding = schema.Padding.VALID
    options.strideW = options.strideH = 2
    op.builtinOptionsType = schema.BuiltinOptions.TransposeConvOptions
    op.builtinOptions = options
    op.customOptions = None
    with tempfile.TemporaryDirectory() as tmp:
        patched = Path(tmp) / "builtin.tflite"
        flatbuffer_utils.write_model(model, str(patched))
        interpreter = tf.lite.Interpreter(model_path=str(patched))
        interpreter.allocate_tensors()
        interpreter.set_tensor(interpreter.get_input_details()[0]["index"], image.astype(np.float32))
        interpreter.invoke()
        return interpreter.get_tensor(interpreter.get_output_details()[0]["index"]).copy()


def check(tflite: Path, onnx_path: Path, image: np.ndarray) -> float:
    """The largest difference between the ONNX model and TF Lite on ``image`` (1x256x256x3 RGB 0-1)."""
    import onnxruntime as ort

    sess = ort.InferenceSession(str(onnx_path), providers=["CPUExecutionProvider"])
    got = sess.run(None, {sess.get_inputs()[0].name: image.astype(np.float32)})[0]
    return float(np.abs(got - tflite_reference(tflite, image)).max())


def build(wheel: Path, out: Path) -> Path:
    with tempfile.TemporaryDirectory() as tmp:
        tflite = extract_tflite(wheel, Path(tmp))
        raw = Path(tmp) / "raw.onnx"
        tf2onnx_convert(tflite, raw)
        path = out / ONNX_NAME
        replace_custom_op(raw, path)
        rng = np.random.default_rng(0)
        diff = check(tflite, path, rng.random((1, SIDE, SIDE, 3), np.float32))
        print(f"{path.name}: differs from TF Lite by {diff:.2e} on a random picture")
        if diff > 1e-3:
            raise SystemExit(f"{path.name}: differs from TF Lite by {diff:.2e} (limit 1e-3)")
    return path


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--wheel", type=Path, required=True, help="the mediapipe-0.10.14 wheel")
    ap.add_argument("--out", type=Path, default=ROOT / "models")
    args = ap.parse_args()
    path = build(args.wheel, args.out)
    print(f"wrote {path} ({path.stat().st_size} B, sha256 {hashlib.sha256(path.read_bytes()).hexdigest()})")


if __name__ == "__main__":
    sys.exit(main())
