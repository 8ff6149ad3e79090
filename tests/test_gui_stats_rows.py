"""The statistics a class reads (issue 22, items 8 and 11): no stale or impossible numbers.

Rates after a clip ended, a start-up burst, processed above capture, a paused frame's latency "median 0".
"""
from __future__ import annotations

import pytest

pytest.importorskip("pytestqt")

from test_gui import make_gui, wait_result  # noqa: E402,F401  (the fixture is shared)

from vision_desk.frame_stats import Stats  # noqa: E402
from vision_desk.gui.stats_panel import STAT_ROWS, PanelInput  # noqa: E402

ROWS = {row.key: row for row in STAT_ROWS}


def _row(key: str, stats: Stats, **state) -> str:
    return ROWS[key].value(PanelInput(stats, 24.0, {}, **state))


def test_rates_are_never_a_start_up_burst_nor_processed_above_capture(qapp):
    start = Stats(capture_fps=45.9, processed_fps=20.0, frames=4)
    assert "45.9" not in _row("capture", start)
    steady = Stats(capture_fps=21.4, processed_fps=28.3, frames=200)
    assert _row("capture", steady) == "21.4 fps" and _row("processed", steady) == "21.4 fps"


def test_a_paused_frame_shows_its_own_latency_without_a_median_of_nothing(qapp):
    stats = Stats(latency_ms=273, latency_p50_ms=0, frames=200)
    assert _row("latency", stats, paused=True) == "273 ms"
    assert _row("latency", Stats(latency_ms=60, latency_p50_ms=55, frames=200)) == "60 ms (median 55 ms)"


def test_rates_say_ended_once_the_clip_has_played_to_its_end(qtbot, make_gui):
    gui = make_gui("sample", [], realtime=False)
    gui.window.actions_by_name["loop"].setChecked(False)
    wait_result(qtbot, gui, lambda r: r.frame.index > 20)
    gui.controller.seek(395)
    qtbot.waitUntil(lambda: gui.controller.finished, timeout=60_000)
    gui.logic._refresh_stats()
    labels = gui.window.stats_panel.labels
    assert [labels[k].text() for k in ("capture", "processed", "display")] == ["ended"] * 3
