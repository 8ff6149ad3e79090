"""Which result the display timer paints next.

Live sources: the newest, at once (latency first; older ones are skipped).
Files: every result in order, spaced at the processing rate. With several
frames in flight, results finish in bunches (two frames done within a few
milliseconds of each other); painting only the newest would skip every other
frame, and painting them as they come would stutter.
"""
from __future__ import annotations

import threading
from collections import deque
from typing import Any

QUEUE = 4  # files: results waiting to be shown evenly; more than this and the oldest are skipped
MAX_WAIT_S = 0.25  # never hold a result back longer than this to space frames out
EARLY = 0.85  # show a frame a little before its slot: timer ticks are coarse


class FramePacer:
    """Thread-safe: ``push`` from the pipeline's output thread, ``next`` from the GUI's display timer."""

    def __init__(self, depth: int = QUEUE) -> None:
        self._lock = threading.Lock()
        self._waiting: deque[Any] = deque(maxlen=depth)
        self._last_shown = float("-inf")
        self.live = True

    def push(self, result: Any) -> None:
        with self._lock:
            self._waiting.append(result)

    def clear(self) -> None:
        with self._lock:
            self._waiting.clear()

    def next(self, now: float) -> Any | None:
        """The result to paint at time ``now`` (seconds), or None to keep the picture on screen."""
        with self._lock:
            if not self._waiting:
                return None
            if self.live:
                result = self._waiting[-1]
                self._waiting.clear()
            else:
                rate = self._waiting[0].stats.processed_fps
                interval = min(1.0 / rate, MAX_WAIT_S) if rate > 0 else 0.0
                crowded = len(self._waiting) >= (self._waiting.maxlen or QUEUE) - 1
                if now < self._last_shown + interval * EARLY and not crowded:
                    return None
                result = self._waiting.popleft()
            self._last_shown = now
            return result
