"""The processing threads: take the next frame, run the processor chain on it, hand it to the output stage.

Why several threads: on few cores, ``inflight`` frames processed at once (each
by the whole chain, one intra-op thread per model) beat one frame at a time
with more intra-op threads (see docs/ARCHITECTURE.md, "Frames in flight").
Frames may finish out of order; each carries a sequence number, given at dispatch
under one lock, and the output stage puts them back in order. A processor
that keeps state between frames gets them one at a time, in order, through
its :class:`~vision_desk.pipeline.slots.OrderGate`.

Dispatch is also where the playback rules meet a frame: a frame read before
a seek is dropped, one that arrives after a pause is held back (see
:mod:`~vision_desk.pipeline.transport`), and a re-run marker becomes a copy of
the frame dispatched just before it.
"""
from __future__ import annotations

import dataclasses
import threading
import time
from collections.abc import Callable


from vision_desk.errors import ProcessorError
from vision_desk.pipeline.events import EventKind, PipelineEvent
from vision_desk.pipeline.output import OutputStage
from vision_desk.pipeline.processor_set import ActiveProcessor, ProcessorSet
from vision_desk.pipeline.slots import Channel, ChannelClosed, GateClosed
from vision_desk.pipeline.stats import StatsCollector
from vision_desk.pipeline.transport import Captured, Demand, Transport
from vision_desk.pipeline.types import Processed
from vision_desk.results import Result

ERROR_EVENT_INTERVAL_S = 1.0  # a processor failing on every frame emits at most one event per second

Chain = tuple[tuple[ActiveProcessor, bool], ...]


class ProcessingStage:
    """``workers`` threads each run :meth:`run`.

    Live sources keep ``live_inflight`` frames in flight (at most ``workers``; by default one, see
    :class:`~vision_desk.pipeline.pipeline.Pipeline`); with more than one they are staggered: a frame starts
    no sooner than a chain time / frames in flight after the previous one, so results come out evenly
    spaced and each frame is the newest when it starts (latency stays about one chain time), instead of
    all in flight starting on consecutive camera frames and finishing together.
    """

    def __init__(self, frames: Channel[Captured], transport: Transport, demand: Demand, procs: ProcessorSet,
                 stats: StatsCollector, output: OutputStage, stop: threading.Event,
                 emit: Callable[[PipelineEvent], None], workers: int) -> None:
        self._input = frames
        self._transport = transport
        self._demand = demand
        self._procs = procs
        self._stats = stats
        self._output = output
        self._stop = stop
        self._emit = emit
        self.workers = workers
        self.live = False
        self.live_inflight = workers
        # Set once the source is open and its mode applied: until then a thread takes no slot, or all of them
        # would wait for a frame under the file limit and a live source would start with several in flight.
        self._mode_known = threading.Event()
        self._next_start = 0.0  # live: the earliest perf_counter() the next frame may start at
        self._chain_s = 0.0  # live: recent time of the whole chain on one frame (moving average)
        self._dispatch_lock = threading.Lock()
        self._slots = threading.Condition()
        self._in_flight = 0
        self._next_seq = 0
        self._last_dispatched: Captured | None = None  # what a re-run while paused runs again
        self._workers_left = workers
        self._last_error_event: dict[str, float] = {}

    def set_live(self, on: bool) -> None:
        self.live = on
        self._mode_known.set()
        self.wake()

    def wake(self) -> None:
        with self._slots:
            self._slots.notify_all()

    def _limit(self) -> int:
        return max(1, min(self.live_inflight, self.workers)) if self.live else self.workers

    def run(self) -> None:
        """One processing thread: until the input ends or the pipeline stops."""
        try:
            while not self._mode_known.wait(0.2):
                if self._stop.is_set():
                    return
                if self._input.closed:  # the source never opened: nothing will come (dispatch says so)
                    break
            while not self._stop.is_set():
                with self._slots:
                    while self._in_flight >= self._limit() and not self._stop.is_set():
                        self._slots.wait(0.2)
                    if self._stop.is_set():
                        return
                    self._in_flight += 1
                    start_at = self._stagger()
                try:
                    if start_at > 0 and self._stop.wait(max(0.0, start_at - time.perf_counter())):
                        return
                    job = self._dispatch()
                    if job is None:
                        return
                    seq, item, chain = job
                    processed = self._run_chain(seq, item, chain)
                    if processed is None:
                        return
                    self._output.deliver(seq, processed)
                finally:
                    with self._slots:
                        self._in_flight -= 1
                        self._slots.notify_all()
        finally:
            with self._slots:
                self._workers_left -= 1
                last = self._workers_left == 0
            if last:
                self._output.no_more_results(self._next_seq)

    def _stagger(self) -> float:
        """Live mode with several frames in flight: when this thread may start (0: at once). Under _slots."""
        limit = self._limit()
        if not self.live or limit < 2 or self._chain_s <= 0:
            return 0.0
        now = time.perf_counter()
        start_at = max(now, self._next_start)
        self._next_start = start_at + self._chain_s / limit
        return start_at

    def _dispatch(self) -> tuple[int, Captured, Chain] | None:
        self._demand.enter()
        served = False
        try:
            with self._dispatch_lock:
                while True:
                    if self._stop.is_set():
                        return None
                    try:
                        item = self._input.get(timeout=0.2)
                    except TimeoutError:
                        continue
                    except ChannelClosed:
                        return None
                    if item.frame is None:  # a re-run: the frame dispatched last (the one shown), stamped now
                        self._transport.redo_dequeued()
                        last = self._last_dispatched
                        served = last is not None and last.frame is not None
                        self._demand.took(served)
                        if not served:
                            continue
                        frame = dataclasses.replace(last.frame, timestamp=time.perf_counter())
                        item = Captured(frame, 0.0, last.order, last.epoch, repeat=True)
                        break
                    # Refused: read before a seek (dropped), or after a pause (held for later).
                    served = self._transport.admit(item)
                    self._demand.took(served)
                    if served:
                        self._last_dispatched = item
                        break
                seq = self._next_seq
                self._next_seq += 1
                return seq, item, self._procs.chain(seq)
        finally:
            if not served:
                self._demand.leave()

    def _run_chain(self, seq: int, item: Captured, chain: Chain) -> Processed | None:
        frame = item.frame
        assert frame is not None
        image = frame.image
        results: dict[str, Result] = {}
        errors: dict[str, BaseException] = {}
        stage_ms: dict[str, float] = {"read": item.read_ms}
        for act, exclusive in chain:
            try:
                assert act.gate is not None
                with act.gate.turn(seq, exclusive):
                    t0 = time.perf_counter()
                    try:
                        # Analyzers see the original frame; a transform works on the previous transform's output.
                        src = image if act.is_transform else frame.image
                        # A processor may read what ran before it on this frame (superres follows a face).
                        res = act.proc.process(src, results) if act.reads_results else act.proc.process(src)
                        results[act.name] = res
                        if act.is_transform:
                            image = res.image
                    except Exception as exc:
                        errors[act.name] = exc
                        self._processor_failed(act.name, exc)
                    stage_ms[act.name] = (time.perf_counter() - t0) * 1000
            except GateClosed:
                return None
        self._stats.on_processed(stage_ms, len(errors))
        chain_s = sum(v for k, v in stage_ms.items() if k != "read") / 1000
        self._chain_s = chain_s if self._chain_s <= 0 else 0.8 * self._chain_s + 0.2 * chain_s
        return Processed(seq, frame, image, results, errors, stage_ms, repeat=item.repeat)

    def _processor_failed(self, name: str, exc: BaseException) -> None:
        now = time.monotonic()
        if now - self._last_error_event.get(name, -1e9) >= ERROR_EVENT_INTERVAL_S:
            self._last_error_event[name] = now
            error = ProcessorError(name, exc, on_frame=True)
            self._emit(PipelineEvent.failure(EventKind.PROCESSOR_ERROR, error, name))
