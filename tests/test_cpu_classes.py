"""Every CPU class's decisions, on any machine: VISION_DESK_CPU_FLAGS pretends to be another CPU, and the
INT8 path's own behaviour (a missing FP32 file, a damaged INT8 file, auto) is specified per class."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from robust_inputs import models_with

from vision_desk import model_store, runtime
from vision_desk.errors import ModelError

OBJECTS = "objects-ssdlite-mobilenetv2-coco"
FP32_FILE = "ssdlite_mobilenet_v2_coco.onnx"
REPO = Path(__file__).resolve().parent.parent
WITH_DOT8 = ("avx512-vnni", "avx-vnni", "amx", "arm-dotprod")
WITHOUT_DOT8 = ("avx2", "avx512", "arm")


def _int8_file(model_id: str = OBJECTS) -> str:
    """The INT8 file the precision choice loads on the CPU class in force."""
    variant = runtime.int8_variant(model_id)
    assert variant is not None
    return model_store.entry(variant).file


@pytest.fixture(autouse=True)
def no_timings_yet(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A cache of auto's timings of each test's own, empty: what these tests specify is the behaviour before
    anything was measured (figures measured by another test would decide auto instead)."""
    from vision_desk import auto_precision

    monkeypatch.setenv(auto_precision.CACHE_ENV, str(tmp_path / "timings" / "precision_timings.json"))


@pytest.fixture
def models_dir_with(tmp_path: Path):
    """Use a models folder in which one file is damaged (see robust_inputs.models_with)."""
    def use(damage: str, model_file: str) -> Path:
        folder = models_with(tmp_path, damage, model_file)
        model_store.set_models_dir(folder)
        return folder

    yield use
    model_store.set_models_dir(None)


@pytest.mark.parametrize("name", sorted(runtime.CPU_CLASSES))
def test_the_override_names_a_class(cpu_class, name: str) -> None:
    cpu_class(name)
    assert runtime.cpu_class() == name
    assert runtime.int8_pays()[0] == (name in WITH_DOT8)
    assert "VISION_DESK_CPU_FLAGS" in runtime.int8_pays()[1]  # the reason says the flags were overridden


def test_the_override_takes_flags_too(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(runtime.CPU_FLAGS_ENV, "asimd, asimddp")
    assert runtime.cpu_flags() == {"asimd", "asimddp"} and runtime.cpu_class() == "arm-dotprod"
    monkeypatch.setenv(runtime.CPU_FLAGS_ENV, "sse2")
    assert runtime.cpu_class() == "other" and not runtime.int8_pays()[0]
    monkeypatch.delenv(runtime.CPU_FLAGS_ENV)
    assert runtime.cpu_flags() == runtime._proc_cpu_flags()  # this machine's own flags again


@pytest.mark.parametrize("name", WITH_DOT8 + WITHOUT_DOT8)
def test_auto_by_class_and_forced_choices(cpu_class, name: str) -> None:
    cpu_class(name)
    auto = runtime.RuntimeConfig("cpu", 1, "auto")
    assert runtime.resolve_precision(auto, runtime.CPU) == ("int8" if name in WITH_DOT8 else "fp32")
    assert runtime.resolve_precision(auto, runtime.CUDA) == "fp32"  # the GPU keeps FP32 on every class
    for forced in ("fp32", "int8"):
        assert runtime.resolve_precision(runtime.RuntimeConfig("cpu", 1, forced), runtime.CPU) == forced


@pytest.mark.parametrize("name", ("avx512-vnni", "avx2"))
def test_fp32_file_missing_int8_present(cpu_class, models_dir_with, name: str) -> None:
    """Only the file the choice loads is needed: INT8 runs without the FP32 file; FP32 says it is missing."""
    cpu_class(name)
    models_dir_with("missing", FP32_FILE)
    forced = runtime.create_session(OBJECTS, config=runtime.RuntimeConfig("cpu", 1, "int8"))
    assert forced.precision == "INT8" and forced.path.name == _int8_file()
    with pytest.raises(ModelError, match=rf"{FP32_FILE}.*is missing.*git checkout"):
        runtime.create_session(OBJECTS, config=runtime.RuntimeConfig("cpu", 1, "fp32"))
    auto = runtime.RuntimeConfig("cpu", 1, "auto")
    if name == "avx2":  # auto chooses FP32 there, so the missing file is an error
        with pytest.raises(ModelError, match=rf"{FP32_FILE}.*is missing"):
            runtime.create_session(OBJECTS, config=auto)
    else:
        assert runtime.create_session(OBJECTS, config=auto).precision == "INT8"


@pytest.mark.parametrize("name", ("avx512-vnni", "avx2"))
def test_a_damaged_int8_file_is_named_with_how_to_do_without_it(cpu_class, models_dir_with, name: str) -> None:
    cpu_class(name)
    int8_file = _int8_file()
    models_dir_with("checksum", int8_file)
    with pytest.raises(ModelError) as err:
        runtime.create_session(OBJECTS, config=runtime.RuntimeConfig("cpu", 1, "int8"))
    message = str(err.value)
    assert int8_file in message and "does not match its checksum" in message
    assert "tools/quantize_models.py" in message and "--precision fp32" in message
    assert runtime.create_session(OBJECTS, config=runtime.RuntimeConfig("cpu", 1, "fp32")).precision == "FP32"


def test_a_damaged_int8_file_on_the_command_line_is_one_line(cpu_class, tmp_path: Path) -> None:
    """On a CPU with 8-bit dot products auto loads the INT8 file: damaged, it is one line naming it."""
    cpu_class("avx512-vnni")  # in the environment: the command below runs as on such a CPU
    int8_file = _int8_file()
    models = models_with(tmp_path, "garbage", int8_file)
    env = {k: v for k, v in os.environ.items() if k != "VISION_DESK_MODELS"}
    run = subprocess.run([sys.executable, "-m", "vision_desk", "process", "sample", "-p", "objects", "--models-dir",
                          str(models), "--max-frames", "2", "--no-progress", "--json", str(tmp_path / "r.jsonl")],
                         capture_output=True, text=True, timeout=180, cwd=REPO, env=env)
    assert run.returncode == 2, run.stderr
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1 and int8_file in lines[0] and "--precision fp32" in lines[0], run.stderr
    assert not (tmp_path / "r.jsonl").exists()
