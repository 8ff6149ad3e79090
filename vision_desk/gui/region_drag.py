"""Dragging a rectangle picks the super-resolution region; a double click gives it back to auto.

Why an event filter of its own: the view only paints, and this is one gesture
for one processor. While superres is on, the picture on screen is its
comparison sheet, not the frame: the frame is the small picture in the sheet's
bottom-right corner (and the left picture with side by side, B). A drag that
starts on either is mapped back to frame pixels; a drag elsewhere on the sheet
does nothing. Mirroring flips the frame at the source, so what is on screen is
what the processors see: no flip is needed here.
"""
from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QPoint, QRect, Qt

from vision_desk.annotate.superres import inset_geometry

MIN_DRAG_PX = 8  # a shorter drag is a click, not a region
Mapper = Callable[[QPoint], tuple[float, float]]
_MOUSE = (QEvent.Type.MouseButtonPress, QEvent.Type.MouseButtonRelease, QEvent.Type.MouseButtonDblClick)


def widget_to_frame(point: QPoint, painted: QRect, frame_w: int, frame_h: int) -> tuple[float, float]:
    """A widget position -> pixel coordinates of the picture painted in ``painted`` (clamped into it)."""
    x = (point.x() - painted.x()) * frame_w / max(1, painted.width())
    y = (point.y() - painted.y()) * frame_h / max(1, painted.height())
    return min(max(x, 0.0), float(frame_w)), min(max(y, 0.0), float(frame_h))


def inset_to_frame(x: float, y: float, frame_w: int, frame_h: int, sheet_w: int | None = None,
                   sheet_h: int | None = None) -> tuple[float, float]:
    """A position on the superres sheet (``sheet_w`` x ``sheet_h``, the frame's size if not given) inside its
    small frame picture -> frame pixels (clamped)."""
    ix, iy, iw, ih = inset_geometry(sheet_w or frame_w, sheet_h or frame_h, frame_w, frame_h)
    fx, fy = (x - ix) * frame_w / iw, (y - iy) * frame_h / ih
    return min(max(fx, 0.0), float(frame_w)), min(max(fy, 0.0), float(frame_h))


class RegionDrag(QObject):
    """Calls ``on_region("x,y,w,h")`` after a drag on the frame, ``on_region("")`` on a double click."""

    def __init__(self, view, on_region: Callable[[str], None], enabled: Callable[[], bool]) -> None:
        super().__init__(view)
        self._view = view
        self._on_region = on_region
        self._enabled = enabled
        self._start: QPoint | None = None
        self._mapper: Mapper | None = None
        view.installEventFilter(self)

    def mapper_at(self, point: QPoint) -> Mapper | None:
        """How a drag starting at ``point`` maps to frame pixels, or None when it does not start on the frame."""
        result = self._view.result
        rects = self._view.image_rects()
        if result is None or not rects:
            return None
        h, w = result.frame.image.shape[:2]
        if len(rects) == 2 and rects[0].contains(point):  # side by side: the original frame on the left
            return lambda p: widget_to_frame(p, rects[0], w, h)
        painted = rects[-1]
        if not painted.contains(point):
            return None
        if "superres" not in result.results:  # the frame itself is on screen (the model is still loading)
            return lambda p: widget_to_frame(p, painted, w, h)
        sh, sw = result.shown.shape[:2]  # the sheet on screen: laid out at the view's size
        ix, iy, iw, ih = inset_geometry(sw, sh, w, h)
        x, y = widget_to_frame(point, painted, sw, sh)
        if not (ix <= x <= ix + iw and iy <= y <= iy + ih):
            return None
        return lambda p: inset_to_frame(*widget_to_frame(p, painted, sw, sh), w, h, sw, sh)

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt name)
        kind = event.type()
        if kind not in _MOUSE or not self._enabled():  # paint and other events pass untouched, at no cost
            return False
        if kind == QEvent.Type.MouseButtonDblClick and event.button() == Qt.MouseButton.LeftButton:
            self._start = None
            self._on_region("")
            return True
        if kind == QEvent.Type.MouseButtonPress and event.button() == Qt.MouseButton.LeftButton:
            self._start = event.position().toPoint()
            self._mapper = self.mapper_at(self._start)
            return False
        if kind == QEvent.Type.MouseButtonRelease and event.button() == Qt.MouseButton.LeftButton and self._start:
            start, end, mapper = self._start, event.position().toPoint(), self._mapper
            self._start = self._mapper = None
            if mapper is None or (end - start).manhattanLength() < MIN_DRAG_PX:
                return False
            result = self._view.result
            h, w = result.frame.image.shape[:2]
            (x1, y1), (x2, y2) = mapper(start), mapper(end)
            left, top = int(min(x1, x2)), int(min(y1, y2))
            width, height = max(16, int(abs(x2 - x1))), max(16, int(abs(y2 - y1)))
            left, top = min(left, max(0, w - 16)), min(top, max(0, h - 16))
            self._on_region(f"{left},{top},{width},{height}")
            return True
        return False
