"""Turning a segmentation network's per-pixel probability into a matte, and compositing with it.

Pure numpy/OpenCV, no model: the segment processor makes the matte on its
worker thread at the network's 256 x 256, the annotator composites at the
frame's size. Working at 256 x 256 keeps the smoothing cheap; the matte is
enlarged bilinearly, which is itself a slight feathering.
"""
from __future__ import annotations

import cv2
import numpy as np


def soft_matte(probability: np.ndarray, threshold: float, edge: float) -> np.ndarray:
    """Probability (0-1) -> alpha (0-1): 1 above ``threshold``, 0 below, a ramp of width set by ``edge`` between.

    ``edge`` 0 gives a hard cut; 1 a ramp 0.5 wide plus a 3-pixel blur (at 256 x 256), which hides the
    stair-steps a 256-pixel mask leaves on a 1080p edge."""
    half = 0.01 + 0.24 * edge
    alpha = np.clip((probability - (threshold - half)) / (2 * half), 0, 1).astype(np.float32)
    if edge > 0:
        sigma = 3.0 * edge
        alpha = cv2.GaussianBlur(alpha, (0, 0), sigma)
    return alpha


class TemporalSmoother:
    """An exponential moving average of the probability map: the edge of a still person stops flickering.

    ``strength`` is the weight of the past (0 = off, 0.6 keeps about the last two frames in play). Where the
    new frame disagrees strongly with the average (someone moved), the new value is taken as it is, so a
    moving arm does not leave a ghost behind."""

    MOVED = 0.5  # a change of probability this large is motion, not flicker

    def __init__(self, strength: float = 0.0) -> None:
        self.strength = strength
        self._state: np.ndarray | None = None

    def reset(self) -> None:
        self._state = None

    def __call__(self, probability: np.ndarray) -> np.ndarray:
        if self.strength <= 0 or self._state is None or self._state.shape != probability.shape:
            self._state = probability.astype(np.float32, copy=True)
            return self._state
        keep = np.where(np.abs(probability - self._state) < self.MOVED, np.float32(self.strength), np.float32(0))
        self._state = (keep * self._state + (1 - keep) * probability).astype(np.float32)
        return self._state


def blurred(image: np.ndarray, amount: float) -> np.ndarray:
    """A strong background blur, cheaply: shrink, blur, enlarge (a large Gaussian at full size costs 10x more)."""
    h, w = image.shape[:2]
    factor = 4
    small = cv2.resize(image, (max(1, w // factor), max(1, h // factor)), interpolation=cv2.INTER_AREA)
    small = cv2.GaussianBlur(small, (0, 0), max(0.5, amount / factor))
    return cv2.resize(small, (w, h), interpolation=cv2.INTER_LINEAR)


def composite(front: np.ndarray, back: np.ndarray, alpha: np.ndarray) -> np.ndarray:
    """alpha * front + (1 - alpha) * back, per pixel (alpha H x W float32 0-1)."""
    return cv2.blendLinear(front, back, alpha, 1.0 - alpha)


def backdrop(width: int, height: int) -> np.ndarray:
    """The default picture behind the person in 'replace': a studio-like blue-green gradient."""
    t = np.linspace(0, 1, height, dtype=np.float32)[:, None, None]
    top, bottom = np.array([170, 120, 40], np.float32), np.array([90, 60, 20], np.float32)  # BGR
    column = top * (1 - t) + bottom * t
    return np.ascontiguousarray(np.broadcast_to(column, (height, width, 3)).astype(np.uint8))
