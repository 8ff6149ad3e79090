"""The window's keys for the recognition processors: 7/8/9, G (segmentation view), Ctrl+1/2 and Ctrl+E (teach)."""
from __future__ import annotations

import pytest

pytest.importorskip("pytestqt")

from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtWidgets import QInputDialog  # noqa: E402

from test_gui import make_gui, wait_result  # noqa: E402,F401  (make_gui is a fixture)
from vision_desk.processors import teach_examples  # noqa: E402


def test_keys_switch_segment_on_and_cycle_its_views(qtbot, make_gui):
    gui = make_gui("sample", [], realtime=False)
    w = gui.window
    wait_result(qtbot, gui, lambda r: not r.results)
    qtbot.keyClick(w, Qt.Key.Key_8)
    assert "segment" in gui.controller.processors
    wait_result(qtbot, gui, lambda r: "segment" in r.results)
    views = []
    for _ in range(4):
        qtbot.keyClick(w, Qt.Key.Key_G)
        views.append(gui.controller.processor_settings("segment").view)
    assert views == ["replace", "mask", "cutout", "blur"]
    qtbot.keyClick(w, Qt.Key.Key_7)
    assert "digits" in gui.controller.processors
    wait_result(qtbot, gui, lambda r: "digits" in r.results)


def test_ctrl_digits_teach_classes_from_the_frame_on_screen(qtbot, make_gui, tmp_path, monkeypatch):
    folder = tmp_path / "examples"
    folder.mkdir()
    gui = make_gui("sample", [], realtime=False)
    w = gui.window
    gui.logic.apply_settings("teach", {"examples": str(folder)})
    wait_result(qtbot, gui, lambda r: not r.results)
    w.activateWindow()
    qtbot.keyClick(w, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)  # the frame on screen -> class 1
    assert "teach" in gui.controller.processors  # switched on by the first example
    assert [len(c.pictures) for c in teach_examples.classes(folder)] == [1]
    qtbot.keyClick(w, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    assert [c.label for c in teach_examples.classes(folder)] == ["class 1", "class 2"]
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("1 astronaut", True))
    qtbot.keyClick(w, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    assert [c.label for c in teach_examples.classes(folder)] == ["astronaut", "class 2"]
    # The processor rereads the folder by itself: the renamed class and both examples reach the screen.
    result = wait_result(qtbot, gui, lambda r: "teach" in r.results
                         and r.results["teach"].labels == ("astronaut", "class 2"))
    assert result.results["teach"].counts == [1, 1] and result.results["teach"].label in ("astronaut", "class 2")
