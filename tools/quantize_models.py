#!/usr/bin/env python3
"""Make the INT8 variants in ``models/`` from the FP32 files there, reproducibly.

Maintainer tool, not part of the app: it needs ``onnx`` and ``sympy``
(``pip install -e '.[quantize]'``) and refuses to run without them: without
sympy onnxruntime skips its symbolic shape pass and the file comes out
different (checked: onnx 1.23.2, sympy 1.14.0 and onnxruntime 1.31.1 give the
shipped SSDLite INT8 file byte for byte, sha256 71e99987...; without sympy,
another 9,913,742-byte file). ``tools/convert_models.py`` calls it after
converting, and it runs on its own:

    python tools/quantize_models.py [--models objects,objects-dot,pose] [--out models]

How: onnxruntime static quantization, QDQ format, per-channel QInt8 weights
(7-bit range, or the full 8 bits for the file made for CPUs with 8-bit dot
products, see :func:`_quantize`), QUInt8 activations, Percentile calibration (99.999th), calibrated on every
8th frame of the bundled sample clip through the processors' own
pre-processing (:mod:`tools.precision_gates` keeps those frames apart from the
ones the accuracy gates are checked on). Percentile keeps every calibration
tensor in memory, so frames are fed in strides of a few and their histograms
merged.

- objects (SSDLite): the ``Preprocessor/*`` and ``Postprocessor/*`` nodes stay
  float (box decoding and score slicing lose too much in 8 bits). Two files:
  ``objects`` (7-bit weights, the predictor heads float too: CPUs without
  8-bit dot products) and ``objects-dot`` (full-range weights, the heads
  quantized, :func:`objects_int8_dot`: VNNI, AMX, ARM dotprod; the runtime
  loads it only there).
- pose (OpenPose MobileNet-thin): plain QDQ is unusable, so first cross-layer
  equalization: each depthwise conv feeds a pointwise conv directly (no bias,
  no activation between), so dividing a depthwise output channel by s and
  multiplying the matching pointwise input channel by s is exact in float,
  and s = sqrt(r_pw / r_dw) evens out channel ranges that differ 10-368x.
  Then mixed precision: the nodes whose activations lose most in 8 bits
  (signal-to-quantization-noise ratio per tensor, from
  ``onnxruntime.quantization.qdq_loss_debug``) are kept float, more of them
  each round, until the pose gate passes on calibration frames. If no round
  passes, no pose INT8 file is written and the tool says so. None passes:
  measured, the gate tolerates 8-bit activations in at most about two of the
  big backbone convs (~15% of the multiply-adds, <= 1.1x faster), every head
  stage alone breaks it; figures in docs/DESIGN-NOTES.md ("Pose INT8: why there is none").
- A node kept float reads the float tensor (:func:`_float_nodes_read_float`):
  otherwise onnxruntime quantizes a "float" conv fed by a DequantizeLinear
  itself when the session is created.
- style: not quantized (no variant was faster; see docs/PERFORMANCE.md).

The written files are added to ``models/manifest.json`` (at the end of the
list, with sha256 and provenance); the accuracy gates are checked again by
``tests/test_precision.py`` on frames never used for calibration.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tools"))

import precision_gates as gates  # noqa: E402

CALIB_STRIDE = 5  # frames per calibration stride (50 frames -> 10 strides): bounded memory
PERCENTILE = 99.999
INT8_SUFFIX = "-int8"
DOT_SUFFIX = "-int8-dot"  # the variant for CPUs with 8-bit dot products (runtime.DOT_SUFFIX)
POSE_HEIGHT = 368  # the default network input height; the net is fully convolutional
MAX_ROUNDS = 6  # mixed precision: 0, 2, 4, 8, 16, 32 convs kept float
OBJECTS_SELECT_IOU = 0.87  # selection margin over the gate's 0.85
POSE_SELECT_MARGIN = 0.02  # selection margin over the gate's 95% shares


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


class FeedReader:
    """A CalibrationDataReader over prepared feeds that onnxruntime can walk in strides (set_range)."""

    def __init__(self, name: str, feeds: Sequence[np.ndarray]) -> None:
        self.name, self.feeds = name, list(feeds)
        self._name, self._feeds = name, self.feeds
        self._pos, self._end = 0, len(self._feeds)

    def __len__(self) -> int:
        return len(self._feeds)

    def set_range(self, start_index: int, end_index: int) -> None:
        self._pos, self._end = start_index, min(end_index, len(self._feeds))

    def get_next(self) -> dict[str, np.ndarray] | None:
        if self._pos >= self._end:
            return None
        self._pos += 1
        return {self._name: self._feeds[self._pos - 1]}

    def rewind(self) -> None:
        self.set_range(0, len(self._feeds))

    def __iter__(self) -> FeedReader:  # qdq_loss_debug iterates
        return self

    def __next__(self) -> dict[str, np.ndarray]:
        item = self.get_next()
        if item is None:
            raise StopIteration
        return item


def _preprocess(src: Path, dst: Path) -> None:
    """onnxruntime's recommended pre-pass (shape inference + graph optimisation) before quantizing."""
    from onnxruntime.quantization.shape_inference import quant_pre_process

    try:
        quant_pre_process(str(src), str(dst))
    except ImportError:
        raise  # (checked by require_tools(); a missing sympy must not fall back silently to another file)
    except Exception as exc:  # the symbolic pass cannot follow every TF-converted graph (e.g. SSD's Loop)
        print(f"  symbolic shape inference failed ({str(exc).splitlines()[0][:80]}); using ONNX shapes only")
        quant_pre_process(str(src), str(dst), skip_symbolic_shape=True)


def _quantize(src: Path, dst: Path, reader: FeedReader, exclude: Sequence[str],
              op_types: Sequence[str] | None = None, cache: Path | None = None,
              method: str = "Percentile", reduce_range: bool = True, rewire: Sequence[str] | None = None) -> None:
    """One static quantization. ``cache``: tensor ranges from an earlier call with fewer exclusions
    (calibration runs once per model; later rounds only change which nodes stay float).
    ``rewire``: the nodes kept float that are made to read float tensors (:func:`_float_nodes_read_float`);
    None: all of ``exclude``. The file for 8-bit dot products leaves its pre/post-processing nodes reading the
    DequantizeLinear outputs as quantize_static writes them."""
    from onnxruntime.quantization import CalibrationMethod, QuantFormat, QuantType, quantize_static

    reader.rewind()
    stride = CALIB_STRIDE if len(reader) % CALIB_STRIDE == 0 else 1
    quantize_static(
        str(src), str(dst), reader,
        quant_format=QuantFormat.QDQ,
        per_channel=True,
        activation_type=QuantType.QUInt8,
        weight_type=QuantType.QInt8,
        # 7-bit weights for x86 CPUs without VNNI (AVX2, AVX-512F): they multiply u8 x s8 with vpmaddubsw,
        # whose int16 pair sums saturate with full 8-bit weights: measured (AVX2), every SSDLite score fell
        # below 0.3. CPUs with 8-bit dot products (VNNI, AMX, ARM dotprod) accumulate in int32 and get the
        # full-range file (reduce_range=False, :func:`objects_int8_dot`): finer weights, so fewer nodes
        # must stay float, and that is where the speed is (README "INT8 on the CPU").
        reduce_range=reduce_range,
        calibrate_method=getattr(CalibrationMethod, method),
        nodes_to_exclude=list(exclude),
        op_types_to_quantize=list(op_types) if op_types else None,
        calibration_cache_path=cache,
        extra_options={"CalibStridedMinMax": stride, "CalibPercentile": PERCENTILE},
    )
    rewired = set(exclude if rewire is None else rewire)
    if rewired:
        _float_nodes_read_float(src, dst, rewired)
    _strip_doc_string(dst)


def _float_nodes_read_float(float_model: Path, qdq_model: Path, float_nodes: set[str]) -> int:
    """Rewire every node kept float to read the float tensor instead of a DequantizeLinear output; returns
    the number of inputs rewired.

    Why: quantize_static puts a Q/DQ pair on every tensor a quantized node writes, so a node kept float
    still reads 8-bit values. Worse, for a Conv/Gemm fed by a DQ, onnxruntime's WeightBiasQuantization
    graph transformer (run when a session is created, at every optimization level above "disable all")
    quantizes its float weights itself, per tensor and to the full 8 bits: "kept float" then meant coarser
    weights than the quantized convs' per-channel 7-bit ones, and on CPUs without VNNI their int16 pair sums
    saturate. Measured on pose with 32 convs "float": PAF SQNR -10.1 dB with the session's optimizations,
    -2.6 dB without; the mixed-precision rounds got worse as more convs were kept float.
    quantize_static also drops a Relu/Clip after a quantized node (the Q's range clamps instead), so
    where the bypassed tensor lost its activation, a copy of the activation is put back for the float
    readers.
    """
    import onnx

    model = onnx.load(str(qdq_model))
    graph = model.graph
    float_graph = onnx.load(str(float_model)).graph
    float_producer = {o: n for n in float_graph.node for o in n.output}
    producer = {o: n for n in graph.node for o in n.output}
    activations: dict[str, str] = {}  # bypassed tensor -> its float copy with the activation restored
    copies: list = []  # (producer name, activation node) to insert once the loop is done
    rewired = 0
    for node in graph.node:
        if node.name not in float_nodes:
            continue
        for k, name in enumerate(node.input):
            dq = producer.get(name)
            if dq is None or dq.op_type != "DequantizeLinear":
                continue
            q = producer.get(dq.input[0])
            if q is None or q.op_type != "QuantizeLinear":  # a quantized initializer (weights): not ours
                continue
            source = q.input[0]
            act = float_producer.get(source)
            made_by = producer.get(source)
            if (act is not None and act.op_type in ("Relu", "Clip") and made_by is not None
                    and made_by.op_type not in ("Relu", "Clip")):
                if source not in activations:
                    copy = onnx.NodeProto()
                    copy.CopyFrom(act)
                    copy.name = f"{act.name}_float_copy"
                    copy.input[0] = source
                    del copy.output[:]
                    copy.output.append(f"{source}_float")
                    copies.append((made_by.name, copy))
                    activations[source] = copy.output[0]
                source = activations[source]
            node.input[k] = source
            rewired += 1
    if not rewired:
        return 0
    have = {i.name for i in graph.initializer}
    float_inits = {i.name: i for i in float_graph.initializer}
    for after, copy in copies:  # right after its producer: before every reader; the node order stays as it was
        at = next(i for i, n in enumerate(graph.node) if n.name == after)
        graph.node.insert(at + 1, copy)
        for name in copy.input[1:]:  # a Clip's min/max, dropped with the Clip they belonged to
            if name and name not in have and name in float_inits:
                graph.initializer.append(float_inits[name])
                have.add(name)
    # Q/DQ pairs nobody reads any more.
    while True:
        read = _names_read(graph) | {o.name for o in graph.output}
        dead = [n for n in graph.node if n.op_type in ("QuantizeLinear", "DequantizeLinear")
                and not any(o in read for o in n.output)]
        if not dead:
            break
        for n in dead:
            graph.node.remove(n)
    read = _names_read(graph)
    unused = [i for i in graph.initializer if i.name not in read]
    for i in unused:
        graph.initializer.remove(i)
    onnx.checker.check_model(model)
    onnx.save(model, str(qdq_model))
    return rewired


def _names_read(graph) -> set[str]:  # noqa: ANN001 (onnx.GraphProto)
    """Every tensor name a node reads, subgraphs included (SSD's Loop body reads the outer initializers)."""
    names = set()
    for n in graph.node:
        names.update(n.input)
        for a in n.attribute:
            for sub in ([a.g] if a.HasField("g") else []) + list(a.graphs):
                names |= _names_read(sub)
    return names


def _strip_doc_string(path: Path) -> None:
    import onnx

    model = onnx.load(str(path))
    model.graph.doc_string = ""
    model.producer_name = "vision_desk tools/quantize_models.py"
    onnx.save(model, str(path))


def layer_errors(float_model: Path, qdq_model: Path, reader: FeedReader, scratch: Path) -> dict[str, float]:
    """Per conv: the SQNR (dB) its own quantization costs, i.e. the drop from its input's SQNR to its
    output's (after a fused Relu/Clip), measured with onnxruntime.quantization.qdq_loss_debug."""
    import onnx
    from onnxruntime.quantization.qdq_loss_debug import (collect_activations, compute_activation_error,
                                                         create_activation_matching,
                                                         modify_model_output_intermediate_tensors)

    aug_float, aug_qdq = scratch / "aug_float.onnx", scratch / "aug_qdq.onnx"
    modify_model_output_intermediate_tensors(str(float_model), str(aug_float))
    modify_model_output_intermediate_tensors(str(qdq_model), str(aug_qdq))
    reader.rewind()
    float_acts = collect_activations(str(aug_float), reader)
    reader.rewind()
    qdq_acts = collect_activations(str(aug_qdq), reader)
    err = compute_activation_error(create_activation_matching(qdq_acts, float_acts))
    sqnr = {k: float(v.get("xmodel_err", np.inf)) for k, v in err.items()}
    graph = onnx.load(str(float_model)).graph
    consumers: dict[str, list] = {}
    for n in graph.node:
        for name in n.input:
            consumers.setdefault(name, []).append(n)
    drops = {}
    for n in graph.node:
        if n.op_type != "Conv":
            continue
        out = n.output[0]
        after = consumers.get(out, [])
        if len(after) == 1 and after[0].op_type in ("Relu", "Clip"):
            out = after[0].output[0]
        if out in sqnr:
            drops[n.name] = sqnr.get(n.input[0], 60.0) - sqnr[out]
    return drops


def mixed_precision(pre: Path, dst: Path, reader: FeedReader, base_exclude: Sequence[str],
                    op_types: Sequence[str] | None, passes: Callable[[Path], tuple[bool, str]],
                    scratch: Path, log: Callable[[str], None], rounds: int = MAX_ROUNDS, *,
                    full_range: bool = False) -> tuple[Path | None, str]:
    """Quantize; while ``passes`` says no, keep float the convs whose own quantization costs most
    (2, 4, 8, ... of them). (file or None, a note with the figures). ``full_range``: 8-bit weights, and only
    the convs kept float by these rounds read float tensors (see :func:`objects_int8_dot`)."""
    cache = scratch / f"{dst.stem}_ranges.json"
    exclude: list[str] = []
    ranked: list[str] | None = None
    line = "?"
    for round_no in range(rounds):
        t0 = time.perf_counter()
        _quantize(pre, dst, reader, [*base_exclude, *exclude], op_types, cache, reduce_range=not full_range,
                  rewire=exclude if full_range else None)
        ok, line = passes(dst)
        log(f"  round {round_no}: {len(exclude)} convs kept float; {line} ({time.perf_counter() - t0:.0f} s)")
        if ok:
            kept = f"{len(exclude)} convs kept float ({', '.join(exclude)})" if exclude else "all convs INT8"
            return dst, f"{kept}; on calibration frames: {line}"
        if ranked is None:
            sub = FeedReader(reader.name, reader.feeds[::5])
            drops = layer_errors(pre, dst, sub, scratch)
            ranked = [n for n, _ in sorted(drops.items(), key=lambda kv: -kv[1]) if n not in base_exclude]
            log("  costliest convs (SQNR drop): " + ", ".join(f"{n} {drops[n]:.1f} dB" for n in ranked[:6]))
        exclude = ranked[:max(2, 2 * len(exclude))]
    return None, f"no mixed-precision round passed; last: {line}"


# --- objects ---------------------------------------------------------------------------------
def objects_int8(models: Path, scratch: Path, frames: list[np.ndarray],
                 log: Callable[[str], None] = print) -> tuple[Path | None, str]:
    import onnx

    from vision_desk.processors.objects import network_input

    src = models / "ssdlite_mobilenet_v2_coco.onnx"
    pre = scratch / "ssd_pre.onnx"
    _preprocess(src, pre)
    graph = onnx.load(str(pre)).graph
    float_nodes = [n.name for n in graph.node if n.name.startswith(("Postprocessor/", "Preprocessor/"))]
    # The predictor heads (the convs whose outputs are reshaped into box codes and class logits, not fed to
    # another layer) stay float too: cheap (1x1 convs on small maps), and a detection's score and box
    # come straight out of them.
    consumers: dict[str, set[str]] = {}
    for n in graph.node:
        for name in n.input:
            consumers.setdefault(name, set()).add(n.op_type)
    layer_ops = {"Conv", "Clip", "Relu", "Add", "Mul", "Sum"}
    float_nodes += [n.name for n in graph.node
                    if n.op_type == "Conv" and not consumers.get(n.output[0], set()) & layer_ops]
    dst = scratch / "ssdlite_mobilenet_v2_coco_int8.onnx"
    reader = FeedReader(graph.input[0].name, [network_input(f) for f in frames])
    reference = _processor("objects")
    fp32 = [reference.process(f) for f in frames]

    def passes(path: Path) -> tuple[bool, str]:
        cand = _processor("objects", path)
        # Selected with a margin on the calibration frames (IoU >= 0.9), so that the gate (0.85) holds on
        # frames it never saw.
        rep = gates.compare_objects(fp32, [cand.process(f) for f in frames], min_iou=OBJECTS_SELECT_IOU)
        return rep.passed, rep.line()

    # Only the layers: QDQ pairs around the heads' Reshape/Concat would cost accuracy for no speed.
    return mixed_precision(pre, dst, reader, float_nodes, ("Conv", "Add"), passes, scratch, log)


def objects_int8_dot(models: Path, scratch: Path, frames: list[np.ndarray],
                     log: Callable[[str], None] = print) -> tuple[Path | None, str]:
    """The SSDLite file for CPUs with 8-bit dot products: full-range (8-bit) per-channel weights, every layer
    quantized (the predictor heads too), the ``Preprocessor/*`` and ``Postprocessor/*`` nodes float and left
    reading the DequantizeLinear outputs; then the mixed-precision rounds until the gate passes on
    calibration frames. Never loaded on CPUs without 8-bit dot products (their int16
    pair sums would saturate)."""
    import onnx

    from vision_desk.processors.objects import network_input

    pre = scratch / "ssd_pre.onnx"
    if not pre.is_file():
        _preprocess(models / "ssdlite_mobilenet_v2_coco.onnx", pre)
    graph = onnx.load(str(pre)).graph
    float_nodes = [n.name for n in graph.node if n.name.startswith(("Postprocessor/", "Preprocessor/"))]
    reader = FeedReader(graph.input[0].name, [network_input(f) for f in frames])
    fp32 = [_processor("objects").process(f) for f in frames]

    def passes(path: Path) -> tuple[bool, str]:
        # Selected at the gate's own IoU (0.85), not with the 7-bit file's margin (0.87): the margin kept 4
        # convs float and cost the speed (1.27x FP32 instead of ~2x, 1 thread), and a file that met the margin
        # with 1 conv float still missed the gate on the check frames; measured in README "INT8 on the CPU".
        rep = gates.compare_objects(fp32, [_processor("objects", path).process(f) for f in frames])
        return rep.passed, rep.line()

    dst = scratch / "ssdlite_mobilenet_v2_coco_int8_dot.onnx"
    return mixed_precision(pre, dst, reader, float_nodes, None, passes, scratch, log, full_range=True)


# --- pose --------------------------------------------------------------------------------------
def equalize_depthwise_pairs(model) -> int:  # noqa: ANN001 (onnx.ModelProto; onnx is a tool dependency)
    """Cross-layer equalization of every depthwise -> pointwise conv pair, in place; returns the pair count."""
    from onnx import numpy_helper

    graph = model.graph
    inits = {i.name: i for i in graph.initializer}
    consumers: dict[str, list] = {}
    for n in graph.node:
        for name in n.input:
            consumers.setdefault(name, []).append(n)
    pairs = 0
    for n in graph.node:
        group = next((a.i for a in n.attribute if a.name == "group"), 1)
        if n.op_type != "Conv" or group == 1 or len(n.input) != 2:  # depthwise without bias only
            continue
        nxt = consumers.get(n.output[0], [])
        if len(nxt) != 1 or nxt[0].op_type != "Conv" or nxt[0].input[0] != n.output[0]:
            continue
        pw = nxt[0]
        if next((a.i for a in pw.attribute if a.name == "group"), 1) != 1:
            continue
        w_dw = numpy_helper.to_array(inits[n.input[1]]).astype(np.float64)  # C x 1 x k x k
        w_pw = numpy_helper.to_array(inits[pw.input[1]]).astype(np.float64)  # O x C x k x k
        shared = sum(name in (n.input[1], pw.input[1]) for c in graph.node for name in c.input)
        if w_dw.shape[0] != w_pw.shape[1] or shared != 2:  # weights used elsewhere cannot be rescaled
            continue
        r_dw = np.abs(w_dw).reshape(w_dw.shape[0], -1).max(1)
        r_pw = np.abs(w_pw).transpose(1, 0, 2, 3).reshape(w_pw.shape[1], -1).max(1)
        ok = (r_dw > 0) & (r_pw > 0)
        s = np.ones_like(r_dw)
        s[ok] = np.sqrt(r_dw[ok] / r_pw[ok])  # after: both ranges sqrt(r_dw * r_pw)
        w_dw /= s[:, None, None, None]
        w_pw *= s[None, :, None, None]
        inits[n.input[1]].CopyFrom(numpy_helper.from_array(w_dw.astype(np.float32), n.input[1]))
        inits[pw.input[1]].CopyFrom(numpy_helper.from_array(w_pw.astype(np.float32), pw.input[1]))
        pairs += 1
    return pairs


def pose_int8(models: Path, scratch: Path, frames: list[np.ndarray],
              log: Callable[[str], None] = print) -> tuple[Path | None, str]:
    """CLE, then mixed precision grown until the pose gate passes (with a margin) on calibration frames."""
    import onnx

    from vision_desk.processors.pose import PoseProcessor

    prep = PoseProcessor(input_height=POSE_HEIGHT)
    src = models / "openpose_mobilenet_thin.onnx"
    model = onnx.load(str(src))
    log(f"  cross-layer equalization: {equalize_depthwise_pairs(model)} depthwise/pointwise pairs")
    cle = scratch / "pose_cle.onnx"
    onnx.save(model, str(cle))
    pre = scratch / "pose_pre.onnx"
    _preprocess(cle, pre)
    graph = onnx.load(str(pre)).graph
    reader = FeedReader(graph.input[0].name, [prep.prepare(f)[0] for f in frames])
    check = frames[1::2]  # half of the calibration frames judge each round (never the gate's frames)
    fp32 = [_processor("pose").process(f) for f in check]
    scales = [prep.prepare(f)[1].scale for f in check]

    def passes(path: Path) -> tuple[bool, str]:
        cand = _processor("pose", path)
        rep = gates.compare_pose(fp32, [cand.process(f) for f in check], scales)
        return rep.passed_with(POSE_SELECT_MARGIN), rep.line()

    dst = scratch / "openpose_mobilenet_thin_int8.onnx"
    return mixed_precision(pre, dst, reader, [], None, passes, scratch, log)


# --- shared --------------------------------------------------------------------------------------
def _processor(name: str, model_path: Path | None = None):  # noqa: ANN202
    """A loaded processor of the app, optionally running a candidate file instead of the manifest's one."""
    import onnxruntime as ort

    from vision_desk import registry, runtime

    proc = registry.create(name)
    # FP32 explicitly: with --precision auto the reference could be an INT8 file on this CPU.
    proc.runtime_config = runtime.RuntimeConfig("cpu", 1, "fp32")
    proc.load()
    if model_path is not None:
        opts = ort.SessionOptions()
        opts.intra_op_num_threads = 1
        sess = ort.InferenceSession(str(model_path), opts, providers=[runtime.CPU])
        proc._session = runtime.ModelSession(f"{name}-candidate", sess, runtime.CPU, model_path)
    return proc


def manifest_entry(fp32_id: str, path: Path, models: Path, method: str, note: str,
                   suffix: str = INT8_SUFFIX) -> dict:
    manifest = json.loads((models / "manifest.json").read_text())
    base = next(m for m in manifest["models"] if m["id"] == fp32_id)
    return {
        "id": fp32_id + suffix,
        "file": path.name,
        "sha256": _sha256(path),
        "bytes": path.stat().st_size,
        "license": base["license"],
        "source": {
            "registry": "derived",
            "package": f"{base['file']} (sha256 {base['sha256'][:16]}…) in this repository",
            "member": base["source"].get("member", ""),
            "conversion": f"tools/quantize_models.py: {method}",
            "accuracy": note,
        },
        "inputs": base["inputs"],
        "outputs": base["outputs"],
    }


def add_to_manifest(models: Path, entries: list[dict]) -> None:
    """Replace or append (at the end) the INT8 entries; the FP32 entries stay as they are."""
    path = models / "manifest.json"
    manifest = json.loads(path.read_text(encoding="utf-8"))
    ids = {e["id"] for e in entries}
    manifest["models"] = [m for m in manifest["models"] if m["id"] not in ids] + entries
    path.write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def quantize(models: Path, which: Sequence[str], log: Callable[[str], None] = print) -> list[dict]:
    import shutil

    require_tools()  # here, not in main(): tools/convert_models.py calls this function directly
    frames = gates.clip_frames(gates.calibration_indices())
    log(f"calibration: {len(frames)} frames (every {gates.CALIBRATION_EVERY}th of the sample clip)")
    entries = []
    with tempfile.TemporaryDirectory(prefix="vd-quantize-") as tmp:
        scratch = Path(tmp)
        calibrated = f"calibrated on every {gates.CALIBRATION_EVERY}th frame of resources/sample.mp4"
        # name -> (how its INT8 file is made, the FP32 model it derives from, the manifest id's suffix, the recipe)
        recipes = {
            "objects": (objects_int8, "objects-ssdlite-mobilenetv2-coco", INT8_SUFFIX,
                        "for CPUs without 8-bit dot products (AVX2, AVX-512F): QDQ, per-channel QInt8 weights "
                        f"(7-bit range), QUInt8 activations, Percentile {PERCENTILE}, Pre/Postprocessor nodes and "
                        f"predictor heads float; {calibrated}"),
            "objects-dot": (objects_int8_dot, "objects-ssdlite-mobilenetv2-coco", DOT_SUFFIX,
                            "for CPUs with 8-bit dot products (VNNI, AMX, ARM dotprod): QDQ, per-channel QInt8 "
                            f"weights (full 8-bit range), QUInt8 activations, Percentile {PERCENTILE}, only the "
                            f"Pre/Postprocessor nodes float; {calibrated}"),
            "pose": (pose_int8, "pose-openpose-mobilenet-thin", INT8_SUFFIX,
                     "cross-layer equalization, QDQ, per-channel QInt8 weights (7-bit range), QUInt8 activations, "
                     f"Percentile {PERCENTILE}, the convs with the largest SQNR drop float; calibrated at input "
                     f"height {POSE_HEIGHT} on every {gates.CALIBRATION_EVERY}th frame of resources/sample.mp4"),
        }
        for name, (make, fp32_id, suffix, recipe) in recipes.items():
            if name not in which:
                continue
            t0 = time.perf_counter()
            made, note = make(models, scratch, frames, log)
            log(f"{name} ({time.perf_counter() - t0:.0f} s): {note}")
            if made is not None:
                out = models / made.name
                shutil.copyfile(made, out)
                entries.append(manifest_entry(fp32_id, out, models, recipe, note, suffix))
    if entries:
        add_to_manifest(models, entries)
        for e in entries:
            log(f"{e['sha256']}  {e['bytes']:>9}  {e['file']}")
    return entries


def require_tools() -> None:
    """Stop with one line when a package of the ``quantize`` extra is missing (the files would differ)."""
    import importlib.util

    missing = [name for name in ("onnx", "sympy") if importlib.util.find_spec(name) is None]
    if missing:
        raise SystemExit(f"error: tools/quantize_models.py needs {' and '.join(missing)} (the quantize extra): "
                         "pip install -e '.[quantize]'; without them the INT8 files would differ from the "
                         "shipped ones")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", type=Path, default=ROOT / "models", help="models folder (FP32 files in, INT8 out)")
    ap.add_argument("--models", default="objects,objects-dot,pose",
                    help="which INT8 files: objects (7-bit weights, CPUs without 8-bit dot products), objects-dot "
                         "(full-range weights, CPUs with them), pose")
    args = ap.parse_args()
    quantize(args.out, [m.strip() for m in args.models.split(",") if m.strip()])


if __name__ == "__main__":
    main()
