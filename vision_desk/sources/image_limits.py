"""How big a picture may be, read from its header before a single pixel is decoded.

A 40000x40000 PNG is a 194 KB file that decodes to 4.8 GB (and OpenCV refuses
it with a traceback-shaped error past its own limit); a 30000x30000 one took
5.4 GB and a minute. The header says the size, so the limit is checked there,
with one line that names the option raising it (``--max-image-pixels``).
Pillow reads the header only (``Image.open`` is lazy); it is never used to decode.
The header also tells an animated GIF or a multi-page TIFF apart, whose
further frames OpenCV does not read: the caller says so once.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

DEFAULT_MAX_PIXELS = 100_000_000  # 100 megapixels: 300 MB as BGR, the largest phone/camera photos fit
_max_pixels = DEFAULT_MAX_PIXELS


def set_max_pixels(pixels: int | None) -> None:
    """The limit for this process (``--max-image-pixels``); None restores the default."""
    global _max_pixels
    if pixels is not None and pixels < 1:
        raise ValueError("the pixel limit must be positive")
    _max_pixels = int(pixels) if pixels else DEFAULT_MAX_PIXELS


def max_pixels() -> int:
    return _max_pixels


@dataclass(frozen=True)
class ImageHeader:
    width: int
    height: int
    frames: int  # more than 1: an animated GIF/WebP/PNG or a multi-page TIFF


def read_header(path: Path) -> ImageHeader | None:
    """Size and frame count from the file's header; None when Pillow does not know the format."""
    try:
        from PIL import Image
    except ImportError:  # pragma: no cover - Pillow is a dependency; without it only OpenCV's own limit holds
        return None
    try:
        Image.MAX_IMAGE_PIXELS = None  # our limit applies, not Pillow's bomb warning (nothing is decoded here)
        with Image.open(path) as im:
            w, h = im.size
            frames = int(getattr(im, "n_frames", 1) or 1) if getattr(im, "is_animated", False) or \
                getattr(im, "format", "") == "TIFF" else 1
    except Exception:  # not a format Pillow reads, or a damaged header: OpenCV decides
        return None
    return ImageHeader(int(w), int(h), frames)


def too_big_message(path: Path, width: int, height: int, limit: int, what: str = "image") -> str:
    mp = width * height / 1e6
    gb = width * height * 3 / 2**30
    return (f"{what} {path.name} is {width}x{height} ({mp:,.0f} megapixels), over the limit of "
            f"{limit / 1e6:g} megapixels (it would need about {gb:.1f} GB of memory); "
            f"use --max-image-pixels {width * height} to process it anyway, or scale it down first")


def check_size(path: Path, what: str = "image", limit: int | None = None) -> ImageHeader | None:
    """Raise ValueError with a one-line message when ``path``'s header says it is over the limit."""
    header = read_header(path)
    limit = limit or _max_pixels
    if header is not None and header.width * header.height > limit:
        raise ValueError(too_big_message(path, header.width, header.height, limit, what))
    return header
