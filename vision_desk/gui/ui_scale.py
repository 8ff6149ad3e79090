"""View > Text size: one setting (100-200%) for the panels, the statistics and the text on the video.

Why one setting: from the back of a classroom the panels' text, the stage bars' labels and the labels
drawn on the video are all too small at 100%; growing only the presenter caption did not help. The
application font is scaled (every widget that does not set its own size follows, the docks grow with
their text), and the overlays' text scale (vision_desk.annotate.draw) follows the same factor.
"""
from __future__ import annotations

from PySide6.QtWidgets import QApplication

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
    draw.set_text_scale(_percent / 100.0)


def percent() -> int:
    return _percent
