"""What the pipeline hands to its consumers (window, writer, JSON log) for every frame."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from vision_desk.frame import Frame


@dataclass
class Stats:
    """Measurements that travel with every frame (shown by the HUD and the stats panel)."""

    capture_fps: float = 0.0  # windowed, frames arriving from the source
    processed_fps: float = 0.0  # windowed, frames through all processors
    output_fps: float = 0.0  # windowed, frames drawn/written
    total_fps: float = 0.0  # processed frames / elapsed since start
    dropped: int = 0  # frames a live source produced that were never processed
    errors: int = 0  # frames on which a processor raised
    latency_ms: float = 0.0  # capture time to result ready, this frame
    latency_p50_ms: float = 0.0  # windowed median
    stage_ms: dict[str, float] = field(default_factory=dict)  # this frame: read, faces, objects, ..., draw, write
    stage_median_ms: dict[str, float] = field(default_factory=dict)  # windowed medians
    provider: str = ""  # e.g. "CPU (1 threads) — CUDA not used: ..."
    frames: int = 0  # processed so far


@dataclass
class FrameResult:
    """One frame after processing.

    ``image`` is the frame after transforms (style), without overlays;
    ``annotated`` has overlays (and the HUD if enabled) drawn on it. ``results``
    maps processor name to its result object (Faces, Detections, Poses,
    Stylized). ``errors`` maps processor name to the message of an exception
    raised on this frame (the stream goes on).
    """

    frame: Frame
    image: np.ndarray
    annotated: np.ndarray
    results: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    stats: Stats = field(default_factory=Stats)

    def to_json(self) -> dict[str, Any]:
        """One JSON-lines record (schema documented in the README)."""
        h, w = self.frame.image.shape[:2]
        # The frame's own size: every box is in its pixels, also where a video changes size mid-stream.
        rec: dict[str, Any] = {"frame": self.frame.index, "time_ms": round(self.frame.pts_ms, 3), "size": [w, h]}
        for name, res in self.results.items():
            rec[name] = res.to_json()
        if self.errors:
            rec["errors"] = dict(self.errors)
        rec["timings_ms"] = {k: round(v, 2) for k, v in self.stats.stage_ms.items()}
        rec["latency_ms"] = round(self.stats.latency_ms, 2)
        return rec
