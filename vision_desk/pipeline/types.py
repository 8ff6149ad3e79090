"""What the pipeline hands to its consumers (window, writer, JSON log) for every frame."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from vision_desk.errors import typed_line
from vision_desk.frame import Frame
from vision_desk.frame_stats import Stats
from vision_desk.results import Result


@dataclass
class Processed:
    """One frame after the processors' chain, on its way to the output stage (drawing, writing)."""

    seq: int
    frame: Frame
    image: np.ndarray
    results: dict[str, Result]
    errors: dict[str, BaseException]  # processor -> what it raised on this frame (the frame went on)
    stage_ms: dict[str, float]
    repeat: bool = False  # a paused frame run again after a change: shown, not written again


@dataclass
class FrameResult:
    """One frame after processing.

    ``image`` is the frame after transforms (style), without overlays;
    ``annotated`` has overlays (and the HUD if enabled) drawn on it. ``results``
    maps processor name to its result (a :class:`~vision_desk.results.Result`:
    Faces, Detections, Poses, Stylized, Classification, SuperResolved). ``errors`` maps processor name (or "name.draw") to the exception
    it raised on this frame (the stream goes on); JSON lines show "Type: message".
    """

    frame: Frame
    image: np.ndarray
    annotated: np.ndarray
    results: dict[str, Result] = field(default_factory=dict)
    errors: dict[str, BaseException] = field(default_factory=dict)
    stats: Stats = field(default_factory=Stats)
    # A lecture view laid out at the window's size (the screen's picture); None: ``annotated`` is shown.
    display: np.ndarray | None = None

    @property
    def shown(self) -> np.ndarray:
        """The picture for the screen (and snapshots): ``display`` if laid out for it, else ``annotated``."""
        return self.display if self.display is not None else self.annotated

    def to_json(self) -> dict[str, Any]:
        """One JSON-lines record (schema: docs/jsonl-schema.md)."""
        h, w = self.frame.image.shape[:2]
        # The frame's own size: every box is in its pixels, also where a video changes size mid-stream.
        rec: dict[str, Any] = {"frame": self.frame.index, "time_ms": round(self.frame.pts_ms, 3), "size": [w, h]}
        for name, res in self.results.items():
            rec[name] = res.to_json()
        if self.errors:
            rec["errors"] = {name: typed_line(exc) for name, exc in self.errors.items()}
        rec["timings_ms"] = {k: round(v, 2) for k, v in self.stats.stage_ms.items()}
        rec["latency_ms"] = round(self.stats.latency_ms, 2)
        return rec
