"""tools/quantize_models.py: nodes kept float really run in float (maintainer tool; needs the `quantize` extra).

Regression test for the mixed-precision bug behind pose INT8's "worse with more float convs": a conv excluded
from quantization still read a DequantizeLinear output, and onnxruntime's WeightBiasQuantization transformer
then quantized its weights itself (per tensor, full 8 bits) when the session was created.
"""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

onnx = pytest.importorskip("onnx", reason="the quantize extra (pip install -e '.[quantize]') is not installed")
ort = pytest.importorskip("onnxruntime")

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tools"))
import quantize_models as qm  # noqa: E402

from onnx import TensorProto, helper, numpy_helper  # noqa: E402


def _three_convs(path: Path, activation: str) -> None:
    """x -> conv_a -> Relu or Clip(0, 6) -> conv_b (to be kept float) -> conv_c -> y, 1x1 convs with biases."""
    rng = np.random.default_rng(0)

    def conv(name: str, src: str, dst: str, cin: int, cout: int) -> tuple:
        w = numpy_helper.from_array(rng.normal(0, 0.5, (cout, cin, 1, 1)).astype(np.float32), f"{name}_w")
        b = numpy_helper.from_array(rng.normal(0, 0.1, cout).astype(np.float32), f"{name}_b")
        return helper.make_node("Conv", [src, w.name, b.name], [dst], name=name), [w, b]

    a, ia = conv("conv_a", "x", "a", 8, 16)
    bounds = [numpy_helper.from_array(np.float32(v), n) for v, n in ((0, "clip_min"), (6, "clip_max"))]
    inputs = ["a", "clip_min", "clip_max"] if activation == "Clip" else ["a"]
    relu = helper.make_node(activation, inputs, ["a_relu"], name="act_a")
    b, ib = conv("conv_b", "a_relu", "b", 16, 16)
    c, ic = conv("conv_c", "b", "y", 16, 4)
    graph = helper.make_graph([a, relu, b, c], "three_convs",
                              [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 8, 6, 6])],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 4, 6, 6])],
                              initializer=ia + ib + ic + (bounds if activation == "Clip" else []))
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    onnx.save(model, str(path))


def _run(path: Path, x: np.ndarray, level: ort.GraphOptimizationLevel) -> np.ndarray:
    opts = ort.SessionOptions()
    opts.graph_optimization_level = level
    sess = ort.InferenceSession(str(path), opts, providers=["CPUExecutionProvider"])
    return sess.run(None, {"x": x})[0]


@pytest.mark.parametrize("activation", ["Relu", "Clip"])
def test_a_conv_kept_float_reads_the_float_tensor_and_keeps_its_activation(tmp_path: Path, activation: str) -> None:
    src, dst = tmp_path / "float.onnx", tmp_path / "int8.onnx"
    _three_convs(src, activation)
    rng = np.random.default_rng(1)
    feeds = [rng.normal(0, 1, (1, 8, 6, 6)).astype(np.float32) for _ in range(5)]
    qm._quantize(src, dst, qm.FeedReader("x", feeds), ["conv_b"], method="MinMax")

    graph = onnx.load(str(dst)).graph
    producer = {o: n for n in graph.node for o in n.output}
    conv_b = next(n for n in graph.node if n.name == "conv_b")
    assert conv_b.input[1] == "conv_b_w"  # float weights, no DequantizeLinear
    feeder = producer[conv_b.input[0]]
    assert feeder.op_type == activation, feeder.op_type  # the activation quantize_static folded into a Q is back
    assert producer[feeder.input[0]].name == "conv_a"  # ... on conv_a's float output, not on a DQ

    # onnxruntime's own graph transformations change nothing: no float conv is left fed by a DQ (before the
    # fix, WeightBiasQuantization re-quantized conv_b per tensor when the session was created).
    x = rng.normal(0, 1, (1, 8, 6, 6)).astype(np.float32)
    plain = _run(dst, x, ort.GraphOptimizationLevel.ORT_DISABLE_ALL)
    optimized = _run(dst, x, ort.GraphOptimizationLevel.ORT_ENABLE_BASIC)
    np.testing.assert_allclose(optimized, plain, rtol=1e-5, atol=1e-5)
    # And the result is still the float model's, to 8-bit accuracy.
    ref = _run(src, x, ort.GraphOptimizationLevel.ORT_ENABLE_ALL)
    sqnr = 10 * np.log10(np.sum(ref ** 2) / np.sum((optimized - ref) ** 2))
    assert sqnr > 25, sqnr


def test_the_tool_refuses_to_run_without_sympy_instead_of_making_another_file(tmp_path: Path) -> None:
    """Without sympy onnxruntime's pre-pass skips symbolic shapes and the INT8 file differs from the shipped one."""
    import subprocess

    tool = Path(__file__).resolve().parent.parent / "tools" / "quantize_models.py"
    code = ("import runpy, sys; sys.modules['sympy'] = None; import importlib.util as u; real = u.find_spec; "
            "u.find_spec = lambda n, *a: None if n == 'sympy' else real(n, *a); "
            f"sys.argv = ['quantize_models.py', '--out', {str(tmp_path)!r}]; "
            f"runpy.run_path({str(tool)!r}, run_name='__main__')")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert run.returncode != 0
    assert "needs sympy" in run.stderr and "pip install -e '.[quantize]'" in run.stderr
    assert "Traceback" not in run.stderr and not list(tmp_path.iterdir())
