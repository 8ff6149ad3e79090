"""Capture on a thread of its own; the reader always gets the newest frame.

A camera or stream produces frames at its own pace whether or not anyone
reads them. Reading directly from ``cv2.VideoCapture`` on the pipeline thread
would hand out stale, buffered frames whenever processing is slower than the
camera, and a driver that blocks on an unplugged device would block the
pipeline with it. So every live source runs its capture loop here:

- the capture thread stamps each image (``time.perf_counter()`` right after
  it arrived) and keeps only the newest one;
- :meth:`LatestFrameGrabber.read` waits for a frame newer than the last one it
  handed out, counts the frames in between as dropped, and gives up with the
  source's own "stopped delivering" message when none comes within
  ``stall_timeout`` (a driver that never returns cannot hang the reader);
- an error raised by the capture function is raised to the reader, after any
  frame still waiting has been handed out.

The capture thread owns the device: it releases it on its way out (``cleanup``),
so a capture call blocked inside a driver is never released from under it.
"""
from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Literal

import numpy as np

from vision_desk.errors import SourceError
from vision_desk.frame import Frame
from vision_desk.sources.base import Source, SourceInfo
from vision_desk.sources.normalize import to_bgr8

#: capture() returns the next image, None at a normal end, or raises SourceError.
CaptureFn = Callable[[], "np.ndarray | None"]


class LatestFrameGrabber:
    def __init__(
        self,
        capture: CaptureFn,
        *,
        name: str,
        source_id: str,
        stall_timeout: float,
        stall_message: str,
        cleanup: Callable[[], None] | None = None,
    ) -> None:
        self._capture = capture
        self._cleanup = cleanup
        self._source_id = source_id
        self._stall_timeout = stall_timeout
        self._stall_message = stall_message
        self._cond = threading.Condition()
        self._latest: Frame | None = None
        self._last_read = -1
        self._dropped = 0
        self._captured = 0
        self._error: BaseException | None = None
        self._finished = False  # capture loop has exited
        self._stop = threading.Event()
        self._t0 = 0.0
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)

    # -- capture side

    def start(self) -> None:
        self._t0 = time.perf_counter()
        self._thread.start()

    def _run(self) -> None:
        try:
            while not self._stop.is_set():
                img = self._capture()
                if img is None:
                    break
                ts = time.perf_counter()
                frame = Frame(
                    image=to_bgr8(img),
                    index=self._captured,
                    timestamp=ts,
                    source_id=self._source_id,
                    pts_ms=(ts - self._t0) * 1000.0,
                )
                with self._cond:
                    self._latest = frame
                    self._captured += 1
                    self._cond.notify_all()
        except BaseException as exc:  # noqa: BLE001 - handed to the reader, never lost
            if not self._stop.is_set():
                with self._cond:
                    self._error = exc
        finally:
            try:
                if self._cleanup is not None:
                    self._cleanup()
            finally:
                with self._cond:
                    self._finished = True
                    self._cond.notify_all()

    # -- reader side

    @property
    def dropped(self) -> int:
        return self._dropped

    @property
    def captured(self) -> int:
        return self._captured

    def wait_first(self, timeout: float) -> Frame | None:
        """Block until the first frame exists (for the size in SourceInfo); None if it did not come in time.

        Raises what the capture loop raised, if it failed first. The frame is
        not consumed: the first read() still returns it (or a newer one).
        """
        deadline = time.monotonic() + timeout
        with self._cond:
            if self._wait_until(lambda: self._latest is not None, deadline) != "ready":
                return None
            return self._latest

    def read(self) -> Frame | None:
        deadline = time.monotonic() + self._stall_timeout
        with self._cond:
            outcome = self._wait_until(lambda: self._latest is not None and self._latest.index > self._last_read,
                                       deadline)
            if outcome == "finished":
                return None
            if outcome == "timeout":
                raise SourceError(self._stall_message)
            latest = self._latest
            assert latest is not None
            self._dropped += latest.index - self._last_read - 1
            self._last_read = latest.index
            return latest

    def _wait_until(self, ready: Callable[[], bool], deadline: float) -> Literal["ready", "finished", "timeout"]:
        """With the lock held: wait until ``ready()``; "ready", or "finished" (the capture loop ended) or
        "timeout" first. Raises what the capture loop raised, if it failed."""
        while not ready():
            if self._error is not None:
                raise self._as_source_error(self._error)
            if self._finished:
                return "finished"
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return "timeout"
            self._cond.wait(remaining)
        return "ready"

    def _as_source_error(self, exc: BaseException) -> SourceError:
        if isinstance(exc, SourceError):
            return exc
        return SourceError(f"{self._stall_message.split(' (')[0]}: {type(exc).__name__}: {exc}")

    def stop(self, timeout: float = 2.0) -> bool:
        """Ask the capture loop to end and wait for it; False if it is still stuck in the driver."""
        self._stop.set()
        with self._cond:
            self._cond.notify_all()
        if self._thread.is_alive() and threading.current_thread() is not self._thread:
            self._thread.join(timeout)
        return not self._thread.is_alive()


class LiveSource(Source):
    """What camera, stream and synthetic sources share: a LatestFrameGrabber behind read().

    A subclass's ``open()`` sets ``_info`` and starts ``_grabber``; ``_label``
    names the source in messages ("camera 0", "stream rtsp://host/x").
    """

    _label = "the source"

    def __init__(self) -> None:
        self._info: SourceInfo | None = None
        self._grabber: LatestFrameGrabber | None = None
        self._stop = threading.Event()

    def expected_live(self) -> bool | None:
        return True

    @property
    def info(self) -> SourceInfo:
        if self._info is None:
            raise SourceError(f"{self._label} is not open yet; call open() first")
        return self._info

    def read(self) -> Frame | None:
        if self._grabber is None:
            if self._info is not None:
                return None  # closed
            self.open()
        assert self._grabber is not None
        return self._grabber.read()

    @property
    def dropped(self) -> int:
        return self._grabber.dropped if self._grabber else 0

    def close(self) -> None:
        self._stop.set()
        if self._grabber is not None:
            self._grabber.stop()
            self._grabber = None
