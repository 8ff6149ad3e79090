"""Workers that end when the process that started them dies, so that no orphan keeps writing an output.

A batch worker (a ``--jobs`` process, a Ray actor) that outlives its driver or
its node's raylet would go on encoding into an output a rerun is about to
redo, and hold that output's lock, so the rerun would be refused ("being
written by another run"). On Linux a local worker asks the kernel for a
parent-death signal (``prctl(PR_SET_PDEATHSIG, SIGKILL)``); everywhere, and
for Ray actors (whose parent, the raylet, is multi-threaded: the kernel's
signal follows the *thread* that started the worker, so it cannot be used
there), a daemon thread watches the parent and ends the process when it is
gone. A process that ends releases its locks, so a rerun can start at once.
"""
from __future__ import annotations

import os
import signal
import sys
import threading

PR_SET_PDEATHSIG = 1  # <linux/prctl.h>
WATCH_EVERY_S = 0.5


def die_with_parent(*, kernel_signal: bool = True) -> None:
    """End this process (exit status 1 from the watcher, SIGKILL from the kernel) when its parent dies.

    ``kernel_signal``: use Linux's parent-death signal as well (only where the parent's thread that started
    this process lives as long as the parent: a ``ProcessPoolExecutor`` started from the main thread).
    """
    parent = os.getppid()
    if kernel_signal and sys.platform.startswith("linux"):
        try:
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)
        except (OSError, AttributeError):  # no prctl (another libc): the watcher below still works
            pass
    if os.getppid() != parent or parent == 1:  # the parent died before the signal was asked for
        os._exit(1)
    threading.Thread(target=_watch, args=(parent,), name="vision-desk-parent-watch", daemon=True).start()


def _watch(parent: int) -> None:
    done = threading.Event()
    while not done.wait(WATCH_EVERY_S):
        if os.getppid() != parent:  # re-parented: the parent is gone
            os._exit(1)


def wait_for_release(paths: list[str], timeout: float) -> bool:
    """Wait (up to ``timeout`` seconds) until no process holds the output lock of any of ``paths``: a run on
    a node that was cut off ends itself within :data:`WATCH_EVERY_S`, and its retry must not be refused by
    that dead run's lock. True when all are free (or cannot be checked here)."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows: no flock to wait for
        return True
    import time

    deadline = time.monotonic() + timeout
    for path in paths:
        while True:
            try:
                fd = os.open(path, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
            except OSError:
                break  # not there yet: nothing holds it
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError:
                if time.monotonic() >= deadline:
                    return False
                threading.Event().wait(0.1)
            finally:
                os.close(fd)  # (also drops the probe's lock)
    return True
