"""Test-pattern pictures for the synthetic source: moving, and stamped with their index.

The index is drawn twice: as text a person can read, and as a strip of
black/white cells (bit 0 on the left) a test can read back with
:func:`read_index_stamp` even after lossy video encoding, so a test can prove
which frame it is looking at.
"""
from __future__ import annotations

import math

import cv2
import numpy as np

STAMP_BITS = 24
_CELL = 12  # px per bit (robust to blur and to JPEG/MPEG blocks)
_STAMP_Y0, _STAMP_H = 4, 12


def _stamp(img: np.ndarray, index: int) -> None:
    img[_STAMP_Y0 - 2 : _STAMP_Y0 + _STAMP_H + 2, 2 : 4 + STAMP_BITS * _CELL] = (128, 128, 128)
    for bit in range(STAMP_BITS):
        on = (index >> bit) & 1
        x0 = 4 + bit * _CELL
        img[_STAMP_Y0 : _STAMP_Y0 + _STAMP_H, x0 + 1 : x0 + _CELL - 1] = 255 if on else 0


def read_index_stamp(img: np.ndarray) -> int:
    """Decode the index a pattern frame carries (inverse of the stamp)."""
    gray = img if img.ndim == 2 else cv2.cvtColor(img, cv2.COLOR_BGR2GRAY)
    y = _STAMP_Y0 + _STAMP_H // 2
    value = 0
    for bit in range(STAMP_BITS):
        x = 4 + bit * _CELL + _CELL // 2
        if float(gray[y - 2 : y + 3, x - 2 : x + 3].mean()) > 128:
            value |= 1 << bit
    return value


def _background(width: int, height: int) -> np.ndarray:
    x = np.linspace(0, 1, width, dtype=np.float32)[None, :]
    y = np.linspace(0, 1, height, dtype=np.float32)[:, None]
    img = np.empty((height, width, 3), np.uint8)
    img[..., 0] = (60 + 120 * x + 0 * y).astype(np.uint8)
    img[..., 1] = (40 + 100 * y + 0 * x).astype(np.uint8)
    img[..., 2] = (90 + 80 * (1 - x) * y).astype(np.uint8)
    return img


class PatternPainter:
    """Draws frame ``i`` of a moving test pattern (or a pan over a given picture)."""

    def __init__(self, width: int, height: int, fps: float, picture: np.ndarray | None = None) -> None:
        self.width, self.height, self.fps = width, height, fps
        self._bg = _background(width, height)
        self._picture = None
        if picture is not None:
            # Scale the picture so it is 25 % larger than the frame: room to pan.
            ph, pw = picture.shape[:2]
            s = 1.25 * max(width / pw, height / ph)
            self._picture = cv2.resize(picture, (max(width, round(pw * s)), max(height, round(ph * s))),
                                       interpolation=cv2.INTER_AREA)

    def draw(self, index: int) -> np.ndarray:
        t = index / self.fps if self.fps > 0 else float(index)
        w, h = self.width, self.height
        if self._picture is not None:
            ph, pw = self._picture.shape[:2]
            ox = round((pw - w) * (0.5 + 0.5 * math.sin(t * 0.7)))
            oy = round((ph - h) * (0.5 + 0.5 * math.sin(t * 0.45)))
            img = self._picture[oy : oy + h, ox : ox + w].copy()
        else:
            img = self._bg.copy()
            # A bar sweeping across and a ball bouncing: motion a viewer notices at once.
            bx = int((t * 0.25 % 1.0) * (w + 60)) - 30
            cv2.rectangle(img, (bx, 0), (bx + 30, h), (200, 200, 200), -1)
            cx = int(w / 2 + w / 3 * math.sin(t * 1.3))
            cy = int(h / 2 + h / 3 * math.sin(t * 2.1))
            cv2.circle(img, (cx, cy), max(4, min(w, h) // 10), (40, 170, 255), -1, cv2.LINE_AA)
        scale = max(0.4, min(w, h) / 480)
        cv2.putText(img, f"#{index}", (8, h - 12), cv2.FONT_HERSHEY_SIMPLEX, scale, (0, 0, 0), 4, cv2.LINE_AA)
        cv2.putText(img, f"#{index}", (8, h - 12), cv2.FONT_HERSHEY_SIMPLEX, scale, (255, 255, 255), 1, cv2.LINE_AA)
        if w >= 4 + STAMP_BITS * _CELL + 2 and h >= _STAMP_Y0 + _STAMP_H + 2:
            _stamp(img, index)
        return img
