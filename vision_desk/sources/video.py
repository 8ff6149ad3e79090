"""A video file, decoded by OpenCV's FFmpeg backend.

The file is checked before FFmpeg sees it (missing, a folder, 0 bytes), so
the message names the real problem instead of "cannot open". The first frame
is decoded in :meth:`VideoSource.open`: a file FFmpeg can open but not decode
(a text file named .mp4, an audio-only file) fails there, not mid-pipeline.

A damaged frame is skipped and reading goes on (FFmpeg resynchronises at the
next packet it can decode), also when the very first keyframe is damaged;
only a file with no decodable frame at all is refused. A skipped frame keeps
its number (``Frame.index`` is the position in the file), and at the end one
warning in :attr:`Source.warnings` says how many frames could not be decoded
and which. A truncated file plays up to the last good frame, then ends
normally, with the shortfall against the frame count in the header as a warning.
"""
from __future__ import annotations

import math
import stat
import time
from pathlib import Path

import cv2
import numpy as np

from vision_desk.errors import SourceError
from vision_desk.frame import Frame
from vision_desk.sources.base import Source, SourceInfo
from vision_desk.sources.normalize import to_bgr8

# Reads that fail one after another before the file counts as ended: a damaged stretch is skipped, and
# at the real end every read fails at once (microseconds each), so this only bounds a file whose header
# promises frames that are not there.
MAX_FAILED_READS = 250

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
        st = path.stat()
    except OSError as exc:
        raise SourceError(f"cannot read {path}: {exc.strerror or exc}") from None
    if not stat.S_ISREG(st.st_mode):  # a FIFO or /dev/zero has no size to speak of: it is not "empty"
        raise SourceError(f"{path} is not a regular file (a pipe, device or socket); give a {what} file, "
                          "a camera index or a stream URL")
    size = st.st_size
    if size == 0:
        raise SourceError(f"{what} file {path} is empty (0 bytes): it was not written completely; get a fresh copy")


class VideoSource(Source):
    """Frames of a video file in order; seekable; lossless for the pipeline."""

    _kind = "video"

    def __init__(self, path: Path | str, *, description: str | None = None, url: str | None = None,
                 name: str | None = None) -> None:
        """``url``: read a video file served over HTTP(S) instead (``name``/``description`` must then be
        free of credentials; see :mod:`~vision_desk.sources.remote`)."""
        self._path = Path(path)
        self._url = url
        self._name = name or self._path.name
        self._description = description or f"video {self._name}"
        self._cap: cv2.VideoCapture | None = None
        self._info: SourceInfo | None = None
        self._pending: np.ndarray | None = None  # first frame, decoded by open()
        self._pending_pts = 0.0
        self._pending_index = 0
        self._frame_count: int | None = None
        self._fps = 0.0
        self._next_index = 0
        self._ended = False
        self._warnings: list[str] = []
        self._undecodable: list[int] = []  # positions of frames that could not be decoded
        self._delivered = 0

    @property
    def path(self) -> Path:
        return self._path if self._url is None else None  # type: ignore[return-value]

    @property
    def damaged_frames(self) -> int:
        """Frames skipped so far because they could not be decoded (the batch report counts them)."""
        return len(self._undecodable)

    @property
    def _shown(self) -> str:
        """How messages name the input: the path, or for a URL its name (credentials never shown)."""
        return self._name if self._url else str(self._path)

    def open(self) -> SourceInfo:
        if self._url is None:
            check_file(self._path)
        cap = cv2.VideoCapture(self._url or str(self._path), cv2.CAP_FFMPEG)
        if not cap.isOpened():
            cap.release()
            raise SourceError(
                f"{self._shown} is not a video OpenCV/FFmpeg can read (not a video file, damaged, "
                f"or an unsupported format); try converting it to MP4 (H.264)"
            )
        fps = cap.get(cv2.CAP_PROP_FPS)
        fps = float(fps) if math.isfinite(fps) and 0 < fps < 1000 else 0.0
        count = cap.get(cv2.CAP_PROP_FRAME_COUNT)
        frame_count = int(count) if math.isfinite(count) and count > 0 else None
        self._cap = cap
        self._fps = fps
        self._frame_count = frame_count
        self._undecodable = []
        self._delivered = 0
        self._next_index = 0
        self._ended = False
        first = self._decode_next()  # skips a damaged first keyframe like any other damaged frame
        if first is None:
            cap.release()
            self._cap = None
            raise SourceError(f"{self._shown} contains no video frames that can be decoded (audio only, or damaged)")
        self._pending, self._pending_pts, self._pending_index = first
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
            img, pts, index = self._pending, self._pending_pts, self._pending_index
            self._pending = None
        else:
            got = self._decode_next()
            if got is None:
                self._end()
                return None
            img, pts, index = got
        ts = time.perf_counter()
        self._delivered += 1
        return Frame(image=img, index=index, timestamp=ts, source_id=self._name, pts_ms=pts)

    def _decode_next(self) -> tuple[np.ndarray, float, int] | None:
        """The next frame that decodes (image, pts, position), skipping damaged ones; None at the end."""
        assert self._cap is not None
        start = self._next_index
        failed = 0
        count = self._frame_count
        while True:
            index = self._next_index
            if count is not None and index >= count and failed:
                break  # past the end the header promised: these were not damaged frames but the end
            ok, raw = self._cap.read()
            self._next_index = index + 1
            if ok and raw is not None and raw.size:
                pts = self._pts(index)
                if failed and self._fps > 0:
                    # After damage the decoder may have lost more packets than reads failed (a frame that
                    # needed the damaged one): the timestamp says which frame this really is.
                    index = max(index, round(pts * self._fps / 1000.0))
                    self._next_index = index + 1
                self._undecodable.extend(range(start, index))
                return to_bgr8(raw), pts, index
            failed += 1
            if failed >= MAX_FAILED_READS or (count is None and failed >= MAX_FAILED_READS // 10):
                break
        self._next_index = start  # nothing decoded after them: the file ended at the first failed read
        return None

    def _end(self) -> None:
        if self._ended:
            return
        self._ended = True
        if self._undecodable:
            self._warnings.append(
                f"{self._name}: {len(self._undecodable)} frame{'s' if len(self._undecodable) > 1 else ''} "
                f"could not be decoded ({describe_positions(self._undecodable)}); {self._delivered} processed")
        expected = self.info.frame_count
        got = self._next_index
        # One frame of slack: some containers round the count they advertise.
        if expected is not None and expected - got > 1:
            self._warnings.append(
                f"{self._name} ended after {got} of {expected} frames: the file is truncated or damaged "
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
        self._undecodable = [i for i in self._undecodable if i < index]
        self._next_index = index
        self._ended = False

    def close(self) -> None:
        if self._cap is not None:
            self._cap.release()
            self._cap = None
        self._pending = None


def describe_positions(positions: list[int], most: int = 5) -> str:
    """'frame 7', 'frames 23-24', 'frames 3, 23-24, 40-49, ...' (0-based, as in the JSON lines)."""
    runs: list[tuple[int, int]] = []
    for p in sorted(set(positions)):
        if runs and p == runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], p)
        else:
            runs.append((p, p))
    parts = [f"{a}" if a == b else f"{a}-{b}" for a, b in runs[:most]]
    more = ", ..." if len(runs) > most else ""
    word = "frame" if len(positions) == 1 else "frames"
    return f"{word} {', '.join(parts)}{more}"
