"""Qt's font engine for the text drawn on the frames: any script (the Japanese window's labels).

OpenCV's ``putText`` only has the Hershey vector fonts, which draw ASCII and
turn every Japanese character into "?". The window draws its overlay text with
Qt instead (QPainter on a QImage: allowed off the GUI thread, and no new
dependency, since the window already needs PySide6), with a font from Qt's
font database that covers Japanese; it hands :class:`QtText` to
:func:`vision_desk.annotate.text.set_renderer`. It lives here, in the window's
package, because Qt is imported nowhere else: the annotators and the command
line stay Qt-free and keep Hershey.

Each label is rendered once per (text, size) into a small coverage mask
(cached: a class name is drawn on every frame) and blended into the BGR frame
with numpy, so the frame itself never has to be wrapped for painting.
"""
from __future__ import annotations

import threading

import cv2
import numpy as np
from PySide6.QtGui import QColor, QFont, QFontDatabase, QFontMetrics, QImage, QPainter

from vision_desk.annotate.text import PIXELS_PER_SCALE, Color, blend_mask

PREFERRED_FAMILIES = ("Noto Sans CJK JP", "Noto Sans JP", "Source Han Sans JP", "IPAexGothic", "IPAGothic",
                      "TakaoGothic", "VL Gothic", "Droid Sans Fallback", "Noto Sans CJK SC", "WenQuanYi Zen Hei")
_MASK_CACHE_LIMIT = 2048


class QtText:
    """Qt's font engine with one font family (needs a QGuiApplication; works on any thread)."""

    name = "qt"

    def __init__(self, family: str) -> None:
        self.family = family
        self._lock = threading.Lock()
        self._fonts: dict[int, tuple[object, int, int]] = {}  # pixel size -> (QFont, ascent, descent)
        self._masks: dict[tuple[str, int], np.ndarray] = {}
        self._outlines: dict[tuple[str, int, int], np.ndarray] = {}  # (text, px, width) -> dilated mask

    @staticmethod
    def pixel_size(scale: float) -> int:
        return max(8, round(scale * PIXELS_PER_SCALE))

    def _font(self, px: int) -> tuple[object, int, int]:
        with self._lock:
            hit = self._fonts.get(px)
        if hit is None:
            font = QFont(self.family)
            font.setPixelSize(px)
            font.setWeight(QFont.Weight.DemiBold)  # thin strokes vanish on a projector
            fm = QFontMetrics(font)
            hit = (font, fm.ascent(), fm.descent())
            with self._lock:
                self._fonts[px] = hit
        return hit

    def size(self, text: str, scale: float, thickness: int) -> tuple[int, int, int]:
        mask = self.mask(text, self.pixel_size(scale))
        _, ascent, descent = self._font(self.pixel_size(scale))
        return mask.shape[1], ascent, descent

    def mask(self, text: str, px: int) -> np.ndarray:
        """Coverage (0-255) of ``text`` at ``px`` pixels: height ascent + descent, width its advance."""
        key = (text, px)
        with self._lock:
            hit = self._masks.get(key)
        if hit is not None:
            return hit
        font, ascent, descent = self._font(px)
        width = max(1, QFontMetrics(font).horizontalAdvance(text))  # type: ignore[arg-type]
        img = QImage(width, ascent + descent, QImage.Format.Format_Grayscale8)
        img.fill(0)
        painter = QPainter(img)
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
        painter.setFont(font)  # type: ignore[arg-type]
        painter.setPen(QColor(255, 255, 255))
        painter.drawText(0, ascent, text)
        painter.end()
        raw = np.frombuffer(img.constBits(), np.uint8, img.sizeInBytes()).reshape(img.height(), img.bytesPerLine())
        result = raw[:, :width].copy()
        with self._lock:
            if len(self._masks) >= _MASK_CACHE_LIMIT:
                self._masks.clear()
            self._masks[key] = result
        return result

    def put(self, image: np.ndarray, text: str, x: int, baseline_y: int, color: Color, scale: float,
            thickness: int) -> None:
        px = self.pixel_size(scale)
        mask = self.mask(text, px)
        _, ascent, _ = self._font(px)
        blend_mask(image, mask, x, baseline_y - ascent, color)


    def put_outlined(self, image: np.ndarray, text: str, x: int, baseline_y: int, color: Color, outline: Color,
                     scale: float, width: int) -> None:
        """``text`` with an ``outline`` ring ``width`` px wide: two blends (the ring is the text's mask
        dilated once and cached), not one per offset."""
        px = self.pixel_size(scale)
        mask = self.mask(text, px)
        _, ascent, _ = self._font(px)
        key = (text, px, width)
        with self._lock:
            ring = self._outlines.get(key)
        if ring is None:
            padded = cv2.copyMakeBorder(mask, width, width, width, width, cv2.BORDER_CONSTANT, value=0)
            ring = cv2.dilate(padded, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * width + 1, 2 * width + 1)))
            with self._lock:
                if len(self._outlines) >= _MASK_CACHE_LIMIT:
                    self._outlines.clear()
                self._outlines[key] = ring
        blend_mask(image, ring, x - width, baseline_y - ascent - width, outline)
        blend_mask(image, mask, x, baseline_y - ascent, color)


def find_cjk_family() -> str | None:
    """A font family that covers Japanese, from Qt's font database (needs a QGuiApplication), or None."""
    families = QFontDatabase.families(QFontDatabase.WritingSystem.Japanese)
    for preferred in PREFERRED_FAMILIES:
        if preferred in families:
            return preferred
    for family in families:  # any other Japanese font, e.g. on Windows or macOS (Yu Gothic, Hiragino)
        if not QFontDatabase.isPrivateFamily(family):
            return family
    return None


__all__ = ["QtText", "find_cjk_family"]
