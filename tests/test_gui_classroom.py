"""What a teacher hits in front of a class (issue 12): focus, stage bars, counts, presenter feedback.

Real window (offscreen Qt), real pipeline and processors on the bundled clip; waits are conditions.
"""
from __future__ import annotations

import pytest

pytest.importorskip("pytestqt")

from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402
from test_gui import make_gui, wait_result  # noqa: E402,F401  (the fixture is shared)


def test_enter_in_a_number_box_hands_the_keys_back_to_the_shortcuts(qtbot, make_gui):
    gui = make_gui("sample", ["objects"])
    wait_result(qtbot, gui, lambda r: "objects" in r.results)
    spin = gui.window.processor_panel.groups["objects"].editors["score_threshold"].spin
    spin.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is not None
                    and QApplication.focusWidget() in (spin, spin.lineEdit()))
    spin.lineEdit().selectAll()
    qtbot.keyClicks(spin.lineEdit(), "0.50")
    qtbot.keyClick(spin.lineEdit(), Qt.Key.Key_Return)
    gui.window.processor_panel.flush()
    assert gui.controller.processor_settings("objects").score_threshold == pytest.approx(0.5)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is gui.window.view)
    # The next single-key shortcut reaches its action: 3 switches pose on.
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_3)
    assert gui.window.actions_by_name["toggle_pose"].isChecked()


def test_esc_in_a_number_box_drops_the_typing_and_leaves_the_field(qtbot, make_gui):
    gui = make_gui("sample", ["objects"])
    spin = gui.window.processor_panel.groups["objects"].editors["score_threshold"].spin
    before = spin.value()
    spin.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() in (spin, spin.lineEdit()))
    spin.lineEdit().selectAll()
    qtbot.keyClicks(spin.lineEdit(), "0.9")
    qtbot.keyClick(spin.lineEdit(), Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is gui.window.view)
    gui.window.processor_panel.flush()
    assert spin.value() == pytest.approx(before)
    assert gui.controller.processor_settings("objects").score_threshold == pytest.approx(before)
