"""Where a pipeline's processors come from, and where they go when it is done with them.

A pipeline asks a :class:`ProcessorFactory` for each processor, loads it through
the factory and hands it back through the factory. The default,
:class:`RegistryFactory`, makes a new processor from the registry (or from a
mapping of classes: the tests' fakes), loads it and closes it at the end. A
batch worker's :class:`~vision_desk.batch.warm.WarmPool` implements the same
protocol with one loaded processor per name that it lends to one file after
another: it loads a model the first time only and, when a file is done,
resets the processor's per-file state instead of closing it.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Protocol

from vision_desk import registry
from vision_desk.errors import SettingsError

if TYPE_CHECKING:
    from vision_desk.processors.base import Processor
    from vision_desk.runtime import RuntimeConfig


class ProcessorFactory(Protocol):
    """What a pipeline needs to get, load and give back its processors."""

    def names(self) -> Sequence[str]:
        """Every processor name this factory knows, in the order the chain runs them."""
        ...

    def processor_class(self, name: str) -> type:
        """The class behind ``name`` (its ``kind`` and ``settings_type``); SettingsError when unknown."""
        ...

    def create(self, name: str, settings: Any, runtime_config: RuntimeConfig | None) -> Processor:
        """A processor for ``name`` with ``settings`` (None: its defaults), not necessarily loaded yet."""
        ...

    def load(self, proc: Processor) -> None:
        """Load ``proc``'s model (on the pipeline's loader thread)."""
        ...

    def release(self, proc: Processor) -> None:
        """The pipeline is done with ``proc`` (it stopped, or ``proc`` was replaced)."""
        ...


class RegistryFactory:
    """New processors from the built-in registry, or from ``classes`` by name (tests use fakes)."""

    def __init__(self, classes: Mapping[str, type] | None = None) -> None:
        self._classes = dict(classes) if classes is not None else None

    def names(self) -> Sequence[str]:
        return list(self._classes) if self._classes is not None else list(registry.PROCESSOR_NAMES)

    def processor_class(self, name: str) -> type:
        if self._classes is None:
            return registry.processor_class(name)
        if name not in self._classes:
            raise SettingsError(f"unknown processor {name!r}; valid processors: {', '.join(self._classes)}")
        return self._classes[name]

    def create(self, name: str, settings: Any, runtime_config: RuntimeConfig | None) -> Processor:
        proc: Processor = self.processor_class(name)(settings=settings, runtime_config=runtime_config)
        return proc

    def load(self, proc: Processor) -> None:
        proc.load()

    def release(self, proc: Processor) -> None:
        proc.close()


def as_factory(factory: ProcessorFactory | Mapping[str, type] | None) -> ProcessorFactory:
    """``factory`` itself, or a :class:`RegistryFactory` of the classes given (None: the built-in ones)."""
    if factory is None or isinstance(factory, Mapping):
        return RegistryFactory(factory)
    return factory
