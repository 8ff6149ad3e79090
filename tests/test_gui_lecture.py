"""The window's keys and gestures for the lecture views: 5 (cnn), 6 (superres), PgUp/PgDown, N, Z, dragging."""
from __future__ import annotations

import pytest

pytest.importorskip("pytestqt")

from PySide6.QtCore import QPoint, Qt  # noqa: E402

from test_gui import make_gui, wait_result  # noqa: E402,F401  (make_gui is a fixture)
from vision_desk.gui.region_drag import widget_to_frame  # noqa: E402


def test_keys_switch_the_cnn_on_step_its_layers_and_views(qtbot, make_gui):
    gui = make_gui("sample", [], realtime=False)
    w = gui.window
    wait_result(qtbot, gui, lambda r: not r.results)
    qtbot.keyClick(w, Qt.Key.Key_5)
    assert "cnn" in gui.controller.processors
    first = wait_result(qtbot, gui, lambda r: "cnn" in r.results and r.results["cnn"].layer is not None)
    assert first.results["cnn"].layer.name == "stage3" and len(first.results["cnn"].labels) == 5
    qtbot.keyClick(w, Qt.Key.Key_PageDown)
    qtbot.keyClick(w, Qt.Key.Key_PageDown)
    assert gui.controller.processor_settings("cnn").layer == "stage5"
    wait_result(qtbot, gui, lambda r: "cnn" in r.results and r.results["cnn"].layer is not None
                and r.results["cnn"].layer.shape == (672, 14, 14))
    for _ in range(12):  # stops at the stem
        qtbot.keyClick(w, Qt.Key.Key_PageUp)
    assert gui.controller.processor_settings("cnn").layer == "stem"
    qtbot.keyClick(w, Qt.Key.Key_N)
    assert gui.controller.processor_settings("cnn").view == "cam"
    wait_result(qtbot, gui, lambda r: "cnn" in r.results and r.results["cnn"].cam is not None)
    qtbot.keyClick(w, Qt.Key.Key_5)
    assert "cnn" not in gui.controller.processors


def test_key_6_and_a_drag_on_the_picture_choose_the_superres_region(qtbot, make_gui):
    gui = make_gui("sample", [], realtime=False)
    w = gui.window
    wait_result(qtbot, gui, lambda r: not r.results)
    gui.logic.apply_settings("superres", {"size": 64})  # keeps the test quick on a shared machine
    qtbot.keyClick(w, Qt.Key.Key_6)
    assert "superres" in gui.controller.processors
    result = wait_result(qtbot, gui, lambda r: "superres" in r.results)
    assert result.results["superres"].source == "centre"
    painted = w.view.image_rects()[-1]
    fh, fw = result.frame.image.shape[:2]
    start = QPoint(painted.x() + painted.width() // 10, painted.y() + painted.height() // 10)
    end = QPoint(painted.x() + painted.width() // 4, painted.y() + painted.height() // 4)
    qtbot.mousePress(w.view, Qt.MouseButton.LeftButton, pos=start)
    qtbot.mouseRelease(w.view, Qt.MouseButton.LeftButton, pos=end)
    region = gui.controller.processor_settings("superres").region
    x, y, rw, rh = (int(v) for v in region.split(","))
    ex, ey = widget_to_frame(start, painted, fw, fh)
    assert abs(x - ex) <= 1 and abs(y - ey) <= 1 and rw >= 16 and rh >= 16
    dragged = wait_result(qtbot, gui, lambda r: "superres" in r.results and r.results["superres"].source == "region")
    assert dragged.results["superres"].region[:2] == (x, y)
    qtbot.keyClick(w, Qt.Key.Key_Z)
    assert gui.controller.processor_settings("superres").mode == "check"
    wait_result(qtbot, gui, lambda r: "superres" in r.results and r.results["superres"].psnr_gan is not None)
    qtbot.mouseDClick(w.view, Qt.MouseButton.LeftButton, pos=start)
    assert gui.controller.processor_settings("superres").region == ""
