"""Aspect-preserving resize with padding, and the meta that maps coordinates back.

Networks want a fixed (or stride-aligned) input size; stretching a frame to it
distorts people and objects (OpenPose splits a squashed person in two), so the
frame is scaled uniformly and the leftover is padded. :class:`LetterboxMeta`
remembers the scale and the padding so that points found in network pixels
can be put back on the original frame exactly.

Convention: continuous pixel coordinates, pixel ``i`` spanning ``[i, i+1)``
(its centre at ``i + 0.5``), as ``cv2.resize`` samples; then a point ``p`` in
the source maps to ``p * scale + pad`` in the network input, with no
half-pixel terms.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np


@dataclass(frozen=True)
class LetterboxMeta:
    """How a source image of ``src_size`` was placed into a ``dst_size`` canvas."""

    src_size: tuple[int, int]  # (width, height) of the original image
    dst_size: tuple[int, int]  # (width, height) of the padded network input
    scale: float  # network pixels per source pixel (the same in x and y)
    pad: tuple[int, int]  # (left, top) padding in network pixels
    content_size: tuple[int, int]  # (width, height) of the resized image inside the canvas

    def to_source(self, points: np.ndarray) -> np.ndarray:
        """Network-input (x, y) points -> source-image points. Works on any ``(..., 2)`` array; NaN stays NaN."""
        pts = np.asarray(points, dtype=np.float32)
        return (pts - np.asarray(self.pad, np.float32)) / np.float32(self.scale)

    def to_network(self, points: np.ndarray) -> np.ndarray:
        """Source-image (x, y) points -> network-input points (the inverse of :meth:`to_source`)."""
        pts = np.asarray(points, dtype=np.float32)
        return pts * np.float32(self.scale) + np.asarray(self.pad, np.float32)


def round_up(value: float, multiple: int) -> int:
    return int(math.ceil(value / multiple - 1e-9)) * multiple


def fit_size(src_w: int, src_h: int, height: int, *, multiple: int = 8, max_aspect: float = 4.0) -> tuple[int, int]:
    """The network input (width, height) for a frame: ``height`` tall, as wide as the frame's aspect ratio asks.

    The width is rounded up to ``multiple`` (the network's stride) so that only a
    few columns of padding are needed. Very wide frames are capped at
    ``max_aspect`` times the height so that a panorama cannot make the network
    input (and its cost) explode; the letterbox then pads top and bottom instead.
    """
    if src_w <= 0 or src_h <= 0:
        raise ValueError(f"fit_size: image size must be positive, got {src_w}x{src_h}")
    height = round_up(height, multiple)
    width = round_up(height * src_w / src_h, multiple)
    width = max(multiple, min(width, round_up(height * max_aspect, multiple)))
    return width, height


def letterbox_meta(src_size: tuple[int, int], dst_size: tuple[int, int], *, center: bool = False) -> LetterboxMeta:
    """Where a ``src_size`` image lands inside ``dst_size`` (both (width, height)) when scaled to fit."""
    sw, sh = src_size
    dw, dh = dst_size
    if min(sw, sh, dw, dh) <= 0:
        raise ValueError(f"letterbox: sizes must be positive, got source {sw}x{sh}, target {dw}x{dh}")
    scale = min(dw / sw, dh / sh)
    cw = min(dw, max(1, round(sw * scale)))
    ch = min(dh, max(1, round(sh * scale)))
    pad = ((dw - cw) // 2, (dh - ch) // 2) if center else (0, 0)
    # The scale actually applied along each axis differs from `scale` by the rounding of the
    # content size; using the exact per-axis ratio would make x and y disagree, so keep one scale
    # and accept the sub-pixel rounding (below half a network pixel).
    return LetterboxMeta((sw, sh), (dw, dh), float(scale), pad, (cw, ch))


def letterbox(image: np.ndarray, dst_size: tuple[int, int], *, center: bool = False,
              pad_value: int | tuple[int, ...] = 0,
              interpolation: int = cv2.INTER_LINEAR) -> tuple[np.ndarray, LetterboxMeta]:
    """Scale ``image`` uniformly to fit ``dst_size`` (width, height) and pad the rest with ``pad_value``.

    With ``center=False`` the image sits in the top-left corner (padding right and
    bottom), which keeps network-map cells aligned with image pixels from the
    origin; with ``center=True`` the padding is split evenly.
    """
    h, w = image.shape[:2]
    meta = letterbox_meta((w, h), dst_size, center=center)
    cw, ch = meta.content_size
    resized = image if (cw, ch) == (w, h) else cv2.resize(image, (cw, ch), interpolation=interpolation)
    dw, dh = dst_size
    left, top = meta.pad
    if (cw, ch) == (dw, dh):
        return np.ascontiguousarray(resized), meta
    if isinstance(pad_value, (int, float)):
        pad_value = (pad_value,) * (image.shape[2] if image.ndim == 3 else 1)
    out = cv2.copyMakeBorder(resized, top, dh - ch - top, left, dw - cw - left,
                             cv2.BORDER_CONSTANT, value=tuple(float(v) for v in pad_value))
    return out, meta
