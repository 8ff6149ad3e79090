"""Still images as a source: one file, a folder, or a glob pattern.

Files are read with ``np.fromfile`` + ``cv2.imdecode`` (``cv2.imread`` cannot
open non-ASCII paths on Windows) and normalised to BGR uint8 by
:func:`~vision_desk.sources.normalize.to_bgr8`. JPEGs are decoded with
``IMREAD_COLOR`` so their EXIF orientation is applied (a phone photo stands
upright) and CMYK is converted; every other format with ``IMREAD_UNCHANGED``
so alpha and 16-bit depth reach the normaliser intact.

A folder plays its images in natural order (``img2`` before ``img10``);
non-images are skipped with a warning (see :attr:`Source.warnings`), and so is
a file that will not decode. Each frame keeps its own size. ``Frame.index`` is
the file's position in the list, so a frame can be traced back with
:meth:`ImageSource.file_for`.

``repeat=True`` (used by the window to watch a still while toggling
processors) delivers the images again and again, paced at ``fps`` (default
30), as fresh copies (so a processor that draws in place cannot pile up
drawings); ``Frame.index`` then counts deliveries.
"""
from __future__ import annotations

import glob as _glob
import re
import time
from collections.abc import Sequence
from pathlib import Path

import cv2
import numpy as np

from vision_desk.errors import SourceError
from vision_desk.frame import Frame
from vision_desk.sources.base import Source, SourceInfo
from vision_desk.sources.image_limits import ImageHeader, check_size
from vision_desk.sources.normalize import NEUTRAL_BACKGROUND, to_bgr8

#: Extensions treated as images (OpenCV's readers; lower case).
IMAGE_EXTENSIONS: tuple[str, ...] = (
    ".jpg", ".jpeg", ".jpe", ".png", ".bmp", ".dib", ".tif", ".tiff", ".webp",
    ".pbm", ".pgm", ".ppm", ".pnm", ".jp2", ".gif", ".sr", ".ras",
)
_REPEAT_DEFAULT_FPS = 30.0
_JPEG_MAGIC = b"\xff\xd8\xff"


def is_image_path(path: Path) -> bool:
    return path.suffix.lower() in IMAGE_EXTENSIONS


def natural_key(text: str) -> list[tuple[int, int | str]]:
    """Sort key that orders embedded numbers by value: img2 < img10 (case-insensitive)."""
    return [(0, int(t)) if t.isdigit() else (1, t.casefold()) for t in re.split(r"(\d+)", text) if t]


def decode_image(path: Path, *, max_side: int | None = None,
                 background: tuple[int, int, int] = NEUTRAL_BACKGROUND, max_pixels: int | None = None) -> np.ndarray:
    """Read one image file as BGR uint8 HxWx3; SourceError with the reason if it cannot be."""
    return decode_image_with_header(path, max_side=max_side, background=background, max_pixels=max_pixels)[0]


def decode_image_with_header(path: Path, *, max_side: int | None = None,
                             background: tuple[int, int, int] = NEUTRAL_BACKGROUND,
                             max_pixels: int | None = None) -> tuple[np.ndarray, ImageHeader | None]:
    """:func:`decode_image`, and the header read first (size checked against the pixel limit, frames)."""
    try:
        header = check_size(Path(path), limit=max_pixels)
    except ValueError as exc:
        raise SourceError(str(exc)) from None
    try:
        data = np.fromfile(str(path), dtype=np.uint8)
    except OSError as exc:
        raise SourceError(f"cannot read image {path}: {exc.strerror or exc}") from None
    if data.size == 0:
        raise SourceError(f"image {path} is empty (0 bytes)")
    flags = cv2.IMREAD_COLOR if data[:3].tobytes() == _JPEG_MAGIC else cv2.IMREAD_UNCHANGED
    try:
        img = cv2.imdecode(data, flags)
    except cv2.error as exc:  # e.g. over OpenCV's own pixel limit, for a format whose header Pillow cannot read
        raise SourceError(f"{path} could not be decoded: {str(exc).strip().splitlines()[-1][:200]}") from None
    except MemoryError:
        raise SourceError(f"{path} is too large to decode in the memory available") from None
    if img is None or img.size == 0:
        raise SourceError(
            f"{path} is not an image OpenCV can decode (damaged, or not really a "
            f"{path.suffix or 'image'} file); supported: {', '.join(IMAGE_EXTENSIONS)}"
        )
    return to_bgr8(img, background=background, max_side=max_side), header


class ImageSource(Source):
    """A list of image files played in order (one file, a folder or a glob)."""

    def __init__(
        self,
        files: Sequence[Path],
        *,
        kind: str = "image",
        description: str = "",
        repeat: bool = False,
        fps: float = 0.0,
        max_side: int | None = None,
        background: tuple[int, int, int] = NEUTRAL_BACKGROUND,
        warnings: Sequence[str] = (),
        max_pixels: int | None = None,
        per_picture_s: float = 0.0,
    ) -> None:
        """``max_pixels``: refuse (skip, in a folder) pictures larger than this, from their header
        (default: :func:`~vision_desk.sources.image_limits.max_pixels`). ``per_picture_s`` (with ``repeat``
        and several pictures): a slide show, each picture held this long, its frames numbered by the
        picture's position (the window shows "2 / 5", steps and seeks by picture); 0 = each picture once
        per pass."""
        if not files:
            raise SourceError("no image files given")
        self._files = [Path(f) for f in files]
        self._kind = kind
        self._description = description or (
            f"image {self._files[0].name}" if len(self._files) == 1 else f"{len(self._files)} images"
        )
        self._repeat = repeat
        self._fps = float(fps) if fps and fps > 0 else (_REPEAT_DEFAULT_FPS if repeat else 0.0)
        self._max_side = max_side
        self._max_pixels = max_pixels
        self._multi_warned: set[Path] = set()
        self._background = background
        self._warnings: list[str] = list(warnings)
        self._info: SourceInfo | None = None
        self._pos = 0
        self._delivered = 0
        self._first: tuple[int, np.ndarray] | None = None  # decoded by open(), reused by the first read
        self._cache: tuple[int, np.ndarray] | None = None  # last decoded, for repeat
        self._next_due = 0.0
        self._bad: set[int] = set()  # positions that failed to decode
        self._closed = False
        self._last_pos: int | None = None
        self._per_picture_s = float(per_picture_s) if repeat and len(self._files) > 1 else 0.0
        self._held_pos: int | None = None  # slide show: the picture on now, until _held_until
        self._held_until = 0.0
        self._source_id = self._files[0].name if len(self._files) == 1 else self._files[0].parent.name

    @property
    def files(self) -> list[Path]:
        return list(self._files)

    def file_for(self, index: int) -> Path:
        """The file the frame with this index came from (without ``repeat``, where index = position)."""
        return self._files[index % len(self._files)]

    @property
    def current_file(self) -> Path | None:
        """The file of the frame read last (also with ``repeat``), for naming outputs after their inputs."""
        return self._files[self._last_pos] if self._last_pos is not None else None

    def open(self) -> SourceInfo:
        self._closed = False
        for pos, path in enumerate(self._files):
            try:
                img = self._decode(path)
            except SourceError as exc:
                if len(self._files) == 1:
                    raise
                self._bad.add(pos)
                self._warn(f"skipped {path.name}: {exc}")
                continue
            self._first = (pos, img)
            self._pos = pos
            break
        else:
            raise SourceError(f"none of the {len(self._files)} image files could be decoded: "
                              + "; ".join(self._warnings[-3:]))
        h, w = self._first[1].shape[:2]
        self._info = SourceInfo(
            kind=self._kind,
            description=self._description,
            fps=self._fps,
            frame_count=len(self._files) if not self._repeat or self._per_picture_s else None,
            width=w,
            height=h,
            is_live=False,
            seekable=True,
        )
        self._next_due = time.perf_counter()
        return self._info

    @property
    def info(self) -> SourceInfo:
        if self._info is None:
            raise SourceError("the image source is not open yet; call open() first")
        return self._info

    def _warn(self, msg: str) -> None:
        self._warnings.append(msg)

    def _decode(self, path: Path) -> np.ndarray:
        img, header = decode_image_with_header(path, max_side=self._max_side, background=self._background,
                                               max_pixels=self._max_pixels)
        if header is not None and header.frames > 1 and path not in self._multi_warned:
            self._multi_warned.add(path)
            self._warn(f"{path.name} has {header.frames} frames (animated, or several pages); only the first "
                       "is processed (convert it to a video to process them all)")
        return img

    def _image_at(self, pos: int) -> np.ndarray | None:
        if self._first is not None and self._first[0] == pos:
            img = self._first[1]
            self._first = None
            self._cache = (pos, img)
            return img.copy() if self._repeat else img
        if self._cache is not None and self._cache[0] == pos:
            return self._cache[1].copy()
        try:
            img = self._decode(self._files[pos])
        except SourceError as exc:
            if pos not in self._bad:  # warn once, also when repeating
                self._bad.add(pos)
                self._warn(f"skipped {self._files[pos].name}: {exc}")
            return None
        self._cache = (pos, img)
        return img.copy() if self._repeat else img

    def read(self) -> Frame | None:
        if self._closed:
            return None
        if self._info is None:
            self.open()
        misses = 0
        if self._per_picture_s and self._held_pos is not None and time.perf_counter() < self._held_until:
            self._pos = self._held_pos  # a slide show: the same picture until its time is up
        while True:
            if self._pos >= len(self._files):
                if not self._repeat:
                    return None
                self._pos = 0
            pos = self._pos
            self._pos += 1
            img = self._image_at(pos)
            if img is not None:
                break
            misses += 1
            if misses >= len(self._files):
                return None  # repeat over files that no longer decode: end instead of spinning
        if self._repeat:
            # Pace repeated stills so a lossless pipeline does not spin on the same picture.
            now = time.perf_counter()
            if self._next_due > now:
                time.sleep(self._next_due - now)
            self._next_due = max(self._next_due, now) + 1.0 / self._fps
            index = self._delivered
            if self._per_picture_s:
                index = pos
                if self._held_pos != pos:
                    self._held_pos, self._held_until = pos, now + self._per_picture_s
        else:
            index = pos
        # (a slide show's time runs on with every frame, though its frames keep their picture's number)
        pts = self._delivered * 1000.0 / self._fps if self._per_picture_s else (
            index * 1000.0 / self._fps if self._fps > 0 else 0.0)
        self._delivered += 1
        self._last_pos = pos
        return Frame(image=img, index=index, timestamp=time.perf_counter(), source_id=self._source_id, pts_ms=pts)

    def seek(self, index: int) -> None:
        if not 0 <= index < len(self._files):
            n = len(self._files)
            raise SourceError(f"cannot seek to image {index}: there are {n} images (0..{n - 1})")
        self._pos = index
        self._held_pos = None  # a slide show starts the picture sought to afresh

    def close(self) -> None:
        self._closed = True
        self._first = None
        self._cache = None


# ---------------------------------------------------------------- factories


def _images_in(files: Sequence[Path], what: str) -> tuple[list[Path], list[str]]:
    images, others = [], []
    for f in files:
        if f.name.startswith(".") or not f.is_file():
            continue  # hidden files (.DS_Store) and sub-folders are not worth a warning
        (images if is_image_path(f) else others).append(f)
    if not images:
        found = f" (found only: {', '.join(sorted(o.name for o in others)[:5])})" if others else ""
        raise SourceError(
            f"no images in {what}{found}; looked for {', '.join(IMAGE_EXTENSIONS)}"
        )
    images.sort(key=lambda p: natural_key(str(p)))
    warnings = []
    if others:
        names = ", ".join(sorted(o.name for o in others)[:5]) + (", ..." if len(others) > 5 else "")
        warnings.append(f"skipped {len(others)} file(s) that are not images: {names}")
    return images, warnings


def image_file_source(path: Path, **options: object) -> ImageSource:
    return ImageSource([path], kind="image", description=f"image {path.name}", **options)  # type: ignore[arg-type]


def folder_source(folder: Path, **options: object) -> ImageSource:
    try:
        entries = list(folder.iterdir())
    except OSError as exc:
        raise SourceError(f"cannot list folder {folder}: {exc.strerror or exc}") from None
    files, warnings = _images_in(entries, f"folder {folder}")
    desc = f"folder {folder.name or folder} ({len(files)} images)"
    return ImageSource(files, kind="folder", description=desc, warnings=warnings, **options)  # type: ignore[arg-type]


def glob_source(pattern: str, **options: object) -> ImageSource:
    matches = [Path(p) for p in _glob.glob(str(Path(pattern).expanduser()), recursive=True)]
    if not matches:
        raise SourceError(f"no files match the pattern {pattern!r}; check the folder and the wildcard")
    files, warnings = _images_in(matches, f"the files matching {pattern!r}")
    desc = f"{pattern} ({len(files)} images)"
    return ImageSource(files, kind="folder", description=desc, warnings=warnings, **options)  # type: ignore[arg-type]
