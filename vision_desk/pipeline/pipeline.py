"""The capture -> processing -> output pipeline, on plain threads (no Qt).

::

    capture thread --Frame--> Channel --> processing thread(s) --> reorder --> output thread --> writer thread
      source.read()        live: latest wins    run the chain       by seq    annotate, HUD,       sinks
      pacing, seek, loop   files: back-pressure  on one frame                  on_result

Why these threads: reading (decode), inference and writing (encode) each
take a few milliseconds that would add up on one thread; on their own threads
they overlap, and numpy/OpenCV/onnxruntime release the GIL while they work.

Live sources (``Mode.LIVE``): a one-slot channel where the newest frame
replaces the waiting one (the replaced frame is counted as dropped) and, by
default, one frame in flight whose models run on every core's threads (threads
per mode), so every core works on the newest frame and the picture is never
older than one processing time plus one frame interval. With a thread count
chosen (``--threads``), live frames are staggered instead: as many in flight as
for files, each started a processing time / frames in flight after the one
before, always on the newest frame. Files (``Mode.LOSSLESS``): a bounded queue with back-pressure
and ``inflight`` frames processed at once by as many threads, each running the
whole chain on its frame (:mod:`~vision_desk.pipeline.processing`); results
are put back in frame order before drawing and writing. Files played for
viewing (``Mode.REALTIME``): reading is paced at the file's rate, and a frame
is read only when a processing thread is free for it, so when the processors
are slower than the file the picture lags by about one processing time, not
by a queue of frames. Pause, step, seek, loop, pacing and re-running the
paused frame after a change live in :mod:`~vision_desk.pipeline.transport`.

Stopping is cooperative: a stop event, closable channels and gates wake every
waiting thread; joins have timeouts, so :meth:`Pipeline.stop` returns promptly
even when a model is still loading (that daemon thread ends when its load does).
"""
from __future__ import annotations

import contextlib
import os
import threading
import time
import traceback
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from vision_desk import runtime
from vision_desk.errors import SourceError, VisionDeskError, caused_by, typed_line
from vision_desk.frame_stats import Stats
from vision_desk.pipeline.events import LIVE_STATES, EventKind, Mode, PipelineEvent, PipelineState
from vision_desk.pipeline.options import PipelineOptions
from vision_desk.pipeline.output import WRITE_QUEUE, OutputStage
from vision_desk.pipeline.processing import ProcessingStage
from vision_desk.pipeline.processor_set import ProcessorFactory, ProcessorSet
from vision_desk.pipeline.sinks import Sink
from vision_desk.pipeline.slots import Channel
from vision_desk.pipeline.stats import RunSummary, StatsCollector
from vision_desk.pipeline.transport import Captured, Demand, Transport
from vision_desk.pipeline.types import FrameResult
from vision_desk.sources.base import Source, SourceInfo

if TYPE_CHECKING:
    from vision_desk.processors.base import Processor

__all__ = ["EventKind", "Mode", "Pipeline", "PipelineEvent", "PipelineOptions", "PipelineState", "default_inflight"]

QUEUE_FRAMES = 8  # lossless input queue: enough to ride out a slow frame, little memory at 1080p (6 MB each)
# Each queue between the stages holds at most this many bytes of pictures (and at least 2 frames), so that
# memory does not grow with the frame size either: 8 frames of 1080p, 2 of 4K (25 MB each).
QUEUE_BYTES = 48 * 2**20
# Real time: reading is paced and on demand, so a deeper queue would only add latency when processing is
# slower than the file (8 frames at 4 fps = 2 s behind, and Pause waited for all of them).
REALTIME_QUEUE_FRAMES = 1
LOADER_JOIN_S = 0.2  # stop(): how long to wait for a model load in progress (it cannot be interrupted)


def default_inflight(config: runtime.RuntimeConfig) -> int:
    """Frames processed at once for files: about one per core, given each session's intra-op threads.

    Measured on a 2-core machine (SSDLite): 2 frames in flight with 1 thread each
    beat 1 frame with 2 threads by ~15%; 3 in flight gained nothing more.
    """
    cores = os.cpu_count() or 2
    return max(1, min(4, cores // max(1, config.intra_threads)))


def frames_in_budget(frame_bytes: int, most: int = QUEUE_FRAMES) -> int:
    """How many frames of ``frame_bytes`` a queue between two stages may hold (2..``most``)."""
    return max(2, min(most, QUEUE_BYTES // max(1, frame_bytes)))


def queue_frames(mode: Mode, frame_bytes: int = 0) -> int:
    """Frames the input queue holds in ``mode`` (live: the newest only; files: fewer when frames are big)."""
    if mode == Mode.LOSSLESS:
        return frames_in_budget(frame_bytes) if frame_bytes else QUEUE_FRAMES
    return REALTIME_QUEUE_FRAMES if mode == Mode.REALTIME else 1


class Pipeline:
    """Source -> processors -> annotators (+HUD) -> on_result and sinks. See the module docstring."""

    def __init__(self, source: Source, processors: Sequence[str] = (), options: PipelineOptions | None = None, *,
                 sinks: Sequence[Sink] = (),
                 on_result: Callable[[FrameResult], None] | None = None,
                 on_event: Callable[[PipelineEvent], None] | None = None,
                 factory: ProcessorFactory | Mapping[str, type] | None = None,
                 **option_changes: Any) -> None:
        """``options`` (:class:`PipelineOptions`) tunes the run; keyword arguments named like its fields
        change single ones (``Pipeline(src, ["objects"], hud=True)``). The fields:

        ``mode``: None picks it when the source opens: LIVE for a live source, else ``file_mode``
        (the window plays files in REALTIME, with ``skip_late_frames``: see the attribute).
        ``start_at``/``paused``: a seekable source starts at this frame, and paused on it (shown, then
        held), as the window reopens a file where it was; set before the first frame is read.
        ``inflight``: frames processed at once in lossless/realtime modes (default
        :func:`default_inflight` of ``runtime_config``). ``live_inflight``: frames in flight for live
        sources, staggered (1 = one at a time). Threads per mode: a source known to be live before it
        opens (``mode=LIVE``, or :meth:`Source.expected_live`) gets sessions on every core's threads
        (:meth:`RuntimeConfig.for_live`) and one frame in flight by default; with ``--threads`` chosen,
        or a source that only turns out live on opening (an http URL), live frames are staggered
        ``inflight`` at a time on those threads. ``max_frames``: end after
        delivering this many frames (exactly; the run then finishes like a file that ended).
        ``wait_for_models``: hold the first frame until the initial processors are loaded, so every
        frame gets every processor (default: yes for files, no for live sources, whose picture
        should appear at once; `vision-desk process` waits for live input too).
        ``settings``: per processor, ``name=value`` options (validated here, once) or a settings
        dataclass the schema made (held as it is).
        ``runtime_config``: device, threads and precision for the processors' sessions, from the command
        or the window (default: ``RuntimeConfig()``, i.e. ``--device auto``).

        ``factory``: makes the processors (default: the built-in registry); a batch worker's warm pool
        lends its loaded models through it, tests give a mapping of fake classes by name (``registry=``
        is the older name of that mapping)."""
        if "registry" in option_changes:
            factory = option_changes.pop("registry")
        opts = PipelineOptions.of(options, **option_changes)
        self.options = opts
        mode, file_mode, start_at, paused = opts.mode, opts.file_mode, opts.start_at, opts.paused
        settings, hud, loop, inflight = opts.settings, opts.hud, opts.loop, opts.inflight
        live_inflight, max_frames, wait_for_models = opts.live_inflight, opts.max_frames, opts.wait_for_models
        runtime_config, skip_late_frames = opts.runtime_config, opts.skip_late_frames
        self._source = source
        self._mode_requested = Mode(mode) if mode is not None else None
        # Real time (the window's choice): skip frames the processors cannot keep up with (counted as dropped)
        # so a file keeps its own clock like a camera; off, REALTIME paces every frame (slow motion).
        self.skip_late_frames = skip_late_frames
        self._file_mode = Mode(file_mode)
        self._start_at = max(0, int(start_at))
        self._start_paused = bool(paused)
        self._mode = self._mode_requested or Mode.LOSSLESS
        self._on_event = on_event
        self._runtime = runtime_config if runtime_config is not None else runtime.RuntimeConfig()
        live = self._mode_requested == Mode.LIVE if self._mode_requested is not None else source.expected_live()
        # Threads per mode (see the docstring): decided now, because the models load while the source opens.
        threads_per_mode = bool(live) and self._runtime.threads is None
        if threads_per_mode:
            self._runtime = self._runtime.for_live()
        self._inflight_max = max(1, inflight if inflight is not None else default_inflight(self._runtime))
        self._stop = threading.Event()
        self._finished = threading.Event()
        self._state = PipelineState.IDLE
        self._state_lock = threading.Lock()
        self._info: SourceInfo | None = None
        self._frame_bytes = 0  # one frame's pixels, known once the source is open (sizes the queues)
        self.error: VisionDeskError | None = None  # what faulted the pipeline, if anything
        self._procs = ProcessorSet(self._emit, factory, settings, self._runtime)
        self._procs.set_wanted(list(processors), initial=True)
        self._stats = StatsCollector()  # provider line filled in on the capture thread (a CUDA probe can take a while)
        self._input: Channel[Captured] = Channel(QUEUE_FRAMES)
        self._max_frames = max_frames if max_frames and max_frames > 0 else None
        self._wait_for_models = wait_for_models
        self._output = OutputStage(self._procs, self._stats, self._emit, hud=hud, sinks=sinks,
                                   on_result=on_result, limit=self._max_frames, workers=self._inflight_max)
        self._transport = Transport(self._stop, loop)  # pause, step, seek, loop, pacing (files)
        self._warned: set[str] = set()  # source warnings already reported
        self._demand = Demand()  # real time: a frame is read when a processing thread is free for it
        self._processing = ProcessingStage(self._input, self._transport, self._demand, self._procs, self._stats,
                                           self._output, self._stop, self._emit, self._inflight_max)
        if live_inflight is None:
            live_inflight = 1 if threads_per_mode else self._inflight_max
        self._processing.live_inflight = max(1, live_inflight)
        self._threads: list[threading.Thread] = []

    # --- public state --------------------------------------------------------------
    @property
    def state(self) -> PipelineState:
        return self._state

    def _set_state(self, state: PipelineState, only_from: Sequence[PipelineState] | None = None) -> None:
        with self._state_lock:
            if only_from is None or self._state in only_from:
                self._state = state

    @property
    def source_info(self) -> SourceInfo | None:
        return self._info

    @property
    def mode(self) -> Mode:
        return self._mode

    @property
    def runtime_config(self) -> runtime.RuntimeConfig:
        """What the processors' sessions run with: the one given, with the threads chosen for the mode."""
        return self._runtime

    @property
    def stats(self) -> Stats:
        latest = self._output.latest
        return latest.stats if latest is not None else self._stats.snapshot()

    def latest(self) -> FrameResult | None:
        return self._output.latest

    def summary(self) -> RunSummary:
        """Whole-run figures (frames, FPS, per-stage medians, drops, errors) for a final report."""
        return self._stats.summary()

    @property
    def processors(self) -> list[str]:
        """The wanted processors, in chain order (some may still be loading)."""
        return self._procs.wanted

    # --- lifecycle -----------------------------------------------------------------
    def start(self) -> None:
        if self._state != PipelineState.IDLE:
            raise RuntimeError(f"pipeline already {self._state}")
        self._set_state(PipelineState.STARTING)
        self._procs.start()
        self._spawn(self._capture_loop, "vd-capture")
        for i in range(self._processing.workers):
            self._spawn(self._processing.run, f"vd-process-{i}")
        self._spawn(self._output.run_output, "vd-output")
        self._spawn(self._output.run_writer, "vd-writer")
        self._spawn(self._watch_end, "vd-watch")

    def _spawn(self, target: Callable[[], None], name: str) -> None:
        t = threading.Thread(target=target, name=name, daemon=True)
        self._threads.append(t)
        t.start()

    def stop(self, timeout: float = 5.0) -> None:
        """Stop every thread (joined with ``timeout`` overall), close the source, finalize sinks."""
        if self._state == PipelineState.IDLE:
            self._set_state(PipelineState.STOPPED)
            self._output.close_sinks()
            return
        finished = self._finished.is_set()
        self._set_state(PipelineState.STOPPING, only_from=LIVE_STATES)
        deadline = time.monotonic() + timeout
        self._stop.set()
        self._transport.wake()
        self._demand.wake()
        self._input.abort()
        self._procs.close_gates()
        self._processing.wake()
        self._output.stop()  # stops drawing at once; the writer finishes the frames already queued
        me = threading.current_thread()
        for t in self._threads:
            if t is not me:  # stop() called from a pipeline callback must not join its own thread
                t.join(max(0.0, deadline - time.monotonic()))
        # A model load cannot be interrupted: give the loader a moment, not the whole timeout; a load
        # still running finishes on its daemon thread, which then discards the model and ends.
        self._procs.stop(min(LOADER_JOIN_S, max(0.0, deadline - time.monotonic())))
        self._output.close_sinks()
        if not any(t.is_alive() for t in self._threads if t.name.startswith("vd-process")):
            self._procs.close_all()  # release the models (none is in use any more)
        if not finished:
            self._set_state(PipelineState.STOPPED, only_from=(PipelineState.STOPPING,))
        left = [t.name for t in self._threads if t.is_alive() and t is not me]
        msg = "stopped" if not left else f"stopped (still finishing: {', '.join(left)})"
        self._emit(PipelineEvent(EventKind.STOPPED, msg))

    def wait_for_model_loads(self, timeout: float) -> bool:
        """After :meth:`stop`: wait until a model load still in progress has returned.

        A command that exits right after a failed start must call this: the interpreter ending while
        onnxruntime is still building a session on the daemon loader thread aborts the process (exit 134,
        and the one-line error, written while the load held the console, was lost)."""
        return self._procs.join_loader(timeout)

    def wait(self, timeout: float | None = None) -> bool:
        """True once a finite source is fully processed and its outputs flushed (or the pipeline ended)."""
        return self._finished.wait(timeout)

    # --- live changes ----------------------------------------------------------------
    # While paused, each change runs the chain again on the frame shown, so its effect is seen at once.
    def set_processors(self, names: Sequence[str]) -> None:
        self._procs.set_wanted(list(names))
        self._transport.request_redo()

    def change_settings(self, name: str, **changes: Any) -> Any:
        """Validate ``name=value`` changes of one processor (SettingsError at once) and use them."""
        new = self._procs.change_settings(name, **changes)
        self._transport.request_redo()
        return new

    def use_settings(self, name: str, settings: Any) -> None:
        """Use a processor's settings validated already (the window's controller holds them)."""
        self._procs.set_settings(name, settings)
        self._transport.request_redo()

    def processor_settings(self, name: str) -> Any:
        return self._procs.settings_of(name)

    def processor_instance(self, name: str) -> Processor | None:
        """The loaded processor object serving ``name`` now (None while loading or when off)."""
        return self._procs.instance(name)

    def set_hud(self, on: bool) -> None:
        self._output.hud_on = bool(on)
        self._transport.request_redo()

    def set_display_size(self, size: tuple[int, int] | None) -> None:
        """The pixels the window shows the picture in: lecture views are laid out at that size for the screen
        (recordings keep the frame's size). None: the frame's size."""
        changed = self._output.display_size != size
        self._output.display_size = size
        if changed and size is not None:
            self._transport.request_redo()  # a paused frame is laid out again at the new size

    def add_sink(self, sink: Sink) -> None:
        self._output.add_sink(sink)  # opened by the writer at its first frame, with the source info then known

    def remove_sink(self, sink: Sink) -> None:
        self._output.remove_sink(sink)

    def set_paused(self, paused: bool) -> None:
        """Pause at once: frames not yet started wait (none is lost); those inside the processors finish."""
        self._transport.set_paused(paused)
        self._set_state(PipelineState.PAUSED if paused else PipelineState.RUNNING,
                        only_from=(PipelineState.RUNNING, PipelineState.PAUSED))

    def step(self) -> None:
        """While paused: let exactly one more frame through."""
        self._transport.step()

    def seek(self, index: int) -> None:
        """Jump to a frame (seekable sources); frames read but not yet processed are discarded."""
        if self._info is not None and not self._info.seekable:
            raise SourceError(f"{self._info.description} cannot seek")
        self._transport.seek(index)

    def set_loop(self, on: bool) -> None:
        self._transport.set_loop(on)

    def set_file_mode(self, mode: Mode, skip_late_frames: bool = False) -> None:
        """How a file plays (the window's real-time switch): now when a file is open, else from when it
        opens (a live source keeps LIVE). See ``file_mode``/``skip_late_frames`` in the constructor."""
        self._file_mode = Mode(mode)  # (written before _info is read: a source opening now sees it)
        self.skip_late_frames = bool(skip_late_frames)
        info = self._info
        if info is not None and not info.is_live:
            self.set_mode(self._file_mode)

    def set_mode(self, mode: Mode) -> None:
        self._mode_requested = Mode(mode)
        self._apply_mode(Mode(mode))

    def _apply_mode(self, mode: Mode) -> None:
        self._mode = mode
        live = mode == Mode.LIVE
        dropped = self._input.set_policy(queue_frames(mode, self._frame_bytes), drop_oldest=live)
        if dropped:
            self._demand.removed(len(dropped))
            self._stats.on_dropped(len(dropped))
        if not live:
            self._transport.request_reclaim()  # frames beyond a smaller queue go back, to be sent in order
        self._transport.restart_pace()
        self._processing.set_live(live)

    # --- events ----------------------------------------------------------------------
    def _emit(self, event: PipelineEvent) -> None:
        if event.kind == EventKind.LOADED:  # a processor switched on (or reloaded) while paused: show it at once
            self._transport.request_redo()
        if self._on_event is None:
            return
        try:
            self._on_event(event)
        except Exception:  # the owner's callback must not kill a pipeline thread
            traceback.print_exc()

    def _fault(self, error: VisionDeskError, kind: EventKind = EventKind.ERROR) -> None:
        if self.error is None:
            self.error = error
        self._set_state(PipelineState.FAULTED, only_from=LIVE_STATES)
        self._emit(PipelineEvent.failure(kind, error))

    # --- capture thread ----------------------------------------------------------------
    def _capture_loop(self) -> None:
        try:
            self._capture()
        except SourceError as exc:
            self._fault(exc, EventKind.SOURCE_LOST if self._info is not None else EventKind.ERROR)
        except VisionDeskError as exc:
            self._fault(exc)
        except Exception as exc:  # a bug: fault with a message instead of a silent dead thread
            traceback.print_exc()
            self._fault(caused_by(VisionDeskError(f"capture failed: {typed_line(exc)}"), exc))
        finally:
            self._input.close()
            with contextlib.suppress(Exception):
                self._source.close()

    def _capture(self) -> None:
        self._stats.provider = runtime.describe_device(self._runtime)
        info = self._source.open()
        self._info = info
        self._frame_bytes = max(0, info.width * info.height * 3)
        self._output.set_source_info(info, write_queue=frames_in_budget(self._frame_bytes, WRITE_QUEUE),
                                     window=max(self._inflight_max, frames_in_budget(self._frame_bytes)))
        if self._mode_requested is None:
            self._apply_mode(Mode.LIVE if info.is_live else self._file_mode)
        else:
            self._apply_mode(self._mode_requested)
        if info.seekable:  # the start position and paused state asked for, before the first read
            if self._start_at:
                self._transport.seek(self._start_at)
            if self._start_paused:
                self._transport.set_paused(True)
                self._transport.step()  # show the first frame, then hold
        self._emit(PipelineEvent(EventKind.SOURCE_OPENED, f"opened {info.description}"))
        self._report_warnings()  # e.g. files in a folder that are not pictures
        wait = self._wait_for_models if self._wait_for_models is not None else not info.is_live
        if wait and not self._wait_initial_loads():
            return
        self._set_state(PipelineState.PAUSED if self._transport.paused else PipelineState.RUNNING,
                        only_from=(PipelineState.STARTING,))
        tr = self._transport
        captured = 0
        while not self._stop.is_set():
            if self._max_frames is not None and (self._output.limit_reached.is_set() or (
                    self._mode != Mode.LIVE and captured >= self._max_frames)):
                self._emit(PipelineEvent(EventKind.SOURCE_ENDED, f"stopped after {self._max_frames} frames"))
                return
            cmd = tr.next()
            if cmd.seek is not None:
                self._source.seek(cmd.seek)
                self._demand.removed(len(self._input.clear()))
                tr.redo_dequeued()
            if cmd.reclaim:
                taken = self._input.clear()
                self._demand.removed(len(taken))
                tr.hold(taken)
                tr.redo_dequeued()
            if cmd.redo and tr.queue_redo():  # one waiting re-run is enough: it uses the newest settings
                self._put(Captured(None, repeat=True))
            if not cmd.read:
                continue
            if self._mode == Mode.REALTIME and not self._demand.wait_free(0.05):
                tr.give_back_step(cmd)  # not read now: the step (if it was one) is still owed
                continue
            item = tr.take_held(cmd.step)
            if item is None:
                t0 = time.perf_counter()
                frame = self._source.read()
                read_ms = (time.perf_counter() - t0) * 1000
                self._report_warnings()
                if frame is None:
                    if tr.loop and info.seekable and not self._stop.is_set():
                        self._source.seek(0)
                        tr.restart_pace()
                        continue
                    self._emit(PipelineEvent(EventKind.SOURCE_ENDED, self._end_message(info)))
                    return
                if (self.skip_late_frames and self._mode == Mode.REALTIME and info.fps > 0 and not cmd.step
                        and tr.behind(frame.pts_ms, 1000.0 / info.fps)):
                    self._stats.on_dropped(1)  # real time keeps the file's clock: a late frame is skipped
                    continue
                self._stats.on_capture(read_ms)
                captured += 1
                item = Captured(frame, read_ms, captured, tr.epoch, step=cmd.step)
            if self._mode == Mode.REALTIME and info.fps > 0:
                tr.pace(item.frame.pts_ms)  # type: ignore[union-attr]
            self._put(item)
            self._stats.set_source_dropped(getattr(self._source, "dropped", 0) or 0)

    def _put(self, item: Captured) -> None:
        self._demand.adding()
        dropped = self._input.put(item)  # live: pushes out the frame still waiting
        if dropped:
            self._demand.removed(len(dropped))
            self._stats.on_dropped(len(dropped))

    def _report_warnings(self) -> None:
        """A source's new warnings (a truncated video, pictures skipped in a folder), each once."""
        try:
            warnings = self._source.warnings
        except Exception:
            return
        for text in warnings:
            if text not in self._warned:
                self._warned.add(text)
                self._emit(PipelineEvent(EventKind.WARNING, str(text)))

    def _end_message(self, info: SourceInfo) -> str:
        """'end of video cut.mp4', with what went wrong on the way (already sent as warnings too)."""
        msg = f"end of {info.description}"
        return f"{msg}: {'; '.join(sorted(self._warned))}" if self._warned else msg

    def _wait_initial_loads(self) -> bool:
        """Every frame gets every processor, so wait for the first models; a load failure ends the run."""
        outcome = self._procs.initial
        while not outcome.done.wait(0.1):
            if self._stop.is_set():
                return False
        if outcome.failures and not self._stop.is_set():
            self._fault(outcome.failures[0])
            return False
        return not self._stop.is_set()

    # --- end of stream ----------------------------------------------------------------
    def _watch_end(self) -> None:
        """Marks the pipeline finished once every thread that carries frames has ended by itself."""
        self._output.wait_done(self._stop)
        if self._stop.is_set():
            self._finished.set()
            return
        self._output.close_sinks()
        self._set_state(PipelineState.FINISHED, only_from=LIVE_STATES)  # a faulted run stays faulted
        self._finished.set()
