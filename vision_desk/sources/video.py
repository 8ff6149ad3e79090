"""A video file, decoded by FFmpeg's libraries through PyAV.

PyAV rather than OpenCV's ``VideoCapture``: OpenCV scales every decoded frame
to the size of the first one, so in a file whose frame size changes mid-stream
(a concatenated recording, a stream that switched resolution) every later frame
was squeezed into the first size and the boxes drawn on it were wrong. Here each
frame keeps its own size; :class:`~vision_desk.pipeline.sinks.VideoSink`
letterboxes later sizes into the video it writes, while results stay in the
coordinates of their own frame. Frames are decoded on FFmpeg's threads and
converted to BGR by swscale on one thread, exactly as OpenCV's reader does
(the same pixels), at the same speed or better (README, performance section).

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

import os
import stat
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import av
import cv2
import numpy as np

from vision_desk.errors import SourceError
from vision_desk.frame import BIG_FRAME_PIXELS, Frame
from vision_desk.sources.base import Source, SourceInfo

# FFmpeg decoder threads. Each frame thread holds its own decoding state and pictures: at 4K a second
# thread cost ~90 MB of peak memory in `vision-desk process` (710 -> 800 MB), and there the encoder, not
# the decoder, sets the pace (no change in speed measured). Up to 1080p a few threads, not one per core:
# 4 decode far faster than any processor or the encoder runs, and memory would grow with the core count.
BIG_FRAME_DECODER_THREADS = 1
DECODER_THREADS = 4
# Seconds an http(s) file may take to open or to deliver data before reading gives up.
URL_TIMEOUT_S = 10.0
# OpenCV turns frames upright by the file's display matrix (phone videos); so does this reader.
_ROTATIONS = {90: cv2.ROTATE_90_CLOCKWISE, 180: cv2.ROTATE_180, 270: cv2.ROTATE_90_COUNTERCLOCKWISE}

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


def decoder_threads(width: int, height: int, cores: int | None = None) -> int:
    """FFmpeg decoder threads for frames of this size (see DECODER_THREADS)."""
    cores = cores or os.cpu_count() or 1
    most = BIG_FRAME_DECODER_THREADS if width * height > BIG_FRAME_PIXELS else DECODER_THREADS
    return max(1, min(cores, most))


def to_bgr(frame: av.VideoFrame) -> np.ndarray:
    """One decoded frame as BGR uint8, upright (the display matrix applied, as OpenCV does)."""
    # swscale, as in OpenCV's reader (bit-identical pictures). One thread: PyAV's default (one per
    # core) costs more in thread start-up per frame than it saves (sample clip: 1.2 -> 0.7 ms CPU).
    img = frame.reformat(format="bgr24", threads=1).to_ndarray()
    turn = _ROTATIONS.get(round(-frame.rotation) % 360) if frame.rotation else None
    return cv2.rotate(img, turn) if turn is not None else img


class VideoSource(Source):
    """Frames of a video file in order, each at its own size; seekable; lossless for the pipeline."""

    _kind = "video"

    def __init__(self, path: Path | str, *, description: str | None = None, url: str | None = None,
                 name: str | None = None) -> None:
        """``url``: read a video file served over HTTP(S) instead (``name``/``description`` must then be
        free of credentials; see :mod:`~vision_desk.sources.remote`)."""
        self._path = Path(path)
        self._url = url
        self._name = name or self._path.name
        self._description = description or f"video {self._name}"
        self._container: Any = None  # av.container.InputContainer
        self._stream: Any = None  # av.video.stream.VideoStream
        self._frames: Iterator[av.VideoFrame] | None = None
        self._info: SourceInfo | None = None
        self._pending: tuple[np.ndarray, float, int] | None = None  # first frame, decoded by open()
        self._frame_count: int | None = None
        self._fps = 0.0
        self._time_base = 0.0  # seconds per timestamp unit of the stream
        self._start_pts = 0
        self._next_index = 0
        self._skip_before = 0  # after a seek: frames before this position are decoded but not delivered
        self._errors = 0  # packets that failed to decode since the last frame
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
        self.close()  # opened again (a retry): the earlier container is let go, not leaked
        try:
            # metadata_errors="replace": a title in a legacy encoding must not make the video unreadable
            # (PyAV's default, "strict", refused such a file; OpenCV read it).
            if self._url is None:
                container = av.open(str(self._path), "r", metadata_errors="replace")
            else:
                container = av.open(self._url, "r", timeout=(URL_TIMEOUT_S, URL_TIMEOUT_S),
                                    metadata_errors="replace")
        except (av.FFmpegError, OSError, UnicodeDecodeError, ValueError):
            raise SourceError(
                f"{self._shown} is not a video FFmpeg can read (not a video file, damaged, "
                f"or an unsupported format); try converting it to MP4 (H.264)"
            ) from None
        streams = container.streams.video
        if not streams or streams[0].codec_context is None:
            container.close()
            raise SourceError(f"{self._shown} contains no video frames that can be decoded (audio only, "
                              "damaged, or a codec FFmpeg does not know)")
        stream = streams[0]
        self._container, self._stream = container, stream
        # av_guess_frame_rate, as OpenCV: the container's rate, else the average.
        rate = stream.guessed_rate or stream.average_rate
        fps = float(rate) if rate else 0.0
        self._fps = fps if 0 < fps < 1000 else 0.0
        self._frame_count = self._count_frames()
        self._time_base = float(stream.time_base) if stream.time_base else 0.0
        self._start_pts = stream.start_time or 0
        stream.thread_type = "AUTO"
        stream.codec_context.thread_count = decoder_threads(stream.codec_context.width or 0,
                                                            stream.codec_context.height or 0)
        self._undecodable = []
        self._delivered = 0
        self._next_index = 0
        self._skip_before = 0
        self._errors = 0
        self._ended = False
        self._frames = self._decoded()
        first = self._decode_next()  # skips a damaged first keyframe like any other damaged frame
        if first is None:
            self.close()
            raise SourceError(f"{self._shown} contains no video frames that can be decoded (audio only, or damaged)")
        self._pending = first
        h, w = first[0].shape[:2]
        self._info = SourceInfo(
            kind=self._kind,
            description=self._description,
            fps=self._fps,
            frame_count=self._frame_count,
            width=w,
            height=h,
            is_live=False,
            seekable=True,
        )
        return self._info

    def _count_frames(self) -> int | None:
        """Frames in the header, else duration x rate (OpenCV's rule), None when unknown."""
        stream = self._stream
        if stream.frames:
            return int(stream.frames)
        seconds = 0.0
        if self._container.duration:
            seconds = self._container.duration / av.time_base
        elif stream.duration and stream.time_base:
            seconds = float(stream.duration * stream.time_base)
        count = round(seconds * self._fps)
        return count if count > 0 else None

    @property
    def info(self) -> SourceInfo:
        if self._info is None:
            raise SourceError("the video is not open yet; call open() first")
        return self._info

    def read(self) -> Frame | None:
        if self._container is None:
            if self._info is not None:
                return None  # closed
            self.open()
        if self._ended:
            return None
        if self._pending is not None:
            got, self._pending = self._pending, None
        else:
            got = self._decode_next()
            if got is None:
                self._end()
                return None
        img, pts, index = got
        self._delivered += 1
        return Frame(image=img, index=index, timestamp=time.perf_counter(), source_id=self._name, pts_ms=pts)

    def _decoded(self) -> Iterator[av.VideoFrame]:
        """Every frame that decodes, in presentation order; a packet that fails is counted in _errors."""
        packets = self._container.demux(self._stream)
        while True:
            try:
                packet = next(packets)
            except StopIteration:
                return
            except (av.FFmpegError, OSError):
                packet = None  # unreadable container data (a cut-off download): the file ends here
            try:
                frames = packet.decode() if packet is not None else self._stream.codec_context.decode(None)
            except (av.FFmpegError, OSError):
                self._errors += 1
                if packet is None:
                    return
                continue
            yield from frames
            if packet is None:
                return

    def _seconds(self, frame: av.VideoFrame) -> float | None:
        """The frame's timestamp in seconds from the start of the stream (None when it has none)."""
        if frame.pts is None or not self._time_base:
            return None
        return (frame.pts - self._start_pts) * self._time_base  # floats: Fraction arithmetic is slow per frame

    def _position(self, frame: av.VideoFrame) -> int | None:
        """The frame's position in the file from its timestamp (None without one or without a rate)."""
        seconds = self._seconds(frame)
        return None if seconds is None or not self._fps else max(0, round(seconds * self._fps))

    def _pts_ms(self, frame: av.VideoFrame, index: int) -> float:
        """The frame's timestamp from the start of the stream, else index/fps."""
        seconds = self._seconds(frame)
        if seconds is not None:
            return seconds * 1000.0
        return index * 1000.0 / self._fps if self._fps else 0.0

    def _decode_next(self) -> tuple[np.ndarray, float, int] | None:
        """The next frame that decodes (image, pts_ms, position), skipping damaged ones; None at the end."""
        assert self._frames is not None
        start = self._next_index
        for frame in self._frames:
            index = self._next_index
            if self._errors or self._skip_before:
                # After damage the decoder lost frames (one per failed packet, or more: those that needed
                # it); after a seek it starts at a keyframe before the target: the timestamp says where.
                index = max(index, self._position(frame) or index)
            self._next_index = index + 1
            if index < self._skip_before:
                start = self._next_index
                continue
            self._skip_before = 0
            if self._errors:
                self._undecodable.extend(range(start, index))
                self._errors = 0
            return to_bgr(frame), self._pts_ms(frame, index), index
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
        if self._container is None:
            raise SourceError("the video is not open; cannot seek")
        count = self.info.frame_count
        if index < 0 or (count is not None and index >= count):
            raise SourceError(f"cannot seek to frame {index}: the video has {count} frames (0..{(count or 1) - 1})")
        stream = self._stream
        try:
            # To the keyframe at or before the target; the frames up to it are decoded and dropped.
            seconds = index / self._fps if self._fps else 0.0
            target = self._start_pts + int(seconds / stream.time_base) if stream.time_base else 0
            self._container.seek(target, stream=stream, backward=True, any_frame=False)
        except (av.FFmpegError, OSError) as exc:
            raise SourceError(f"cannot seek to frame {index} in {self._shown}: {exc}") from None
        self._frames = self._decoded()
        self._pending = None
        self._undecodable = [i for i in self._undecodable if i < index]
        self._next_index = 0
        self._skip_before = index
        self._errors = 0
        self._ended = False

    def close(self) -> None:
        if self._container is not None:
            try:
                self._container.close()
            except (av.FFmpegError, OSError):
                pass
            self._container = None
            self._stream = None
            self._frames = None
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
