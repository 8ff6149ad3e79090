"""How text is drawn on the frames: OpenCV's Hershey font, or Qt's font engine for any script.

Why two: OpenCV's ``putText`` only has the Hershey vector fonts, which draw
ASCII and turn every Japanese character into "?". The window draws its overlay
text with Qt instead (QPainter on a QImage: allowed off the GUI thread, and no
new dependency, since the window already needs PySide6), with a font from Qt's
font database that covers Japanese. The command line stays English and keeps
Hershey, so it never needs a QGuiApplication or a CJK font.

Each label is rendered once per (text, size) into a small coverage mask
(cached: a class name is drawn on every frame) and blended into the BGR frame
with numpy, so the frame itself never has to be wrapped for painting.
"""
from __future__ import annotations

import threading
from typing import Protocol

import cv2
import numpy as np

Color = tuple[int, int, int]  # B, G, R
HERSHEY = cv2.FONT_HERSHEY_SIMPLEX
# Qt pixel size per unit of Hershey font scale: text about as tall as the Hershey text it replaces.
PIXELS_PER_SCALE = 30.0
PREFERRED_FAMILIES = ("Noto Sans CJK JP", "Noto Sans JP", "Source Han Sans JP", "IPAexGothic", "IPAGothic",
                      "TakaoGothic", "VL Gothic", "Droid Sans Fallback", "Noto Sans CJK SC", "WenQuanYi Zen Hei")
_MASK_CACHE_LIMIT = 2048


class TextRenderer(Protocol):
    name: str

    def size(self, text: str, scale: float, thickness: int) -> tuple[int, int, int]:
        """Width, height above the baseline, depth below it, in pixels."""

    def put(self, image: np.ndarray, text: str, x: int, baseline_y: int, color: Color, scale: float,
            thickness: int) -> None:
        """Draw ``text`` IN PLACE with its baseline's left end at (x, baseline_y)."""


class HersheyText:
    """OpenCV's font: ASCII only (other characters come out as '?')."""

    name = "hershey"

    def size(self, text: str, scale: float, thickness: int) -> tuple[int, int, int]:
        (w, h), base = cv2.getTextSize(text, HERSHEY, scale, thickness)
        return w, h, base

    def put(self, image: np.ndarray, text: str, x: int, baseline_y: int, color: Color, scale: float,
            thickness: int) -> None:
        cv2.putText(image, text, (x, baseline_y), HERSHEY, scale, color, thickness, cv2.LINE_AA)


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
        from PySide6.QtGui import QFont, QFontMetrics

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
        from PySide6.QtGui import QColor, QFontMetrics, QImage, QPainter

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


def blend_mask(image: np.ndarray, mask: np.ndarray, x: int, y: int, color: Color) -> None:
    """Lay ``color`` over ``image`` with ``mask`` (0-255) as opacity, top-left at (x, y), clipped to the image."""
    h_img, w_img = image.shape[:2]
    mh, mw = mask.shape
    x0, y0 = max(x, 0), max(y, 0)
    x1, y1 = min(x + mw, w_img), min(y + mh, h_img)
    if x1 <= x0 or y1 <= y0:
        return
    alpha = mask[y0 - y:y1 - y, x0 - x:x1 - x].astype(np.float32)[..., None] * (1.0 / 255.0)
    roi = image[y0:y1, x0:x1]
    roi[...] = (roi * (1.0 - alpha) + np.float32(color) * alpha + 0.5).astype(np.uint8)


def find_cjk_family() -> str | None:
    """A font family that covers Japanese, from Qt's font database (needs a QGuiApplication), or None."""
    from PySide6.QtGui import QFontDatabase

    families = QFontDatabase.families(QFontDatabase.WritingSystem.Japanese)
    for preferred in PREFERRED_FAMILIES:
        if preferred in families:
            return preferred
    for family in families:  # any other Japanese font, e.g. on Windows or macOS (Yu Gothic, Hiragino)
        if not QFontDatabase.isPrivateFamily(family):
            return family
    return None


_renderer: TextRenderer = HersheyText()


def renderer() -> TextRenderer:
    return _renderer


def set_renderer(new: TextRenderer | None) -> None:
    """Draw overlay text with ``new`` from now on (None: back to Hershey)."""
    global _renderer
    _renderer = new if new is not None else HersheyText()


__all__ = ["HersheyText", "QtText", "TextRenderer", "blend_mask", "find_cjk_family", "renderer", "set_renderer"]
