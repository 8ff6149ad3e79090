"""A guard against a reference-counting bug of PySide6 6.12 on Python 3.10 and 3.11.

PySide6/shiboken6 6.12.0 returns ``None`` from every C++ method without a
return value (``update()``, ``setChecked()``, ...) without taking a reference
to it, and returns ``True`` from ``Signal.emit()`` the same way. Python 3.12+
does not care (``None``, ``True`` and ``False`` are immortal there, PEP 683),
but on 3.10/3.11 each such call takes one reference away for good: after
some minutes of a running window the count reaches zero and the interpreter
aborts with "Fatal Python error: none_dealloc" (or "bool_dealloc"). 6.11.3 is
not affected. Measured here: 100 ``QWidget.update()`` calls -> 100 references
of ``None`` lost; 100 ``emit()`` -> 100 of ``True``.

The guard gives those three singletons a very large reference count once,
which is what Python 3.12 does by design; it changes nothing else.
"""
from __future__ import annotations

import ctypes
import sys

_RESERVE = 1 << 40  # ~1e12 leaked references: years of calls
_applied = False


def affected(python: tuple[int, int] | None = None, shiboken: tuple[int, int] | None = None) -> bool:
    """True when this Python and shiboken6 combination has the bug (or may: newer 6.12+ on Python < 3.12)."""
    python = python or (sys.version_info.major, sys.version_info.minor)
    if shiboken is None:
        try:
            import shiboken6

            shiboken = tuple(shiboken6.__version_info__[:2])  # type: ignore[assignment]
        except (ImportError, AttributeError):
            return False
    return python < (3, 12) and shiboken >= (6, 12)


def _refcount_cell(obj: object) -> ctypes.c_ssize_t:
    return ctypes.c_ssize_t.from_address(id(obj))  # ob_refcnt: the first field of an object in CPython


def _layout_as_expected() -> bool:
    """Check on a private object that the reference count really is the first field (not a debug build)."""
    probe = object()
    cell = _refcount_cell(probe)
    before = cell.value
    extra = [probe, probe, probe]
    ok = cell.value == before + 3
    del extra
    return ok and cell.value == before


def guard_singleton_refcounts() -> bool:
    """Apply the guard if needed (once); True when it was applied."""
    global _applied
    if _applied or not affected() or not hasattr(sys, "getrefcount") or not _layout_as_expected():
        return _applied
    for obj in (None, True, False):
        _refcount_cell(obj).value += _RESERVE
    _applied = True
    return True


def qt_versions() -> str:
    """'Qt 6.9.1 (PySide6 6.9.1)' for `vision-desk info` (ImportError where PySide6 is missing)."""
    import PySide6
    from PySide6 import QtCore

    return f"Qt {QtCore.qVersion()} (PySide6 {PySide6.__version__})"
