"""An image folder in the window (issue 22, item 9): a slide show numbered by picture, "n / 5" and the name.

It used to cycle through 5 pictures at 30 frames a second with the counter running up (145, 328, ...), the
slider at 0 and "30 fps" in the status bar. Real photos (scikit-image's), a real window (offscreen Qt).
"""
from __future__ import annotations

import cv2
import pytest

pytest.importorskip("pytestqt")

from PySide6.QtCore import Qt  # noqa: E402
from test_gui import make_gui, wait_result  # noqa: E402,F401  (the fixture is shared)


def test_a_folder_is_a_slide_show_numbered_by_picture(qtbot, make_gui, tmp_path, astronaut, camera_man, chelsea,
                                                      coffee, rocket):
    folder = tmp_path / "imgs"
    folder.mkdir()
    for i, picture in enumerate((astronaut, camera_man, chelsea, coffee, rocket)):
        cv2.imwrite(str(folder / f"photo{i + 1}.png"), picture)
    gui = make_gui(str(folder), ["faces"])
    w = gui.window
    painted: list[int] = []
    w.view.framePainted.connect(painted.append)
    qtbot.waitUntil(lambda: len(painted) >= 10, timeout=60_000)
    assert max(painted) < 5, "frames are numbered by picture, not counted up"
    assert w.playback.isVisible() and w.playback.slider.maximum() == 4
    assert "fps" not in w.source_label.text() and "imgs" in w.source_label.text()
    qtbot.keyClick(w, Qt.Key.Key_Space)
    on_screen = w.view.result.frame.index
    qtbot.keyClick(w, Qt.Key.Key_Period)
    stepped = wait_result(qtbot, gui, lambda r: r.frame.index != on_screen, timeout=30_000)
    assert stepped.frame.index == (on_screen + 1) % 5
    qtbot.waitUntil(lambda: w.playback.position.text().startswith(f"{stepped.frame.index + 1} / 5"))
    assert f"photo{stepped.frame.index + 1}.png" in w.playback.position.text()
