"""How a :class:`~vision_desk.pipeline.pipeline.Pipeline` runs: one frozen value instead of a long argument list.

The pipeline's wiring (source, sinks, callbacks, the processor factory) stays in
its constructor; everything that only *tunes* a run is a field here, so the
window, the command and the batch build one value and tests change one field
with :func:`dataclasses.replace`.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from typing import Any

from vision_desk.pipeline.events import Mode
from vision_desk.runtime import RuntimeConfig


@dataclass(frozen=True)
class PipelineOptions:
    """The tunable part of a pipeline (see :class:`Pipeline` for what each field does)."""

    mode: Mode | None = None  # None: LIVE for a live source, else file_mode (picked when the source opens)
    file_mode: Mode = Mode.LOSSLESS
    skip_late_frames: bool = False  # real time: skip frames the processors cannot keep up with
    start_at: int = 0  # a seekable source starts at this frame...
    paused: bool = False  # ...and paused on it
    # Per processor: name=value options (validated once by the pipeline) or a settings dataclass.
    settings: Mapping[str, Mapping[str, Any] | Any] = field(default_factory=dict, hash=False)
    hud: bool = False
    loop: bool = False
    inflight: int | None = None  # frames processed at once for files (default: about one per core)
    live_inflight: int | None = None  # frames in flight for live sources, staggered
    max_frames: int | None = None  # end after delivering exactly this many frames
    wait_for_models: bool | None = None  # hold the first frame until the models are loaded (default: files)
    runtime_config: RuntimeConfig | None = None  # device, threads, precision (default: RuntimeConfig())

    @classmethod
    def of(cls, base: PipelineOptions | None = None, **changes: Any) -> PipelineOptions:
        """``base`` (default: the defaults) with ``changes``; an unknown name is a TypeError, as for a
        mistyped keyword argument."""
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(changes) - known)
        if unknown:
            raise TypeError(f"unknown pipeline option(s): {', '.join(unknown)}")
        base = base if base is not None else cls()
        return replace(base, **changes) if changes else base
