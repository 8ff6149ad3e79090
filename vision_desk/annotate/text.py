"""How text is drawn on the frames: OpenCV's Hershey font by default, or the renderer the window sets.

Why two: OpenCV's ``putText`` only has the Hershey vector fonts, which draw
ASCII and turn every Japanese character into "?". The Japanese window sets
Qt's font engine instead (:class:`vision_desk.gui.qt_text.QtText`, which draws
a coverage mask and blends it in with :func:`blend_mask`); Qt stays in the
window's package. The command line stays English and keeps Hershey, so it
never needs a QGuiApplication or a CJK font.
"""
from __future__ import annotations

from typing import Protocol, runtime_checkable

import cv2
import numpy as np

Color = tuple[int, int, int]  # B, G, R
HERSHEY = cv2.FONT_HERSHEY_SIMPLEX
# Qt pixel size per unit of Hershey font scale: text about as tall as the Hershey text it replaces.
PIXELS_PER_SCALE = 30.0


class TextRenderer(Protocol):
    name: str

    def size(self, text: str, scale: float, thickness: int) -> tuple[int, int, int]:
        """Width, height above the baseline, depth below it, in pixels."""

    def put(self, image: np.ndarray, text: str, x: int, baseline_y: int, color: Color, scale: float,
            thickness: int) -> None:
        """Draw ``text`` IN PLACE with its baseline's left end at (x, baseline_y)."""


@runtime_checkable
class OutlinedText(TextRenderer, Protocol):
    """A renderer that draws an outline ring itself (cheaper than a second, thicker pass)."""

    def put_outlined(self, image: np.ndarray, text: str, x: int, baseline_y: int, color: Color, outline: Color,
                     scale: float, width: int) -> None:
        """``text`` with an ``outline`` ring ``width`` px wide."""


class HersheyText:
    """OpenCV's font: ASCII only (other characters come out as '?')."""

    name = "hershey"

    def size(self, text: str, scale: float, thickness: int) -> tuple[int, int, int]:
        (w, h), base = cv2.getTextSize(text, HERSHEY, scale, thickness)
        return w, h, base

    def put(self, image: np.ndarray, text: str, x: int, baseline_y: int, color: Color, scale: float,
            thickness: int) -> None:
        cv2.putText(image, text, (x, baseline_y), HERSHEY, scale, color, thickness, cv2.LINE_AA)


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


_renderer: TextRenderer = HersheyText()


def renderer() -> TextRenderer:
    return _renderer


def set_renderer(new: TextRenderer | None) -> None:
    """Draw overlay text with ``new`` from now on (None: back to Hershey)."""
    global _renderer
    _renderer = new if new is not None else HersheyText()


__all__ = ["HersheyText", "OutlinedText", "TextRenderer", "blend_mask", "renderer", "set_renderer"]
