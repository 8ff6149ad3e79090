"""One file of a batch through the existing lossless pipeline, in whichever worker runs it.

This is `vision-desk process INPUT -o OUT --json OUT.jsonl` for one video,
through the same :func:`~vision_desk.pipeline.run.run_to_end` (its output
checks and sinks, the pipeline in lossless mode), with three differences a
batch needs: the processors come from the worker's
:class:`~vision_desk.batch.warm.WarmPool` (models loaded once), the progress
goes to the batch's display instead of a bar of its own, and the result is a
:class:`FileOutcome` (what the table and the manifest need, with the
checksums of the closed outputs) instead of a printed report.
"""
from __future__ import annotations

import gc
import os
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from vision_desk.batch.inputs import FileJob
from vision_desk.batch.manifest import checksum
from vision_desk.batch.warm import WarmPool
from vision_desk.errors import VisionDeskError, one_line
from vision_desk.pipeline.events import Mode
from vision_desk.pipeline.run import expected_frames
from vision_desk.runtime import RuntimeConfig
from vision_desk.sources.base import SourceInfo

PROGRESS_EVERY_S = 0.5  # how often a worker tells the display how far it is

# (event, worker, rel, value): ("start", w, rel, frames expected or None), ("frames", w, rel, frames so far)
Report = Callable[[str, str, str, Any], None]


@dataclass(frozen=True)
class BatchSettings:
    """What every file of a batch is processed with, and how each worker sets itself up."""

    processors: tuple[str, ...]
    settings: dict[str, Any]  # per processor: its settings dataclass (or name=value changes, validated by the pipeline)
    hud: bool = False
    raw: bool = False
    max_frames: int | None = None
    inflight: int | None = None
    device: str = "auto"
    threads: int | None = None
    precision: str = "auto"
    models_dir: str | None = None
    debug: bool = False

    def runtime_config(self) -> RuntimeConfig:
        """The device, threads and precision every worker's sessions use."""
        return RuntimeConfig(self.device, self.threads, self.precision)


@dataclass
class FileOutcome:
    """What happened to one file: the row of the end table, and the manifest entry when ``ok``."""

    rel: str
    input: str
    ok: bool
    frames: int = 0
    elapsed_s: float = 0.0
    fps: float = 0.0
    damaged: int = 0
    errors: int = 0  # frames on which a processor raised (the run went on)
    error: str | None = None  # why the file failed
    warnings: list[str] = field(default_factory=list)
    outputs: dict[str, Any] = field(default_factory=dict)  # kind -> {path, size, sha256}
    worker: str = ""
    skipped: bool = False  # finished by an earlier run (manifest)
    precision: dict[str, str] = field(default_factory=dict)  # processor -> "INT8"/"FP32" its model ran at


def setup_worker(batch: BatchSettings) -> RuntimeConfig:
    """A fresh worker process (spawned, or a Ray actor): the settings the command line made; returns the
    runtime choice its processors and pipelines are given (DeviceError where CUDA was asked for and
    cannot run here)."""
    from vision_desk import model_store, quiet, runtime

    quiet.quiet_native_logs(debug=batch.debug)
    if batch.models_dir:
        model_store.set_models_dir(batch.models_dir)
    return runtime.require_usable(batch.runtime_config())


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


class _BatchReport:
    """A file's progress for the batch's display: its frame count when it opens, then frames every half second."""

    def __init__(self, report: Report, worker: str, rel: str, max_frames: int | None) -> None:
        self._report, self._worker, self._rel, self._max_frames = report, worker, rel, max_frames
        self._last = 0.0
        self._frames = 0

    def started(self, info: SourceInfo) -> None:
        self._report("start", self._worker, self._rel, expected_frames(info, self._max_frames))

    def advanced(self, frames: int) -> None:
        self._frames = frames
        if time.monotonic() - self._last >= PROGRESS_EVERY_S:
            self._last = time.monotonic()
            self._report("frames", self._worker, self._rel, frames)

    def warning(self, message: str) -> None:
        pass  # a processor's failure on a frame is counted in the file's errors

    def close(self) -> None:
        self._report("frames", self._worker, self._rel, self._frames)


def run_file(job: FileJob, batch: BatchSettings, pool: WarmPool, report: Report | None = None,
             stop: threading.Event | Any | None = None) -> FileOutcome:
    """Process ``job`` to the end; never raises for a bad file (the outcome says what went wrong).

    ``stop``: anything with ``is_set()``; when it is set the file is stopped cooperatively (its outputs
    stay playable) and reported as interrupted, so it is not counted as finished.
    """
    from vision_desk import sources
    from vision_desk.pipeline.run import OutputSpec, RunSpec, run_to_end

    me = worker_name()
    outcome = FileOutcome(job.rel, job.input, ok=False, worker=me)
    started = time.monotonic()
    source = None
    progress = _BatchReport(report, me, job.rel, batch.max_frames) if report is not None else None
    try:
        for out in (job.output, job.json):
            if out is not None:
                Path(out).parent.mkdir(parents=True, exist_ok=True)
        source = sources.open_source(job.input)
        spec = RunSpec(batch.processors, batch.settings, hud=batch.hud, inflight=batch.inflight,
                       max_frames=batch.max_frames, mode=Mode.LOSSLESS, runtime_config=pool.runtime_config)
        # One output name per kind; this batch decided already that overwriting these paths is right
        # (see Manifest.owns).
        outputs = OutputSpec(job.output, job.json, raw=batch.raw, overwrite=True)
        run = run_to_end(source, spec, outputs, factory=pool, report=progress, stop=stop)
        if progress is not None:
            progress.close()
        summary = run.summary
        outcome.frames = summary.frames_output
        outcome.errors = summary.errors
        outcome.elapsed_s = time.monotonic() - started
        outcome.fps = summary.output_fps
        outcome.warnings = run.warnings
        outcome.damaged = _damaged_frames(source, summary.frames_output)
        if run.error is not None:
            outcome.error = one_line(run.error)
        elif run.stopped:
            outcome.error = f"interrupted after {outcome.frames} frames"
        elif not run.finished:
            outcome.error = f"the pipeline ended in state {run.state.value!r}"
        elif outcome.frames == 0:
            outcome.error = "no frame could be read"
        else:
            outcome.outputs = {kind: checksum(path) for kind, path in (("video", job.output), ("json", job.json))
                               if path is not None}
            outcome.precision = pool.precisions(batch.processors)
            outcome.ok = True
    except VisionDeskError as exc:
        outcome.error = str(exc).splitlines()[0]
    except Exception as exc:  # a bug must fail this file, with a line that says what, and not the batch
        outcome.error = f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}".rstrip(": ")
        if batch.debug:
            import traceback

            traceback.print_exc()
    outcome.elapsed_s = outcome.elapsed_s or time.monotonic() - started
    # The pipeline, its sinks and the encoder behind them hold reference cycles; collect them now, so a
    # worker's memory and native encoder threads after file N are those after file 1, not N files' worth
    # waiting for the garbage collector.
    del source
    gc.collect()
    return outcome


def _damaged_frames(source: Any, frames_read: int) -> int:
    """Frames the source could not deliver: its own count of damaged frames, or, when more, the frames
    missing at the end of a truncated file (advertised count minus frames read: a file cut in place has
    no damaged frame, it just ends early)."""
    own = getattr(source, "damaged_frames", None)
    own = own if isinstance(own, int) else 0
    try:
        expected = source.info.frame_count
    except Exception:
        return own
    if expected is not None and getattr(source, "warnings", None) and expected - frames_read > 1:
        return max(own, expected - frames_read)
    return own
