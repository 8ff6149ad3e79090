"""The processors a pipeline runs, changed while frames flow.

Why a class of its own: adding, removing and re-configuring processors happens
on the GUI thread while several pipeline threads are in the middle of frames.
The rules, all kept here:

- A model loads on the loader thread, never on the caller's and never on a
  frame's: frames skip a processor until it is loaded ("loading"/"loaded"
  events tell the owner).
- Each frame takes a *snapshot* of the chain when it is dispatched (under the
  pipeline's dispatch lock, so snapshots follow frame order), and uses it to
  the end: a removal or a model swap never pulls a model from under a frame.
- A setting that needs a new model (``reload=True``) loads a *new* instance in
  the background and swaps it in when ready; the old one keeps serving
  frames meanwhile. Other settings are queued on the live instance and apply
  between frames (Processor.use_settings).
- Settings are validated once, by the settings schema, where ``name=value``
  changes come in (:meth:`ProcessorSet.change_settings`); the validated
  dataclass is what this set stores and what its processors are given.
- A removed processor is parked, still loaded, so switching it back on is
  instant.
- Each processor has an :class:`OrderGate`; while its ``concurrent_ok()`` is
  False (asked per frame) the gate lets frames in one at a time and in order,
  even with several frames in flight.
"""
from __future__ import annotations

import dataclasses
import threading
import traceback
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from vision_desk.errors import ProcessorError, VisionDeskError, caused_by, typed_line
from vision_desk.pipeline.events import EventKind, PipelineEvent
from vision_desk.pipeline.factory import ProcessorFactory, as_factory
from vision_desk.pipeline.slots import Channel, ChannelClosed, OrderGate
from vision_desk.processors import settings as settings_mod
from vision_desk.processors.base import TRANSFORM

if TYPE_CHECKING:
    from vision_desk.processors.base import Processor
    from vision_desk.runtime import RuntimeConfig

Emit = Callable[[PipelineEvent], None]


@dataclass
class ActiveProcessor:
    """One loaded processor in the chain."""

    name: str
    proc: Processor
    is_transform: bool
    reads_results: bool = False  # process(image, results): sees what ran before it on the frame
    gate: OrderGate | None = None  # made at the first frame that runs it

    def exclusive(self) -> bool:
        """True while the processor keeps state between frames (asked per frame: a setting can change it)."""
        try:
            return not self.proc.concurrent_ok()
        except Exception:
            return True


@dataclass
class _LoadJob:
    name: str
    proc: Processor
    generation: int
    initial: bool


@dataclass
class LoadOutcome:
    """The result of the initial loads, which lossless runs wait for before the first frame."""

    done: threading.Event = field(default_factory=threading.Event)
    failures: list[VisionDeskError] = field(default_factory=list)


def _carry(target: Any, old: Any, new: Any) -> Any:
    """``target`` (an instance's settings) with the fields that changed from ``old`` to ``new``, each valid
    already: an instance still serving while its replacement loads keeps the settings that shaped its model.
    An instance in step with the set (the usual case) gets ``new`` itself."""
    if target == old:
        return new
    changed = {f.name: getattr(new, f.name) for f in dataclasses.fields(new)
               if getattr(new, f.name) != getattr(old, f.name)}
    return dataclasses.replace(target, **changed) if changed else target


class ProcessorSet:
    """Wanted names, their settings, the loaded instances, and the loader thread."""

    def __init__(self, emit: Emit, factory: ProcessorFactory | Mapping[str, type] | None = None,
                 settings: Mapping[str, Mapping[str, Any] | Any] | None = None,
                 runtime_config: RuntimeConfig | None = None) -> None:
        self._emit = emit
        self._runtime_config = runtime_config  # handed to every processor made here (device, threads, precision)
        self._factory = as_factory(factory)  # makes, loads and takes back the processors
        self._lock = threading.RLock()
        self._wanted: list[str] = []
        self._settings: dict[str, Any] = {}
        self._active: dict[str, ActiveProcessor] = {}
        self._parked: dict[str, Processor] = {}
        self._generation: dict[str, int] = {}
        self._loading: dict[str, Processor] = {}
        self._jobs: Channel[_LoadJob] = Channel(capacity=64)
        self._thread: threading.Thread | None = None
        self._stopping = threading.Event()
        self._initial_pending: set[str] = set()
        self.initial = LoadOutcome()
        self._initial_started = False
        for name, values in (settings or {}).items():
            if isinstance(values, Mapping):  # name=value options (validated here) or a settings dataclass
                self.change_settings(name, **dict(values))
            else:
                self.set_settings(name, values)

    # --- names and classes -------------------------------------------------------
    def processor_class(self, name: str) -> type:
        return self._factory.processor_class(name)

    def _order(self, names: Sequence[str]) -> list[str]:
        """Analyzers first (they see the original frame), then transforms; a stable, fixed order."""
        known = list(self._factory.names())
        ranked = sorted(names, key=lambda n: (getattr(self.processor_class(n), "kind", "") == TRANSFORM,
                                              known.index(n) if n in known else len(known)))
        return ranked

    @property
    def wanted(self) -> list[str]:
        with self._lock:
            return list(self._wanted)

    @property
    def loaded_names(self) -> list[str]:
        with self._lock:
            return [n for n in self._wanted if n in self._active]

    # --- settings ----------------------------------------------------------------
    def settings_of(self, name: str) -> Any:
        with self._lock:
            if name not in self._settings:
                self._settings[name] = self.processor_class(name).settings_type()
            return self._settings[name]

    def change_settings(self, name: str, **changes: Any) -> Any:
        """Validate ``name=value`` changes at once (SettingsError to the caller), then :meth:`set_settings`."""
        with self._lock:
            new = settings_mod.update(self.settings_of(name), name, **changes)
            self.set_settings(name, new)
            return new

    def set_settings(self, name: str, new: Any) -> None:
        """Use ``new`` (a settings dataclass the schema validated): between frames, or via a background reload."""
        with self._lock:
            current = self.settings_of(name)
            self._settings[name] = new
            reload = settings_mod.needs_reload(current, new)
            active = self._active.get(name)
            if active is not None:
                if reload:
                    if name in self._wanted:
                        self._submit(name, initial=False)
                else:
                    active.proc.use_settings(_carry(active.proc.settings, current, new))
            parked = self._parked.get(name)
            if parked is not None:
                if reload:
                    self._parked.pop(name)
                else:
                    parked.use_settings(_carry(parked.settings, current, new))
            loading = self._loading.get(name)
            if loading is not None and name in self._wanted:
                if reload:
                    self._submit(name, initial=False)  # the newer instance wins when both finish
                else:
                    loading.use_settings(_carry(loading.settings, current, new))

    # --- the set of processors ------------------------------------------------------
    def set_wanted(self, names: Sequence[str], initial: bool = False) -> None:
        names = list(dict.fromkeys(names))
        for n in names:
            self.processor_class(n)  # SettingsError for an unknown name, before anything changes
        with self._lock:
            ordered = self._order(names)
            removed = [n for n in self._wanted if n not in ordered]
            self._wanted = ordered
            for n in removed:
                act = self._active.pop(n, None)
                if act is not None:
                    self._parked[n] = act.proc
                self._generation[n] = self._generation.get(n, 0) + 1  # a load in progress is parked when done
                self._loading.pop(n, None)
            for n in ordered:
                if n in self._active or n in self._loading:
                    continue
                parked = self._parked.pop(n, None)
                if parked is not None:
                    self._activate(n, parked)
                else:
                    self._submit(n, initial=initial)
            if initial:
                self._initial_started = True
                if not self._initial_pending:
                    self.initial.done.set()

    def _submit(self, name: str, initial: bool) -> None:
        gen = self._generation.get(name, 0) + 1
        self._generation[name] = gen
        proc = self._factory.create(name, self._settings.get(name), self._runtime_config)
        self._loading[name] = proc
        if initial:
            self._initial_pending.add(name)
        self._jobs.put(_LoadJob(name, proc, gen, initial))

    def _activate(self, name: str, proc: Processor) -> None:
        self._active[name] = ActiveProcessor(name, proc, proc.kind == TRANSFORM, bool(proc.reads_results))

    def chain(self, seq: int) -> tuple[tuple[ActiveProcessor, bool], ...]:
        """(processor, exclusive) pairs that frame ``seq`` runs through.

        Call in frame order, under the dispatch lock: the gates rely on it.
        """
        with self._lock:
            out = []
            for n in self._wanted:
                act = self._active.get(n)
                if act is None:
                    continue
                if act.gate is None:
                    act.gate = OrderGate(seq)
                out.append((act, act.exclusive()))
            return tuple(out)

    def instance(self, name: str) -> Processor | None:
        with self._lock:
            act = self._active.get(name)
            return act.proc if act is not None and name in self._wanted else None

    def close_gates(self) -> None:
        with self._lock:
            for act in self._active.values():
                if act.gate is not None:
                    act.gate.close()

    # --- the loader thread -----------------------------------------------------------
    def start(self) -> None:
        self._thread = threading.Thread(target=self._run_loader, name="vd-loader", daemon=True)
        self._thread.start()

    def _run_loader(self) -> None:
        while not self._stopping.is_set():
            try:
                job = self._jobs.get()
            except ChannelClosed:
                break
            self._load(job)
        # Anything never started: release the initial barrier so nobody waits for it.
        self.initial.done.set()

    def _load(self, job: _LoadJob) -> None:
        self._emit(PipelineEvent(EventKind.LOADING, f"loading {job.name}", job.name))
        error: VisionDeskError | None = None
        try:
            self._factory.load(job.proc)
        except VisionDeskError as exc:
            error = exc
        except Exception as exc:  # a bug in a processor: keep the stream alive, say what happened
            traceback.print_exc()
            error = caused_by(VisionDeskError(f"{job.name} could not be loaded: {typed_line(exc)}"), exc)
        with self._lock:
            current = self._generation.get(job.name) == job.generation
            if self._loading.get(job.name) is job.proc:
                self._loading.pop(job.name)
            stopping = self._stopping.is_set()
            if error is None and not stopping:
                if current and job.name in self._wanted:
                    self._activate(job.name, job.proc)
                else:
                    self._parked.setdefault(job.name, job.proc)
        if error is None and stopping:  # loaded after the pipeline stopped: nobody will use it
            self._release(job.proc)
        with self._lock:
            if job.initial:
                self._initial_pending.discard(job.name)
                if error is not None:
                    self.initial.failures.append(error)
                if self._initial_started and not self._initial_pending:
                    self.initial.done.set()
        if error is not None:
            if current:
                with self._lock:
                    if job.name in self._wanted and job.name not in self._active:
                        self._wanted.remove(job.name)
            self._emit(PipelineEvent.failure(EventKind.ERROR, ProcessorError(job.name, error), job.name))
        elif not self._stopping.is_set():
            self._emit(PipelineEvent(EventKind.LOADED, f"{job.name} ready ({self._provider(job.proc)})", job.name))

    @staticmethod
    def _provider(proc: Processor) -> str:
        try:
            precision = getattr(proc, "precision", "")
            return f"{proc.provider}, {precision}" if precision else str(proc.provider)
        except Exception:
            return "?"

    def stop(self, timeout: float) -> bool:
        """Stop the loader; True when its thread ended in time (a model load cannot be interrupted:
        a daemon thread left in one ends as soon as that load returns)."""
        self._stopping.set()
        self._jobs.abort()
        self.close_gates()
        self.initial.done.set()
        if self._thread is not None:
            self._thread.join(timeout)
            return not self._thread.is_alive()
        return True

    def join_loader(self, timeout: float) -> bool:
        """Wait for a model load in progress to return (after :meth:`stop`); True when none is left."""
        if self._thread is not None:
            self._thread.join(timeout)
            return not self._thread.is_alive()
        return True

    def close_all(self) -> None:
        with self._lock:
            procs = [a.proc for a in self._active.values()] + list(self._parked.values())
            self._active.clear()
            self._parked.clear()
        for p in procs:
            self._release(p)

    def _release(self, proc: Processor) -> None:
        try:
            self._factory.release(proc)
        except Exception:
            pass
