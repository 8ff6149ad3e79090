"""The one place that creates onnxruntime sessions and decides where they run.

``--device auto`` uses CUDA only when a session really runs on it; otherwise
CPU, with the reason in one line. onnxruntime-gpu silently falls back to CPU
and prints library-loading errors straight to the process's stderr, so the
CUDA probe runs with file descriptor 2 captured and turns that noise into a
reason a user can act on.
"""
from __future__ import annotations

import base64
import functools
import io
import os
import re
import sys
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager, redirect_stderr, redirect_stdout
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from vision_desk import model_store, quiet
from vision_desk.cpu_features import (  # noqa: F401  (runtime's public names, as before)
    CPU_CLASSES, CPU_FLAGS_ENV, _proc_cpu_flags, cpu_class, cpu_flags, int8_pays)
from vision_desk.errors import DeviceError, ModelError

DEVICES = ("auto", "cpu", "cuda")
PRECISIONS = ("auto", "fp32", "int8")
INT8_SUFFIX = "-int8"  # the manifest id of a model's INT8 variant: "<fp32 id>-int8"
DOT_SUFFIX = "-int8-dot"  # its variant for CPUs with 8-bit dot products (full-range weights)
CUDA = "CUDAExecutionProvider"
CPU = "CPUExecutionProvider"
# A 65-byte ONNX model (y = Relu(x)) used only to find out whether CUDA really works.
_PROBE_MODEL = base64.b64decode(
    "CAc6NwoMCgF4EgF5IgRSZWx1EgVwcm9iZVoPCgF4EgoKCAgBEgQKAggBYg8KAXkSCgoICAESBAoCCAFCBAoAEA0="
)
_stderr_lock = threading.Lock()


MAX_INTRA_THREADS = 8  # the cap both thread choices below share (files and live sources)


def default_threads() -> int:
    """Intra-op threads per session: leave a core for decoding, drawing and the GUI."""
    return max(1, min(MAX_INTRA_THREADS, (os.cpu_count() or 2) - 1))


def live_threads() -> int:
    """Intra-op threads per session for a live source: every core (up to 8) on the one newest frame.

    A camera's newest frame is worth more than a queue of older ones: one frame on all cores gives
    the lowest latency, where frames in flight on a thread each would add a processing time of it
    (README, "Live mode uses the whole machine").
    """
    return max(1, min(MAX_INTRA_THREADS, os.cpu_count() or 2))


@dataclass(frozen=True)
class RuntimeConfig:
    """Where and how sessions run. ``threads=None`` means :func:`default_threads`."""

    device: str = "auto"
    threads: int | None = None
    precision: str = "auto"  # auto: INT8 variants on CPUs where they pay (see :func:`int8_pays`), FP32 elsewhere

    def __post_init__(self) -> None:
        if self.device not in DEVICES:
            raise DeviceError(f"unknown device {self.device!r}; use one of: {', '.join(DEVICES)}")
        if self.precision not in PRECISIONS:
            raise DeviceError(f"unknown precision {self.precision!r}; use one of: {', '.join(PRECISIONS)}")
        if self.threads is not None and not 1 <= self.threads <= 256:
            raise DeviceError(f"threads must be between 1 and 256, got {self.threads}")

    @property
    def intra_threads(self) -> int:
        return self.threads or default_threads()

    def for_live(self) -> RuntimeConfig:
        """The same, with :func:`live_threads` unless the user chose a thread count (``--threads``)."""
        return self if self.threads is not None else replace(self, threads=live_threads())


def require_usable(config: RuntimeConfig) -> RuntimeConfig:
    """``config`` when its device can be used here; DeviceError at once for ``--device cuda`` where CUDA
    cannot run (the command checks this before any work, instead of at the first model load)."""
    if config.device == "cuda":
        status = cuda_status()
        if not status.usable:
            raise _cuda_refused(status)
    return config


@contextmanager
def _captured_output() -> Iterator[list[str]]:
    """Catch what native libraries write to fds 1 and 2, and what Python code prints, instead of showing it."""
    lines: list[str] = []
    with _stderr_lock:
        sys.stdout.flush()
        sys.stderr.flush()
        saved = {fd: os.dup(fd) for fd in (1, 2)}
        py_out = io.StringIO()
        with tempfile.TemporaryFile() as tmp:
            for fd in saved:
                os.dup2(tmp.fileno(), fd)
            try:
                with redirect_stdout(py_out), redirect_stderr(py_out):
                    yield lines
            finally:
                for fd, dup in saved.items():
                    os.dup2(dup, fd)
                    os.close(dup)
                tmp.seek(0)
                lines.extend(tmp.read().decode("utf-8", "replace").splitlines())
                lines.extend(py_out.getvalue().splitlines())


@dataclass(frozen=True)
class CudaStatus:
    usable: bool
    reason: str  # why not, in one line; "" when usable


_HINT = ("install the CUDA and cuDNN libraries this onnxruntime-gpu was built for "
         "(pip install 'vision-desk[cuda]', or -e '.[cuda]' in a checkout)")


def _reason_from(lines: list[str]) -> str:
    text = "\n".join(lines)
    missing = re.findall(r"(lib[\w.+-]+\.so[\w.]*): cannot open shared object file", text)
    if missing:
        libs = ", ".join(dict.fromkeys(missing))
        return f"CUDA libraries not found ({libs}); {_HINT}"
    for pattern, reason in (
        (r"no CUDA-capable device", "no CUDA-capable GPU was found"),
        (r"driver version is insufficient", "the NVIDIA driver is too old for this onnxruntime-gpu"),
        (r"CUDA failure \d+: ([^\n;]+)", None),
    ):
        m = re.search(pattern, text)
        if m:
            return reason or f"CUDA failed: {m.group(1).strip()}"
    return ""


def _cuda_refused(status: CudaStatus) -> DeviceError:
    """--device cuda where CUDA cannot run: why, and what to use instead."""
    return DeviceError(f"--device cuda: CUDA cannot be used here: {status.reason}; use --device auto or cpu")


@functools.lru_cache(maxsize=1)
def cuda_status() -> CudaStatus:
    """Find out once per process whether a session really runs on CUDA here."""
    import onnxruntime as ort

    if CUDA not in ort.get_available_providers():
        return CudaStatus(False, f"this onnxruntime build ({ort.__version__}) has no CUDA support; "
                                 "install onnxruntime-gpu instead of onnxruntime")
    # /dev/dxg is how WSL2 exposes the Windows GPU driver.
    if sys.platform.startswith("linux") and not (Path("/proc/driver/nvidia").exists() or Path("/dev/dxg").exists()):
        return CudaStatus(False, "no NVIDIA GPU driver is loaded (/proc/driver/nvidia is missing)")
    with _captured_output() as lines:
        try:
            if hasattr(ort, "preload_dlls"):  # finds CUDA/cuDNN from the nvidia-* pip packages if present
                ort.preload_dlls()
            opts = ort.SessionOptions()
            opts.log_severity_level = 3
            sess = ort.InferenceSession(_PROBE_MODEL, opts, providers=[CUDA, CPU])
            providers = sess.get_providers()
            if CUDA in providers:
                sess.run(None, {"x": np.ones(1, np.float32)})
        except Exception as exc:  # any failure means: not usable, say why
            return CudaStatus(False, f"CUDA session failed: {str(exc).splitlines()[0]}")
    if CUDA in providers:
        return CudaStatus(True, "")
    return CudaStatus(False, _reason_from(lines) or "onnxruntime could not initialise CUDA (no details given)")


@dataclass
class ModelSession:
    """An onnxruntime session plus the facts the HUD and the logs report."""

    model_id: str
    session: Any  # onnxruntime.InferenceSession
    provider: str
    path: Path
    precision: str = "FP32"  # "INT8" when the manifest's INT8 variant was loaded

    @property
    def input_names(self) -> list[str]:
        return [i.name for i in self.session.get_inputs()]

    def run(self, feeds: dict[str, np.ndarray], outputs: list[str] | None = None) -> list[np.ndarray]:
        return self.session.run(outputs, feeds)


def provider_label(provider: str) -> str:
    return {CUDA: "CUDA", CPU: "CPU"}.get(provider, provider.replace("ExecutionProvider", ""))


def resolve_precision(cfg: RuntimeConfig, provider: str) -> str:
    """"int8" or "fp32" for a session on ``provider`` BEFORE any measurement: auto is INT8 on a CPU with 8-bit
    dot products (:func:`int8_pays`). :func:`auto_choice` then times both files and picks the faster; this
    prior decides where they cannot be timed (a file missing or damaged)."""
    if cfg.precision != "auto":
        return cfg.precision
    # onnxruntime's CUDA provider runs the U8 QDQ models slower than FP32: the GPU keeps FP32.
    return "int8" if provider == CPU and int8_pays()[0] else "fp32"


def int8_variant(model_id: str) -> str | None:
    """The manifest id of the INT8 file for this CPU, or None where none is shipped (it did not pay or pass).

    CPUs with 8-bit dot products (VNNI, AMX, ARM dotprod) get the full-range file ("-int8-dot") where one is
    shipped; the others the 7-bit one ("-int8"): full 8-bit weights saturate their int16 pair sums.
    """
    ids = {m.id for m in model_store.load_manifest()}
    candidates = (model_id + DOT_SUFFIX, model_id + INT8_SUFFIX) if int8_pays()[0] else (model_id + INT8_SUFFIX,)
    return next((c for c in candidates if c in ids), None)


def models_with_int8() -> list[str]:
    """The FP32 model ids that have an INT8 file for this CPU (the ones auto measures)."""
    variants = {m.id for m in model_store.load_manifest() if INT8_SUFFIX in m.id}
    return [m.id for m in model_store.load_manifest() if m.id not in variants and int8_variant(m.id)]


def auto_choice(model_id: str, config: RuntimeConfig, provider: str) -> tuple[str, Any]:
    """("int8" | "fp32", the measured figures or None) for ``model_id`` at ``config`` on ``provider``.

    ``--precision auto`` on the CPU: the faster file as timed on this CPU at this thread count
    (:mod:`vision_desk.auto_precision`, cached); the prior of :func:`resolve_precision` where no figures can
    be had. Forced precisions and the GPU: no measurement."""
    prior = resolve_precision(config, provider)
    variant = int8_variant(model_id)
    if config.precision != "auto" or provider != CPU or variant is None:
        return prior, None
    from vision_desk import auto_precision

    timing = auto_precision.timing(model_id, variant, config.intra_threads,
                                   lambda m: open_session(m, config, [CPU]).session)
    return (timing.choice if timing is not None else prior), timing


def _providers(config: RuntimeConfig) -> list[str]:
    """[CUDA, CPU] where CUDA really works and may be used, else [CPU]; DeviceError for --device cuda without it."""
    if config.device in ("auto", "cuda"):
        status = cuda_status()
        if status.usable:
            return [CUDA, CPU]
        if config.device == "cuda":
            raise _cuda_refused(status)
    return [CPU]


def create_session(model_id: str, *, config: RuntimeConfig) -> ModelSession:
    """Verify a model file against the manifest and open it on the chosen device, at the chosen precision.

    ``model_id`` names the FP32 model; its INT8 variant for this CPU is loaded instead when the precision
    is int8, or auto found it faster (:func:`auto_choice`), and the manifest has one. ``config``: the device,
    threads and precision (the command's or the window's; passed down through the pipeline and the processor).
    """
    providers = _providers(config)
    variant = int8_variant(model_id) if auto_choice(model_id, config, providers[0])[0] == "int8" else None
    if variant is None:
        return open_session(model_id, config, providers)
    try:
        return replace(open_session(variant, config, providers), precision="INT8")
    except ModelError as exc:
        # Only the INT8 file is needed (a missing FP32 file is no error here); say how to do without it.
        raise ModelError(f"{exc}; or run with --precision fp32") from None


def open_session(model_id: str, config: RuntimeConfig, providers: list[str]) -> ModelSession:
    """One verified model file (this exact manifest id) opened on ``providers`` with ``config``'s threads."""
    import onnxruntime as ort

    path, model_bytes = model_store.verified_bytes(model_id)  # onnxruntime gets exactly the bytes checked
    opts = ort.SessionOptions()
    opts.log_severity_level = quiet.onnxruntime_severity()  # run-time errors are reported by the caller
    opts.intra_op_num_threads = config.intra_threads
    opts.inter_op_num_threads = 1
    opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    # Spinning threads burn the cores that capture, drawing and the GUI need between frames.
    opts.add_session_config_entry("session.intra_op.allow_spinning", "0")
    try:
        with _captured_output():
            sess = ort.InferenceSession(model_bytes, opts, providers=providers)
    except Exception as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise ModelError(f"model file {path} ({model_id}) could not be loaded by onnxruntime: {first}; "
                         "it may be damaged: restore it (see models/README.md)") from None
    used = sess.get_providers()[0]
    if config.device == "cuda" and used != CUDA:
        raise DeviceError(f"--device cuda: {model_id} did not start on CUDA (got {used}); use --device auto or cpu")
    return ModelSession(model_id, sess, used, path, "FP32")


def _threads(n: int) -> str:
    return f"{n} thread" + ("" if n == 1 else "s")


def describe_precision(cfg: RuntimeConfig, provider: str) -> str:
    """'INT8', 'FP32', or with auto the choice and why: 'INT8 (auto: measured objects INT8 7.7 ms vs FP32
    13.8 ms (1 thread))', or the CPU class's prior where nothing could be measured."""
    if cfg.precision != "auto":
        return cfg.precision.upper()
    if provider != CPU:
        return f"{resolve_precision(cfg, provider).upper()} (auto: GPU)"
    measured = []
    for model_id in models_with_int8():
        choice, timing = auto_choice(model_id, cfg, provider)
        if timing is not None:
            short = model_id.split("-")[0]  # "objects"
            measured.append((choice, f"{short} {timing.line()}"))
    if measured:
        return f"{measured[0][0].upper()} (auto: measured {'; '.join(text for _, text in measured)})"
    return f"{resolve_precision(cfg, provider).upper()} (auto: {int8_pays()[1]}; not measured)"


def describe_device(config: RuntimeConfig) -> str:
    """One line for the HUD, the stats panel and `vision-desk info`: provider, threads and precision."""
    if config.device == "cpu":
        return f"CPU ({_threads(config.intra_threads)}, {describe_precision(config, CPU)}; --device cpu)"
    status = cuda_status()
    if status.usable:
        return f"CUDA ({describe_precision(config, CUDA)})"
    return f"CPU ({_threads(config.intra_threads)}, {describe_precision(config, CPU)}) — CUDA not used: {status.reason}"
