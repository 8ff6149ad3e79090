"""--precision auto chooses by measurement: both files timed once per CPU model and thread count, the figures
cached in the user's cache folder and shown; the figures are injected where a test needs a given outcome, so
every test holds on any CPU."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from vision_desk import auto_precision, runtime
from vision_desk.auto_precision import Timing

OBJECTS = "objects-ssdlite-mobilenetv2-coco"
REPO = Path(__file__).resolve().parent.parent


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A cache file of this test's own (empty to start with)."""
    path = tmp_path / "cache" / "precision_timings.json"
    monkeypatch.setenv(auto_precision.CACHE_ENV, str(path))
    return path


def _inject(threads: int, fp32_ms: float, int8_ms: float) -> Timing:
    figures = Timing(OBJECTS, runtime.int8_variant(OBJECTS), threads, fp32_ms, int8_ms)
    auto_precision.remember(figures)
    return figures


def _no_measuring(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object) -> None:
        raise AssertionError("measured although figures were there")

    monkeypatch.setattr(auto_precision, "measure", refuse)


def test_the_first_auto_session_times_both_files_and_keeps_the_figures(cache: Path, cpu_class,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    cpu_class("avx512-vnni")
    cfg = runtime.RuntimeConfig("cpu", 1, "auto")
    first = runtime.create_session(OBJECTS, config=cfg)
    timings = json.loads(cache.read_text())["timings"]
    assert len(timings) == 1
    (key, figures), = timings.items()
    assert figures["fp32_ms"] > 0 and figures["int8_ms"] > 0 and figures["threads"] == 1
    assert auto_precision.cpu_model() in key and "avx512-vnni" in key
    assert first.precision == ("INT8" if figures["int8_ms"] < figures["fp32_ms"] else "FP32")  # the faster one
    _no_measuring(monkeypatch)
    assert runtime.create_session(OBJECTS, config=cfg).precision == first.precision  # from the cache now


@pytest.mark.parametrize("name", ("avx2", "avx512-vnni", "amx"))
@pytest.mark.parametrize("fp32_ms, int8_ms, expected", [(13.8, 7.7, "INT8"), (10.0, 12.1, "FP32")])
def test_auto_takes_the_faster_file_on_every_class(cache: Path, cpu_class, monkeypatch: pytest.MonkeyPatch,
                                                   name: str, fp32_ms: float, int8_ms: float, expected: str) -> None:
    cpu_class(name)
    _inject(1, fp32_ms, int8_ms)
    _no_measuring(monkeypatch)
    cfg = runtime.RuntimeConfig("cpu", 1, "auto")
    assert runtime.create_session(OBJECTS, config=cfg).precision == expected
    shown = runtime.describe_device(cfg)
    assert shown.startswith(f"CPU (1 thread, {expected} (auto: measured objects")
    assert f"INT8 {int8_ms:.1f} ms" in shown and f"FP32 {fp32_ms:.1f} ms" in shown
    # --precision still forces, whatever was measured
    for forced in ("fp32", "int8"):
        session = runtime.create_session(OBJECTS, config=runtime.RuntimeConfig("cpu", 1, forced))
        assert session.precision == forced.upper()
        assert runtime.describe_device(runtime.RuntimeConfig("cpu", 1, forced)) == f"CPU (1 thread, {forced.upper()}; --device cpu)"


def test_figures_belong_to_one_thread_count(cache: Path, cpu_class, monkeypatch: pytest.MonkeyPatch) -> None:
    """A camera's session (every core on one frame) is timed apart from a file's (one thread a frame)."""
    cpu_class("avx512-vnni")
    _inject(1, 13.8, 7.7)
    _inject(2, 8.0, 9.6)
    _no_measuring(monkeypatch)
    assert runtime.create_session(OBJECTS, config=runtime.RuntimeConfig("cpu", 1, "auto")).precision == "INT8"
    assert runtime.create_session(OBJECTS, config=runtime.RuntimeConfig("cpu", 2, "auto")).precision == "FP32"


def test_figures_belong_to_one_cpu_class(cache: Path, cpu_class) -> None:
    cpu_class("avx512-vnni")
    _inject(1, 13.8, 7.7)
    cpu_class("avx2")
    assert auto_precision.cached(OBJECTS, runtime.int8_variant(OBJECTS), 1) is None


def test_a_damaged_cache_file_is_measured_again(cache: Path, cpu_class) -> None:
    cpu_class("avx2")
    cache.parent.mkdir(parents=True)
    cache.write_text("{not json")
    session = runtime.create_session(OBJECTS, config=runtime.RuntimeConfig("cpu", 1, "auto"))
    assert session.precision in ("INT8", "FP32")
    assert len(json.loads(cache.read_text())["timings"]) == 1


def test_an_unwritable_cache_folder_still_measures_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                       cpu_class) -> None:
    cpu_class("avx2")
    monkeypatch.setenv(auto_precision.CACHE_ENV, "/proc/vision_desk/precision_timings.json")  # not even root
    cfg = runtime.RuntimeConfig("cpu", 1, "auto")
    first = runtime.create_session(OBJECTS, config=cfg).precision
    _no_measuring(monkeypatch)
    assert runtime.create_session(OBJECTS, config=cfg).precision == first  # kept in memory


def test_info_shows_the_choice_and_the_figures(cache: Path, cpu_class) -> None:
    cpu_class("avx512-vnni")
    _inject(1, 13.8, 7.7)
    run = subprocess.run([sys.executable, "-m", "vision_desk", "info", "--device", "cpu", "--threads", "1"],
                         capture_output=True, text=True, timeout=120, cwd=REPO, env=dict(os.environ))
    assert run.returncode == 0, run.stderr
    line = next(x for x in run.stdout.splitlines() if x.startswith("in use"))
    assert "INT8 (auto: measured objects INT8 7.7 ms vs FP32 13.8 ms (1 thread))" in line


def test_the_timed_input_is_the_one_the_app_feeds() -> None:
    from vision_desk.processors.objects import network_input

    import numpy as np

    feed = auto_precision.timing_feed(OBJECTS)
    assert feed is not None
    (name, x), = feed.items()
    real = network_input(np.zeros((360, 640, 3), np.uint8))
    assert x.shape == real.shape and x.dtype == real.dtype
