"""The window's one link to the pipeline: owns it, and turns its callbacks into Qt signals.

Why this layer: the pipeline is Qt-free and calls back on its own threads; the
widgets must only be touched on the GUI thread. The controller

- keeps the newest FrameResult under a lock (the pipeline's output thread
  writes it, nothing else happens there) and a display timer on the GUI thread
  hands it to the view at display rate: processing and painting never wait for
  each other;
- re-emits pipeline events as signals (queued across threads by Qt);
- does everything that may block (stopping a pipeline, finalizing a
  recording, listing cameras, writing snapshots) on worker threads, so the
  event loop never stalls.

If the pipeline's API changes, only this module changes.
"""
from __future__ import annotations

import dataclasses
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

from PySide6.QtCore import QObject, QTimer, Signal

from vision_desk import registry
from vision_desk import runtime
from vision_desk.errors import OutputError, SettingsError, VisionDeskError
from vision_desk.gui import outputs
from vision_desk.gui.i18n import translate
from vision_desk.i18n import translate_message
from vision_desk.gui.pacing import FramePacer
from vision_desk.gui.workers import GuiThread, in_background
from vision_desk.pipeline.events import EventKind, Mode, PipelineEvent, PipelineState
from vision_desk.pipeline.types import FrameResult
from vision_desk.processors import settings as settings_mod
from vision_desk.sources.camera import ALTERNATIVES_HINT
from vision_desk.sources.mirror import MirroredSource
from vision_desk.sources.stream import redact

if TYPE_CHECKING:
    from vision_desk.pipeline.pipeline import Pipeline
    from vision_desk.sources.base import SourceInfo

DISPLAY_INTERVAL_MS = 15  # ~60 Hz polling; a frame is painted only when a new one arrived


def _jsonable(value: Any) -> Any:
    return value if isinstance(value, (bool, int, float, str)) or value is None else str(value)


SLIDE_S = 4.0  # an image folder: seconds per picture while playing


class Controller(QObject):
    frameReady = Signal(object)  # FrameResult, on the GUI thread, at most once per display tick
    sourceOpened = Signal(object)  # SourceInfo
    sourceEnded = Signal()
    sourceChanged = Signal(str)  # spec being opened
    loadingChanged = Signal(str, bool)  # processor, loading
    error = Signal(object)  # for the banner: the exception itself, or a message composed already (str)
    notice = Signal(str)  # information for the banner (not an error)
    recordingChanged = Signal(bool, str)  # recording, path of the video (or "")
    snapshotSaved = Signal(list)  # paths written
    deviceDescribed = Signal(str)
    camerasListed = Signal(list)  # list of CameraInfo (or an empty list)
    stateChanged = Signal(str)  # the EventKind's value
    processorDropped = Signal(str)  # a processor whose model failed to load was switched off

    def __init__(self, settings: dict[str, dict[str, Any]] | None = None, parent: QObject | None = None, *,
                 runtime_config: runtime.RuntimeConfig | None = None) -> None:
        """``settings``: name=value per processor (saved, or from the command line), validated here once;
        ``runtime_config``: the device, threads and precision (the command's; default ``RuntimeConfig()``)."""
        super().__init__(parent)
        self._lock = threading.Lock()
        self._latest: FrameResult | None = None
        self._pacer = FramePacer()  # what the display timer paints next
        self._generation = 0
        self._pipeline: Pipeline | None = None
        self._source: MirroredSource | None = None
        self._spec = ""
        self._fallback: str | None = None
        self._opened = False
        self._processors: list[str] = []
        # Each processor's settings as the schema validated them (only those set; the others are defaults).
        # A saved value no longer valid is kept aside: processor_settings() raises it until reset_settings().
        self._settings: dict[str, Any] = {}
        self._rejected: dict[str, SettingsError] = {}
        for name, values in (settings or {}).items():
            try:
                self._settings[name] = settings_mod.update(self._settings_type(name)(), name, **dict(values))
            except SettingsError as exc:
                self._rejected[name] = exc
        self._runtime = runtime_config if runtime_config is not None else runtime.RuntimeConfig()
        self._mirrored = False
        self._hud = False
        self._display_size: tuple[int, int] | None = None  # the view's pixels: lecture views are laid out there
        self._loop = False
        self._realtime = True
        self._paused = False
        # While paused, the only frame the display takes (None: any). Frames already inside the processors
        # when Space was pressed finish later: shown, they moved the picture after the pause, and a step
        # then came after them (339 -> 351 instead of 340).
        self._hold_index: int | None = None
        self._shown_index: int | None = None  # the frame index last handed to the view
        self._finished = False
        self._recording: list[Any] = []
        self._record_path: Path | None = None
        self._closed = False
        # Stops and starts happen in order on one thread; other slow jobs on another.
        self._lifecycle = ThreadPoolExecutor(1, thread_name_prefix="vd-lifecycle")
        self._jobs = ThreadPoolExecutor(2, thread_name_prefix="vd-jobs")
        self._gui = GuiThread(self)  # runs callables on the GUI thread (from worker threads)
        self._timer = QTimer(self)
        self._timer.setInterval(DISPLAY_INTERVAL_MS)
        self._timer.timeout.connect(self._display_tick)
        self._timer.start()

    # --- state the window reads -----------------------------------------------------
    @property
    def pipeline(self) -> Pipeline | None:
        return self._pipeline

    @property
    def source_spec(self) -> str:
        return self._spec

    @property
    def source_info(self) -> SourceInfo | None:
        p = self._pipeline
        return p.source_info if p is not None else None

    @property
    def processors(self) -> list[str]:
        return list(self._processors)

    @property
    def recording(self) -> bool:
        return bool(self._recording)

    @property
    def paused(self) -> bool:
        return self._paused

    def latest(self) -> FrameResult | None:
        with self._lock:
            return self._latest

    def changed_settings(self, name: str) -> dict[str, Any]:
        """The settings of one processor that differ from its defaults (what is worth saving)."""
        current = self.processor_settings(name)
        defaults = type(current)()
        return {info.name: _jsonable(getattr(current, info.name)) for info in settings_mod.describe(type(current))
                if getattr(current, info.name) != getattr(defaults, info.name)}

    def processor_settings(self, name: str) -> Any:
        """The current settings dataclass of a processor, active or not (SettingsError: a saved value
        that is no longer valid, until :meth:`reset_settings`)."""
        if name in self._rejected:
            raise self._rejected[name]
        held = self._settings.get(name)
        return held if held is not None else self._settings_type(name)()

    @staticmethod
    def _settings_type(name: str) -> type:
        return registry.processor_class(name).settings_type

    # --- sources ---------------------------------------------------------------------
    def open_source(self, spec: str, *, fallback: str | None = None, seek_to: int | None = None,
                    paused: bool = False) -> None:
        """Open ``spec`` (replacing the current source); if it fails before its first frame, open ``fallback``.
        A file starts at frame ``seek_to``, and ``paused`` on it (the pipeline is built that way).

        The old pipeline is stopped and the new one built and started on the
        lifecycle thread: stopping joins threads and building one asks the
        runtime about the device, neither of which may stall the window.
        """
        from vision_desk.sources import open_source

        if self._closed:
            return
        spec = spec.strip()
        try:
            # Not opened yet: cheap, raises at once for a spec that cannot be a source.
            # repeat=True keeps a single picture on screen so processors can be toggled on it; a folder is a
            # slide show (a picture every few seconds, "2 / 5", step and seek by picture), not a 30 fps flicker.
            inner = open_source(spec, repeat=True, per_picture_s=SLIDE_S)
        except VisionDeskError as exc:
            if fallback and fallback != spec:
                self.notice.emit(translate("Controller", "Could not open {spec}: playing the bundled sample clip instead. ({error})").format(spec=redact(spec), error=exc))
                self.open_source(fallback)
            else:
                self.error.emit(exc)
            return
        if self._recording:
            self.stop_recording()
        old, self._pipeline = self._pipeline, None
        self._generation += 1
        gen = self._generation
        source = self._source = MirroredSource(inner, self._mirrored)
        self._spec, self._fallback, self._opened, self._paused = spec, fallback, False, paused
        self._shown_index, self._hold_index = None, ((seek_to or 0) if paused else None)
        self._finished = False
        with self._lock:
            self._latest = None
        self._pacer.clear()
        self.sourceChanged.emit(spec)
        start_at = seek_to or 0
        self._submit(self._lifecycle, self._guard(lambda: self._switch(gen, old, source, start_at, paused)))

    def _switch(self, gen: int, old: Pipeline | None, source: MirroredSource, start_at: int,
                paused: bool) -> None:  # lifecycle thread
        from vision_desk.pipeline.pipeline import Pipeline

        if old is not None:
            old.stop()
        if gen != self._generation:  # replaced again before it started
            return
        file_mode, skip_late = self._file_mode()
        try:
            # A file's playback mode, start frame and paused state are the pipeline's from the start:
            # nothing has to be changed from its capture thread once the source is open.
            pipeline = Pipeline(source, self._processors, settings=self._settings, hud=self._hud, loop=self._loop,
                                file_mode=file_mode, skip_late_frames=skip_late, start_at=start_at, paused=paused,
                                runtime_config=self._runtime,
                                on_result=lambda r: self._on_result(gen, r),
                                on_event=lambda e: self._on_event(gen, e))
        except VisionDeskError as exc:
            self._emit_later(self.error.emit, exc)
            return
        with self._lock:
            if gen != self._generation:
                return
            self._pipeline = pipeline
        pipeline.start()
        self.describe_device()  # threads chosen for this source (a camera's differ from a file's)
        # Changes made on the GUI thread while the pipeline was being built (idempotent).
        pipeline.set_processors(self._processors)
        pipeline.set_hud(self._hud)
        pipeline.set_display_size(self._display_size)
        pipeline.set_loop(self._loop)
        for name, settings in list(self._settings.items()):
            pipeline.use_settings(name, settings)

    def list_cameras(self) -> None:
        """Probe the cameras on a worker thread; ``camerasListed`` answers."""
        from vision_desk.sources import list_cameras

        def job() -> None:
            try:
                cams = list(list_cameras())
            except Exception as exc:  # a probe failure must not take the menu down
                self._emit_later(self.error.emit, translate("Controller", "Could not list cameras: {error}").format(error=exc))
                cams = []
            self._emit_later(self.camerasListed.emit, cams)

        self._submit(self._jobs, job)

    def describe_device(self) -> None:
        """Find out (on a worker thread: it may try CUDA) where inference runs and why: the current
        pipeline's own configuration when there is one (a camera gets every core's threads, a file fewer)."""
        pipeline = self._pipeline
        cfg = pipeline.runtime_config if pipeline is not None else self._runtime
        self._submit(self._jobs, self._guard(lambda: self._emit_later(self.deviceDescribed.emit,
                                                                       runtime.describe_device(cfg))))

    @property
    def precision(self) -> str:
        return self._runtime.precision

    def set_precision(self, value: str) -> None:
        """auto / fp32 / int8 (DeviceError for anything else): the models are reloaded at it, the frame kept."""
        if value == self._runtime.precision:
            return
        self._runtime = dataclasses.replace(self._runtime, precision=value)  # validates
        if self._pipeline is not None and self._spec:
            shown = self.latest()
            seekable = self._seekable() and shown is not None
            self._reopen(seek_to=shown.frame.index if seekable else 0, paused=self._paused)  # describes itself
        else:
            self.describe_device()

    # --- processors ------------------------------------------------------------------------
    def set_processors(self, names: list[str]) -> None:
        self._processors = [n for n in registry.PROCESSOR_NAMES if n in names]
        if self._pipeline is not None:
            self._pipeline.set_processors(self._processors)

    def change_settings(self, name: str, **values: Any) -> None:
        """Apply settings live; raises SettingsError at once when a value is invalid (validated here, once:
        the pipeline and the processors are handed the validated settings)."""
        checked = settings_mod.update(self.processor_settings(name), name, **values)  # raises SettingsError
        self._settings[name] = checked
        if self._pipeline is not None:
            self._pipeline.use_settings(name, checked)

    def reset_settings(self, name: str) -> None:
        """Back to a processor's defaults (e.g. a saved value that is no longer valid)."""
        self._settings.pop(name, None)
        self._rejected.pop(name, None)

    # --- view options ---------------------------------------------------------------------
    def set_hud(self, on: bool) -> None:
        self._hud = bool(on)
        if self._pipeline is not None:
            self._pipeline.set_hud(self._hud)

    def set_display_size(self, size: tuple[int, int] | None) -> None:
        """The pixels the video view shows the picture in (lecture views are laid out at that size)."""
        self._display_size = size
        if self._pipeline is not None:
            self._pipeline.set_display_size(size)

    def set_mirrored(self, on: bool) -> None:
        self._mirrored = bool(on)
        if self._source is not None:
            self._source.mirrored = self._mirrored
        shown = self.latest()
        if self._paused and shown is not None and self._pipeline is not None and self._seekable():
            # The frame is flipped as it is read: read the paused frame again to show it the other way round.
            self._pipeline.seek(shown.frame.index)

    def redraw(self) -> None:
        """Run the chain again on the paused frame (e.g. after the overlays' text size changed)."""
        p = self._pipeline
        if p is not None and self._paused:
            p.set_hud(self._hud)  # (unchanged: setting it again is what re-runs the paused frame)

    # --- playback (files) -------------------------------------------------------------------
    def _seekable(self) -> bool:
        info = self.source_info
        return info is not None and bool(info.seekable)

    def picture_name(self, index: int) -> str:
        """The file of picture ``index`` of an image folder (the playback bar names it); "" otherwise."""
        info, inner = self.source_info, getattr(self._source, "inner", None)
        if info is None or info.kind != "folder" or not hasattr(inner, "file_for"):
            return ""
        return inner.file_for(index).name

    @property
    def finished(self) -> bool:
        """A file played to its end (without loop): play, step or seek open it again."""
        return self._finished

    def _reopen(self, seek_to: int = 0, paused: bool = False) -> None:
        self.open_source(self._spec, seek_to=seek_to if seek_to > 0 else None, paused=paused)

    def set_paused(self, paused: bool) -> None:
        if self._finished and not paused:
            self._reopen()
            return
        if self._pipeline is None or not self._seekable():
            return
        self._paused = bool(paused)
        self._hold_index = self._shown_index if self._paused else None
        if self._paused:
            self._pacer.clear()  # results not yet painted came after the frame on screen
        self._pipeline.set_paused(self._paused)

    def toggle_play(self) -> None:
        """Play/pause; at the end of a file, play starts it again."""
        self.set_paused(False if self._finished else not self._paused)

    def step(self) -> None:
        if self._finished:
            self._reopen(paused=True)
            return
        if self._pipeline is None or not self._seekable():
            return
        if not self._paused:
            self.set_paused(True)
        info = self.source_info
        count = info.frame_count if info is not None else None
        target = None if self._shown_index is None or self._hold_index is None else self._shown_index + 1
        if target is not None and count and target >= count:
            target = 0 if info is not None and info.kind == "folder" else None  # a slide show goes round
        if target is not None:
            # The frame after the one on screen, wherever reading had got to (frames read ahead went by).
            self.seek(target)
        else:
            self._pipeline.step()

    def seek(self, index: int) -> None:
        if self._finished:
            self._reopen(seek_to=index, paused=self._paused)
            return
        if self._pipeline is not None and self._seekable():
            self._pacer.clear()  # results from before the jump are not worth showing any more
            if self._paused:
                self._hold_index = max(0, int(index))
            self._pipeline.seek(max(0, int(index)))

    def set_loop(self, on: bool) -> None:
        self._loop = bool(on)
        if self._pipeline is not None:
            self._pipeline.set_loop(self._loop)

    def set_realtime(self, on: bool) -> None:
        """Files: at their own frame rate (on) or as fast as the processors go (off)."""
        self._realtime = bool(on)
        if self._pipeline is not None:
            self._pipeline.set_file_mode(*self._file_mode())

    def _file_mode(self) -> tuple[Mode, bool]:
        """How files play: real time keeps the file's clock by skipping the frames the processors cannot
        keep up with; the other choice is every frame, as fast as they go (live sources keep LIVE)."""
        return (Mode.REALTIME, True) if self._realtime else (Mode.LOSSLESS, False)

    # --- outputs ----------------------------------------------------------------------------------
    def start_recording(self, folder: Path) -> Path:
        """Record the processed video (mp4) and every frame's results (JSON lines) into ``folder``."""
        if self._pipeline is None:
            raise OutputError("nothing to record: open a source first")
        if self._recording:
            return self._record_path  # type: ignore[return-value]
        sink, path = outputs.new_recording(folder, self.source_info)
        self._pipeline.add_sink(sink)
        self._recording, self._record_path = [sink], path
        self.recordingChanged.emit(True, str(path))
        return path

    def stop_recording(self) -> None:
        """Finalize the recording on the lifecycle thread (closing an mp4 can take a moment)."""
        sinks, path, pipeline = self._recording, self._record_path, self._pipeline
        if not sinks:
            return
        self._recording, self._record_path = [], None

        def finish() -> None:
            for sink in sinks:
                try:
                    if pipeline is not None:
                        pipeline.remove_sink(sink)
                    else:
                        sink.close()
                except VisionDeskError as exc:
                    self._emit_later(self.error.emit, translate("Window", "Recording: {error}").format(error=exc))
            if any(sink.written for sink in sinks):
                self._emit_later(self.recordingChanged.emit, False, str(path))
                return
            # Recorded while paused and stopped before a frame was shown: the files are only made with the
            # first frame, so there is nothing to name as "saved".
            self._emit_later(self.recordingChanged.emit, False, "")
            self._emit_later(self.notice.emit, translate(
                "Controller", "Recording stopped before any frame was shown, so no file was written. "
                              "Play the video (Space) while recording."))

        self._submit(self._lifecycle, self._guard(finish))

    def snapshot(self, folder: Path, result: FrameResult | None = None) -> None:
        """Save the frame on screen as PNG, with overlays and without (written on a worker thread)."""
        result = result or self.latest()
        if result is None:
            self.error.emit(translate("Controller", "Snapshot: there is no frame to save yet."))
            return

        def job() -> None:
            try:
                paths = outputs.write_snapshot(result, folder)
            except OutputError as exc:
                self._emit_later(self.error.emit, translate("Controller", "Snapshot: {error}").format(error=exc))
                return
            self._emit_later(self.snapshotSaved.emit, [str(p) for p in paths])

        self._submit(self._jobs, job)

    def run_job(self, fn: Callable[[], Any], on_result: Callable[[Any], None],
                on_error: Callable[[Exception], None]) -> Future | None:
        """Run ``fn`` on a worker thread; ``on_result(value)`` or ``on_error(exception)`` on the GUI thread
        (thumbnails, file checks)."""
        return in_background(lambda job: self._submit(self._jobs, job), self._gui, fn, on_result=on_result,
                             on_error=on_error)

    # --- shutdown ----------------------------------------------------------------------------------
    def shutdown(self, timeout: float = 5.0) -> None:
        """Stop every thread: pending jobs, the pipeline (a recording is finalized by its stop)."""
        if self._closed:
            return
        self._closed = True
        self._timer.stop()
        self._generation += 1
        self._jobs.shutdown(wait=True, cancel_futures=True)
        self._lifecycle.shutdown(wait=True)
        if self._pipeline is not None:
            self._pipeline.stop(timeout)
        self._recording = []

    # --- pipeline callbacks (pipeline threads) ----------------------------------------------
    def _on_result(self, gen: int, result: FrameResult) -> None:
        if gen != self._generation:
            return
        hold = self._hold_index
        if self._paused and hold is not None and result.frame.index != hold:
            return  # finished after the pause: the picture stays on the frame paused (or stepped) to
        with self._lock:
            self._latest = result
        self._pacer.push(result)

    def _on_event(self, gen: int, event: PipelineEvent) -> None:
        if gen != self._generation:
            return
        if event.kind == EventKind.SOURCE_OPENED:
            # Before the first frame is painted: a live source shows each frame as soon as it comes.
            pipeline = self._pipeline
            if pipeline is not None:
                self._pacer.live = pipeline.source_info is None or bool(pipeline.source_info.is_live)
        self._emit_later(lambda: self._handle_event(gen, event))

    def _handle_event(self, gen: int, event: PipelineEvent) -> None:  # GUI thread
        if gen != self._generation:
            return
        kind, message, proc = event.kind, event.message, event.processor
        if kind == EventKind.SOURCE_OPENED:
            self._opened = True
            if self._pipeline is not None and self._pipeline.source_info is not None:
                self.sourceOpened.emit(self._pipeline.source_info)
        elif kind == EventKind.LOADING and proc:
            self.loadingChanged.emit(proc, True)
        elif kind == EventKind.LOADED and proc:
            self.loadingChanged.emit(proc, False)
        elif kind == EventKind.SOURCE_ENDED:
            self._finished = not self._loop
            self.sourceEnded.emit()
            if self._finished:  # after sourceEnded: where the recording went is the message that stays
                self._recording_finalized_by_pipeline()
        elif kind == EventKind.WARNING:  # a truncated video, pictures skipped in a folder: the run goes on
            self.notice.emit(message)
        elif kind in (EventKind.ERROR, EventKind.SOURCE_LOST, EventKind.PROCESSOR_ERROR):
            if proc:
                self.loadingChanged.emit(proc, False)
            if kind == EventKind.ERROR and proc and proc in self._processors:
                # A model that failed to load is dropped from the chain by the pipeline: say so in the toggles.
                self._processors.remove(proc)
                self.processorDropped.emit(proc)
            if self._recording and any(s.failed for s in self._recording):
                self._recording, self._record_path = [], None  # the pipeline closed the failed recording
                self.recordingChanged.emit(False, "")
            pipeline = self._pipeline
            if kind == EventKind.SOURCE_LOST or (kind == EventKind.ERROR and pipeline is not None
                                                 and pipeline.state == PipelineState.FAULTED):
                self._recording_finalized_by_pipeline()  # a camera unplugged mid-recording
            if kind != EventKind.PROCESSOR_ERROR and not proc and not self._opened and self._fallback:
                fallback, self._fallback = self._fallback, None
                spec = self._spec
                what = translate("Controller", "No camera available") if spec.isdigit() or spec.startswith("/dev/video") \
                    else translate("Controller", "Could not open {spec}").format(spec=redact(spec))
                # The command-line hint at the end of a camera error ("open sample instead") is what the
                # window is doing already: keep only the reason.
                reason = translate_message(message.replace(ALTERNATIVES_HINT, "").rstrip(" .;"))
                self.notice.emit(translate("Controller", "{what}: playing the bundled sample clip instead ({reason}). Use the Camera menu (C) to try again.").format(what=what, reason=reason))
                self.open_source(fallback)
                return
            self.error.emit(event.error if event.error is not None else message)
        self.stateChanged.emit(kind.value)

    def _recording_finalized_by_pipeline(self) -> None:
        """The source ended or was lost: the pipeline finalizes its sinks itself (the recording's last
        frames are being written now), so the recording is over; say so, or the Record button would
        keep claiming a recording that no longer grows."""
        if not self._recording:
            return
        path = self._record_path
        self._recording, self._record_path = [], None
        self.recordingChanged.emit(False, str(path) if path else "")

    # --- display timer (GUI thread) -----------------------------------------------------------
    def set_display_frozen(self, frozen: bool) -> None:
        """Hold the picture on screen (screenshots); processing goes on."""
        if frozen:
            self._timer.stop()
        elif not self._closed:
            self._timer.start()

    def _display_tick(self) -> None:
        result = self._pacer.next(time.perf_counter())
        if result is not None:
            self._shown_index = result.frame.index
            self.frameReady.emit(result)

    # --- helpers -----------------------------------------------------------------------------------
    def _submit(self, pool: ThreadPoolExecutor, job: Callable[[], None]) -> Future | None:
        """Queue a job unless the window is closing (then there is nobody left to tell the outcome)."""
        if self._closed:
            return None
        return pool.submit(job)

    def _emit_later(self, fn: Callable[..., Any], *args: Any) -> None:
        """Call ``fn(*args)`` on the GUI thread (queued through a signal; safe from any thread)."""
        if not self._closed or threading.current_thread() is threading.main_thread():
            self._gui.call(fn, *args)

    def _guard(self, fn: Callable[[], None]) -> Callable[[], None]:
        def run() -> None:
            try:
                fn()
            except Exception as exc:  # a bug in a worker must reach the window, not vanish
                self._emit_later(self.error.emit, exc)  # (shown as "Type: message": a bug)
        return run
