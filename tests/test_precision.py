"""INT8 models: the accuracy gates on real photos and sample-clip frames never used for calibration, and
the precision choice (--precision auto|fp32|int8) that picks them."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import cv2
import numpy as np
import pytest

from vision_desk import model_store, registry, runtime
from vision_desk.errors import DeviceError

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tools"))
import precision_gates as gates  # noqa: E402

OBJECTS = "objects-ssdlite-mobilenetv2-coco"
POSE = "pose-openpose-mobilenet-thin"


def _photos() -> list[np.ndarray]:
    from skimage import data

    rgb = [data.astronaut(), data.coffee(), data.chelsea(), data.rocket(), data.cat()]
    return [cv2.cvtColor(p, cv2.COLOR_RGB2BGR) for p in rgb]


@pytest.fixture(scope="module")
def check_frames() -> list[np.ndarray]:
    """Every 8th frame from frame 4: halfway between calibration frames, never calibrated on."""
    return gates.clip_frames(gates.check_indices())


def _loaded(name: str, precision: str):  # noqa: ANN202
    proc = registry.create(name)
    proc.runtime_config = runtime.RuntimeConfig("cpu", 1, precision)
    proc.load()
    return proc


def test_check_frames_are_not_calibration_frames() -> None:
    assert not set(gates.check_indices()) & set(gates.calibration_indices())
    assert len(gates.check_indices()) == 50


# Every INT8 SSDLite file shipped: the 7-bit one for CPUs without 8-bit dot products, the full-range one for
# CPUs with them (the same gate for each).
OBJECTS_INT8 = [m.id for m in model_store.load_manifest() if m.id.startswith(OBJECTS + runtime.INT8_SUFFIX)]


@pytest.mark.parametrize("name, expected", [("avx2", OBJECTS + runtime.INT8_SUFFIX),
                                            ("avx512", OBJECTS + runtime.INT8_SUFFIX),
                                            ("avx512-vnni", OBJECTS + runtime.DOT_SUFFIX),
                                            ("amx", OBJECTS + runtime.DOT_SUFFIX)])
def test_objects_int8_for_each_cpu_class_is_shipped_and_loaded_when_asked(cpu_class, name: str, expected: str) -> None:
    cpu_class(name)
    assert set(OBJECTS_INT8) == {OBJECTS + runtime.INT8_SUFFIX, OBJECTS + runtime.DOT_SUFFIX}
    assert runtime.int8_variant(OBJECTS) == expected
    for model_id in OBJECTS_INT8:
        assert model_store.entry(model_id).bytes < 0.6 * model_store.entry(OBJECTS).bytes  # 8-bit weights
    proc = _loaded("objects", "int8")
    assert proc.precision == "INT8" and proc._session.model_id == expected
    assert _loaded("objects", "fp32").precision == "FP32"


def _objects_running(model_id: str):  # noqa: ANN202
    """The objects processor running exactly this manifest file."""
    proc = _loaded("objects", "fp32")
    proc._session = runtime.open_session(model_id, proc.runtime_config, [runtime.CPU])
    return proc


@pytest.mark.slow
@pytest.mark.parametrize("model_id", OBJECTS_INT8)
def test_objects_int8_accuracy_gate(check_frames: list[np.ndarray], model_id: str) -> None:
    """Every FP32 detection above 0.6 is found by INT8 with IoU >= 0.85 and the same label."""
    if model_id.endswith(runtime.DOT_SUFFIX) and not runtime.int8_pays(hardware=True)[0]:
        pytest.skip("the full-range INT8 file needs 8-bit dot products (VNNI, AMX, ARM dotprod), which this CPU "
                    "lacks: its int16 sums would saturate here, and the app never loads it on such a CPU")
    frames = check_frames + _photos()
    fp32, int8 = _loaded("objects", "fp32"), _objects_running(model_id)
    report = gates.compare_objects([fp32.process(f) for f in frames], [int8.process(f) for f in frames])
    assert report.checked >= 20, report.line()  # the gate must have something to judge
    assert report.passed, report.line()


@pytest.mark.slow
def test_pose_precision_gate_or_fp32(check_frames: list[np.ndarray]) -> None:
    """Pose INT8 ships only if it meets the gate; otherwise --precision int8 runs pose in FP32."""
    if runtime.int8_variant(POSE) is None:
        assert _loaded("pose", "int8").precision == "FP32"
        return
    frames = check_frames[::2]
    fp32, int8 = _loaded("pose", "fp32"), _loaded("pose", "int8")
    assert int8.precision == "INT8"
    report = gates.compare_pose([fp32.process(f) for f in frames], [int8.process(f) for f in frames],
                                [fp32.prepare(f)[1].scale for f in frames])
    assert report.frames_with_people >= 10, report.line()
    assert report.passed, report.line()


def test_style_stays_fp32() -> None:
    assert runtime.int8_variant("style-multistyle26") is None


def test_precision_choice() -> None:
    cpu = runtime.RuntimeConfig("cpu", 1, "auto")
    assert runtime.resolve_precision(cpu, runtime.CPU) == ("int8" if runtime.int8_pays()[0] else "fp32")
    assert runtime.resolve_precision(cpu, runtime.CUDA) == "fp32"  # the GPU keeps FP32
    assert runtime.resolve_precision(runtime.RuntimeConfig("cpu", 1, "int8"), runtime.CPU) == "int8"
    assert "INT8" in runtime.describe_device(runtime.RuntimeConfig("cpu", 1, "int8"))
    with pytest.raises(DeviceError, match="use one of: auto, fp32, int8"):
        runtime.RuntimeConfig("cpu", 1, "int4")


def test_precision_option_in_the_cli() -> None:
    bad = subprocess.run([sys.executable, "-m", "vision_desk", "info", "--precision", "int4"],
                         capture_output=True, text=True, timeout=120)
    assert bad.returncode == 2
    assert len(bad.stderr.strip().splitlines()) == 1 and "int4" in bad.stderr
    ok = subprocess.run([sys.executable, "-m", "vision_desk", "info", "--device", "cpu", "--precision", "int8"],
                        capture_output=True, text=True, timeout=120)
    assert ok.returncode == 0, ok.stderr
    assert "INT8" in ok.stdout
