"""What every processor is: load once (in a worker), then process many frames.

Analyzers (faces, objects, pose) return results and never touch pixels;
transforms (style) return a new image. Settings can change between frames:
:meth:`Processor.update_settings` validates ``name=value`` changes at once
(so the caller gets the error), :meth:`Processor.use_settings` takes settings
validated already (by the pipeline's processor set); either change takes
effect at the start of the next :meth:`Processor.process` call, on the worker
thread, reloading the model only when a setting that shapes the model changed.

Validation has one home, the settings schema (:func:`settings.update`): a
settings dataclass handed between the layers is one it returned, and is held
as it is, not checked again.
"""
from __future__ import annotations

import threading
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from typing import Any, ClassVar, Generic, TypeVar

import numpy as np

from vision_desk.errors import SettingsError
from vision_desk.processors import settings as settings_mod
from vision_desk.runtime import RuntimeConfig, provider_label

S = TypeVar("S")
R = TypeVar("R")

ANALYZER = "analyzer"
TRANSFORM = "transform"


class Processor(ABC, Generic[S, R]):
    name: ClassVar[str]
    kind: ClassVar[str] = ANALYZER
    settings_type: ClassVar[type]
    # True: process(image, results) also gets the results of the processors before it on this frame
    # (superres follows a face); the pipeline reads this once, when the processor joins the chain.
    reads_results: ClassVar[bool] = False

    def __init__(self, settings: S | None = None, *, runtime_config: RuntimeConfig | None = None,
                 **overrides: Any) -> None:
        """``runtime_config``: device, threads and precision for this processor's sessions, from the
        command or the window (None: ``RuntimeConfig()``, i.e. ``--device auto`` and default threads)."""
        self.runtime_config = runtime_config if runtime_config is not None else RuntimeConfig()
        base = settings if settings is not None else self.settings_type()  # validated by whoever made it
        self._settings: S = settings_mod.update(base, self.name, **overrides) if overrides else base
        self._pending: S | None = None
        self._lock = threading.Lock()
        self._loaded = False
        self._loaded_with: S | None = None
        self._session: Any = None  # the onnxruntime session of a processor that keeps one (provider, precision)

    # --- settings -------------------------------------------------------------
    @property
    def settings(self) -> S:
        """The settings that the next frame will use."""
        with self._lock:
            return self._pending if self._pending is not None else self._settings

    def update_settings(self, **changes: Any) -> S:
        """Validate and queue a settings change; it applies between frames. Returns the new settings."""
        with self._lock:
            current = self._pending if self._pending is not None else self._settings
            new = settings_mod.update(current, self.name, **changes)
            self._pending = new
            return new

    def use_settings(self, settings: S) -> None:
        """Queue settings validated already (the processor set's); they apply between frames."""
        with self._lock:
            self._pending = settings

    def _apply_pending(self) -> None:
        with self._lock:
            pending, self._pending = self._pending, None
        if pending is None:
            return
        old = self._settings
        self._settings = pending
        if self._loaded and settings_mod.needs_reload(old, pending):
            self._loaded = False
            self.load()
        else:
            self._settings_changed(old, pending)

    def _settings_changed(self, old: S, new: S) -> None:
        """Hook for settings that need cheap recomputation (no reload)."""

    # --- lifecycle --------------------------------------------------------------
    @property
    def loaded(self) -> bool:
        return self._loaded

    def load(self) -> None:
        """Load the model (heavy: call it in a worker thread, never on the GUI thread)."""
        self._apply_pending_without_reload()
        self._load()
        self._loaded = True

    def _apply_pending_without_reload(self) -> None:
        with self._lock:
            pending, self._pending = self._pending, None
        if pending is not None:
            self._settings = pending

    @abstractmethod
    def _load(self) -> None: ...

    def process(self, image: np.ndarray, results: Mapping[str, Any] | None = None) -> R:
        """Run on one BGR uint8 image; loads on first use. ``results``: what the processors before this
        one found on the frame, given only to a processor with :attr:`reads_results` (which overrides this)."""
        self._ready()
        if not isinstance(image, np.ndarray) or image.dtype != np.uint8 or image.ndim != 3 or image.shape[2] != 3:
            raise SettingsError(f"{self.name}: expected a BGR uint8 HxWx3 image, got "
                                f"{getattr(image, 'shape', None)} {getattr(image, 'dtype', None)}")
        return self._process(image)

    def _ready(self) -> None:
        """Load on first use, else apply a queued settings change: the state the next frame runs in."""
        if not self._loaded:
            self.load()
        else:
            self._apply_pending()

    @abstractmethod
    def _process(self, image: np.ndarray) -> R: ...

    def core_call(self, image: np.ndarray) -> Callable[[], object]:
        """For benchmarks: a zero-argument callable that runs only the bare model on this image's
        already-prepared input (``session.run`` with ready feeds, or ``detectMultiScale``), so that
        pre- and post-processing cost can be measured as ``process()`` time minus this."""
        raise NotImplementedError

    def concurrent_ok(self) -> bool:
        """True when process() may run on several frames at once from different threads.

        Processors that keep state from frame to frame (e.g. style's flicker
        reduction) return False, and the pipeline then feeds them one frame at a
        time, in order.
        """
        return True

    @property
    def provider(self) -> str:
        """Where inference runs ("CPU", "CUDA", "OpenCV"): the onnxruntime session's provider once a
        processor that keeps one in ``_session`` has loaded it (as :attr:`precision` reads it), else "CPU"."""
        session = getattr(self, "_session", None)
        return provider_label(session.provider) if session is not None else "CPU"

    def reset(self) -> None:
        """Forget what earlier frames left behind (a new video starts); the model stays loaded.

        Processors that keep state between frames override this (see :meth:`concurrent_ok`)."""

    @property
    def precision(self) -> str:
        """The precision of the model that runs ("FP32", "INT8"; "" for non-onnxruntime processors)."""
        session = getattr(self, "_session", None)
        return getattr(session, "precision", "FP32")

    def close(self) -> None:
        """Release the model (the onnxruntime session of a processor that keeps one in ``_session``)."""
        self._session = None
        self._loaded = False
