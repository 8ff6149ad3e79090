"""What this CPU can do, as far as the choice of INT8 or FP32 goes: its feature flags and its class.

``$VISION_DESK_CPU_FLAGS`` overrides the detection (a class name of :data:`CPU_CLASSES`, or flags), so that
tests and developers exercise every class's decisions on any machine. Kept apart from runtime.py so that
the precision timings (auto_precision.py) can name the class without importing the session code.
"""
from __future__ import annotations

import functools
import os


CPU_FLAGS_ENV = "VISION_DESK_CPU_FLAGS"
# Named CPU classes for VISION_DESK_CPU_FLAGS: the flags /proc/cpuinfo shows on such a CPU (those that
# matter here). Tests and developers use them to exercise every class's decisions on any machine.
CPU_CLASSES: dict[str, tuple[str, ...]] = {
    "avx2": ("sse4_2", "avx2", "fma"),
    "avx512": ("sse4_2", "avx2", "fma", "avx512f", "avx512bw"),
    "avx512-vnni": ("sse4_2", "avx2", "fma", "avx512f", "avx512bw", "avx512_vnni"),
    "avx-vnni": ("sse4_2", "avx2", "fma", "avx_vnni"),
    "amx": ("sse4_2", "avx2", "fma", "avx512f", "avx512bw", "avx512_vnni", "amx_tile", "amx_int8"),
    "arm": ("asimd",),
    "arm-dotprod": ("asimd", "asimddp"),
}


@functools.lru_cache(maxsize=1)
def _proc_cpu_flags() -> frozenset[str]:
    try:
        with open("/proc/cpuinfo", encoding="utf-8", errors="replace") as fh:
            for line in fh:
                if line.startswith(("flags", "Features")):
                    return frozenset(line.partition(":")[2].split())
    except OSError:
        pass
    return frozenset()


def cpu_flags() -> frozenset[str]:
    """The CPU's feature flags: ``$VISION_DESK_CPU_FLAGS`` when set (a class name of :data:`CPU_CLASSES`,
    or flags separated by spaces or commas), else those /proc/cpuinfo lists.

    Read at every call (not cached) so that a test or a developer can switch the class a decision sees.
    """
    override = os.environ.get(CPU_FLAGS_ENV, "").strip()
    if not override:
        return _proc_cpu_flags()
    if override.lower() in CPU_CLASSES:
        return frozenset(CPU_CLASSES[override.lower()])
    return frozenset(override.replace(",", " ").split())


# 8-bit dot-product instructions: with them onnxruntime's U8S8 convolutions run ~2x faster than FP32
# (measured on AVX512-VNNI); without them INT8 gains little or loses (see README "INT8 on the CPU").
_INT8_DOT_FLAGS = ("amx_int8", "avx512_vnni", "avx_vnni", "asimddp")


# The flag that makes each class, strongest first.
_CLASS_FLAGS = (("amx", "amx_int8"), ("avx512-vnni", "avx512_vnni"), ("avx-vnni", "avx_vnni"),
                ("avx512", "avx512f"), ("avx2", "avx2"), ("arm-dotprod", "asimddp"), ("arm", "asimd"))


def cpu_class() -> str:
    """The class of this CPU as far as the precision choice goes: one of :data:`CPU_CLASSES`' names, or
    "other" (no AVX2 and no NEON)."""
    flags = cpu_flags()
    return next((name for name, flag in _CLASS_FLAGS if flag in flags), "other")


def int8_pays(*, hardware: bool = False) -> tuple[bool, str]:
    """Whether this CPU has 8-bit dot products (INT8 may pay), and the flag (or the missing flags) that decide it.
    ``hardware=True``: the real CPU's, whatever VISION_DESK_CPU_FLAGS says (what a file can actually run on)."""
    flags = _proc_cpu_flags() if hardware else cpu_flags()
    found = [f for f in _INT8_DOT_FLAGS if f in flags]
    source = " (VISION_DESK_CPU_FLAGS)" if os.environ.get(CPU_FLAGS_ENV, "").strip() and not hardware else ""
    if found:
        return True, found[0] + source
    return False, "no VNNI/AMX/dotprod on this CPU" + source
