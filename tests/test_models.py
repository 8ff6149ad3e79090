"""The model files are the ones in the manifest, load with their documented contract, and run on a real photo."""
from __future__ import annotations

import shutil
from pathlib import Path

import cv2
import numpy as np
import pytest

from vision_desk import model_store, runtime
from vision_desk.cli import main
from vision_desk.errors import ModelError

ENTRIES = model_store.load_manifest()


def _dims(shape: list, h: int, w: int) -> list[int]:
    table = {"h": h, "w": w, "h/8": h // 8, "w/8": w // 8, "4h": 4 * h, "4w": 4 * w, "n": 1}
    return [table[d] if isinstance(d, str) else d for d in shape]


@pytest.mark.parametrize("entry", ENTRIES, ids=lambda e: e.id)
def test_file_matches_manifest(entry: model_store.ModelEntry) -> None:
    path = model_store.bundled_dir() / entry.file
    assert path.stat().st_size == entry.bytes
    assert model_store.sha256_file(path) == entry.sha256
    assert entry.license in ("Apache-2.0", "MIT", "BSD-3-Clause")
    if entry.source["registry"] == "derived":  # made here from an FP32 file (tools/quantize_models.py)
        assert model_store.entry(entry.id.split("-int8")[0]).file in entry.source["package"]  # -int8, -int8-dot
    else:
        assert entry.source["registry"] in ("npm", "pypi") and "@" in entry.source["package"]


def _feeds(entry: model_store.ModelEntry, photo: np.ndarray) -> tuple[dict[str, np.ndarray], int, int]:
    rgb = cv2.cvtColor(photo, cv2.COLOR_BGR2RGB)
    feeds = {}
    h, w = 256, 320  # any size the variable-size models accept (multiples of 8)
    for name, spec in entry.inputs.items():
        shape = _dims(spec["shape"], h, w)
        if entry.id.startswith("objects"):
            feeds[name] = cv2.resize(rgb, (w, h))[None]
        elif entry.id.startswith("pose-movenet"):  # NHWC RGB int32, sides multiples of 32
            feeds[name] = cv2.resize(rgb, (w, h))[None].astype(np.int32)
        elif entry.id.startswith("pose"):
            feeds[name] = cv2.resize(photo, (w, h)).transpose(2, 0, 1)[None].astype(np.float32)
        elif name == "style_weights":
            feeds[name] = np.full(26, 1 / 26, np.float32)
        elif len(shape) == 4 and shape[1] == 3:
            feeds[name] = (cv2.resize(rgb, (shape[3], shape[2])).transpose(2, 0, 1)[None] / 255).astype(np.float32)
        elif len(shape) == 4 and shape[-1] == 3:
            feeds[name] = (cv2.resize(rgb, (shape[2], shape[1]))[None] / 255).astype(np.float32)
        else:
            feeds[name] = np.random.default_rng(0).normal(size=shape).astype(np.float32)
    return feeds, h, w


@pytest.mark.parametrize("entry", ENTRIES, ids=lambda e: e.id)
def test_model_runs_with_documented_contract(entry: model_store.ModelEntry, astronaut: np.ndarray) -> None:
    ms = runtime.create_session(entry.id, config=runtime.RuntimeConfig())
    assert ms.provider == runtime.CPU  # this machine has no GPU
    assert sorted(ms.input_names) == sorted(entry.inputs)
    feeds, h, w = _feeds(entry, astronaut)
    outs = ms.run(feeds)
    for (name, spec), out in zip(entry.outputs.items(), outs):
        assert list(out.shape) == _dims(spec["shape"], h, w), name
        assert np.isfinite(out).all()


def test_objects_model_sees_the_astronaut(astronaut: np.ndarray) -> None:
    ms = runtime.create_session("objects-ssdlite-mobilenetv2-coco", config=runtime.RuntimeConfig())
    scores, boxes = ms.run({"image_tensor:0": cv2.cvtColor(astronaut, cv2.COLOR_BGR2RGB)[None]})
    assert scores[0, :, 0].max() > 0.5  # column 0 = COCO id 1 = person


@pytest.fixture
def models_copy(tmp_path: Path) -> Path:
    dst = tmp_path / "models"
    shutil.copytree(model_store.bundled_dir(), dst)
    model_store.set_models_dir(dst)
    yield dst
    model_store.set_models_dir(None)


def test_corrupted_model_gives_clear_error(models_copy: Path) -> None:
    f = models_copy / "multistyle26.onnx"
    data = bytearray(f.read_bytes())
    data[len(data) // 2] ^= 0xFF  # same size, one flipped byte
    f.write_bytes(bytes(data))
    with pytest.raises(ModelError, match=r"multistyle26\.onnx.*does not match its checksum.*restore"):
        runtime.create_session("style-multistyle26", config=runtime.RuntimeConfig())


def test_truncated_model_gives_clear_error(models_copy: Path) -> None:
    f = models_copy / "openpose_mobilenet_thin.onnx"
    f.write_bytes(f.read_bytes()[:1000])
    with pytest.raises(ModelError, match=r"openpose_mobilenet_thin\.onnx.*wrong size.*truncated"):
        runtime.create_session("pose-openpose-mobilenet-thin", config=runtime.RuntimeConfig())


def test_missing_model_gives_clear_error(models_copy: Path) -> None:
    (models_copy / "ssdlite_mobilenet_v2_coco.onnx").unlink()
    with pytest.raises(ModelError, match=r"ssdlite_mobilenet_v2_coco\.onnx.*is missing.*git checkout"):
        runtime.create_session("objects-ssdlite-mobilenetv2-coco", config=runtime.RuntimeConfig(precision="fp32"))


def test_models_verify_cli(models_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["models", "--verify", "--models-dir", str(models_copy)]) == 0
    assert f"all {len(ENTRIES)} model files match" in capsys.readouterr().out
    (models_copy / "arbitrary_predict.onnx").write_bytes(b"not an onnx file")
    (models_copy / "multistyle26.onnx").unlink()
    assert main(["models", "--verify", "--models-dir", str(models_copy)]) == 1
    out = capsys.readouterr().out
    assert "FAILED:" in out and "arbitrary_predict.onnx" in out and "multistyle26.onnx" in out
    assert "Traceback" not in out


def test_models_dir_from_environment(models_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    model_store.set_models_dir(None)
    monkeypatch.setenv(model_store.ENV_VAR, str(models_copy))
    assert model_store.models_dir() == models_copy
