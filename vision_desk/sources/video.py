"""A video file, decoded by OpenCV's FFmpeg backend.

The file is checked before FFmpeg sees it (missing, a folder, 0 bytes), so
the message names the real problem instead of "cannot open". The first frame
is decoded in :meth:`VideoSource.open`: a file FFmpeg can open but not decode
(a text file named .mp4, an audio-only file) fails there, not mid-pipeline.

A truncated or damaged file plays up to the last good frame, then ends
normally; the shortfall against the frame count in the header goes into
:attr:`Source.warnings` so the caller can tell the user.
"""
from __future__ import annotations

import math
import time
from pathlib import Path

import cv2
import numpy as np

from vision_desk.errors import SourceError
from vision_desk.frame import Frame
from vision_desk.sources.base import Source, SourceInfo
from vision_desk.sources.normalize import to_bgr8

VIDEO_EXTENSIONS: tuple[str, ...] = (
    ".mp4", ".m4v", ".mov", ".avi", ".mkv", ".webm", ".mpg", ".mpeg", ".wmv", ".flv", ".ts", ".mts", ".3gp", ".ogv",
)


def check_file(path: Path, what: str = "video") -> None:
    """Raise SourceError naming the problem if ``path`` cannot be a readable media file."""
    if not path.exists():
        hint = f" (the folder {path.parent} does not exist either)" if not path.parent.exists() else ""
        raise SourceError(f"{what} file {path} does not exist{hint}; check the path")
    if path.is_dir():
        raise SourceError(f"{path} is a folder, not a {what} file")
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise SourceError(f"cannot read {path}: {exc.strerror or exc}") from None
    if size == 0:
        raise SourceError(f"{what} file {path} is empty (0 bytes): it was not written completely; get a fresh copy")


class VideoSource(Source):
    """Frames of a video file in order; seekable; lossless for the pipeline."""

    _kind = "video"

    def __init__(self, path: Path | str, *, description: str | None = None) -> None:
        self._path = Path(path)
        self._description = description or f"video {self._path.name}"
        self._cap: cv2.VideoCapture | None = None
        self._info: SourceInfo | None = None
        self._pending: np.ndarray | None = None  # first frame, decoded by open()
        self._pending_pts = 0.0
        self._next_index = 0
        self._ended = False
        self._warnings: list[str] = []

    @property
    def path(self) -> Path:
        return self._path

    def open(self) -> SourceInfo:
        check_file(self._path)
        cap = cv2.VideoCapture(str(self._path), cv2.CAP_FFMPEG)
        if not cap.isOpened():
            cap.release()
            raise SourceError(
                f"{self._path} is not a video OpenCV/FFmpeg can read (not a video file, damaged, "
                f"or an unsupported format); try converting it to MP4 (H.264)"
            )
        ok, img = cap.read()
        if not ok or img is None or img.size == 0:
            cap.release()
            raise SourceError(f"{self._path} contains no video frames that can be decoded (audio only, or damaged)")
        fps = cap.get(cv2.CAP_PROP_FPS)
        fps = float(fps) if math.isfinite(fps) and 0 < fps < 1000 else 0.0
        count = cap.get(cv2.CAP_PROP_FRAME_COUNT)
        frame_count = int(count) if math.isfinite(count) and count > 0 else None
        self._cap = cap
        self._pending = to_bgr8(img)
        self._pending_pts = self._pts(0)
        self._next_index = 0
        self._ended = False
        h, w = self._pending.shape[:2]
        self._info = SourceInfo(
            kind=self._kind,
            description=self._description,
            fps=fps,
            frame_count=frame_count,
            width=w,
            height=h,
            is_live=False,
            seekable=True,
        )
        return self._info

    @property
    def info(self) -> SourceInfo:
        if self._info is None:
            raise SourceError("the video is not open yet; call open() first")
        return self._info

    def _pts(self, index: int) -> float:
        """Position of the frame just decoded: the container's timestamp, else index/fps."""
        assert self._cap is not None
        ms = self._cap.get(cv2.CAP_PROP_POS_MSEC)
        if math.isfinite(ms) and (ms > 0 or index == 0):
            return float(ms)
        fps = self._info.fps if self._info else self._cap.get(cv2.CAP_PROP_FPS)
        return index * 1000.0 / fps if fps and fps > 0 else 0.0

    def read(self) -> Frame | None:
        if self._cap is None:
            if self._info is not None:
                return None  # closed
            self.open()
        assert self._cap is not None
        if self._ended:
            return None
        index = self._next_index
        if self._pending is not None:
            img, pts = self._pending, self._pending_pts
            self._pending = None
        else:
            ok, raw = self._cap.read()
            if not ok or raw is None or raw.size == 0:
                self._end()
                return None
            img, pts = to_bgr8(raw), self._pts(index)
        ts = time.perf_counter()
        self._next_index = index + 1
        return Frame(image=img, index=index, timestamp=ts, source_id=self._path.name, pts_ms=pts)

    def _end(self) -> None:
        self._ended = True
        expected = self.info.frame_count
        got = self._next_index
        # One frame of slack: some containers round the count they advertise.
        if expected is not None and expected - got > 1:
            self._warnings.append(
                f"{self._path.name} ended after {got} of {expected} frames: the file is truncated or damaged "
                f"(the frames before that point were read)"
            )

    def seek(self, index: int) -> None:
        if self._cap is None:
            raise SourceError("the video is not open; cannot seek")
        count = self.info.frame_count
        if index < 0 or (count is not None and index >= count):
            raise SourceError(f"cannot seek to frame {index}: the video has {count} frames (0..{(count or 1) - 1})")
        self._cap.set(cv2.CAP_PROP_POS_FRAMES, index)
        self._pending = None
        self._next_index = index
        self._ended = False

    def close(self) -> None:
        if self._cap is not None:
            self._cap.release()
            self._cap = None
        self._pending = None
