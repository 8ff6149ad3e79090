"""The window's parts on their own: geometry, schema-made widgets, settings store, shortcuts, helpers."""
from __future__ import annotations

import subprocess
import sys
import textwrap
from dataclasses import dataclass

import numpy as np
import pytest

pytest.importorskip("pytestqt")

from PySide6.QtCore import QRect, QSize  # noqa: E402
from PySide6.QtGui import QKeySequence  # noqa: E402

from vision_desk.errors import OutputError  # noqa: E402
from vision_desk.frame import Frame  # noqa: E402
from vision_desk.frame_stats import Stats  # noqa: E402
from vision_desk.gui.banner import Banner  # noqa: E402
from vision_desk.gui.presenter import caption_text  # noqa: E402
from vision_desk.gui.processor_panel import ProcessorGroup  # noqa: E402
from vision_desk.gui.setting_widgets import (  # noqa: E402
    BoolEditor, ChoiceEditor, NumberEditor, TextEditor, make_editor,
)
from vision_desk.gui.settings_store import SettingsStore  # noqa: E402
from vision_desk.gui.shortcuts import COMMANDS, shortcut_rows  # noqa: E402
from vision_desk.gui.stats_panel import summarize_results  # noqa: E402
from vision_desk.gui.video_view import RateCounter, aspect_fit, to_qimage  # noqa: E402
from vision_desk.pipeline.sinks import RecordingSink  # noqa: E402
from vision_desk.pipeline.types import FrameResult  # noqa: E402
from vision_desk.processors.settings import describe, setting  # noqa: E402
from vision_desk.results import Detections, Faces, Poses  # noqa: E402
from vision_desk.sources.base import Source, SourceInfo  # noqa: E402
from vision_desk.sources.mirror import MirroredSource  # noqa: E402


@pytest.mark.parametrize("size,area,expected", [
    ((640, 360), (0, 0, 1280, 720), (0, 0, 1280, 720)),  # same aspect: fills
    ((640, 360), (0, 0, 800, 800), (0, 175, 800, 450)),  # wide in a square: bars above and below
    ((360, 640), (10, 20, 800, 400), (297, 20, 225, 400)),  # tall in a wide area: bars left and right
    ((0, 0), (0, 0, 800, 600), (0, 0, 0, 0)),  # nothing to show
])
def test_aspect_fit(size, area, expected):
    r = aspect_fit(QSize(*size), QRect(*area))
    assert (r.x(), r.y(), r.width(), r.height()) == expected if expected[2] else r.isEmpty()


def test_rate_counter_counts_events_in_its_window():
    rc = RateCounter(window=1.0)
    for i in range(11):
        rc.tick(100.0 + i * 0.1)  # 10 per second
    assert rc.rate(101.0) == pytest.approx(10.0)
    assert rc.rate(105.0) == 0.0  # all too old


def test_to_qimage_wraps_bgr_without_changing_colours(astronaut):
    img = to_qimage(astronaut)
    assert (img.width(), img.height()) == (astronaut.shape[1], astronaut.shape[0])
    b, g, r = astronaut[10, 20]
    assert img.pixelColor(20, 10).getRgb()[:3] == (r, g, b)


@dataclass(frozen=True)
class _Demo:
    on: bool = setting(True, help="a switch")
    mode: str = setting("a", choices=("a", "b", "c"), help="a choice")
    count: int = setting(5, range=(0, 50), help="a whole number")
    amount: float = setting(0.5, range=(0.0, 1.0), step=0.05, help="a fraction", reload=True)
    picture: str = setting("", help="a picture path")


def test_editors_made_from_a_settings_schema(qtbot):
    infos = {i.name: i for i in describe(_Demo)}
    kinds = {name: type(make_editor(info)) for name, info in infos.items()}
    assert kinds == {"on": BoolEditor, "mode": ChoiceEditor, "count": NumberEditor, "amount": NumberEditor,
                     "picture": TextEditor}
    amount = make_editor(infos["amount"])
    qtbot.addWidget(amount)
    assert amount.value() == 0.5 and "reloads the model" in amount.toolTip()
    seen = []
    amount.edited.connect(seen.append)
    amount.slider.setValue(amount.slider.value() + 2)  # two steps of 0.05
    assert seen == [pytest.approx(0.6)] and amount.spin.value() == pytest.approx(0.6)
    amount.set_value(0.25)  # programmatic: no edit signal, both widgets follow
    assert seen == [pytest.approx(0.6)] and amount.slider.value() == 5
    mode = make_editor(infos["mode"])
    qtbot.addWidget(mode)
    mode.set_value("c")
    assert mode.value() == "c"


def test_processor_group_coalesces_edits(qtbot):
    group = ProcessorGroup("faces")
    qtbot.addWidget(group)
    sent = []
    group.edited.connect(lambda name, values: sent.append((name, values)))
    spin = group.editors["min_neighbors"].spin
    for v in (6, 7, 8):  # e.g. a slider drag
        spin.setValue(v)
    with qtbot.waitSignal(group.edited, timeout=3000):
        pass
    assert sent == [("faces", {"min_neighbors": 8})]


def test_settings_store_round_trip_and_damaged_values(tmp_path):
    path = tmp_path / "s.ini"
    store = SettingsStore(path)
    assert store.processors is None and store.source == ""
    store.source = "clip.mp4"
    store.processors = ["faces", "pose"]
    store.set_processor_settings("faces", {"min_neighbors": 7})
    store.set_flag("mirror", True)
    store.sync()
    again = SettingsStore(path)
    assert (again.source, again.processors, again.processor_settings("faces"), again.flag("mirror")) == \
        ("clip.mp4", ["faces", "pose"], {"min_neighbors": 7}, True)
    path.write_text("[General]\nprocessors=not json\nprocessor_settings\\faces=[1,2\nview\\mirror=maybe\n")
    damaged = SettingsStore(path)
    assert damaged.processors is None and damaged.processor_settings("faces") == {}
    assert damaged.flag("mirror") is False


def test_every_command_has_distinct_keys_and_the_help_lists_them():
    keys = [QKeySequence(k).toString() for c in COMMANDS for k in c.keys]
    assert len(keys) == len(set(keys)), "two commands share a key"
    listed = " ".join(k for _, k, _ in shortcut_rows())
    for cmd in COMMANDS:
        assert cmd.keys[0] in listed


class _Still(Source):
    def __init__(self, image: np.ndarray) -> None:
        self.image = image

    def open(self) -> SourceInfo:
        return self.info

    def read(self) -> Frame | None:
        return Frame(self.image, 0, 0.0)

    def close(self) -> None:
        pass

    @property
    def info(self) -> SourceInfo:
        return SourceInfo("image", "still", 0, 1, self.image.shape[1], self.image.shape[0], False)


def test_mirrored_source_flips_only_when_asked(chelsea):
    src = MirroredSource(_Still(chelsea))
    assert np.array_equal(src.read().image, chelsea)
    src.mirrored = True
    assert np.array_equal(src.read().image, chelsea[:, ::-1])
    assert src.info.description == "still" and src.dropped == 0 and src.warnings == []


def test_recording_sink_closes_both_files_even_if_one_fails():
    closed = []

    class Part:
        def __init__(self, name: str, fail: bool) -> None:
            self.name, self.fail = name, fail

        def close(self) -> None:
            closed.append(self.name)
            if self.fail:
                raise OutputError(f"{self.name} failed")

    tee = RecordingSink(Part("video", True), Part("jsonl", False))
    with pytest.raises(OutputError, match="video"):
        tee.close()
    assert closed == ["video", "jsonl"]


def _result(results: dict) -> FrameResult:
    img = np.zeros((4, 4, 3), np.uint8)
    return FrameResult(Frame(img, 0, 0.0), img, img, results,
                       stats=Stats(processed_fps=12.4, latency_ms=80, latency_p50_ms=75))


def test_what_was_found_reads_like_a_sentence():
    dets = Detections(np.zeros((3, 4)), np.ones(3), np.array([1, 47, 1]), ["person", "cup", "person"])
    faces = Faces(np.zeros((2, 4)))
    poses = Poses(np.zeros((1, 18, 3)), np.ones(1))
    assert summarize_results({"faces": faces, "objects": dets, "pose": poses}) == \
        "2 faces · 2 person, cup · 1 person (pose)"  # (objects with their counts too)
    text = caption_text(["faces", "objects"], _result({"faces": faces}), 12.0, recording=True)
    assert text.startswith("Faces + Objects") and "12 fps" in text and "75 ms latency" in text and "REC" in text
    assert "press 1-6" in caption_text([], None, 0.0)


def test_banner_counts_a_repeated_error(qtbot):
    banner = Banner()
    qtbot.addWidget(banner)
    banner.show_error("pose: model failed")
    banner.show_error("pose: model failed")
    assert "×2" in banner.label.text() and banner.message == "pose: model failed"
    banner.dismiss()
    assert banner.message == ""


def test_pyside_reference_count_guard_keeps_a_long_session_alive():
    """PySide6 6.12 loses a reference to None/True on every void call/emit on Python < 3.12 (see qt_compat)."""
    script = textwrap.dedent("""
        import os
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
        import vision_desk.gui
        from PySide6.QtCore import QObject, Signal
        from PySide6.QtWidgets import QApplication, QWidget
        app = QApplication([])
        class E(QObject):
            ping = Signal(bool)
        e, w = E(), QWidget()
        e.ping.connect(lambda v: None)
        for _ in range(20000):
            w.update()
            e.ping.emit(True)
        print("alive")
    """)
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0 and "alive" in proc.stdout, proc.stderr[-2000:]


class _R:
    def __init__(self, index: int, fps: float) -> None:
        self.index = index
        self.stats = Stats(processed_fps=fps)


def test_pacer_live_shows_only_the_newest():
    from vision_desk.gui.pacing import FramePacer

    pacer = FramePacer()
    pacer.live = True
    for i in range(3):
        pacer.push(_R(i, 10))
    assert pacer.next(0.0).index == 2 and pacer.next(0.01) is None


def test_pacer_files_show_every_frame_spaced_at_the_processing_rate():
    from vision_desk.gui.pacing import FramePacer

    pacer = FramePacer()
    pacer.live = False
    pacer.push(_R(0, 10))
    pacer.push(_R(1, 10))  # two frames in flight finished together
    assert pacer.next(1.0).index == 0
    assert pacer.next(1.02) is None  # too early: 10 fps means one every 100 ms
    assert pacer.next(1.09).index == 1  # its slot (a little early is allowed)
    for i in range(2, 8):  # a flood: the oldest are skipped, the picture never falls far behind
        pacer.push(_R(i, 10))
    shown = [pacer.next(2.0 + k).index for k in range(4)]
    assert shown == [4, 5, 6, 7]


def test_settings_store_never_writes_stream_credentials(tmp_path):
    path = tmp_path / "s.ini"
    store = SettingsStore(path)
    store.processors = ["faces"]
    store.source = "rtsp://cam.example:554/live"
    store.source = "rtsp://admin:hunter2@cam.example:554/live"
    store.sync()
    assert "hunter2" not in path.read_text()
    assert SettingsStore(path).source == ""  # not kept at all: the user types it again
    store.source = "http://cam.example/x.mjpg"
    store.sync()
    assert SettingsStore(path).source == "http://cam.example/x.mjpg"
