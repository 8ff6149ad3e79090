"""Measurements of a running pipeline: rates, per-stage times, latency, drops.

The idea follows OpenVINO's ``performance_metrics.py``: every counter keeps a
*windowed* value (the last couple of seconds, what the HUD shows, so a change
of settings is visible at once) and a *total* value (since the start, what the
end-of-run summary reports). Stage times are reported as medians, which a
single slow frame (a garbage collection, a disk flush) does not move.

One :class:`StatsCollector` is shared by the pipeline's threads; every method
takes its lock, and :meth:`StatsCollector.snapshot` hands out a fresh
:class:`~vision_desk.pipeline.types.Stats` that the caller may keep.
"""
from __future__ import annotations

import statistics
import threading
import time
from array import array
from collections import deque
from dataclasses import dataclass, field

from vision_desk.frame_stats import Stats

DEFAULT_WINDOW_S = 2.0


class RateMeter:
    """Events per second: over the last ``window`` seconds, and since the first event."""

    def __init__(self, window: float = DEFAULT_WINDOW_S) -> None:
        self.window = window
        self._times: deque[float] = deque()
        self.count = 0
        self.first: float | None = None
        self.last: float | None = None

    def tick(self, now: float | None = None) -> None:
        now = time.perf_counter() if now is None else now
        self.count += 1
        if self.first is None:
            self.first = now
        self.last = now
        self._times.append(now)
        # Keep at least two events so a slow stream (one frame every few seconds) still has a rate.
        while len(self._times) > 2 and now - self._times[0] > self.window:
            self._times.popleft()

    def rate(self) -> float:
        """Windowed rate: (events - 1) / span of the events in the window."""
        if len(self._times) < 2:
            return 0.0
        span = self._times[-1] - self._times[0]
        return (len(self._times) - 1) / span if span > 0 else 0.0

    def total_rate(self, since: float | None = None, now: float | None = None) -> float:
        """Events per second since ``since`` (default: the first event) until ``now`` (default: the last event)."""
        start = self.first if since is None else since
        end = self.last if now is None else now
        if start is None or end is None or self.count == 0:
            return 0.0
        span = end - start
        if since is None:  # measured between events: n events span n - 1 intervals
            return (self.count - 1) / span if span > 0 else 0.0
        return self.count / span if span > 0 else 0.0


class WindowedSeries:
    """Values with their times: median of the last ``window`` seconds, and of every value so far."""

    def __init__(self, window: float = DEFAULT_WINDOW_S) -> None:
        self.window = window
        self._recent: deque[tuple[float, float]] = deque()
        self._all = array("f")

    def add(self, value: float, now: float | None = None) -> None:
        now = time.perf_counter() if now is None else now
        self._recent.append((now, value))
        self._all.append(value)
        while len(self._recent) > 1 and now - self._recent[0][0] > self.window:
            self._recent.popleft()

    def median(self) -> float:
        return statistics.median(v for _, v in self._recent) if self._recent else 0.0

    def total_median(self) -> float:
        return float(statistics.median(self._all)) if len(self._all) else 0.0

    def percentile(self, q: float) -> float:
        """Percentile ``q`` (0-100) of every value so far (nearest rank)."""
        if not len(self._all):
            return 0.0
        ordered = sorted(self._all)
        k = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
        return float(ordered[k])

    def __len__(self) -> int:
        return len(self._all)


@dataclass
class RunSummary:
    """What a run did, for the end-of-run report of `vision-desk process`."""

    frames_captured: int
    frames_processed: int
    frames_output: int
    dropped: int
    errors: int
    elapsed_s: float
    output_fps: float  # frames output / elapsed since the first frame was captured
    stage_median_ms: dict[str, float] = field(default_factory=dict)
    latency_median_ms: float = 0.0
    latency_p95_ms: float = 0.0
    provider: str = ""


class StatsCollector:
    """The pipeline's measurements; thread-safe."""

    def __init__(self, window: float = DEFAULT_WINDOW_S, provider: str = "") -> None:
        self._lock = threading.Lock()
        self.window = window
        self.provider = provider
        self.started = time.perf_counter()
        self.capture = RateMeter(window)
        self.processed = RateMeter(window)
        self.output = RateMeter(window)
        self.latency = WindowedSeries(window)
        self.stages: dict[str, WindowedSeries] = {}
        self.dropped = 0  # frames the pipeline's own latest-wins slot replaced
        self.source_dropped = 0  # frames a live source's capture thread replaced before we read them
        self.errors = 0

    def on_capture(self, read_ms: float) -> None:
        with self._lock:
            now = time.perf_counter()
            self.capture.tick(now)
            self._stage("read").add(read_ms, now)

    def on_dropped(self, n: int = 1) -> None:
        with self._lock:
            self.dropped += n

    def set_source_dropped(self, n: int) -> None:
        with self._lock:
            self.source_dropped = int(n)

    def on_processed(self, stage_ms: dict[str, float], errors: int) -> None:
        with self._lock:
            now = time.perf_counter()
            self.processed.tick(now)
            self.errors += errors
            for name, ms in stage_ms.items():
                if name != "read":  # read was recorded at capture
                    self._stage(name).add(ms, now)

    def on_output(self, draw_ms: float, latency_ms: float) -> None:
        with self._lock:
            now = time.perf_counter()
            self.output.tick(now)
            self._stage("draw").add(draw_ms, now)
            self.latency.add(latency_ms, now)

    def on_write(self, write_ms: float) -> None:
        with self._lock:
            self._stage("write").add(write_ms)

    def _stage_order(self) -> list[str]:
        """read, then the processors (in the order they first ran), then draw and write."""
        fixed_last = [k for k in ("draw", "write") if k in self.stages]
        middle = [k for k in self.stages if k not in ("read", "draw", "write")]
        return (["read"] if "read" in self.stages else []) + middle + fixed_last

    def _stage(self, name: str) -> WindowedSeries:
        series = self.stages.get(name)
        if series is None:
            series = self.stages[name] = WindowedSeries(self.window)
        return series

    def snapshot(self, stage_ms: dict[str, float] | None = None, latency_ms: float = 0.0) -> Stats:
        """A Stats for one frame: this frame's stage times and latency, plus the current windowed values."""
        with self._lock:
            now = time.perf_counter()
            return Stats(
                capture_fps=self.capture.rate(),
                processed_fps=self.processed.rate(),
                output_fps=self.output.rate(),
                total_fps=self.processed.total_rate(since=self.capture.first or self.started, now=now),
                dropped=self.dropped + self.source_dropped,
                errors=self.errors,
                latency_ms=latency_ms,
                latency_p50_ms=self.latency.median(),
                stage_ms=dict(stage_ms or {}),
                stage_median_ms={k: self.stages[k].median() for k in self._stage_order()},
                provider=self.provider,
                frames=self.processed.count,
            )

    def summary(self) -> RunSummary:
        with self._lock:
            first = self.capture.first if self.capture.first is not None else self.started
            end = self.output.last if self.output.last is not None else time.perf_counter()
            elapsed = max(end - first, 1e-9)
            return RunSummary(
                frames_captured=self.capture.count,
                frames_processed=self.processed.count,
                frames_output=self.output.count,
                dropped=self.dropped + self.source_dropped,
                errors=self.errors,
                elapsed_s=elapsed,
                output_fps=self.output.count / elapsed if self.output.count else 0.0,
                stage_median_ms={k: self.stages[k].total_median() for k in self._stage_order()},
                latency_median_ms=self.latency.total_median(),
                latency_p95_ms=self.latency.percentile(95),
                provider=self.provider,
            )
