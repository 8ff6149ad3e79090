"""Dragging a rectangle on the video picks the super-resolution region; a double click gives it back to auto.

Why an event filter of its own: the view only paints, and this is one gesture
for one processor. Positions are mapped from the widget to frame pixels through
the rectangle the (last) picture is painted in, so letterboxing, presenter mode
and side-by-side are all accounted for. Mirroring flips the frame at the source,
so what is on screen is what the processors see: no flip is needed here.
"""
from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QPoint, QRect, Qt

MIN_DRAG_PX = 8  # a shorter drag is a click, not a region


def widget_to_frame(point: QPoint, painted: QRect, frame_w: int, frame_h: int) -> tuple[float, float]:
    """A widget position -> frame pixel coordinates (clamped into the frame)."""
    x = (point.x() - painted.x()) * frame_w / max(1, painted.width())
    y = (point.y() - painted.y()) * frame_h / max(1, painted.height())
    return min(max(x, 0.0), float(frame_w)), min(max(y, 0.0), float(frame_h))


class RegionDrag(QObject):
    """Calls ``on_region("x,y,w,h")`` after a drag on the picture, ``on_region("")`` on a double click."""

    def __init__(self, view, on_region: Callable[[str], None], enabled: Callable[[], bool]) -> None:
        super().__init__(view)
        self._view = view
        self._on_region = on_region
        self._enabled = enabled
        self._start: QPoint | None = None
        view.installEventFilter(self)

    def _frame_rect(self) -> tuple[QRect, int, int] | None:
        result = self._view.result
        rects = self._view.image_rects()
        if result is None or not rects:
            return None
        h, w = result.frame.image.shape[:2]
        return rects[-1], w, h

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt name)
        if not self._enabled():
            return False
        kind = event.type()
        if kind == QEvent.Type.MouseButtonDblClick and event.button() == Qt.MouseButton.LeftButton:
            self._start = None
            self._on_region("")
            return True
        if kind == QEvent.Type.MouseButtonPress and event.button() == Qt.MouseButton.LeftButton:
            self._start = event.position().toPoint()
            return False
        if kind == QEvent.Type.MouseButtonRelease and event.button() == Qt.MouseButton.LeftButton and self._start:
            start, end, self._start = self._start, event.position().toPoint(), None
            if (end - start).manhattanLength() < MIN_DRAG_PX:
                return False
            target = self._frame_rect()
            if target is None:
                return False
            painted, w, h = target
            (x1, y1), (x2, y2) = widget_to_frame(start, painted, w, h), widget_to_frame(end, painted, w, h)
            left, top = int(min(x1, x2)), int(min(y1, y2))
            width, height = max(16, int(abs(x2 - x1))), max(16, int(abs(y2 - y1)))
            left, top = min(left, max(0, w - 16)), min(top, max(0, h - 16))
            self._on_region(f"{left},{top},{width},{height}")
            return True
        return False
