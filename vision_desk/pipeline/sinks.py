"""Where processed frames go: a video file, a JSON-lines log, a folder of images.

Every sink checks its path in ``__init__`` (before any frame is processed), so a
missing or read-only folder is an :class:`~vision_desk.errors.OutputError` up
front instead of a failure after minutes of work. Writes happen on the
pipeline's writer thread, in frame order; ``close()`` finalizes, and a sink
that fails part-way (disk full) raises OutputError and is closed by the
pipeline so what it wrote so far stays valid. Every sink has the shape of the
:class:`Sink` protocol (what it records, how it reports). A recording, on the
command line and in the window, is one :class:`RecordingSink`: its video (or
pictures) and its JSON lines, so that both always hold the same frames.

Video is written by one of two backends behind :class:`VideoSink`:
- PyAV (``av``, FFmpeg's libraries) when installed: H.264 in a *fragmented*
  MP4, which stays playable even if the process is killed hard, and reports
  write errors (disk full) as exceptions;
- otherwise ``cv2.VideoWriter`` with MPEG-4 Part 2 (``mp4v``), which needs a
  clean close to be playable and reports nothing when a write fails, so this
  sink watches the free space itself and stops the recording, finalized,
  before the disk is full.
"""
from __future__ import annotations

import errno
import json
import os
import shutil
import time
from collections.abc import Callable
from pathlib import Path
from typing import Protocol, runtime_checkable

import cv2
import numpy as np

from vision_desk.errors import OutputError
from vision_desk.frame import Frame
from vision_desk.pipeline.output_claim import Claim, check_new
from vision_desk.pipeline.types import FrameResult
from vision_desk.pipeline.video_backends import VIDEO_SUFFIXES, VideoBackend, open_backend
from vision_desk.sources.base import SourceInfo
from vision_desk.vision.letterbox import letterbox

DEFAULT_FPS = 25.0
MIN_FREE_BYTES = 64 * 1024 * 1024  # stop a recording, finalized, when the disk has less than this left
FREE_CHECK_EVERY = 25  # frames between free-space checks
MAX_REPEATS = 250  # OpenCV backend: at most this many copies of one frame fill a gap in the timestamps


@runtime_checkable
class Sink(Protocol):
    """Where processed frames go: what it records and how it reports, for the pipeline and the reports.

    The life of a sink: ``claim()`` (optional: create and lock the file before any frame, so a
    wrong path fails up front and no other run takes it), ``open(info)`` once the source is open,
    ``write(result)`` per frame on the pipeline's writer thread in frame order, ``close()`` to
    finalize (also after a failure: what was written stays valid). ``discard()`` after a run that
    wrote nothing removes what ``claim()`` created. A ``write`` that raises sets ``failed``; the
    pipeline then drops and closes the sink and tells its owner.
    """

    @property
    def path(self) -> Path:
        """The file or folder written (named in messages and in the report)."""
        ...

    @property
    def unit(self) -> str:
        """What one written frame adds: "frames" (a video, pictures) or "lines" (JSON lines)."""
        ...

    @property
    def written(self) -> int:
        """How many frames (or lines) are written so far."""
        ...

    @property
    def failed(self) -> bool:
        """True once a write raised (the pipeline has dropped and closed the sink)."""
        ...

    def claim(self) -> None: ...

    def open(self, info: SourceInfo) -> None: ...

    def write(self, result: FrameResult) -> None: ...

    def close(self) -> None: ...

    def discard(self) -> None: ...


class SinkBase:
    """What the sinks here share: the counters the :class:`Sink` protocol reports, ``failed`` set by a
    ``write`` that raised, and nothing to do for the steps a sink does not need."""

    unit = "frames"
    path: Path

    def __init__(self) -> None:
        self.written = 0
        self.failed = False

    def write(self, result: FrameResult) -> None:
        try:
            self._write(result)
        except Exception:
            self.failed = True
            raise

    def _write(self, result: FrameResult) -> None:
        raise NotImplementedError

    def claim(self) -> None:
        pass

    def open(self, info: SourceInfo) -> None:
        self.claim()

    def close(self) -> None:
        pass

    def discard(self) -> None:
        pass


def check_writable_file(path: Path, what: str) -> Path:
    """Raise OutputError unless ``path`` can be created or overwritten; the check leaves no file behind."""
    path = Path(path).expanduser()
    parent = path.parent if str(path.parent) else Path(".")
    if path.is_dir():
        raise OutputError(f"{what} {path} is a folder; give a file name (e.g. {path / ('out' + _suffix(what))})")
    if not parent.exists():
        raise OutputError(f"cannot write {what} {path}: folder {parent} does not exist; create it first")
    if not parent.is_dir():
        raise OutputError(f"cannot write {what} {path}: {parent} is not a folder")
    existed = path.exists()
    try:
        with open(path, "ab"):
            pass
    except OSError as exc:
        raise OutputError(f"cannot write {what} {path}: {exc.strerror or exc}; choose a writable location") from None
    if not existed:
        try:
            path.unlink()
        except OSError:
            pass
    return path


def _suffix(what: str) -> str:
    return ".jsonl" if "JSON" in what else ".mp4"


def letterbox_to(image: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    """``image`` scaled to fit ``size`` (w, h) without distortion, centred on black."""
    shrinking = size[0] < image.shape[1] or size[1] < image.shape[0]
    framed, _ = letterbox(image, size, center=True, interpolation=cv2.INTER_AREA if shrinking else cv2.INTER_LINEAR)
    return framed


class VideoSink(SinkBase):
    """An MP4 (or AVI/MKV) of the frames, timed by their own timestamps so that it plays in real time.

    Each frame is shown at its ``pts_ms`` (capture time for a camera or stream, the source's own
    timestamps for a file, also a variable-rate one), counted from the first frame written; where
    timestamps do not rise (pictures, a loop, a seek back) the frame follows 1/fps after the last.
    With PyAV this is a variable-frame-rate file; OpenCV's writer only knows a fixed rate, so there a
    frame is repeated to fill a gap (8 s captured at 3 frames/s still play 8 s). The nominal rate is
    the source's (25 when unknown).

    The first frame fixes the size (rounded down to even numbers, which H.264 needs);
    later frames of another size (an image folder) are letterboxed into it.
    ``annotated=False`` records the frames without overlays. An existing file is refused unless
    ``overwrite``; the file is claimed (created exclusively and locked) by :meth:`claim`, at the
    latest when the first frame arrives (see :mod:`~vision_desk.pipeline.output_claim`).
    """

    def __init__(self, path: Path | str, fps: float | None = None, annotated: bool = True,
                 backend: str = "auto", overwrite: bool = False) -> None:
        super().__init__()
        self.path = Path(path).expanduser()
        suffix = self.path.suffix.lower()
        if self.path.is_dir():
            check_writable_file(self.path, "video")  # says "is a folder"
        if suffix not in VIDEO_SUFFIXES:
            raise OutputError(f"cannot write video {self.path}: unknown video type {suffix or '(no extension)'!r}; "
                              f"use one of: {', '.join(VIDEO_SUFFIXES)}")
        check_writable_file(self.path, "video")
        check_new(self.path, "video", overwrite)
        self.overwrite = overwrite
        self._claim: Claim | None = None
        self.fps = fps
        self.annotated = annotated
        self.backend_name = backend
        self._backend: VideoBackend | None = None
        self._size: tuple[int, int] | None = None
        self._closed = False
        self._first_pts: float | None = None
        self._last_time = -1.0
        self._slots = 0  # OpenCV backend: frames written including repeats
        self._previous: np.ndarray | None = None

    def claim(self) -> None:
        """Create and lock the file now (before processing starts), so another run cannot take it."""
        if self._claim is None:
            self._claim = Claim(self.path, "video", self.overwrite)

    def discard(self) -> None:
        """After a run that wrote no frame: remove the file this sink created (nothing is lost)."""
        if self._claim is not None and self.written == 0:
            try:
                self.close()
            except OutputError:
                pass
            if self._claim.created:
                self.path.unlink(missing_ok=True)

    def open(self, info: SourceInfo) -> None:
        self.claim()
        if not self.fps:
            self.fps = info.fps if info.fps and info.fps > 0 else DEFAULT_FPS

    def _write(self, result: FrameResult) -> None:
        if self._closed:
            raise OutputError(f"video {self.path} is already closed")
        image = result.annotated if self.annotated else result.image
        if self._backend is None:
            self.claim()
            h, w = image.shape[:2]
            self._size = (max(2, w - w % 2), max(2, h - h % 2))
            self._backend = open_backend(self.backend_name, self.path, self.fps or DEFAULT_FPS, self._size)
        assert self._size is not None
        if (image.shape[1], image.shape[0]) != self._size:
            h, w = image.shape[:2]
            if (w - w % 2, h - h % 2) == self._size:
                image = image[: self._size[1], : self._size[0]]
            else:
                image = letterbox_to(image, self._size)
        image = np.ascontiguousarray(image)
        time_s = self._time_of(result.frame)
        if self._backend.variable_rate:
            self._backend.write(image, time_s)
        else:
            # Fixed rate: the frame on screen during a gap is repeated until this one is due.
            due = round(time_s * (self.fps or DEFAULT_FPS))
            repeats = 0
            while self._previous is not None and self._slots < due and repeats < MAX_REPEATS:
                self._backend.write(self._previous)
                self._slots += 1
                repeats += 1
            self._backend.write(image)
            self._slots += 1
            self._previous = image
        self.written += 1
        if self._backend.silent_errors and self.written % FREE_CHECK_EVERY == 0:
            self._check_free_space()

    def _time_of(self, frame: Frame) -> float:
        """Seconds from the first frame written to this one (rising; 1/fps steps where pts do not rise)."""
        step = 1.0 / (self.fps or DEFAULT_FPS)
        pts = frame.pts_ms
        if self._first_pts is None:
            self._first_pts = pts
        t = (pts - self._first_pts) / 1000.0
        if not (t > self._last_time + 1e-6) or not np.isfinite(t):
            t = self._last_time + step if self._last_time >= 0 else 0.0
        self._last_time = t
        return t

    def _check_free_space(self) -> None:
        try:
            free = shutil.disk_usage(self.path.parent if str(self.path.parent) else ".").free
        except OSError:
            return
        if free < MIN_FREE_BYTES:
            raise OutputError(f"disk almost full while writing {self.path} ({free // 2**20} MB left): recording "
                              f"stopped after {self.written} frames; the file is finalized and playable")

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        try:
            if self._backend is not None:
                self._backend.close()
        finally:
            if self._claim is not None:
                self._claim.release()

    @property
    def backend(self) -> str:
        """The backend in use ("pyav" or "opencv"); known after the first frame."""
        return self._backend.name if self._backend is not None else self.backend_name


class JsonlSink(SinkBase):
    """One JSON object per frame and line (FrameResult.to_json), each written whole with one system call.

    A line is either fully in the file or not at all: after Ctrl-C there is no
    half line, and when the disk fills mid-line the partial line is cut off again.
    """

    unit = "lines"

    def __init__(self, path: Path | str, overwrite: bool = False,
                 source_for: Callable[[Frame], str] | None = None) -> None:
        """``source_for``: the input file a frame came from, written as ``"source"`` (image input)."""
        super().__init__()
        self.path = check_writable_file(Path(path), "JSON-lines file")
        check_new(self.path, "JSON-lines file", overwrite)
        self.overwrite = overwrite
        self.source_for = source_for
        self._claim: Claim | None = None
        self._fd: int | None = None
        self._size = 0

    def claim(self) -> None:
        """Create (exclusively) and lock the file now; see :mod:`~vision_desk.pipeline.output_claim`."""
        if self._claim is not None:
            return
        self._claim = Claim(self.path, "JSON-lines file", self.overwrite)
        self._fd = self._claim.fd
        try:
            if self.path.is_file():
                os.ftruncate(self._fd, 0)  # only now, with the lock held
        except OSError:
            pass
        self._size = 0

    def discard(self) -> None:
        if self._claim is not None and self.written == 0:
            self._claim.discard_if_empty()
            self._fd = None

    def _write(self, result: FrameResult) -> None:
        if self._fd is None:
            self.claim()
        assert self._fd is not None
        record = result.to_json()
        if self.source_for is not None:
            record = {"frame": record.pop("frame"), "source": self.source_for(result.frame), **record}
        data = (json.dumps(record, separators=(",", ":"), allow_nan=False) + "\n").encode()
        try:
            written = os.write(self._fd, data)
            while written < len(data):  # rare: a short write; finish it or fail below
                n = os.write(self._fd, data[written:])
                if n <= 0:
                    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
                written += n
        except OSError as exc:
            self._cut_partial_line()
            reason = "disk full" if exc.errno == errno.ENOSPC else (exc.strerror or str(exc))
            raise OutputError(f"writing {self.path} failed ({reason}) after {self.written} lines; "
                              "the lines written so far are complete") from None
        self._size += len(data)
        self.written += 1

    def _cut_partial_line(self) -> None:
        try:
            assert self._fd is not None
            os.ftruncate(self._fd, self._size)
        except (OSError, AssertionError):
            pass

    def close(self) -> None:
        if self._fd is not None:
            self._fd = None
            if self._claim is not None:
                self._claim.release()


def _put_without_replacing(tmp: Path, target: Path) -> None:
    """Move ``tmp`` to ``target``; FileExistsError if ``target`` exists (atomic where hard links work)."""
    try:
        os.link(tmp, target)
    except OSError as exc:
        if isinstance(exc, FileExistsError) or exc.errno not in (errno.EPERM, errno.EXDEV, errno.EMLINK,
                                                                   getattr(errno, "ENOTSUP", -1),
                                                                   getattr(errno, "EOPNOTSUPP", -1)):
            raise
        # A file system without hard links (FAT, some network shares): check, then rename.
        if target.exists():
            raise FileExistsError(errno.EEXIST, "exists", str(target)) from None
        os.replace(tmp, target)
        return
    tmp.unlink()


def default_image_name(frame: Frame) -> str:
    return f"{frame.index:06d}.png"


class ImageFolderSink(SinkBase):
    """One PNG per frame in ``folder`` (created if its parent exists). ``name_for`` names each file.

    A picture already in the folder is never replaced unless ``overwrite`` (each file is put in
    place with a hard link, which fails instead of replacing).
    """

    def __init__(self, folder: Path | str, annotated: bool = True,
                 name_for: Callable[[Frame], str] | None = None, overwrite: bool = False) -> None:
        super().__init__()
        self.path = Path(folder).expanduser()
        if self.path.exists() and not self.path.is_dir():
            raise OutputError(f"output {self.path} is a file, but image input writes a folder of images; "
                              "give a folder name")
        created = False
        if not self.path.exists():
            created = True
            if not self.path.parent.is_dir():
                raise OutputError(f"cannot create output folder {self.path}: {self.path.parent} does not exist")
            try:
                self.path.mkdir()
            except OSError as exc:
                raise OutputError(f"cannot create output folder {self.path}: {exc.strerror or exc}") from None
        probe = self.path / ".vision-desk-write-test"
        try:
            probe.write_bytes(b"")
            probe.unlink()
        except OSError as exc:
            raise OutputError(f"cannot write into folder {self.path}: {exc.strerror or exc}") from None
        self.annotated = annotated
        self.overwrite = overwrite
        self.name_for = name_for or default_image_name
        self.files_written: list[Path] = []
        self.created = created

    def _write(self, result: FrameResult) -> None:
        image = result.annotated if self.annotated else result.image
        target = self.path / self.name_for(result.frame)
        ok, buf = cv2.imencode(target.suffix or ".png", image)
        if not ok:
            raise OutputError(f"could not encode {target}")
        tmp = target.with_name(f".{target.name}.{os.getpid()}.part")
        try:
            tmp.write_bytes(buf.tobytes())
            # Never leave a half-written picture under the final name, and never replace a file that is
            # there (unless overwrite): link() fails where replace() would destroy.
            if self.overwrite:
                os.replace(tmp, target)
            else:
                _put_without_replacing(tmp, target)
        except FileExistsError:
            tmp.unlink(missing_ok=True)
            raise OutputError(f"{target} already exists; add --overwrite to replace it, or choose another "
                              "output folder") from None
        except OSError as exc:
            tmp.unlink(missing_ok=True)
            reason = "disk full" if exc.errno == errno.ENOSPC else (exc.strerror or str(exc))
            raise OutputError(f"writing {target} failed ({reason}) after {len(self.files_written)} images") from None
        self.files_written.append(target)
        self.written += 1

    def discard(self) -> None:
        """After a run that wrote nothing: remove the folder if this sink created it (it is empty)."""
        if self.created and not self.files_written:
            try:
                self.path.rmdir()
            except OSError:
                pass


class RecordingSink(SinkBase):
    """One recording: its pictures (a video or an image folder) and its JSON lines, as a single sink.

    Why one sink: the pipeline adds and removes sinks between frames and drops a sink whose write
    fails; as one, the pictures and the JSON lines start, stop and fail together, so the video and
    the JSON lines always hold exactly the same frames. This is what both ``vision-desk process``
    and the window's Record button write. The pictures are written first, so each JSON line carries
    the time its picture took to write (``timings_ms.write``).
    """

    def __init__(self, pictures: Sink | None = None, lines: Sink | None = None) -> None:
        if pictures is None and lines is None:
            raise ValueError("a recording needs pictures, JSON lines or both")
        self.pictures = pictures
        self.lines = lines
        self.parts: tuple[Sink, ...] = tuple(p for p in (pictures, lines) if p is not None)
        super().__init__()

    @property  # type: ignore[override]
    def path(self) -> Path:
        """The recording's video (or picture folder; the JSON lines when it has no pictures)."""
        return self.parts[0].path

    def claim(self) -> None:
        """Claim every part now; if one cannot be claimed, give back what the others created."""
        claimed: list[Sink] = []
        try:
            for part in self.parts:
                part.claim()
                claimed.append(part)
        except Exception:
            for part in claimed:
                try:
                    part.discard()
                except Exception:  # the claim's own error is the one worth reporting
                    pass
            raise

    def open(self, info: SourceInfo) -> None:
        for part in self.parts:
            part.open(info)

    def _write(self, result: FrameResult) -> None:
        t0 = time.perf_counter()
        if self.pictures is not None:
            self.pictures.write(result)
        result.stats.stage_ms["write"] = (time.perf_counter() - t0) * 1000
        if self.lines is not None:
            self.lines.write(result)
        self.written += 1

    def close(self) -> None:
        """Close every part, even if one fails (what each wrote stays valid); then raise the first error."""
        errors: list[Exception] = []
        for part in self.parts:
            try:
                part.close()
            except Exception as exc:
                errors.append(exc)
        if errors:
            raise errors[0]

    def discard(self) -> None:
        for part in self.parts:
            part.discard()
