"""View > Text size in front of a class (issue 22, items 3 and 4): every widget follows it, both ways.

A real window (offscreen Qt) on the bundled clip. The widgets that kept their size were those under a style
sheet (the playback bar, the grey descriptions) and the docks' titles; after a language switch the window is
made again at the saved size, so going back to 100% must shrink them too.
"""
from __future__ import annotations

import pytest

pytest.importorskip("pytestqt")

from PySide6.QtWidgets import QApplication, QDockWidget, QWidget  # noqa: E402
from test_gui import make_gui, wait_result  # noqa: E402,F401  (the fixture is shared)

from vision_desk.gui import ui_scale  # noqa: E402
from vision_desk.gui.settings_store import SettingsStore  # noqa: E402


def _off_size(window: QWidget) -> list[str]:
    """Visible widgets (and dock titles) whose text is not at the application's size."""
    size = QApplication.font().pointSizeF()
    off = [f"{type(w).__name__} {w.objectName()} {w.font().pointSizeF():.0f}pt"
           for w in window.findChildren(QWidget) if w.isVisible() and abs(w.font().pointSizeF() - size) > 0.1]
    for dock in window.findChildren(QDockWidget):
        # QDockWidget paints its title with a font copied when it was made, unless its own font differs
        # from the class font: so the title is at the right size only if the dock's font is its own.
        if dock.font() == QApplication.font("QDockWidget") or abs(dock.font().pointSizeF() - size) > 0.1:
            off.append(f"title of {dock.objectName()}")
    return off


def _wait_all_follow(qtbot, window: QWidget) -> None:
    """Qt delivers a font change to the widgets as events: wait for them, then report who is left over."""
    try:
        qtbot.waitUntil(lambda: _off_size(window) == [], timeout=5000)
    except qtbot.TimeoutError:
        pytest.fail(f"not at the text size: {_off_size(window)}")


@pytest.fixture
def restore_text_size():
    yield
    ui_scale.apply(100)


def test_200_percent_reaches_every_widget_and_100_brings_them_back(qtbot, make_gui, restore_text_size):
    gui = make_gui("sample", ["objects"])
    wait_result(qtbot, gui, lambda r: "objects" in r.results)  # the window is laid out and polished
    qtbot.waitUntil(gui.window.playback.isVisible)
    base = QApplication.font().pointSizeF()
    gui.logic.set_ui_scale(200)
    assert QApplication.font().pointSizeF() == pytest.approx(2 * base)
    _wait_all_follow(qtbot, gui.window)
    # The settings keep most of the height (they shrank to ~4 rows), the statistics scroll instead.
    qtbot.waitUntil(lambda: gui.window.processor_dock.height() >= 0.45 * (gui.window.processor_dock.height()
                                                                           + gui.window.stats_dock.height()))
    gui.logic.set_ui_scale(100)
    _wait_all_follow(qtbot, gui.window)


def test_a_window_made_at_200_percent_goes_back_to_100(qtbot, make_gui, tmp_path, restore_text_size):
    path = tmp_path / "settings.ini"
    store = SettingsStore(path)
    store.ui_scale = 200  # what View > Language leaves: the window is made again at the saved size
    store.sync()
    gui = make_gui("sample", ["objects"], settings_path=path, language="ja")
    wait_result(qtbot, gui, lambda r: "objects" in r.results)
    qtbot.waitUntil(gui.window.playback.isVisible)
    assert ui_scale.percent() == 200
    gui.logic.set_ui_scale(100)
    _wait_all_follow(qtbot, gui.window)


def test_presenter_caption_and_toasts_are_sized_from_the_screen_and_the_text_size(qtbot, make_gui,
                                                                                  restore_text_size):
    gui = make_gui("sample", ["objects"])
    gui.window.actions_by_name["presenter"].setChecked(True)
    view = gui.window.view
    qtbot.waitUntil(lambda: bool(view._caption))
    screen_h = view.screen().geometry().height()
    assert view.caption_pixel_size() >= screen_h / 25
    assert view.toast_pixel_size() >= view.caption_pixel_size()
    at_100 = view.caption_pixel_size()
    gui.logic.set_ui_scale(200)
    assert view.caption_pixel_size() >= 1.8 * at_100
    # The picture keeps the rest: the caption band is under it, not over it.
    qtbot.waitUntil(lambda: bool(view.image_rects()))
    assert view.image_rects()[0].bottom() < view.height() - view.caption_pixel_size()
