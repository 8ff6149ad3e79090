"""One run of one source to its end: the path `vision-desk process` and every batch worker share.

::

    source + RunSpec + OutputSpec --run_to_end--> RunOutcome
                                     (sinks built and claimed, the pipeline started and
                                      watched until the source ends, ``stop`` is set, the
                                      duration is up or an error ends it; empty outputs removed)

The caller opens the source (so that a bad input is its one-line error before
anything is created), then turns the :class:`RunOutcome` into what it shows:
the command prints a report and an exit status, the batch a row of its table
and a manifest entry. Progress goes to a :class:`RunReport` (the command's bar,
the batch's display); ``stop`` is anything with ``is_set()`` (Ctrl-C, SIGTERM,
the batch being stopped).
"""
from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from vision_desk.errors import VisionDeskError
from vision_desk.pipeline.events import EventKind, Mode, PipelineEvent, PipelineState
from vision_desk.pipeline.factory import ProcessorFactory
from vision_desk.pipeline.options import PipelineOptions
from vision_desk.pipeline.pipeline import Pipeline
from vision_desk.pipeline.run_outputs import OutputSpec, build_sinks, discard
from vision_desk.pipeline.sinks import Sink
from vision_desk.pipeline.stats import RunSummary
from vision_desk.runtime import RuntimeConfig
from vision_desk.sources.base import Source, SourceInfo

__all__ = ["OutputSpec", "RunOutcome", "RunReport", "RunSpec", "expected_frames", "run_to_end", "source_warnings"]

TICK_S = 0.1  # how often the run's progress and its stop conditions are looked at
STOP_TIMEOUT_S = 10.0  # stopping: the writer finishes the frames already queued and finalizes the files
MODEL_LOAD_WAIT_S = 120.0  # never return while onnxruntime is still building a session (see Pipeline)


@dataclass(frozen=True)
class RunSpec:
    """What runs on every frame, and when the run ends (besides the source's end)."""

    processors: tuple[str, ...] = ()
    settings: Mapping[str, Any] = field(default_factory=dict, hash=False)  # per processor, validated
    hud: bool = False
    inflight: int | None = None
    max_frames: int | None = None
    duration: float | None = None  # seconds; for a camera or stream
    mode: Mode | None = None  # None: LIVE for a live source, LOSSLESS for a file, an http URL when it opens
    runtime_config: RuntimeConfig | None = None

    def pipeline_options(self, source: Source) -> PipelineOptions:
        """Every frame gets every processor (the models are waited for, also for live input)."""
        mode = self.mode
        if mode is None:
            live = source.expected_live()  # None: an http(s) address, a stream or a file: opening tells
            mode = None if live is None else Mode.LIVE if live else Mode.LOSSLESS
        return PipelineOptions(mode=mode, settings=self.settings, hud=self.hud, inflight=self.inflight,
                               max_frames=self.max_frames, wait_for_models=True,
                               runtime_config=self.runtime_config)


class RunReport(Protocol):
    """Where a run's progress goes (every method is called on the caller's thread)."""

    def started(self, info: SourceInfo) -> None:
        """The source is open (its frame count, when it has one, is in ``info``); once, before the last
        :meth:`advanced`, whenever the source opened."""

    def advanced(self, frames: int) -> None:
        """``frames`` delivered so far (called every tick, and once more at the end)."""

    def warning(self, message: str) -> None:
        """A processor failed on a frame; the run goes on."""


@dataclass
class RunOutcome:
    """How a run ended: its figures, why it ended, and what it wrote."""

    summary: RunSummary
    state: PipelineState
    frames: int  # frames delivered
    error: VisionDeskError | None  # what ended the run early (a bad source, a model, a full disk)
    stopped: bool  # ``stop`` was set before the source ended
    is_live: bool  # as the source turned out when it opened (else as it was expected to be)
    warnings: list[str] = field(default_factory=list)  # what the source skipped or lost
    sinks: list[Sink] = field(default_factory=list)  # the parts of the recording, for the report

    @property
    def finished(self) -> bool:
        """The source ended and every frame was written."""
        return self.state == PipelineState.FINISHED

    @property
    def outputs(self) -> list[Path]:
        """The files (or folders) written."""
        return [Path(part.path) for part in self.sinks if part.written]


class _Watch:
    """What the pipeline's threads tell the caller's loop: frames delivered and the first fatal error."""

    def __init__(self) -> None:
        self.frames = 0
        self.fatal: VisionDeskError | None = None
        self.warnings: list[str] = []  # (PROCESSOR_ERROR messages, handed to the report on the caller's thread)

    def on_result(self, _result: Any) -> None:
        self.frames += 1

    def on_event(self, event: PipelineEvent) -> None:
        if event.kind == EventKind.ERROR and self.fatal is None:
            self.fatal = event.error or VisionDeskError(event.message)
        elif event.kind == EventKind.PROCESSOR_ERROR:
            self.warnings.append(event.message)


def run_to_end(source: Source, spec: RunSpec, outputs: OutputSpec = OutputSpec(), *,
               factory: ProcessorFactory | Mapping[str, type] | None = None, report: RunReport | None = None,
               stop: Any = None) -> RunOutcome:
    """Run ``source`` (not opened yet) through ``spec``'s processors into ``outputs`` until it ends.

    Raises VisionDeskError for a problem found before the first frame (an output that exists or is the
    input, a bad setting); a problem during the run (the source, a model, the disk) ends it and is the
    outcome's ``error``. When nothing was written, the outputs created are removed again.
    """
    sinks = build_sinks(source, outputs)
    watch = _Watch()
    try:
        pipe = Pipeline(source, list(spec.processors), spec.pipeline_options(source), sinks=sinks,
                        on_result=watch.on_result, on_event=watch.on_event, factory=factory)
    except BaseException:
        discard(sinks)  # claimed, never written
        raise
    announced = False
    told = 0
    try:
        pipe.start()
        started = time.monotonic()
        while not pipe.wait(TICK_S):
            if report is not None:
                if not announced and pipe.source_info is not None:
                    report.started(pipe.source_info)
                    announced = True
                told = _tell(report, watch, told)
            if watch.fatal is not None or (stop is not None and stop.is_set()):
                break
            if spec.duration is not None and time.monotonic() - started >= spec.duration:
                break
        pipe.stop(timeout=STOP_TIMEOUT_S)
        if report is not None:
            if not announced and pipe.source_info is not None:  # a run shorter than one tick
                report.started(pipe.source_info)
            _tell(report, watch, told)
    finally:
        if pipe.state not in (PipelineState.FINISHED, PipelineState.STOPPED, PipelineState.FAULTED):
            pipe.stop(timeout=STOP_TIMEOUT_S)
        if pipe.summary().frames_output == 0:
            pipe.stop(timeout=1.0)
            discard(sinks)  # nothing was written: leave no empty file or folder behind
        pipe.wait_for_model_loads(timeout=MODEL_LOAD_WAIT_S)
    info = pipe.source_info
    return RunOutcome(summary=pipe.summary(), state=pipe.state, frames=watch.frames,
                      error=pipe.error or watch.fatal,
                      stopped=stop is not None and stop.is_set() and pipe.state != PipelineState.FINISHED,
                      is_live=info.is_live if info is not None else bool(source.expected_live()),
                      warnings=source_warnings(source),
                      sinks=[part for sink in sinks for part in sink.parts])


def _tell(report: RunReport, watch: _Watch, told: int) -> int:
    """Hand the report the frames so far and the processor warnings not yet told; returns how many are."""
    for message in watch.warnings[told:]:
        report.warning(message)
        told += 1
    report.advanced(watch.frames)
    return told


def expected_frames(info: SourceInfo, max_frames: int | None) -> int | None:
    """How many frames the run will deliver, where that is known (a file's count, or --max-frames)."""
    total = info.frame_count if not info.is_live else None
    if max_frames is not None:
        total = min(total, max_frames) if total else (max_frames if not info.is_live else None)
    return total or None


def source_warnings(source: Source) -> list[str]:
    """What the source skipped or lost (a truncated video, files in a folder that are not images)."""
    try:
        return [str(w).replace("\n", " ") for w in source.warnings]
    except Exception:  # a source without the property must not turn a finished run into a crash
        return []
