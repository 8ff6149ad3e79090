"""View > Text size: one setting (100-200%) for the panels, the statistics and the text on the video.

Why one setting: from the back of a classroom the panels' text, the stage bars' labels and the labels
drawn on the video are all too small at 100%; growing only the presenter caption did not help. The
application font is scaled (every widget that does not set its own size follows, the docks grow with
their text), and the overlays' text scale (vision_desk.annotate.draw) follows the same factor.

Two kinds of widget do not follow a change of the application font by themselves, so :func:`apply` sets
theirs: a widget with a style sheet (the playback bar, the grey descriptions) keeps the font it had when
the sheet was applied, and a dock's title is painted with a font QDockWidget copies when it is made. Without
this, 200% left them at 100%, and after a language switch (the window is made again at 200%) 100% left
them at 200%.
"""
from __future__ import annotations

from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication, QDockWidget, QWidget

from vision_desk.annotate import draw

_base_point_size: float | None = None
_percent = 100


def apply(percent: int) -> None:
    """Scale the window's text to ``percent`` of the system's size, and the video's labels with it."""
    global _base_point_size, _percent
    _percent = max(100, min(200, int(percent)))
    app = QApplication.instance()
    if isinstance(app, QApplication):
        font = app.font()
        if _base_point_size is None:
            _base_point_size = font.pointSizeF() if font.pointSizeF() > 0 else 10.0
        size = _base_point_size * _percent / 100.0
        if abs(font.pointSizeF() - size) > 1e-6:  # (setFont re-lays out every widget: only on a change)
            font.setPointSizeF(size)
            app.setFont(font)
        follow(app.allWidgets())
    draw.set_text_scale(_percent / 100.0)


def follow(widgets: list[QWidget]) -> None:
    """Give ``widgets`` that would keep their old size (style sheets, dock titles) the application's font."""
    app_font = QApplication.font()
    for w in widgets:
        if isinstance(w, QDockWidget):
            # Its title follows the dock's own font only when that differs from the class font: bold does.
            title = QFont(app_font)
            title.setBold(True)
            w.setFont(title)
            if w.widget() is not None:
                content = QFont(app_font)
                content.setBold(False)  # (explicitly: the content must not inherit the bold title)
                w.widget().setFont(content)
        elif _style_sheeted(w):
            own = QFont(app_font)
            own.setBold(w.font().bold())
            w.setFont(own)


def percent() -> int:
    return _percent


def _style_sheeted(w: QWidget) -> bool:
    """Whether a style sheet applies to ``w``: its own or one of its parents' (a sheet cascades)."""
    while w is not None:
        if w.styleSheet():
            return True
        w = w.parentWidget()
    return False
