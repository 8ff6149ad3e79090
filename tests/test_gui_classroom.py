"""What a teacher hits in front of a class (issue 12): focus, stage bars, counts, presenter feedback.

Real window (offscreen Qt), real pipeline and processors on the bundled clip; waits are conditions.
"""
from __future__ import annotations

from pathlib import Path

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


def _bars(gui) -> list[str]:
    gui.logic._refresh_stats()
    return [name for name, _ms in gui.window.stats_panel.bars.stages()]


def test_stage_bars_show_only_the_processors_that_run(qtbot, make_gui):
    gui = make_gui("sample", ["faces", "objects"])
    wait_result(qtbot, gui, lambda r: {"faces", "objects"} <= set(r.results))
    qtbot.waitUntil(lambda: {"faces", "objects"} <= set(_bars(gui)), timeout=30_000)
    gui.window.actions_by_name["toggle_faces"].setChecked(False)  # objects alone now
    wait_result(qtbot, gui, lambda r: set(r.results) == {"objects"})
    qtbot.waitUntil(lambda: "faces" not in _bars(gui), timeout=10_000)
    assert "objects" in _bars(gui) and "write" not in _bars(gui)


def test_found_describes_the_frame_on_screen_at_every_frame(qtbot, make_gui):
    from vision_desk.gui.stats_panel import summarize_results

    gui = make_gui("sample", ["faces", "objects"])
    mismatches: list[int] = []
    seen: list[int] = []

    def check(index: int) -> None:
        result = gui.window.view.result
        seen.append(index)
        if gui.window.stats_panel.labels["found"].text() != (summarize_results(result.results) or "–"):
            mismatches.append(index)

    gui.window.view.framePainted.connect(check)
    qtbot.waitUntil(lambda: len(seen) >= 15, timeout=60_000)
    assert mismatches == []


def test_pause_is_shown_and_rates_are_not_counted_while_paused(qtbot, make_gui):
    gui = make_gui("sample", ["faces"], presenter=True)
    wait_result(qtbot, gui, lambda r: "faces" in r.results)
    gui.window.actions_by_name["play_pause"].trigger()
    assert gui.controller.paused
    gui.logic._refresh_stats()
    assert gui.window.stats_panel.labels["capture"].text() == "paused"
    assert "Paused" in gui.window.view._caption and "fps" not in gui.window.view._caption
    assert gui.window.view.toast == "Paused"
    gui.window.actions_by_name["play_pause"].trigger()
    assert gui.window.view.toast == ""


def test_presenter_mode_hides_the_banner_and_confirms_snapshots_on_the_video(qtbot, make_gui, tmp_path):
    gui = make_gui("sample", ["faces"])
    gui.logic.show_notice("No camera available: playing the bundled sample clip instead")
    assert gui.window.banner.isVisible()
    gui.window.actions_by_name["presenter"].setChecked(True)
    assert not gui.window.banner.isVisible()
    gui.logic.show_notice("another notice")
    assert not gui.window.banner.isVisible() and gui.window.view.toast == "another notice"
    wait_result(qtbot, gui, lambda r: "faces" in r.results)
    with qtbot.waitSignal(gui.controller.snapshotSaved, timeout=30_000):
        gui.window.actions_by_name["snapshot"].trigger()
    qtbot.waitUntil(lambda: gui.window.view.toast == "Snapshot saved")
    gui.window.actions_by_name["presenter"].setChecked(False)
    assert not gui.window.banner.isVisible()  # what it said was shown over the video: not again


def test_realtime_button_says_which_playback_it_is(qtbot, make_gui):
    gui = make_gui("sample", ["faces"], realtime=True)
    act = gui.window.actions_by_name["realtime"]
    assert act.iconText() == "Real time"
    assert gui.controller.pipeline is not None
    qtbot.waitUntil(lambda: gui.controller.pipeline.skip_late_frames)
    act.trigger()
    assert act.iconText() == "Every frame"
    assert not gui.controller.pipeline.skip_late_frames


def test_panels_name_things_and_the_window_fits_a_narrow_screen(qtbot, make_gui):
    gui = make_gui("sample", ["faces", "style"])
    qtbot.waitUntil(lambda: "Sample clip" in gui.window.source_label.text(), timeout=60_000)
    assert gui.window.source_label.text().count("ample clip") == 1  # not "Sample clip: sample clip"
    combo = gui.window.processor_panel.groups["pose"].editors["view"].combo
    names = [combo.itemText(i) for i in range(combo.count())]
    assert "heatmap: right wrist" in names and "PAF: neck -> right hip" in names
    teaching = gui.window.processor_panel.groups["faces"].editors["teaching"]
    assert "raw windows" in teaching.box.text()
    picture = Path(__file__).resolve().parents[1] / "docs" / "screenshot.png"
    gui.logic.apply_settings("style", {"style_image": str(picture)})
    assert gui.window.gallery.selected() == -1  # a picture is the style: no built-in one highlighted
    assert gui.window.minimumSizeHint().width() <= 800


def test_end_of_a_clip_without_loop_says_so_on_the_video(qtbot, make_gui):
    gui = make_gui("sample", [], realtime=False)
    gui.window.actions_by_name["loop"].setChecked(False)
    gui.controller.seek(395)
    qtbot.waitUntil(lambda: gui.controller.finished, timeout=60_000)
    qtbot.waitUntil(lambda: "End of the video" in gui.window.view.toast)
