"""The window with a too-large picture and a damaged video: one clear message, and it keeps playing."""
from __future__ import annotations

import pytest

pytest.importorskip("pytestqt")

from media_makers import damage_packets, make_clip  # noqa: E402
from test_gui import LOAD_TIMEOUT, make_gui, wait_result  # noqa: E402,F401  (make_gui: a fixture)
from test_image_limits import huge_png  # noqa: E402
from test_robustness_gui import banner_error, still_plays, window_texts  # noqa: E402


def test_a_huge_picture_is_one_message_in_the_window(qtbot, make_gui, tmp_path):
    gui = make_gui("sample", ["faces"])
    wait_result(qtbot, gui, lambda r: "faces" in r.results)
    gui.logic.open_source(str(huge_png(tmp_path / "huge.png")))
    message = banner_error(qtbot, gui)
    assert "40000x40000" in message and "--max-image-pixels" in message and "Traceback" not in message
    still_plays(qtbot, gui)


def test_a_damaged_video_plays_to_the_end_and_the_window_says_what_was_lost(qtbot, make_gui, tmp_path):
    clip = damage_packets(make_clip(tmp_path / "clip.mp4", n=50), [23, 24])
    gui = make_gui("sample", [], realtime=False)
    gui.window.actions_by_name["loop"].setChecked(False)
    with qtbot.waitSignal(gui.controller.sourceEnded, timeout=LOAD_TIMEOUT):
        gui.logic.open_source(str(clip))
    qtbot.waitUntil(lambda: "2 frames could not be decoded (frames 23-24)" in window_texts(gui), timeout=10_000)
