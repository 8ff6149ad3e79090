"""Step after pause shows the next frame (issue 22, item 7): in real time with a slow processor, Space then
'.' jumped 339 -> 351 (the frames already read and in flight went by); the class expects 340.

A real window (offscreen Qt) on the bundled clip with the pose network; waits are conditions.
"""
from __future__ import annotations

import pytest

pytest.importorskip("pytestqt")

from PySide6.QtCore import Qt  # noqa: E402
from test_gui import make_gui, wait_result  # noqa: E402,F401  (the fixture is shared)


@pytest.mark.parametrize("realtime", [True, False])
def test_step_after_pause_shows_the_frame_after_the_one_on_screen(qtbot, make_gui, realtime):
    gui = make_gui("sample", ["pose"], realtime=realtime)
    w = gui.window
    wait_result(qtbot, gui, lambda r: "pose" in r.results and r.frame.index > 10)
    painted: list[int] = []
    w.view.framePainted.connect(painted.append)
    qtbot.keyClick(w, Qt.Key.Key_Space)
    assert gui.controller.paused
    on_screen = w.view.result.frame.index
    # At once, while the frames read ahead are still inside the network: the next frame, not the next read.
    qtbot.keyClick(w, Qt.Key.Key_Period)
    stepped = wait_result(qtbot, gui, lambda r: r.frame.index != on_screen, timeout=30_000)
    assert stepped.frame.index == on_screen + 1
    qtbot.keyClick(w, Qt.Key.Key_Period)
    again = wait_result(qtbot, gui, lambda r: r.frame.index != on_screen + 1, timeout=30_000)
    assert again.frame.index == on_screen + 2
    # Nothing else was painted in between: the frames that finished after Space never moved the picture.
    assert set(painted) <= {on_screen, on_screen + 1, on_screen + 2}
