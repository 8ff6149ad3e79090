"""The pipeline's last two threads: output (reorder, draw, HUD, on_result) and writer (sinks).

Why two: drawing and handing a frame to the window must not wait for the
video encoder or the disk, and encoding must not hold up the window. The
writer is fed through a bounded channel (back-pressure: a slow disk slows
the file run instead of filling memory) and, on stop, finishes the frames
already queued, so a recording's video frames and JSON lines always match.
"""
from __future__ import annotations

import threading
import time
import traceback
from collections.abc import Callable, Sequence
from typing import Any

from vision_desk.annotate.base import Annotator, Composer
from vision_desk.annotate.hud import HudAnnotator
from vision_desk.errors import OutputError, VisionDeskError, caused_by, one_line, typed_line
from vision_desk.pipeline.events import EventKind, PipelineEvent
from vision_desk.pipeline.processor_set import ProcessorSet
from vision_desk.pipeline.sinks import Sink
from vision_desk.pipeline.slots import Channel, ChannelClosed
from vision_desk.pipeline.stats import StatsCollector
from vision_desk.pipeline.types import FrameResult, Processed
from vision_desk.sources.base import SourceInfo

WRITE_QUEUE = 8
SINK_LOCK_TIMEOUT_S = 10.0
# Frames a processing thread may finish ahead of the next one to be drawn, as a multiple of the threads.
# Without a limit, fast processors in front of a slow encoder piled every frame of a file up here
# (2.4 GB for 20 s of 1080p); with it, a thread that is too far ahead waits, and the wait travels back
# through the input queue to the reader (back-pressure from the slowest stage).
REORDER_WINDOW_PER_WORKER = 4


def _as_output_error(doing: str, sink: Sink, exc: BaseException) -> OutputError:
    """A sink's failure as the OutputError the owner sees ('writing out.mp4 failed: ...')."""
    if isinstance(exc, OutputError):
        return exc
    return OutputError(f"{doing} {sink.path} failed: {type(exc).__name__}: {one_line(exc)}")


class OutputStage:
    def __init__(self, procs: ProcessorSet, stats: StatsCollector, emit: Callable[[PipelineEvent], None], *,
                 hud: bool, sinks: Sequence[Sink], on_result: Callable[[FrameResult], None] | None,
                 limit: int | None = None, workers: int = 1) -> None:
        self._procs = procs
        self._stats = stats
        self._emit = emit
        self.hud_on = hud
        self._hud = HudAnnotator()
        self.display_size: tuple[int, int] | None = None  # the window's view in pixels (set_display_size)
        self._on_result = on_result
        self._annotators: dict[str, Annotator[Any] | None] = {}
        self._cond = threading.Condition()
        self._buffer: dict[int, Any] = {}
        self._next = 0  # the sequence number the output thread draws next
        self._window = REORDER_WINDOW_PER_WORKER * max(1, workers)
        self._total: int | None = None  # set when no more results will come
        self._aborted = False
        self._writes: Channel[FrameResult] = Channel(WRITE_QUEUE)
        self._sink_lock = threading.Lock()
        self._sinks: list[Sink] = list(sinks)
        self._opened: set[int] = set()
        self._closed: set[int] = set()
        self._info: SourceInfo | None = None
        self._writer_done = threading.Event()
        self.latest: FrameResult | None = None
        self.limit = limit
        self.limit_reached = threading.Event()
        self.frames_output = 0

    def set_source_info(self, info: SourceInfo, write_queue: int | None = None,
                        window: int | None = None) -> None:
        """``write_queue``: frames the writer may have waiting; ``window``: frames the processing threads may
        finish ahead of the one drawn next (both fewer for big frames, see pipeline.frames_in_budget)."""
        self._info = info
        if write_queue is not None:
            self._writes.set_policy(write_queue, drop_oldest=False)
        if window is not None:
            with self._cond:
                self._window = max(1, min(self._window, window))

    # --- from the processing threads -----------------------------------------------------
    def deliver(self, seq: int, processed: Processed) -> None:
        """Hand a processed frame over; waits while it is too far ahead of the next one to be drawn.

        The frame the output thread waits for is always taken at once, so this cannot deadlock.
        """
        with self._cond:
            while seq - self._next >= self._window and not self._aborted:
                self._cond.wait(0.2)
            if self._aborted:
                return
            self._buffer[seq] = processed
            self._cond.notify_all()

    def no_more_results(self, total: int) -> None:
        with self._cond:
            self._total = total
            self._cond.notify_all()

    def stop(self) -> None:
        with self._cond:
            self._aborted = True
            self._cond.notify_all()
        self._writes.close()  # the writer drains what is queued, then ends

    # --- output thread ----------------------------------------------------------------------
    def run_output(self) -> None:
        nxt = 0
        try:
            while True:
                with self._cond:
                    while (nxt not in self._buffer and not self._aborted
                           and not (self._total is not None and nxt >= self._total)):
                        self._cond.wait(0.2)
                    if self._aborted or nxt not in self._buffer:
                        return
                    processed = self._buffer.pop(nxt)
                    nxt += 1
                    self._next = nxt
                    self._cond.notify_all()  # a thread waiting to deliver a later frame may go on
                result = self._render(processed)
                self.latest = result
                if self._on_result is not None:
                    try:
                        self._on_result(result)
                    except Exception as exc:
                        traceback.print_exc()
                        failed = caused_by(VisionDeskError(f"result handler failed: {typed_line(exc)}"), exc)
                        self._emit(PipelineEvent.failure(EventKind.ERROR, failed))
                if processed.repeat:
                    continue  # a paused frame shown again after a change: already written, not counted again
                if self._has_sinks():
                    self._writes.put(result)
                self.frames_output += 1
                if self.limit is not None and self.frames_output >= self.limit:
                    self.limit_reached.set()
                    return
        finally:
            self._writes.close()

    def _annotator(self, name: str) -> Annotator[Any] | None:
        if name not in self._annotators:
            ann = None
            try:
                ann = self._procs_annotator(name)
            except Exception as exc:  # drawing is optional; the results still flow
                failed = caused_by(VisionDeskError(f"{name}: no overlay ({typed_line(exc)})"), exc)
                self._emit(PipelineEvent.failure(EventKind.ERROR, failed, name))
            self._annotators[name] = ann
        return self._annotators[name]

    def _procs_annotator(self, name: str) -> Annotator[Any] | None:
        from vision_desk import registry

        cls = self._procs.processor_class(name)
        factory = getattr(cls, "annotator", None)  # fakes in tests bring their own
        if factory is not None:
            return factory()
        if name not in registry.PROCESSOR_NAMES:
            return None
        return registry.annotator_for(name)

    def _render(self, p: Processed) -> FrameResult:
        t0 = time.perf_counter()
        annotated = p.image
        copied = False
        lecture: tuple[str, Composer[Any], Any] | None = None
        # An annotator that repaints the whole picture (segment's background effects) goes first, so that the
        # other processors' boxes and labels stay visible on top of it, as they do on a styled frame.
        drawing = sorted(((name, res, self._annotator(name)) for name, res in p.results.items()),
                         key=lambda item: not getattr(item[2], "repaints", False))
        for name, res, ann in drawing:
            if ann is None:
                continue
            if isinstance(ann, Composer):
                lecture = (name, ann, res)  # laid out last, on a canvas of its own (the last one shown wins)
                continue
            if not copied:
                annotated, copied = p.image.copy(), True
            try:
                out = ann.annotate(annotated, res)
                if out is not None:
                    annotated = out
            except Exception as exc:
                p.errors[f"{name}.draw"] = exc
        hud = self.hud_on
        if hud and not copied:
            annotated, copied = p.image.copy(), True
        draw_ms = (time.perf_counter() - t0) * 1000
        latency_ms = (time.perf_counter() - p.frame.timestamp) * 1000
        self._stats.on_output(draw_ms, latency_ms)
        stage = dict(p.stage_ms)
        stage["draw"] = draw_ms
        snap = self._stats.snapshot(stage, latency_ms)
        t1 = time.perf_counter()
        if hud:  # on the frame: in a lecture view it stays with the frame, never over the view's own text
            self._hud.annotate(annotated, snap, processors=list(p.results) or self._procs.loaded_names)
        display = None
        if lecture is not None:
            name, composer, res = lecture
            picture = annotated
            try:
                annotated = composer.compose(picture, res, (picture.shape[1], picture.shape[0]))
                size = self.display_size
                if size is not None and size != (picture.shape[1], picture.shape[0]):
                    display = composer.compose(picture, res, size)
            except Exception as exc:
                p.errors[f"{name}.draw"] = exc
        snap.stage_ms["draw"] = draw_ms + (time.perf_counter() - t1) * 1000
        return FrameResult(p.frame, p.image, annotated, p.results, p.errors, snap, display=display)

    # --- writer thread ----------------------------------------------------------------------
    def _has_sinks(self) -> bool:
        with self._sink_lock:
            return bool(self._sinks)

    def run_writer(self) -> None:
        try:
            while True:
                try:
                    result = self._writes.get()
                except ChannelClosed:
                    return
                self._write(result)
        finally:
            self.close_sinks()
            self._writer_done.set()

    def _write(self, result: FrameResult) -> None:
        with self._sink_lock:
            t0 = time.perf_counter()
            for sink in list(self._sinks):
                try:
                    if id(sink) not in self._opened:
                        self._opened.add(id(sink))
                        if self._info is not None:
                            sink.open(self._info)
                    sink.write(result)
                except Exception as exc:
                    self._sink_failed(sink, exc)
            # A RecordingSink has put the time its pictures took here (its JSON line carries it);
            # otherwise the time all sinks took.
            ms = result.stats.stage_ms.setdefault("write", (time.perf_counter() - t0) * 1000)
            self._stats.on_write(ms)

    def _sink_failed(self, sink: Sink, exc: BaseException) -> None:
        """Called with the sink lock held: finalize what the sink has written, drop it, tell the owner."""
        err = _as_output_error("writing", sink, exc)
        if not isinstance(exc, (OutputError, OSError)):
            traceback.print_exc()
        if sink in self._sinks:
            self._sinks.remove(sink)
        self._close_one(sink)
        self._emit(PipelineEvent.failure(EventKind.ERROR, err))

    def _close_one(self, sink: Sink) -> None:
        if id(sink) in self._closed:
            return
        self._closed.add(id(sink))
        try:
            sink.close()
        except Exception as exc:
            self._emit(PipelineEvent.failure(EventKind.ERROR, _as_output_error("finishing", sink, exc)))

    # --- sinks from the owner ---------------------------------------------------------------
    def add_sink(self, sink: Sink) -> None:
        with self._sink_lock:
            self._sinks.append(sink)

    def remove_sink(self, sink: Sink) -> None:
        """Stop feeding ``sink`` and finalize it (waits for the frame being written, if any)."""
        if not self._sink_lock.acquire(timeout=SINK_LOCK_TIMEOUT_S):
            raise OutputError("the writer is stuck; the recording could not be finished")
        try:
            if sink in self._sinks:
                self._sinks.remove(sink)
            self._close_one(sink)
        finally:
            self._sink_lock.release()

    def close_sinks(self) -> None:
        if not self._sink_lock.acquire(timeout=SINK_LOCK_TIMEOUT_S):
            return
        try:
            for sink in list(self._sinks):
                self._close_one(sink)
        finally:
            self._sink_lock.release()

    def wait_done(self, stop: threading.Event) -> None:
        while not self._writer_done.wait(0.2):
            if stop.is_set():
                return
