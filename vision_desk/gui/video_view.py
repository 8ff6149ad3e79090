"""The video area: paints the latest processed frame, aspect-fit, with QPainter.

Why a painted widget and not a QLabel with a pixmap: setting a new pixmap on a
label every frame relayouts the label and copies the image twice; here a
frame is wrapped as a QImage without copying and drawn straight into the
widget's backing store in ``paintEvent``. The view never waits for the
pipeline: :meth:`show_result` is called by the display timer with whatever
result is newest, and the picture drawn is always that result's own
``annotated`` image, so an overlay is never shown on another frame's pixels.
"""
from __future__ import annotations

import time
from collections import deque

import numpy as np
from PySide6.QtCore import QRect, QRectF, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QFont, QFontMetrics, QImage, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from vision_desk.gui import ui_scale
from vision_desk.gui.i18n import translate
from vision_desk.pipeline.types import FrameResult
from vision_desk.sources.stream import redact


def to_qimage(image: np.ndarray) -> QImage:
    """Wrap a BGR uint8 HxWx3 array as a QImage without copying (keep the array alive while it is used)."""
    if not image.flags["C_CONTIGUOUS"]:
        image = np.ascontiguousarray(image)
    h, w = image.shape[:2]
    return QImage(image.data, w, h, int(image.strides[0]), QImage.Format.Format_BGR888)


def aspect_fit(size: QSize, area: QRect) -> QRect:
    """The largest rectangle with ``size``'s aspect ratio centred in ``area``."""
    if size.width() <= 0 or size.height() <= 0 or area.width() <= 0 or area.height() <= 0:
        return QRect()
    scale = min(area.width() / size.width(), area.height() / size.height())
    w, h = max(1, round(size.width() * scale)), max(1, round(size.height() * scale))
    return QRect(area.x() + (area.width() - w) // 2, area.y() + (area.height() - h) // 2, w, h)


SCREEN_FRACTION = 1 / 25  # the caption's and toasts' text height, at least, of the screen's height (at 100%)
SIDE_GAP = 8  # pixels between the original and the processed picture, side by side


class RateCounter:
    """Events per second over the last ``window`` seconds."""

    def __init__(self, window: float = 1.0) -> None:
        self._window = window
        self._times: deque[float] = deque()

    def tick(self, now: float | None = None) -> None:
        now = time.perf_counter() if now is None else now
        self._times.append(now)
        self._trim(now)

    def _trim(self, now: float) -> None:
        while self._times and now - self._times[0] > self._window:
            self._times.popleft()

    def rate(self, now: float | None = None) -> float:
        now = time.perf_counter() if now is None else now
        self._trim(now)
        if len(self._times) < 2:
            return 0.0
        span = self._times[-1] - self._times[0]
        return (len(self._times) - 1) / span if span > 0 else 0.0


class VideoView(QWidget):
    """Shows one FrameResult; optionally the original beside it, and a large caption (presenter mode)."""

    framePainted = Signal(int)  # index of a newly shown frame (tests and the seek slider listen)
    canvasSizeChanged = Signal(int, int)  # the pixels a picture is shown in (lecture views are laid out there)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(320, 240)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)  # we paint every pixel: no background erase
        # A click on the video takes the focus from a settings box, so single-key shortcuts work again.
        self.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        self._result: FrameResult | None = None
        self._images: list[QImage] = []  # the QImages wrap arrays held by self._result
        self._new_frame = False
        self._side_by_side = False
        self._caption = ""
        self._caption_scale = 1.0
        self._placeholder = translate("VideoView", "No video yet")
        self._toast = ""  # a short, large message over the picture (snapshot saved, recording, paused…)
        self._toast_timer = QTimer(self)
        self._toast_timer.setSingleShot(True)
        self._toast_timer.timeout.connect(lambda: self.show_toast(""))
        self._rate = RateCounter()
        self._announced: tuple[int, int] | None = None
        self._shown = 0

    # --- what to show ----------------------------------------------------------
    @property
    def result(self) -> FrameResult | None:
        """The result on screen now."""
        return self._result

    @property
    def frames_shown(self) -> int:
        return self._shown

    def display_fps(self) -> float:
        return self._rate.rate()

    def show_result(self, result: FrameResult | None) -> None:
        self._result = result
        self._rebuild_images()
        self._new_frame = result is not None
        self.update()

    def set_side_by_side(self, on: bool) -> None:
        self._side_by_side = bool(on)
        self._rebuild_images()
        self._announce_canvas()
        self.update()

    def canvas_size(self) -> tuple[int, int]:
        """Device pixels of the place the processed picture is shown in: the whole view less the caption,
        or its right half side by side. The pipeline lays lecture views out at this size."""
        area = self._picture_area()
        width = (area.width() - SIDE_GAP) // 2 if self._side_by_side else area.width()
        ratio = self.devicePixelRatioF()
        return max(16, round(width * ratio)), max(16, round(area.height() * ratio))

    def _announce_canvas(self) -> None:
        size = self.canvas_size()
        if size != self._announced:
            self._announced = size
            self.canvasSizeChanged.emit(*size)

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt name)
        super().resizeEvent(event)
        self._announce_canvas()

    @property
    def side_by_side(self) -> bool:
        return self._side_by_side

    def set_caption(self, text: str, scale: float = 1.0) -> None:
        """A line drawn under the picture (presenter mode: what runs and how fast, in large type)."""
        self._caption, self._caption_scale = text, scale
        self._announce_canvas()
        self.update()

    def show_toast(self, text: str, ms: int = 2500) -> None:
        """A message in large type over the middle of the picture for ``ms`` (0: until replaced or cleared).

        Why: in front of a class (presenter mode above all) a status-bar line or a thin banner is not seen;
        "Snapshot saved" or "Recording" must be, briefly, without covering the video for long."""
        self._toast = redact(text)
        if text and ms > 0:
            self._toast_timer.start(ms)
        else:
            self._toast_timer.stop()
        self.update()

    def caption_pixel_size(self) -> int:
        """The caption's text height in pixels (tests check it against the screen)."""
        return self._large_font(self._caption_scale).pixelSize()

    def toast_pixel_size(self) -> int:
        return self._large_font(max(2.0, self._caption_scale * 1.2)).pixelSize()

    @property
    def toast(self) -> str:
        return self._toast

    def clear(self, placeholder: str | None = None) -> None:
        if placeholder is not None:
            self._placeholder = redact(placeholder)  # "Opening rtsp://user:pass@…": no password on screen
        self.show_result(None)

    def _rebuild_images(self) -> None:
        r = self._result
        if r is None:
            self._images = []
        elif self._side_by_side:
            self._images = [to_qimage(r.frame.image), to_qimage(r.shown)]
        else:
            self._images = [to_qimage(r.shown)]

    # --- painting ------------------------------------------------------------
    def image_rects(self) -> list[QRect]:
        """Where each image is drawn (also used by the screenshot check)."""
        area = self._picture_area()
        if not self._images:
            return []
        if len(self._images) == 1:
            return [aspect_fit(self._images[0].size(), area)]
        gap = SIDE_GAP
        half_w = (area.width() - gap) // 2
        left = QRect(area.x(), area.y(), half_w, area.height())
        right = QRect(area.x() + half_w + gap, area.y(), area.width() - half_w - gap, area.height())
        return [aspect_fit(self._images[0].size(), left), aspect_fit(self._images[1].size(), right)]

    def _picture_area(self) -> QRect:
        """The view less the caption band, and side by side less a band on top for the "original" and
        "processed" tags (inside the pictures they hid a label and the superres sheet's first title)."""
        area = self.rect()
        area.setBottom(area.bottom() - self._caption_height())
        if self._side_by_side:
            area.setTop(area.top() + self._tag_font_metrics().height() + 10)
        return area

    def _tag_font(self) -> QFont:
        font = QFont(self.font())
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * max(1.0, self._caption_scale * 0.8))
        return font

    def _tag_font_metrics(self) -> QFontMetrics:
        return QFontMetrics(self._tag_font())

    def _caption_height(self) -> int:
        if not self._caption:
            return 0
        return int(QFontMetrics(self._large_font(self._caption_scale)).height() * 1.5) + 8

    def _large_font(self, scale: float) -> QFont:
        """Bold text ``scale`` times the window's, and at least 1/25 of the screen's height times the text
        size (View > Text size): a caption read from the back of a room is sized by the screen it is on,
        not by a desk's font (27 px on a 1080p projector was too small)."""
        font = QFont(self.font())
        font.setBold(True)
        screen = self.screen()
        floor = (screen.geometry().height() if screen is not None else 0) * SCREEN_FRACTION * ui_scale.percent() / 100
        px = max(QFontMetrics(font).height() * scale, floor)
        font.setPixelSize(max(8, round(px)))
        return font

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 (Qt name)
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor(16, 16, 16))
        if not self._images:
            self._paint_placeholder(painter)
        else:
            painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
            rects = self.image_rects()
            for img, rect in zip(self._images, rects):
                painter.drawImage(QRectF(rect), img)
            if len(rects) == 2:
                self._paint_region(painter, rects[0])
                self._paint_tags(painter, rects)
        if self._caption:
            self._paint_caption(painter)
        if self._toast:
            self._paint_toast(painter)
        painter.end()
        if self._new_frame:
            self._new_frame = False
            self._shown += 1
            self._rate.tick()
            if self._result is not None:
                self.framePainted.emit(self._result.frame.index)

    def _paint_placeholder(self, painter: QPainter) -> None:
        font = QFont(self.font())
        font.setPointSizeF(font.pointSizeF() * 1.4)
        painter.setFont(font)
        painter.setPen(QColor(200, 200, 200))
        painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap, self._placeholder)

    def _paint_tags(self, painter: QPainter, rects: list[QRect]) -> None:
        painter.setFont(self._tag_font())
        fm = painter.fontMetrics()
        for rect, text in zip(rects, (translate("VideoView", "original"), translate("VideoView", "processed"))):
            w, h = fm.horizontalAdvance(text) + 12, fm.height() + 6
            box = QRect(rect.x(), max(0, rect.y() - h - 2), w, h)  # in the band above the picture
            painter.fillRect(box, QColor(0, 0, 0, 160))
            painter.setPen(QColor(255, 255, 255))
            painter.drawText(box, Qt.AlignmentFlag.AlignCenter, text)

    def _paint_region(self, painter: QPainter, rect: QRect) -> None:
        """Side by side with superres: its region outlined on the original too (where the zoom comes from)."""
        result = self._result
        sr = result.results.get("superres") if result is not None else None
        if sr is None or getattr(sr, "region", None) is None:
            return
        fh, fw = result.frame.image.shape[:2]
        x1, y1, x2, y2 = sr.region
        kx, ky = rect.width() / max(1, fw), rect.height() / max(1, fh)
        pen = QPen(QColor(255, 220, 0))  # the sheet's REGION colour (BGR 0, 220, 255)
        pen.setWidth(3)
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRect(QRectF(rect.x() + x1 * kx, rect.y() + y1 * ky, (x2 - x1) * kx, (y2 - y1) * ky))

    def _paint_caption(self, painter: QPainter) -> None:
        h = self._caption_height()
        box = QRect(0, self.height() - h, self.width(), h)
        painter.fillRect(box, QColor(0, 0, 0))
        painter.setFont(self._large_font(self._caption_scale))
        painter.setPen(QColor(255, 255, 255))
        painter.drawText(box.adjusted(12, 0, -12, 0), Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
                         painter.fontMetrics().elidedText(self._caption, Qt.TextElideMode.ElideRight, box.width() - 24))

    def _paint_toast(self, painter: QPainter) -> None:
        painter.setFont(self._large_font(max(2.0, self._caption_scale * 1.2)))
        fm = painter.fontMetrics()
        area = self.rect().adjusted(20, 0, -20, -self._caption_height())
        text = fm.elidedText(self._toast, Qt.TextElideMode.ElideRight, area.width() - 40)
        w, h = fm.horizontalAdvance(text) + 40, fm.height() + 24
        box = QRect(area.center().x() - w // 2, area.bottom() - h - 30, w, h)
        painter.fillRect(box, QColor(0, 0, 0, 200))
        painter.setPen(QColor(255, 255, 255))
        painter.drawText(box, Qt.AlignmentFlag.AlignCenter, text)

    def sizeHint(self) -> QSize:  # noqa: N802
        return QSize(800, 560)
