#!/usr/bin/env python3
"""Convert an ncnn model (``.param`` + ``.bin``) to ONNX, for the Real-ESRGAN models.

No ready converter exists (ncnn's own tools go the other way). The Real-ESRGAN
ncnn files use only a few layer types, and this module knows exactly those:
Input, Split, Convolution (with a fused ReLU/LeakyReLU, ``9=``), PReLU, Concat,
Eltwise (weighted sum), BinaryOp (add/sub/mul), PixelShuffle and Interp
(nearest/bilinear); anything else is refused by name. Weights become float32
initializers, so the ONNX file computes what ncnn computes on the CPU (fp16
storage only; ncnn widens to fp32 the same way). ``--check`` runs both and
reports the largest difference (the maintainer test, limit 1e-4).

    python tools/ncnn_to_onnx.py model.param model.bin out.onnx [--check]

ncnn formats (ncnn wiki "param and model file structure"): a ``.param`` line is
``type name n_in n_out in... out... k=v ...``; an array value is written
``-233xx=n,v1,v2``. The ``.bin`` is the layers' weights in layer order; each
convolution weight starts with a 4-byte tag (0x01306B47 = fp16, padded to 4
bytes; 0 = fp32), biases and PReLU slopes are raw fp32 without a tag.
"""
from __future__ import annotations

import argparse
import struct
import sys
from pathlib import Path

import numpy as np

FP16_TAG = 0x01306B47
MAGIC = 7767517


def parse_param(text: str) -> list[tuple[str, str, list[str], list[str], dict[int, object]]]:
    """The layers of a .param file: (type, name, inputs, outputs, {key: int | float | list})."""
    lines = [ln.split() for ln in text.splitlines() if ln.strip()]
    if int(lines[0][0]) != MAGIC:
        raise ValueError(f"not an ncnn .param file (magic {lines[0][0]}, expected {MAGIC})")
    layers = []
    for parts in lines[2:]:
        kind, name, n_in, n_out = parts[0], parts[1], int(parts[2]), int(parts[3])
        ins, outs = parts[4:4 + n_in], parts[4 + n_in:4 + n_in + n_out]
        params: dict[int, object] = {}
        for kv in parts[4 + n_in + n_out:]:
            key_text, value = kv.split("=")
            key = int(key_text)
            if key <= -23300:  # an array: -23300 - id = count,values...
                values = [float(v) for v in value.split(",")[1:]]
                params[-23300 - key] = values
            else:
                params[key] = float(value) if ("." in value or "e" in value) else int(value)
        layers.append((kind, name, ins, outs, params))
    return layers


class _Weights:
    """Reads the .bin in layer order, as ncnn's ModelBin does."""

    def __init__(self, data: bytes) -> None:
        self.data, self.pos = data, 0

    def raw_fp32(self, count: int) -> np.ndarray:
        out = np.frombuffer(self.data, np.float32, count, self.pos).copy()
        self.pos += 4 * count
        return out

    def tagged(self, count: int) -> np.ndarray:
        (tag,) = struct.unpack_from("<I", self.data, self.pos)
        self.pos += 4
        if tag == FP16_TAG:
            out = np.frombuffer(self.data, np.float16, count, self.pos).astype(np.float32)
            self.pos += (2 * count + 3) // 4 * 4
            return out
        if tag == 0:
            return self.raw_fp32(count)
        raise ValueError(f"unsupported ncnn weight storage tag 0x{tag:08X} (only fp16 and fp32 are handled)")


def convert(param_path: Path, bin_path: Path, opset: int = 13):  # -> onnx.ModelProto
    """The ONNX model: input ``input`` [1,3,h,w] (RGB 0-1, any size), output ``output``."""
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    layers = parse_param(param_path.read_text())
    w = _Weights(bin_path.read_bytes())
    nodes, inits = [], []
    rename: dict[str, str] = {}  # ncnn blob -> ONNX value (Split copies are the same value)
    graph_in = graph_out = ""

    def const(name: str, array: np.ndarray) -> str:
        inits.append(numpy_helper.from_array(np.asarray(array), name))
        return name

    def src(blob: str) -> str:
        return rename.get(blob, blob)

    for kind, name, ins, outs, p in layers:
        x = [src(b) for b in ins]
        if kind == "Input":
            graph_in = outs[0]
        elif kind == "Split":
            for o in outs:
                rename[o] = x[0]
        elif kind == "Convolution":
            cout, kw = int(p[0]), int(p.get(1, 1))
            kh = int(p.get(11, kw))
            dil, stride, pad = int(p.get(2, 1)), int(p.get(3, 1)), int(p.get(4, 0))
            weight = w.tagged(int(p[6]))
            cin = weight.size // (cout * kh * kw)
            args = [x[0], const(name + ".weight", weight.reshape(cout, cin, kh, kw))]
            if int(p.get(5, 0)):
                args.append(const(name + ".bias", w.raw_fp32(cout)))
            act = int(p.get(9, 0))
            conv_out = outs[0] if act == 0 else name + ".conv"
            nodes.append(helper.make_node("Conv", args, [conv_out], name=name, kernel_shape=[kh, kw],
                                          strides=[stride, stride], dilations=[dil, dil], pads=[pad] * 4))
            if act == 1:
                nodes.append(helper.make_node("Relu", [conv_out], [outs[0]], name=name + ".relu"))
            elif act == 2:
                slope = float(p.get(10, [0.0])[0])  # type: ignore[index]
                nodes.append(helper.make_node("LeakyRelu", [conv_out], [outs[0]], name=name + ".lrelu", alpha=slope))
            elif act != 0:
                raise ValueError(f"{name}: fused activation type {act} is not supported")
        elif kind == "PReLU":
            n = int(p.get(0, 1))
            slope = w.raw_fp32(n).reshape(n, 1, 1) if n > 1 else w.raw_fp32(1)
            nodes.append(helper.make_node("PRelu", [x[0], const(name + ".slope", slope)], outs, name=name))
        elif kind == "Concat":
            nodes.append(helper.make_node("Concat", x, outs, name=name, axis=int(p.get(0, 0)) + 1))
        elif kind == "Eltwise":
            if int(p.get(0, 1)) != 1:
                raise ValueError(f"{name}: only Eltwise sum is supported")
            coeffs = p.get(1) or [1.0] * len(x)
            terms = []
            for i, (v, c) in enumerate(zip(x, coeffs)):  # type: ignore[arg-type]
                if c == 1.0:
                    terms.append(v)
                else:
                    terms.append(f"{name}.term{i}")
                    nodes.append(helper.make_node("Mul", [v, const(f"{name}.c{i}", np.float32(c))], [terms[-1]]))
            nodes.append(helper.make_node("Sum", terms, outs, name=name))
        elif kind == "BinaryOp":
            op = {0: "Add", 1: "Sub", 2: "Mul"}.get(int(p.get(0, 0)))
            if op is None or int(p.get(1, 0)):
                raise ValueError(f"{name}: BinaryOp type {p.get(0)} (scalar {p.get(1, 0)}) is not supported")
            nodes.append(helper.make_node(op, x, outs, name=name))
        elif kind == "PixelShuffle":
            if int(p.get(1, 0)) != 0:
                raise ValueError(f"{name}: PixelShuffle mode {p.get(1)} is not supported")
            nodes.append(helper.make_node("DepthToSpace", x, outs, name=name, blocksize=int(p[0]), mode="CRD"))
        elif kind == "Interp":
            mode = {1: "nearest", 2: "linear"}.get(int(p.get(0, 0)))
            if mode is None or int(p.get(3, 0)) or int(p.get(4, 0)):
                raise ValueError(f"{name}: Interp type {p.get(0)} with a fixed output size is not supported")
            scales = const(name + ".scales", np.array([1, 1, p.get(1, 1.0), p.get(2, 1.0)], np.float32))
            roi = const(name + ".roi", np.zeros(0, np.float32))
            ctm = "asymmetric" if mode == "nearest" else ("align_corners" if int(p.get(6, 0)) else "half_pixel")
            nodes.append(helper.make_node("Resize", [x[0], roi, scales], outs, name=name, mode=mode,
                                          coordinate_transformation_mode=ctm, nearest_mode="floor"))
        else:
            raise ValueError(f"ncnn layer type {kind} ({name}) is not supported by this converter")
        if kind not in ("Input", "Split"):
            graph_out = outs[0]
    if w.pos != len(w.data):
        raise ValueError(f"{bin_path.name}: {len(w.data) - w.pos} bytes of weights left unread: "
                         "the .param and .bin do not belong together")
    # Public names that the app relies on: "input" and "output".
    for node in nodes:
        node.input[:] = ["input" if v == graph_in else v for v in node.input]
        node.output[:] = ["output" if v == graph_out else v for v in node.output]
    graph = helper.make_graph(
        nodes, param_path.stem, [helper.make_tensor_value_info("input", TensorProto.FLOAT, [1, 3, "h", "w"])],
        [helper.make_tensor_value_info("output", TensorProto.FLOAT, [1, 3, "H", "W"])], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)],
                              producer_name="vision_desk tools/ncnn_to_onnx.py")
    model.ir_version = 8  # readable by onnxruntime >= 1.14
    onnx.checker.check_model(model)
    return model


def ncnn_reference(param_path: Path, bin_path: Path, image: np.ndarray) -> np.ndarray:
    """ncnn's own CPU output for a 1x3xhxw float32 input (PyPI ``ncnn``)."""
    import ncnn

    net = ncnn.Net()
    net.opt.use_vulkan_compute = False
    net.opt.num_threads = 1
    net.opt.use_fp16_storage = net.opt.use_fp16_arithmetic = net.opt.use_fp16_packed = False
    net.opt.use_bf16_storage = False
    net.load_param(str(param_path))
    net.load_model(str(bin_path))
    ex = net.create_extractor()
    ex.input("data", ncnn.Mat(np.ascontiguousarray(image[0])))
    _, out = ex.extract("output")
    return np.array(out)[None]


def check(param_path: Path, bin_path: Path, onnx_path: Path, side: int = 48, limit: float = 1e-4) -> float:
    """Largest absolute difference between ncnn and onnxruntime on a real-looking input; raises above ``limit``."""
    import onnxruntime as ort

    rng = np.random.default_rng(0)
    # A smooth picture plus noise: like a photo, so every layer sees realistic activations.
    yy, xx = np.mgrid[0:side, 0:side] / side
    image = np.stack([xx, yy, (xx + yy) / 2])[None].astype(np.float32)
    image = np.clip(image + rng.normal(0, 0.05, image.shape), 0, 1).astype(np.float32)
    ref = ncnn_reference(param_path, bin_path, image)
    sess = ort.InferenceSession(str(onnx_path), providers=["CPUExecutionProvider"])
    got = sess.run(None, {"input": image})[0]
    if got.shape != ref.shape:
        raise SystemExit(f"{onnx_path.name}: output shape {got.shape} differs from ncnn's {ref.shape}")
    diff = float(np.abs(got - ref).max())
    print(f"{onnx_path.name}: max abs difference from ncnn {diff:.2e} ({side}x{side} input)")
    if diff > limit:
        raise SystemExit(f"{onnx_path.name}: differs from ncnn by {diff:.2e} (limit {limit:.0e})")
    return diff


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("param", type=Path)
    ap.add_argument("bin", type=Path)
    ap.add_argument("out", type=Path)
    ap.add_argument("--check", action="store_true", help="compare with ncnn's own output (needs PyPI ncnn)")
    args = ap.parse_args()
    import onnx

    onnx.save(convert(args.param, args.bin), str(args.out))
    print(f"wrote {args.out} ({args.out.stat().st_size} bytes)")
    if args.check:
        check(args.param, args.bin, args.out)


if __name__ == "__main__":
    sys.exit(main())
