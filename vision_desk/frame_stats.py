"""The measurements that travel with every frame.

Below both the pipeline (which measures them, :mod:`vision_desk.pipeline.stats`) and the
drawing code (the HUD shows them, :mod:`vision_desk.annotate.hud`), so neither imports the other.
"""
from __future__ import annotations

from dataclasses import dataclass, field


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
