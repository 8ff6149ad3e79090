"""The window's keys and gestures for the lecture views: 5 (cnn), 6 (superres), PgUp/PgDown, N, Z, dragging."""
from __future__ import annotations

import pytest

pytest.importorskip("pytestqt")

from PySide6.QtCore import QPoint, Qt  # noqa: E402

from test_gui import make_gui, wait_result  # noqa: E402,F401  (make_gui is a fixture)
from vision_desk.annotate.superres import inset_geometry  # noqa: E402


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


def _widget_point(painted, frame_w: int, frame_h: int, x: float, y: float) -> QPoint:
    """Frame/sheet pixel (x, y) -> where it is on the widget."""
    return QPoint(round(painted.x() + x * painted.width() / frame_w),
                  round(painted.y() + y * painted.height() / frame_h))


def _drag(qtbot, view, start: QPoint, end: QPoint) -> None:
    qtbot.mousePress(view, Qt.MouseButton.LeftButton, pos=start)
    qtbot.mouseRelease(view, Qt.MouseButton.LeftButton, pos=end)


def test_key_6_and_a_drag_on_the_frame_choose_the_superres_region(qtbot, make_gui):
    gui = make_gui("sample", [], realtime=False)
    w = gui.window
    wait_result(qtbot, gui, lambda r: not r.results)
    gui.logic.apply_settings("superres", {"size": 64})  # keeps the test quick on a shared machine
    qtbot.keyClick(w, Qt.Key.Key_6)
    assert "superres" in gui.controller.processors
    result = wait_result(qtbot, gui, lambda r: "superres" in r.results)
    assert result.results["superres"].source == "centre"
    fh, fw = result.frame.image.shape[:2]
    painted = w.view.image_rects()[-1]
    sh, sw = result.shown.shape[:2]  # the sheet is laid out at the view's size
    # On the comparison sheet, outside the small frame picture: not a region.
    _drag(qtbot, w.view, _widget_point(painted, sw, sh, 10, 40), _widget_point(painted, sw, sh, 200, 200))
    assert gui.controller.processor_settings("superres").region == ""
    # Inside the small frame picture (bottom right): mapped to frame pixels.
    ix, iy, iw, ih = inset_geometry(sw, sh, fw, fh)
    _drag(qtbot, w.view, _widget_point(painted, sw, sh, ix + 0.2 * iw, iy + 0.2 * ih),
          _widget_point(painted, sw, sh, ix + 0.6 * iw, iy + 0.7 * ih))
    x, y, rw, rh = (int(v) for v in gui.controller.processor_settings("superres").region.split(","))
    tolerance = 2 * fw / iw * sw / painted.width()  # one widget pixel is a few frame pixels in the small picture
    assert abs(x - 0.2 * fw) <= tolerance and abs(y - 0.2 * fh) <= tolerance
    assert abs(rw - 0.4 * fw) <= tolerance and abs(rh - 0.5 * fh) <= tolerance
    dragged = wait_result(qtbot, gui, lambda r: "superres" in r.results and r.results["superres"].source == "region")
    assert dragged.results["superres"].region[:2] == (x, y)
    # Side by side: the original frame on the left takes a drag directly.
    qtbot.keyClick(w, Qt.Key.Key_B)
    left = w.view.image_rects()[0]
    _drag(qtbot, w.view, _widget_point(left, fw, fh, 100, 50), _widget_point(left, fw, fh, 180, 130))
    x, y, rw, rh = (int(v) for v in gui.controller.processor_settings("superres").region.split(","))
    tolerance = 2 * fw / left.width()
    assert abs(x - 100) <= tolerance and abs(y - 50) <= tolerance and abs(rw - 80) <= 2 * tolerance
    qtbot.keyClick(w, Qt.Key.Key_Z)
    assert gui.controller.processor_settings("superres").mode == "check"
    wait_result(qtbot, gui, lambda r: "superres" in r.results and r.results["superres"].psnr_gan is not None)
    qtbot.mouseDClick(w.view, Qt.MouseButton.LeftButton, pos=_widget_point(left, fw, fh, 100, 50))
    assert gui.controller.processor_settings("superres").region == ""
