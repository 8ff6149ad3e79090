"""Fake sources and processors for tests of the pipeline's MECHANICS only (threads, order, drops, stop).

The real processors are tested on real photos in their own test files; here a
processor just sleeps, records what it saw, and fails when told to, so that
ordering, dropping and stopping can be checked exactly.

Every fake frame carries its index as a pattern of black/white blocks in its
top rows (:func:`stamp` / :func:`read_stamp`), big enough to survive lossy
video compression, so tests can read back which frames a video holds and in
which order.
"""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Any

import cv2
import numpy as np

from vision_desk.errors import ModelError, SourceError
from vision_desk.frame import Frame
from vision_desk.processors.base import TRANSFORM, Processor
from vision_desk.processors.settings import setting
from vision_desk.results import Stylized
from vision_desk.sources.base import Source, SourceInfo

BITS = 12
BLOCK = 16


def stamp(index: int, size: tuple[int, int] = (320, 240)) -> np.ndarray:
    """A BGR frame whose top-left blocks spell ``index`` in binary (white = 1), on a mid-grey ground."""
    w, h = size
    img = np.full((h, w, 3), 96, np.uint8)
    for bit in range(BITS):
        if (index >> bit) & 1:
            img[0:BLOCK, bit * BLOCK:(bit + 1) * BLOCK] = 255
        else:
            img[0:BLOCK, bit * BLOCK:(bit + 1) * BLOCK] = 0
    return img


def read_stamp(img: np.ndarray) -> int:
    value = 0
    for bit in range(BITS):
        block = img[2:BLOCK - 2, bit * BLOCK + 2:(bit + 1) * BLOCK - 2]
        # A picture narrower than the stamp holds only its low bits (stamp() clips the same way).
        if block.size and block.mean() > 128:
            value |= 1 << bit
    return value


class FileLikeSource(Source):
    """``n`` stamped frames, as fast as they are read (like a video file); optionally fails after some."""

    def __init__(self, n: int, size: tuple[int, int] = (320, 240), fps: float = 25.0,
                 fail_after: int | None = None, read_delay: float = 0.0, sizes: list[tuple[int, int]] | None = None):
        self.n, self.size, self._fps, self.fail_after = n, size, fps, fail_after
        self.read_delay = read_delay
        self.sizes = sizes
        self._pos = 0
        self._info: SourceInfo | None = None
        self.closed = False

    def open(self) -> SourceInfo:
        self._info = SourceInfo("video", f"fake clip ({self.n} frames)", self._fps, self.n, self.size[0],
                                self.size[1], is_live=False, seekable=True)
        return self._info

    @property
    def info(self) -> SourceInfo:
        assert self._info is not None
        return self._info

    def read(self) -> Frame | None:
        if self.fail_after is not None and self._pos >= self.fail_after:
            raise SourceError("fake camera unplugged")
        if self._pos >= self.n:
            return None
        if self.read_delay:
            time.sleep(self.read_delay)
        i = self._pos
        self._pos += 1
        size = self.sizes[i % len(self.sizes)] if self.sizes else self.size
        return Frame(stamp(i, size), i, time.perf_counter(), "fake", i * 1000.0 / self._fps)

    def seek(self, index: int) -> None:
        self._pos = max(0, min(index, self.n))

    def close(self) -> None:
        self.closed = True


class PacedLiveSource(Source):
    """A camera-like source: a new frame every 1/fps seconds whether or not anyone reads.

    ``read()`` waits for the next tick; ticks that passed unread are lost (like a
    camera with a one-frame buffer), so frame indices have gaps when the reader is slow.
    """

    def __init__(self, fps: float = 30.0, size: tuple[int, int] = (320, 240), fail_after_s: float | None = None):
        self._fps, self.size, self.fail_after_s = fps, size, fail_after_s
        self._t0 = 0.0
        self._last = -1
        self._info: SourceInfo | None = None

    def expected_live(self) -> bool | None:
        return True  # as a camera: known live before it opens

    def open(self) -> SourceInfo:
        self._t0 = time.perf_counter()
        self._info = SourceInfo("camera", "fake camera", self._fps, None, self.size[0], self.size[1], is_live=True)
        return self._info

    @property
    def info(self) -> SourceInfo:
        assert self._info is not None
        return self._info

    def read(self) -> Frame | None:
        now = time.perf_counter()
        if self.fail_after_s is not None and now - self._t0 > self.fail_after_s:
            raise SourceError("fake camera unplugged")
        k = max(self._last + 1, int((now - self._t0) * self._fps) + 1)
        due = self._t0 + k / self._fps
        if due > now:
            time.sleep(due - now)
        self._last = k
        return Frame(stamp(k % (1 << BITS), self.size), k, time.perf_counter(), "cam", k * 1000.0 / self._fps)

    def close(self) -> None:
        pass


@dataclass
class FakeResult:
    index: int
    thread: str

    def to_json(self) -> dict[str, Any]:
        return {"seen": self.index}

    def is_empty(self) -> bool:
        return False

    def summary(self, words: Any = None) -> str:
        return ""  # (a Result: the window's "found" row has nothing to say about a fake)


@dataclass(frozen=True)
class FakeSettings:
    delay_ms: float = setting(0.0, range=(0.0, 10000.0), help="sleep this long per frame")
    jitter_ms: float = setting(0.0, range=(0.0, 1000.0), help="extra sleep that varies from frame to frame")
    fail_on: int = setting(-1, range=(-1, 1 << BITS), help="raise on the frame with this stamp")
    model: str = setting("a", choices=("a", "b"), reload=True, help="which (fake) model; changing it reloads")
    stateful: bool = setting(False, help="keep state between frames (then concurrent_ok() is False)")


class FakeAnalyzer(Processor[FakeSettings, FakeResult]):
    name = "alpha"
    title = "Fake analyzer"
    settings_type = FakeSettings
    load_s = 0.0
    load_gate: threading.Event | None = None  # when set, load() waits for it
    fail_load = False

    def __init__(self, settings: FakeSettings | None = None, **kw: Any) -> None:
        super().__init__(settings, **kw)
        self.seen: list[int] = []
        self.loads = 0
        self.loaded_model = ""
        self.active_now = 0
        self.max_active = 0
        self.calls: list[tuple[int, float, float, bool]] = []  # (stamp, start, end, stateful)
        self._count_lock = threading.Lock()

    def _load(self) -> None:
        if self.load_gate is not None:
            self.load_gate.wait(30)
        if self.load_s:
            time.sleep(self.load_s)
        if self.fail_load:
            raise ModelError("fake model file is damaged")
        self.loads += 1
        self.loaded_model = self.settings.model

    def concurrent_ok(self) -> bool:
        return not self.settings.stateful

    def _process(self, image: np.ndarray) -> FakeResult:
        with self._count_lock:
            self.active_now += 1
            self.max_active = max(self.max_active, self.active_now)
        t0 = time.perf_counter()
        idx = read_stamp(image)
        try:
            s = self._settings
            delay = s.delay_ms + s.jitter_ms * ((idx * 7) % 5) / 4
            if delay:
                time.sleep(delay / 1000)
            self.seen.append(idx)
            if idx == s.fail_on:
                raise RuntimeError(f"fake failure on frame {idx}")
            return FakeResult(idx, threading.current_thread().name)
        finally:
            with self._count_lock:
                self.active_now -= 1
                self.calls.append((idx, t0, time.perf_counter(), self._settings.stateful))


class FakeAnalyzer2(FakeAnalyzer):
    name = "beta"
    title = "Another fake analyzer"


class FakeStyle(FakeAnalyzer):
    """A stateful transform: must see frames one at a time, in order (concurrent_ok False)."""

    name = "gamma"
    title = "Fake transform"
    kind = TRANSFORM

    def _process(self, image: np.ndarray) -> Stylized:  # type: ignore[override]
        res = super()._process(image)
        out = image.copy()
        out[BLOCK:] = 255 - out[BLOCK:]  # keep the stamp readable, change the rest
        return Stylized(out, style=f"seen {res.index}")

    def concurrent_ok(self) -> bool:
        return False


def fake_registry(**overrides: type) -> dict[str, type]:
    """Fresh subclasses per test, so class-level knobs (load_s, fail_load) do not leak between tests."""
    base = {"alpha": FakeAnalyzer, "beta": FakeAnalyzer2, "gamma": FakeStyle}
    base.update(overrides)
    return {name: type(f"{cls.__name__}_{name}", (cls,), {}) for name, cls in base.items()}


class Recorder:
    """Collects on_result frames and events, thread-safely."""

    def __init__(self) -> None:
        self.results: list[Any] = []
        self.events: list[Any] = []
        self._lock = threading.Lock()
        self.threads: set[str] = set()

    def on_result(self, result: Any) -> None:
        with self._lock:
            self.results.append(result)
            self.threads.add(threading.current_thread().name)

    def on_event(self, event: Any) -> None:
        with self._lock:
            self.events.append(event)

    def kinds(self) -> list[str]:
        with self._lock:
            return [e.kind for e in self.events]

    def wait_for(self, predicate: Any, timeout: float = 10.0) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if predicate():
                return True
            time.sleep(0.01)
        return False


def video_stamps(path: Any) -> list[int]:
    """The frame index stamped in each frame of a written video, in file order."""
    cap = cv2.VideoCapture(str(path))
    out = []
    while True:
        ok, img = cap.read()
        if not ok:
            break
        out.append(read_stamp(img))
    cap.release()
    return out
