"""``--precision auto`` by measurement: the faster of a model's FP32 file and its INT8 variant, timed here.

Whether INT8 pays depends on more than a CPU flag: on an Intel Xeon with AVX512-VNNI the 7-bit SSDLite file
was 1.06x FP32 on 1 thread and 0.83x on 2 (issue 21). So, the first time a model with an INT8 variant is
used on a CPU model at a thread count, both files are timed on the same input (a few calls each,
interleaved, medians) and the faster one is used from then on. The figures are kept in the user's cache
folder (``$XDG_CACHE_HOME/vision_desk/precision_timings.json``, or ``$VISION_DESK_PRECISION_CACHE``), keyed
by the CPU model, its class, the thread count, the onnxruntime version and both files' checksums, and shown
by ``vision-desk info`` and the window's stats panel. ``--precision fp32|int8`` skips all of this.

The input timed is the model's ``typical`` input shape from the manifest (e.g. SSDLite's 1x300x300x3), with
seeded random values: the networks' cost does not depend on the pixel values.
"""
from __future__ import annotations

import json
import os
import platform
import statistics
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

from vision_desk import cpu_features, model_store
from vision_desk.errors import ModelError

CACHE_ENV = "VISION_DESK_PRECISION_CACHE"
WARMUP_CALLS = 2
TIMED_CALLS = 9  # per file; with SSDLite (~8-15 ms a call) the whole measurement takes well under a second
_lock = threading.Lock()  # one measurement at a time: two at once would time each other
# This process's figures by (cache file, key): used when the cache file cannot be written.
_memory: dict[tuple[str, str], Timing] = {}


@dataclass(frozen=True)
class Timing:
    """FP32 against INT8 for one model, CPU model and thread count (medians, milliseconds)."""

    model_id: str
    variant: str  # the INT8 file's manifest id
    threads: int
    fp32_ms: float
    int8_ms: float

    @property
    def choice(self) -> str:
        """"int8" when its median is lower, else "fp32" (a tie keeps the original)."""
        return "int8" if self.int8_ms < self.fp32_ms else "fp32"

    def line(self) -> str:
        """'INT8 7.7 ms vs FP32 13.8 ms (1 thread)'"""
        pair = [("INT8", self.int8_ms), ("FP32", self.fp32_ms)]
        if self.choice == "fp32":
            pair.reverse()  # the chosen one first
        (first, a), (second, b) = pair
        return f"{first} {a:.1f} ms vs {second} {b:.1f} ms ({self.threads} thread{'' if self.threads == 1 else 's'})"


def cache_path() -> Path:
    """Where the measured figures are kept: ``$VISION_DESK_PRECISION_CACHE``, else the user cache folder."""
    env = os.environ.get(CACHE_ENV)
    if env:
        return Path(env).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "vision_desk" / "precision_timings.json"


def cpu_model() -> str:
    """The CPU's model name ("AMD EPYC 9B14"), as /proc/cpuinfo or the platform says."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8", errors="replace") as fh:
            for line in fh:
                if line.startswith(("model name", "Model", "cpu model")):
                    return line.partition(":")[2].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine() or "unknown CPU"


def _key(model_id: str, variant: str, threads: int) -> str:
    import onnxruntime as ort

    sums = "/".join(model_store.entry(m).sha256[:12] for m in (model_id, variant))
    return (f"{cpu_model()} | {cpu_features.cpu_class()} | {threads} threads | onnxruntime {ort.__version__} | "
            f"{model_id} {sums}")


def _read_cache() -> dict[str, dict]:
    try:
        data = json.loads(cache_path().read_text(encoding="utf-8"))
        return data["timings"] if isinstance(data.get("timings"), dict) else {}
    except (OSError, ValueError, AttributeError):
        return {}  # none yet, or unreadable: measure again


def _write_cache(key: str, timing: Timing) -> None:
    """Add one entry (atomically: a crash never leaves half a file). Not writable: kept in memory only."""
    path = cache_path()
    timings = _read_cache()
    timings[key] = asdict(timing)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("w", dir=path.parent, delete=False, suffix=".tmp", encoding="utf-8") as fh:
            json.dump({"version": 1, "timings": timings}, fh, indent=1)
        os.replace(fh.name, path)
    except OSError:
        pass


def cached(model_id: str, variant: str, threads: int) -> Timing | None:
    """The figures measured earlier (this process or the cache file), or None."""
    key = _key(model_id, variant, threads)
    raw = _read_cache().get(key)
    try:
        if raw:
            return Timing(**raw)
    except TypeError:  # an entry of another format: measure again
        pass
    return _memory.get((str(cache_path()), key))


def timing_feed(model_id: str) -> dict[str, np.ndarray] | None:
    """Seeded random input of the manifest's ``typical`` shape for every input; None where one has none."""
    rng = np.random.default_rng(0)
    feeds = {}
    for name, spec in model_store.entry(model_id).inputs.items():
        shape = spec.get("typical")
        if not shape:
            return None
        dtype = np.dtype(spec.get("dtype", "float32"))
        if dtype.kind in "ui":
            feeds[name] = rng.integers(0, 256, shape).astype(dtype)
        else:
            feeds[name] = rng.random(shape, dtype=np.float32).astype(dtype)
    return feeds


def measure(model_id: str, variant: str, threads: int, open_cpu_session: Callable[[str], Any]) -> Timing | None:
    """Time both files on this CPU at ``config``'s threads; None where no input is known to time them on.
    ModelError when a file cannot be loaded."""
    feed = timing_feed(model_id)
    if feed is None:
        return None
    sessions = {p: open_cpu_session(m) for p, m in (("fp32", model_id), ("int8", variant))}
    for sess in sessions.values():
        for _ in range(WARMUP_CALLS):
            sess.run(None, feed)
    times: dict[str, list[float]] = {"fp32": [], "int8": []}
    for i in range(TIMED_CALLS):
        for p in ("fp32", "int8") if i % 2 == 0 else ("int8", "fp32"):  # interleaved: load drifts hit both
            t0 = time.perf_counter()
            sessions[p].run(None, feed)
            times[p].append((time.perf_counter() - t0) * 1000)
    return Timing(model_id, variant, threads,
                  round(statistics.median(times["fp32"]), 2), round(statistics.median(times["int8"]), 2))


def timing(model_id: str, variant: str, threads: int, open_cpu_session: Callable[[str], Any]) -> Timing | None:
    """The figures for this CPU and thread count: cached, or measured now (and cached). None where they
    cannot be had (a file missing or damaged, no typical input): then the CPU class decides."""
    with _lock:
        found = cached(model_id, variant, threads)
        if found is not None:
            return found
        try:
            measured = measure(model_id, variant, threads, open_cpu_session)
        except ModelError:
            return None  # the file actually chosen reports its own error when it is loaded
        if measured is not None:
            remember(measured)
        return measured


def remember(figures: Timing) -> None:
    """Keep ``figures`` for this CPU (cache file and this process); tests inject figures with it too."""
    key = _key(figures.model_id, figures.variant, figures.threads)
    _memory[(str(cache_path()), key)] = figures
    _write_cache(key, figures)
