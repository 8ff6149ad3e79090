"""Pictures to network tensors and back: BGR uint8 frames <-> float32 RGB 0-1 in NCHW or NHWC.

Shared by the processors whose networks take RGB 0-1 (style, the style gallery, super-resolution),
so that each conversion is written, and tuned, once. The forward conversions fuse the channel swap,
the transpose and the scaling into one pass that writes straight into the result.
"""
from __future__ import annotations

import cv2
import numpy as np


def to_nchw_rgb(bgr: np.ndarray) -> np.ndarray:
    """BGR uint8 HxWx3 -> float32 1x3xHxW RGB 0-1 in one pass (swap, transpose and scale fused)."""
    h, w = bgr.shape[:2]
    out = np.empty((1, 3, h, w), np.float32)
    np.multiply(bgr[:, :, ::-1].transpose(2, 0, 1), np.float32(1 / 255), out=out[0], casting="unsafe")
    return out


def to_nhwc_rgb(bgr: np.ndarray) -> np.ndarray:
    """BGR uint8 HxWx3 -> float32 1xHxWx3 RGB 0-1 (for TensorFlow-born networks)."""
    h, w = bgr.shape[:2]
    out = np.empty((1, h, w, 3), np.float32)
    np.multiply(bgr[:, :, ::-1], np.float32(1 / 255), out=out[0], casting="unsafe")
    return out


def from_nchw_rgb(out: np.ndarray) -> np.ndarray:
    """float32 1x3xHxW RGB 0-1 -> BGR uint8 HxWx3, rounded and clipped."""
    rgb = np.clip(out[0].transpose(1, 2, 0) * 255.0 + 0.5, 0, 255).astype(np.uint8)
    return np.ascontiguousarray(rgb[:, :, ::-1])


def planes_to_bgr(r: np.ndarray, g: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Three float 0-1 planes -> BGR uint8, rounded and saturated. The caller clamps negatives
    first: convertScaleAbs saturates above 255 but takes |x|."""
    return cv2.merge([cv2.convertScaleAbs(plane, alpha=255.0) for plane in (b, g, r)])


def pad_to(image: np.ndarray, height: int, width: int) -> np.ndarray:
    """Reflect-pad at the bottom and right up to ``height`` x ``width`` (reflection keeps strokes
    natural at the border, where zeros would paint a dark frame)."""
    h, w = image.shape[:2]
    if (h, w) == (height, width):
        return image
    return cv2.copyMakeBorder(image, 0, height - h, 0, width - w, cv2.BORDER_REFLECT_101)


def normalise_maps(maps: np.ndarray) -> np.ndarray:
    """Each map scaled to 0-1 by its own min and max, so a weak channel's pattern is as visible as a strong one's."""
    flat = maps.reshape(len(maps), -1)
    lo = flat.min(axis=1)[:, None, None]
    span = (flat.max(axis=1) - flat.min(axis=1))[:, None, None]
    return ((maps - lo) / np.maximum(span, 1e-6)).astype(np.float32)
