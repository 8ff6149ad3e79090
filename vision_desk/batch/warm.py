"""Models loaded once per worker, lent to one file's pipeline after another.

A :class:`~vision_desk.pipeline.pipeline.Pipeline` gets its processors from a
:class:`~vision_desk.pipeline.factory.ProcessorFactory`, loads them through it
and gives them back through it when it stops. A batch worker runs hundreds of
files; loading pose and style for each would cost seconds per file. So the
worker's :class:`WarmPool` is that factory: it keeps one processor per name,
lends it to each file's pipeline, loads its model the first time only, and when
a pipeline gives it back it forgets the per-file state instead of closing it
(:meth:`Processor.reset`: e.g. style's flicker reduction must not blend the last
frame of one video into the first of the next). Files run one after another in
a worker, never two at once, so a processor is never lent to two live pipelines.
"""
from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from vision_desk.pipeline.factory import RegistryFactory
from vision_desk.runtime import RuntimeConfig

if TYPE_CHECKING:
    from vision_desk.processors.base import Processor


class WarmPool:
    """The processors of one worker, by name, created on first use and loaded once (a ProcessorFactory)."""

    def __init__(self, registry: Mapping[str, type] | None = None, *,
                 runtime_config: RuntimeConfig | None = None) -> None:
        self._classes = RegistryFactory(registry)
        self._runtime_config = runtime_config  # the worker's device, threads and precision
        self._instances: dict[str, Any] = {}
        self.loads = 0  # model loads so far (each name once, unless a setting that shapes the model changed)
        # Held while a model loads. A pipeline that stops early (a file that cannot be read) leaves its
        # loader thread finishing a load; close() waits for it, because a process that exits while
        # onnxruntime is still building a session is aborted by the C++ runtime (exit status 134).
        self.load_lock = threading.Lock()

    @property
    def runtime_config(self) -> RuntimeConfig:
        """The device, threads and precision of this worker's processors (and of the pipelines they serve)."""
        return self._runtime_config if self._runtime_config is not None else RuntimeConfig()

    # --- the ProcessorFactory protocol ------------------------------------------------
    def names(self) -> Sequence[str]:
        return self._classes.names()

    def processor_class(self, name: str) -> type:
        return self._classes.processor_class(name)

    def create(self, name: str, settings: Any, runtime_config: RuntimeConfig | None) -> Processor:
        """The worker's one processor of ``name`` (made with the pool's runtime config, the same for every
        file), with ``settings``."""
        proc = self._instances.get(name)
        if proc is None:
            proc = self._instances[name] = self._classes.create(name, settings, self._runtime_config)
        elif settings is not None and settings != proc.settings:
            # Same batch, same settings for every file; should they differ, the change applies as always
            # (a model-shaping setting reloads, on this pipeline's loader thread).
            proc.use_settings(settings)
        return proc

    def load(self, proc: Processor) -> None:
        """Load the model the first time only."""
        with self.load_lock:
            if not proc.loaded:
                self.loads += 1
                proc.load()

    def release(self, proc: Processor) -> None:
        """A file is done with ``proc``: keep the model, forget the file (its state between frames)."""
        reset = getattr(proc, "reset", None)
        if reset is not None:
            reset()

    # --- the worker's end -------------------------------------------------------------
    def precisions(self, names: tuple[str, ...] | list[str]) -> dict[str, str]:
        """The precision each processor's model actually ran at ("INT8", "FP32"; none for a processor
        without an onnxruntime model): what ``--precision auto`` chose on this worker's machine."""
        found = {n: getattr(self._instances.get(n), "precision", "") for n in names}
        return {n: p for n, p in found.items() if p}

    def close(self) -> None:
        """Release every model (the worker is done), after any load still in progress."""
        with self.load_lock:
            pass
        for proc in self._instances.values():
            try:
                proc.close()
            except Exception:
                pass
        self._instances.clear()
