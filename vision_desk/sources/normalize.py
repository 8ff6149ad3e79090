"""Turn whatever an image file or a device delivers into BGR uint8 HxWx3.

Every processor and the view expect exactly one pixel format, so all the odd
cases are settled here, once:

- grayscale (HxW or HxWx1): repeated into three channels;
- gray + alpha, BGRA: composited over a neutral grey (so a transparent
  cut-out neither vanishes into black nor glares white);
- 16-bit: scaled by 255/65535 (the full range, as image viewers do);
- float: 0..1 (or 0..255 when larger values occur) clipped to 0..255;
- more than four channels: the first three.

Tiny images (1x1, 7x5) are kept as they are: upscaling would invent pixels
and shift every box the processors report; they letterbox their own input.
Huge images are kept too unless ``max_side`` asks for a cap (area
interpolation, so no aliasing).
"""
from __future__ import annotations

import cv2
import numpy as np

#: Background a transparent image is composited on (BGR): neutral mid grey.
NEUTRAL_BACKGROUND: tuple[int, int, int] = (128, 128, 128)


def _to_uint8(img: np.ndarray) -> np.ndarray:
    if img.dtype == np.uint8:
        return img
    if img.dtype == np.uint16:
        # Round to nearest: 65535 -> 255, 32768 -> 128.
        return ((img.astype(np.uint32) * 255 + 32767) // 65535).astype(np.uint8)
    if img.dtype == np.bool_:
        return img.astype(np.uint8) * 255
    if np.issubdtype(img.dtype, np.floating):
        # errstate: values beyond float32 become inf (then 0) without a RuntimeWarning for a user's odd file.
        with np.errstate(all="ignore"):
            f = np.nan_to_num(img.astype(np.float32), nan=0.0, posinf=0.0, neginf=0.0)
        scale = 255.0 if f.size and float(f.max()) <= 1.0 else 1.0
        return np.clip(f * scale + 0.5, 0, 255).astype(np.uint8)
    # Other integer types (int8/16/32, uint32): stretch their actual range.
    f = img.astype(np.float64)
    lo, hi = (float(f.min()), float(f.max())) if f.size else (0.0, 0.0)
    if hi <= lo:
        return np.zeros(img.shape, np.uint8)
    return ((f - lo) * (255.0 / (hi - lo)) + 0.5).astype(np.uint8)


def _composite(color: np.ndarray, alpha: np.ndarray, background: tuple[int, int, int]) -> np.ndarray:
    a = alpha.astype(np.float32)[..., None] / 255.0
    bg = np.array(background, np.float32).reshape(1, 1, 3)
    out = color.astype(np.float32) * a + bg * (1.0 - a)
    return (out + 0.5).astype(np.uint8)


def to_bgr8(
    img: np.ndarray,
    *,
    background: tuple[int, int, int] = NEUTRAL_BACKGROUND,
    max_side: int | None = None,
) -> np.ndarray:
    """Return ``img`` as a contiguous BGR uint8 HxWx3 array (see the module notes for each case).

    Already-conforming arrays come back unchanged (no copy), so live sources
    can call this on every frame for free.
    """
    if img.ndim == 3 and img.shape[2] == 3 and img.dtype == np.uint8 and max_side is None:
        return img if img.flags.c_contiguous else np.ascontiguousarray(img)
    if img.ndim not in (2, 3) or img.size == 0:
        raise ValueError(f"not an image: array of shape {img.shape}")
    img = _to_uint8(img)
    if img.ndim == 3 and img.shape[2] == 1:
        img = img[:, :, 0]
    if img.ndim == 2:
        out = cv2.cvtColor(img, cv2.COLOR_GRAY2BGR)
    elif img.shape[2] == 2:  # gray + alpha
        gray3 = cv2.cvtColor(np.ascontiguousarray(img[:, :, 0]), cv2.COLOR_GRAY2BGR)
        out = _composite(gray3, img[:, :, 1], background)
    elif img.shape[2] == 3:
        out = img
    elif img.shape[2] == 4:
        out = _composite(img[:, :, :3], img[:, :, 3], background)
    else:
        out = img[:, :, :3]
    if max_side is not None and max(out.shape[:2]) > max_side:
        h, w = out.shape[:2]
        s = max_side / max(h, w)
        out = cv2.resize(out, (max(1, round(w * s)), max(1, round(h * s))), interpolation=cv2.INTER_AREA)
    return np.ascontiguousarray(out)
