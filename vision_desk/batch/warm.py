"""Models loaded once per worker, lent to one file's pipeline after another.

A :class:`~vision_desk.pipeline.pipeline.Pipeline` makes its processors from
a *registry* of classes (the built-in four by default), loads them on its
loader thread and closes them when it stops. A batch worker runs hundreds of
files; loading pose and style for each would cost seconds per file. So the
worker hands each pipeline a registry of *warm* classes: constructing one
returns a thin stand-in for the worker's one processor of that name, whose
``load()`` loads the model the first time only and whose ``close()`` keeps the
model but forgets per-file state (:meth:`Processor.reset`: e.g. style's
flicker reduction must not blend the last frame of one video into the first
of the next). Files run one after another in a worker, never two at once, so
the stand-ins never share a processor between two live pipelines.
"""
from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from typing import Any

from vision_desk import processors as builtin
from vision_desk.runtime import RuntimeConfig


class WarmPool:
    """The processors of one worker, by name, created on first use and loaded once."""

    def __init__(self, registry: Mapping[str, type] | None = None, *,
                 runtime_config: RuntimeConfig | None = None) -> None:
        self._classes = dict(registry) if registry is not None else None
        self._runtime_config = runtime_config  # the worker's device, threads and precision
        self._instances: dict[str, Any] = {}
        self.loads = 0  # model loads so far (each name once, unless a setting that shapes the model changed)
        # Held while a model loads. A pipeline that stops early (a file that cannot be read) leaves its
        # loader thread finishing a load; close() waits for it, because a process that exits while
        # onnxruntime is still building a session is aborted by the C++ runtime (exit status 134).
        self.load_lock = threading.Lock()
        self.registry: dict[str, type] = {}

    @property
    def runtime_config(self) -> RuntimeConfig:
        """The device, threads and precision of this worker's processors (and of the pipelines they serve)."""
        return self._runtime_config if self._runtime_config is not None else RuntimeConfig()

    def processor_class(self, name: str) -> type:
        if self._classes is not None:
            return self._classes[name]
        return builtin.processor_class(name)

    def names(self) -> list[str]:
        return list(self._classes) if self._classes is not None else list(builtin.PROCESSOR_NAMES)

    def registry_for(self, names: list[str]) -> dict[str, type]:
        """Warm stand-in classes for ``names`` (what :class:`Pipeline` takes as ``registry``)."""
        return {n: self._warm_class(n) for n in names}

    def _warm_class(self, name: str) -> type:
        if name not in self.registry:
            inner = self.processor_class(name)
            attrs: dict[str, Any] = {"name": name, "title": getattr(inner, "title", name),
                                     "kind": getattr(inner, "kind", ""), "settings_type": inner.settings_type,
                                     "_pool": self}
            if hasattr(inner, "annotator"):
                attrs["annotator"] = staticmethod(inner.annotator)  # type: ignore[attr-defined]
            self.registry[name] = type(f"Warm{inner.__name__}", (_WarmProcessor,), attrs)
        return self.registry[name]

    def _instance(self, name: str, settings: Any) -> Any:
        proc = self._instances.get(name)
        if proc is None:
            proc = self._instances[name] = self.processor_class(name)(settings=settings,
                                                                      runtime_config=self._runtime_config)
        elif settings is not None and settings != proc.settings:
            # Same batch, same settings for every file; should they differ, the change applies as always
            # (a model-shaping setting reloads, on this pipeline's loader thread).
            proc.use_settings(settings)
        return proc

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


class _WarmProcessor:
    """A pipeline's view of the worker's processor: loads once, resets instead of closing."""

    name: str
    kind: str
    settings_type: type
    _pool: WarmPool

    def __init__(self, settings: Any = None, *, runtime_config: RuntimeConfig | None = None,
                 **overrides: Any) -> None:
        # runtime_config: the worker's one processor was made with the pool's (the same for every file).
        self._proc = self._pool._instance(self.name, settings)
        if overrides:
            self._proc.update_settings(**overrides)

    def load(self) -> None:
        with self._pool.load_lock:
            if not self._proc.loaded:
                self._pool.loads += 1
                self._proc.load()

    def close(self) -> None:
        reset: Callable[[], None] | None = getattr(self._proc, "reset", None)
        if reset is not None:
            reset()

    def __getattr__(self, attr: str) -> Any:  # process, use_settings, settings, concurrent_ok, provider, ...
        if attr == "_proc":  # not set yet (the constructor failed): no recursion
            raise AttributeError(attr)
        return getattr(self._proc, attr)
