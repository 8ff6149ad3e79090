"""The window's precision choice: in the stats panel beside the provider line, reloads the models, remembered."""
from __future__ import annotations

import threading
from pathlib import Path

import pytest

pytest.importorskip("pytestqt")

from vision_desk.gui.app import LaunchOptions, build  # noqa: E402
from vision_desk.gui.settings_store import SettingsStore  # noqa: E402

LOAD_TIMEOUT = 60_000


def _pipeline_threads() -> list[str]:
    return [t.name for t in threading.enumerate() if t.name.startswith("vd-")]


def _objects_precision(gui) -> str:  # noqa: ANN001
    pipe = gui.controller.pipeline
    proc = pipe.processor_instance("objects") if pipe is not None else None
    return proc.precision if proc is not None else ""


def test_precision_choice_reloads_the_models_and_is_remembered(qtbot, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    path = tmp_path / "settings.ini"
    store = SettingsStore(path)
    gui = build(LaunchOptions(source="sample", processors=["objects"], settings_path=str(path), fresh=True,
                              precision="fp32"), store)
    qtbot.addWidget(gui.window)
    gui.window.show()
    panel = gui.window.stats_panel
    assert panel.precision.currentData() == "fp32"
    qtbot.waitUntil(lambda: _objects_precision(gui) == "FP32", timeout=LOAD_TIMEOUT)
    qtbot.waitUntil(lambda: "FP32" in panel.device.text(), timeout=LOAD_TIMEOUT)

    panel.precision.activated.emit(panel.precision.findData("int8"))  # what choosing it in the list does
    qtbot.waitUntil(lambda: _objects_precision(gui) == "INT8", timeout=LOAD_TIMEOUT)
    qtbot.waitUntil(lambda: "INT8" in panel.device.text(), timeout=LOAD_TIMEOUT)
    qtbot.waitUntil(lambda: gui.controller.latest() is not None, timeout=LOAD_TIMEOUT)  # frames flow again
    gui.store.sync()
    assert SettingsStore(path).precision == "int8"
    gui.window.close()
    qtbot.waitUntil(lambda: not _pipeline_threads(), timeout=15_000)


def test_the_provider_line_names_the_threads_the_source_runs_on(qtbot, tmp_path: Path, monkeypatch) -> None:
    """A camera's models run on every core's threads, a file's on cores - 1: the line says which, and follows
    a change of source."""
    import os

    monkeypatch.setattr(os, "cpu_count", lambda: 4)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    path = tmp_path / "settings.ini"
    gui = build(LaunchOptions(source="synthetic", processors=["faces"], settings_path=str(path), fresh=True),
                SettingsStore(path))
    qtbot.addWidget(gui.window)
    gui.window.show()
    panel = gui.window.stats_panel
    qtbot.waitUntil(lambda: "CPU (4 threads" in panel.device.text(), timeout=LOAD_TIMEOUT)
    gui.controller.open_source("sample")
    qtbot.waitUntil(lambda: "CPU (3 threads" in panel.device.text(), timeout=LOAD_TIMEOUT)
    gui.window.close()
    qtbot.waitUntil(lambda: not _pipeline_threads(), timeout=15_000)


def test_auto_shows_its_choice_and_the_measured_figures(qtbot, tmp_path: Path, monkeypatch, cpu_class) -> None:
    """--precision auto: the stats panel says which file was chosen and the timings it was chosen on (injected
    here, for whichever thread count the source runs at)."""
    from vision_desk import auto_precision, runtime

    cpu_class("avx512-vnni")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setenv(auto_precision.CACHE_ENV, str(tmp_path / "cache" / "timings.json"))
    model = "objects-ssdlite-mobilenetv2-coco"
    for threads in {runtime.default_threads(), runtime.live_threads()}:
        auto_precision.remember(auto_precision.Timing(model, runtime.int8_variant(model), threads, 13.8, 7.7))
    path = tmp_path / "settings.ini"
    gui = build(LaunchOptions(source="sample", processors=["objects"], settings_path=str(path), fresh=True), SettingsStore(path))
    qtbot.addWidget(gui.window)
    gui.window.show()
    panel = gui.window.stats_panel
    assert panel.precision.currentData() == "auto"
    qtbot.waitUntil(lambda: "INT8 (auto: measured objects INT8 7.7 ms vs FP32 13.8 ms" in panel.device.text(),
                    timeout=LOAD_TIMEOUT)
    qtbot.waitUntil(lambda: _objects_precision(gui) == "INT8", timeout=LOAD_TIMEOUT)
    gui.window.close()
    qtbot.waitUntil(lambda: not _pipeline_threads(), timeout=15_000)
