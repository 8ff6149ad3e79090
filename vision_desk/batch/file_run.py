"""One file of a batch through the existing lossless pipeline, in whichever worker runs it.

This is `vision-desk process INPUT -o OUT --json OUT.jsonl` for one video,
made of the same pieces (:func:`~vision_desk.sources.open_source`, the
command's own sink builder and input checks, :class:`Pipeline` in lossless
mode), with three differences a batch needs: the processors come from the
worker's :class:`~vision_desk.batch.warm.WarmPool` (models loaded once), the
progress goes to the batch's display instead of a bar of its own, and the
result is a :class:`FileOutcome` (what the table and the manifest need, with
the checksums of the closed outputs) instead of a printed report.
"""
from __future__ import annotations

import gc
import os
import socket
import threading
import time
import types
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from vision_desk.batch.inputs import FileJob
from vision_desk.batch.manifest import checksum
from vision_desk.batch.warm import WarmPool
from vision_desk.errors import VisionDeskError, one_line
from vision_desk.pipeline.events import EventKind, PipelineEvent, PipelineState
from vision_desk.runtime import RuntimeConfig

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


def run_file(job: FileJob, batch: BatchSettings, pool: WarmPool, report: Report | None = None,
             stop: threading.Event | Any | None = None) -> FileOutcome:
    """Process ``job`` to the end; never raises for a bad file (the outcome says what went wrong).

    ``stop``: anything with ``is_set()``; when it is set the file is stopped cooperatively (its outputs
    stay playable) and reported as interrupted, so it is not counted as finished.
    """
    from vision_desk import sources
    from vision_desk.cli import process_cmd
    from vision_desk.pipeline.pipeline import Mode, Pipeline

    me = worker_name()
    outcome = FileOutcome(job.rel, job.input, ok=False, worker=me)
    problems: list[VisionDeskError] = []
    counted = [0]

    def on_event(event: PipelineEvent) -> None:
        if event.kind == EventKind.ERROR and not problems:
            problems.append(event.error or VisionDeskError(event.message))

    def on_result(_result: Any) -> None:
        counted[0] += 1

    started = time.monotonic()
    pipe = None
    source = None
    sinks: list[Any] = []
    try:
        for out in (job.output, job.json):
            if out is not None:
                Path(out).parent.mkdir(parents=True, exist_ok=True)
        source = sources.open_source(job.input)
        # The single-file command's own checks and sinks (one output name per kind; this batch
        # decided already that overwriting these paths is right: see Manifest.owns).
        args = types.SimpleNamespace(output=job.output, json=job.json, raw=batch.raw, overwrite=True)
        sinks = process_cmd._make_sinks(args, source, False, job.output, job.json)
        pipe = Pipeline(source, list(batch.processors), mode=Mode.LOSSLESS, settings=batch.settings,
                        hud=batch.hud, sinks=sinks, on_result=on_result, on_event=on_event,
                        inflight=batch.inflight, max_frames=batch.max_frames, wait_for_models=True,
                        registry=pool.registry_for(list(batch.processors)), runtime_config=pool.runtime_config)
        pipe.start()
        announced = False
        last = 0.0
        while not pipe.wait(0.1):
            if not announced and pipe.source_info is not None and report is not None:
                total = pipe.source_info.frame_count
                if batch.max_frames is not None:
                    total = min(total, batch.max_frames) if total else batch.max_frames
                report("start", me, job.rel, total)
                announced = True
            if report is not None and time.monotonic() - last >= PROGRESS_EVERY_S:
                last = time.monotonic()
                report("frames", me, job.rel, counted[0])
            if problems or (stop is not None and stop.is_set()):
                break
        pipe.stop(timeout=10.0)
        if report is not None:
            report("frames", me, job.rel, counted[0])
        summary = pipe.summary()
        outcome.frames = summary.frames_output
        outcome.errors = summary.errors
        outcome.elapsed_s = time.monotonic() - started
        outcome.fps = summary.output_fps
        outcome.warnings = process_cmd._source_warnings(source)
        outcome.damaged = _damaged_frames(source, summary.frames_output)
        failure = pipe.error or (problems[0] if problems else None)
        if failure is not None:
            outcome.error = one_line(failure)
        elif stop is not None and stop.is_set() and pipe.state != PipelineState.FINISHED:
            outcome.error = f"interrupted after {outcome.frames} frames"
        elif pipe.state != PipelineState.FINISHED:
            outcome.error = f"the pipeline ended in state {pipe.state.value!r}"
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
    finally:
        ended = (PipelineState.FINISHED, PipelineState.STOPPED, PipelineState.FAULTED)
        if pipe is not None and pipe.state not in ended:
            pipe.stop(timeout=10.0)
        if not outcome.ok and outcome.frames == 0:
            process_cmd._discard(sinks)  # a failed file leaves no empty output behind, as a single-file run
    outcome.elapsed_s = outcome.elapsed_s or time.monotonic() - started
    # The pipeline, its sinks and the encoder behind them hold reference cycles; collect them now, so a
    # worker's memory and native encoder threads after file N are those after file 1, not N files' worth
    # waiting for the garbage collector.
    del pipe, source
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
