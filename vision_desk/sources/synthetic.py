"""A camera stand-in: frames at a fixed rate in real time, whether read or not.

This is how the live path (newest frame wins, drops counted, a camera that
dies mid-stream) is exercised on machines without a camera: it behaves like
:class:`~vision_desk.sources.camera.CameraSource` (same capture thread, same
"stopped delivering" error), but every frame is predictable: a moving test
pattern, or a slow pan over a picture, stamped with its index (see
:mod:`vision_desk.sources.pattern`).

Options: ``fps`` (30), ``width``/``height`` (640x480), ``frames`` (end
normally after that many; default endless), ``fail_after`` (raise
SourceError after that many frames, like an unplugged camera), ``image`` (a
picture file to pan over instead of the pattern).
"""
from __future__ import annotations

import math

import time
from pathlib import Path

import numpy as np

from vision_desk.errors import SourceError
from vision_desk.sources.base import SourceInfo
from vision_desk.sources.live import LatestFrameGrabber, LiveSource
from vision_desk.sources.pattern import PatternPainter


class SyntheticSource(LiveSource):
    _label = "the synthetic source"

    def __init__(
        self,
        *,
        fps: float = 30.0,
        width: int = 640,
        height: int = 480,
        frames: int | None = None,
        fail_after: int | None = None,
        image: str | Path | None = None,
        stall_timeout: float = 2.0,
    ) -> None:
        super().__init__()
        if not (math.isfinite(fps) and 0 < fps <= 1000):  # nan passed the old comparisons
            raise SourceError(f"synthetic source: fps must be between 0 and 1000, got {fps}")
        if width < 1 or height < 1 or width > 8192 or height > 8192:
            raise SourceError(f"synthetic source: size must be between 1x1 and 8192x8192, got {width}x{height}")
        for name, val in (("frames", frames), ("fail_after", fail_after)):
            if val is not None and val < 0:
                raise SourceError(f"synthetic source: {name} must be 0 or more, got {val}")
        self._fps = float(fps)
        self._w, self._h = int(width), int(height)
        self._frames = frames
        self._fail_after = fail_after
        self._image = Path(image) if image is not None else None
        self._stall_timeout = max(stall_timeout, 3.0 / self._fps)
        self._n = 0
        self._t0 = 0.0
        self._painter: PatternPainter | None = None

    def open(self) -> SourceInfo:
        picture = None
        if self._image is not None:
            from vision_desk.sources.images import decode_image
            from vision_desk.sources.video import check_file

            check_file(self._image, "image")
            picture = decode_image(self._image)
        self._painter = PatternPainter(self._w, self._h, self._fps, picture)
        desc = f"synthetic camera {self._w}x{self._h} @ {self._fps:g} fps"
        self._info = SourceInfo(kind="synthetic", description=desc, fps=self._fps,
                                frame_count=None, width=self._w, height=self._h, is_live=True)
        self._stop.clear()
        self._n = 0
        self._t0 = time.perf_counter()
        self._grabber = LatestFrameGrabber(
            self._capture,
            name="synthetic-capture",
            source_id="synthetic",
            stall_timeout=self._stall_timeout,
            stall_message=f"synthetic camera stopped delivering frames (no frame for {self._stall_timeout:g} s)",
        )
        self._grabber.start()
        return self._info

    def _capture(self) -> np.ndarray | None:
        n = self._n
        if self._frames is not None and n >= self._frames:
            return None
        if self._fail_after is not None and n >= self._fail_after:
            raise SourceError(
                f"synthetic camera stopped delivering frames after {n} frames "
                f"(simulated unplug, fail_after={self._fail_after})"
            )
        due = self._t0 + n / self._fps
        now = time.perf_counter()
        if now < due:
            if self._stop.wait(due - now):
                return None
        elif now - due > 2.0 / self._fps:
            # Starved of CPU: a camera does not burst to catch up; it just carries on from now.
            self._t0 = now - n / self._fps
        assert self._painter is not None
        img = self._painter.draw(n)
        self._n = n + 1
        return img

    @property
    def produced(self) -> int:
        """Frames produced so far (read or not)."""
        return self._grabber.captured if self._grabber else 0
