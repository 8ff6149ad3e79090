"""Video encoders behind :class:`vision_desk.pipeline.sinks.VideoSink`.

``open_backend("auto", ...)`` uses PyAV when it is installed, else OpenCV:

- :class:`PyAvBackend`: H.264 (libx264 from the PyAV wheel's bundled FFmpeg)
  in a fragmented MP4 (``frag_keyframe+empty_moov``): the index is written
  with every fragment instead of once at the end, so a recording cut short by
  a crash or ``kill -9`` still plays up to its last complete fragment (~2 s).
  FFmpeg's errors arrive as exceptions, so a full disk is reported at once.
- :class:`OpenCvBackend`: ``cv2.VideoWriter`` with MPEG-4 Part 2 (``mp4v``) or
  Motion-JPEG for .avi. Needs a clean :meth:`close` for a playable MP4, and
  ``write`` reports no errors (``silent_errors``), so the sink checks free space.
"""
from __future__ import annotations

import errno
import importlib.util
from fractions import Fraction
from pathlib import Path
from typing import Any, Protocol

import cv2
import numpy as np

from vision_desk.errors import OutputError
from vision_desk.frame import BIG_FRAME_PIXELS

VIDEO_SUFFIXES = (".mp4", ".m4v", ".mov", ".mkv", ".avi")
BACKENDS = ("auto", "pyav", "opencv")
KEYFRAME_SECONDS = 2.0  # a fragment per keyframe: at most this much is lost when killed hard
# Above 1080p, x264 keeps fewer frames: at 4K each frame it holds costs ~40 MB with its half-pel and
# look-ahead planes. The default look-ahead alone took ~300 MB (4K encode 781 -> 615 MB peak), and each
# B-frame waiting for its reference another ~45 MB. Measured on a 4K clip (`vision-desk process`, 90
# frames): rc-lookahead=4 with 3 B-frames 950 MB peak; 2 and no B-frames 760 MB, ~20% less CPU, file +5%
# at the same CRF. (PyAV's encoder already uses sliced threads, one per core: no frame-thread copies.)
# subme=0 (full-pel motion search) makes x264 skip the three half-pel planes of every frame it keeps, and
# a 1-frame look-ahead one frame less: encoding 60 4K frames alone, 435 -> 372 MB peak and 33% less CPU;
# on the sample clip scaled to 4K the file came out 10% smaller and 0.17 dB lower in PSNR, on testsrc2
# 9% larger and 0.05 dB higher (same CRF).
BIG_FRAME_X264 = "rc-lookahead=1:sync-lookahead=0:bframes=0:subme=0"


PTS_PER_SECOND = 90_000  # the time base of written timestamps (MPEG's 90 kHz clock: exact for 25/30/60 fps)


class VideoBackend(Protocol):
    name: str
    silent_errors: bool
    variable_rate: bool  # writes each frame's own timestamp; else frames are shown 1/fps apart

    def write(self, image: np.ndarray, time_s: float | None = None) -> None: ...

    def close(self) -> None: ...


def pyav_available() -> bool:
    return importlib.util.find_spec("av") is not None


def open_backend(name: str, path: Path, fps: float, size: tuple[int, int]) -> VideoBackend:
    if name not in BACKENDS:
        raise OutputError(f"unknown video backend {name!r}; valid values: {', '.join(BACKENDS)}")
    if name == "pyav" or (name == "auto" and pyav_available()):
        return PyAvBackend(path, fps, size)
    return OpenCvBackend(path, fps, size)


class OpenCvBackend:
    name = "opencv"
    silent_errors = True
    variable_rate = False

    def __init__(self, path: Path, fps: float, size: tuple[int, int]) -> None:
        fourcc = "MJPG" if path.suffix.lower() == ".avi" else "mp4v"
        # Probe first: VideoWriter would only say "not opened" (and may remove what the path pointed to).
        problem = _probe_write(path)
        if problem:
            raise OutputError(f"cannot write video {path}: {problem} {fourcc} writer")
        self._writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*fourcc), float(fps), size)
        if not self._writer.isOpened():
            raise OutputError(f"cannot write video {path}: {_probe_write(path) or 'OpenCV could not start a'} "
                              f"{fourcc} writer ({size[0]}x{size[1]} at {fps:g} fps)")
        self._path = path
        self._frames = 0

    def write(self, image: np.ndarray, time_s: float | None = None) -> None:
        self._writer.write(image)
        self._frames += 1

    def close(self) -> None:
        self._writer.release()
        # VideoWriter swallows write errors; an empty result after frames were written is the only trace.
        try:
            size = self._path.stat().st_size
        except OSError:
            size = 0
        if self._frames and size == 0:
            raise OutputError(f"writing video {self._path} failed: nothing reached the disk "
                              f"({self._frames} frames lost; is the disk full?)")


def _probe_write(path: Path) -> str:
    """Why a file cannot be written (e.g. 'No space left on device; could not start the'), or ''."""
    try:
        with open(path, "wb") as f:
            f.write(b"\0" * 65536)
            f.flush()
    except OSError as exc:
        return f"{exc.strerror or exc}; could not start the"
    finally:
        if path.is_file():  # emptied, not removed: the file stays claimed (created and locked) by this run
            try:
                with open(path, "r+b") as f:
                    f.truncate(0)
            except OSError:
                pass
    return ""


def _pick_codec(av: Any) -> str:
    for codec in ("libx264", "libopenh264", "h264", "mpeg4"):
        if codec in av.codecs_available:
            try:
                av.codec.Codec(codec, "w")
                return codec
            except Exception:
                continue
    raise OutputError("PyAV has no usable video encoder (looked for libx264, libopenh264, h264, mpeg4)")


class PyAvBackend:
    """H.264 with each frame's own timestamp (variable frame rate): a recording plays in real time
    even when frames arrived irregularly (a slow processor on a live camera, a variable-rate file)."""

    name = "pyav"
    silent_errors = False
    variable_rate = True
    _FORMATS = {".mp4": "mp4", ".m4v": "mp4", ".mov": "mov", ".mkv": "matroska", ".avi": "avi"}

    def __init__(self, path: Path, fps: float, size: tuple[int, int]) -> None:
        import av

        self._av = av
        self._path = path
        fmt = self._FORMATS.get(path.suffix.lower(), "mp4")
        options = {}
        if fmt in ("mp4", "mov"):
            options = {"movflags": "frag_keyframe+empty_moov+default_base_moof", "flush_packets": "1"}
        try:
            self._container = av.open(str(path), "w", format=fmt, options=options)
            codec = _pick_codec(av)
            rate = Fraction(fps).limit_denominator(1001)
            stream = self._container.add_stream(codec, rate=rate)
            stream.width, stream.height = size
            stream.pix_fmt = "yuv420p"
            gop = str(max(1, round(fps * KEYFRAME_SECONDS)))
            if codec == "libx264":
                stream.options = {"preset": "veryfast", "crf": "21", "g": gop}
                if size[0] * size[1] > BIG_FRAME_PIXELS:
                    stream.options = {**stream.options, "x264-params": BIG_FRAME_X264}
            else:
                stream.options = {"g": gop}
            stream.codec_context.time_base = Fraction(1, PTS_PER_SECOND)
            stream.time_base = Fraction(1, PTS_PER_SECOND)
        except OutputError:
            raise
        except Exception as exc:
            raise OutputError(f"cannot write video {path}: {_msg(exc)}") from None
        self._stream = stream
        self.codec = codec
        self._frames = 0
        self._last_pts = -1
        self._step = max(1, round(PTS_PER_SECOND / fps))
        self._failed = False
        self._closed = False

    def write(self, image: np.ndarray, time_s: float | None = None) -> None:
        """``time_s``: when this frame is shown, from the start of the video (default: 1/fps after the last)."""
        if self._failed:
            raise OutputError(f"writing video {self._path} failed earlier; the recording was stopped")
        try:
            frame = self._to_frame(image)
            pts = self._last_pts + self._step if time_s is None else round(time_s * PTS_PER_SECOND)
            frame.pts = max(pts, self._last_pts + 1)  # timestamps must rise
            frame.time_base = Fraction(1, PTS_PER_SECOND)
            self._last_pts = frame.pts
            self._frames += 1
            for packet in self._stream.encode(frame):
                self._container.mux(packet)
        except Exception as exc:
            self._failed = True
            raise OutputError(f"writing video {self._path} failed ({_reason(exc)}) after {self._frames - 1} frames; "
                              "the video up to its last complete fragment (~2 s before) is playable") from None

    def _to_frame(self, image: np.ndarray) -> Any:
        """The encoder's yuv420p picture of a BGR image.

        Converted by OpenCV rather than by PyAV's swscale inside ``encode``: a 4K frame costs 11 instead
        of 28-36 ms of CPU (1080p: 3 instead of 16-24 ms), no 25 MB BGR copy is made per frame, and the
        2x2-averaged chroma is closer to the picture (BGR -> YUV -> BGR: 48-52 dB instead of 45-47 dB
        PSNR on the test clips); luma differs by at most 1. Odd sizes (never from VideoSink) keep swscale.
        """
        h, w = image.shape[:2]
        if h % 2 or w % 2:
            return self._av.VideoFrame.from_ndarray(image, format="bgr24")
        return self._av.VideoFrame.from_ndarray(cv2.cvtColor(image, cv2.COLOR_BGR2YUV_I420), format="yuv420p")

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        try:
            # After a failed write (disk full), muxing again crashes the process inside FFmpeg
            # (PyAV 18: a segfault in mux). The fragments already written are complete and
            # playable, so the rest is dropped instead of flushed.
            if not self._failed:
                for packet in self._stream.encode(None):
                    self._container.mux(packet)
        except Exception as exc:
            raise OutputError(f"finishing video {self._path} failed: {_msg(exc)}") from None
        finally:
            try:
                self._container.close()
            except Exception:
                pass


def _reason(exc: BaseException) -> str:
    """'disk full' for ENOSPC, else the OS's words without the repeated file name."""
    if isinstance(exc, OSError) and exc.errno is not None:
        return "disk full" if exc.errno == errno.ENOSPC else (exc.strerror or _msg(exc))
    return _msg(exc)


def _msg(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__
