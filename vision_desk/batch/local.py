"""Files on this machine: in this process (one worker) or in ``--jobs N`` spawned worker processes.

Worker processes come from the standard library's ``ProcessPoolExecutor``
(spawn context: a clean interpreter, no forked threads or CUDA state); each
sets up its runtime, keeps one :class:`~vision_desk.batch.warm.WarmPool`
(models loaded once) and runs one file at a time. Progress travels back on a
``multiprocessing`` queue; Ctrl-C in the terminal is handled by the driver,
which sets a shared stop event so every worker ends its file cooperatively
(its outputs stay playable; it is not counted as finished).

A worker that dies (a crash in a native decoder, the OOM killer) breaks the
executor; the file it was running is tried once more in a fresh one, and a
file that kills its worker twice is reported as failed, alone. The other
workers' files are re-queued without being charged an attempt: which worker
died is known from the exit status of each worker process (the executor
terminates the survivors with SIGTERM; the dead one ended otherwise).

Workers end with their driver (:mod:`~vision_desk.batch.orphans`), and at most
one file per worker is handed out at a time, so after Ctrl-C or SIGTERM no
queued file starts.
"""
from __future__ import annotations

import concurrent.futures as cf
import multiprocessing
import os
import queue as queue_mod
import signal
import threading
from collections.abc import Callable
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from vision_desk.batch.file_run import BatchSettings, FileOutcome, Report, run_file, setup_worker, worker_name
from vision_desk.batch.inputs import FileJob
from vision_desk.batch.warm import WarmPool

ATTEMPTS = 2  # a file whose worker process dies is tried this many times in all
NOT_STARTED = "not started (the batch was stopped)"

OnOutcome = Callable[[FileJob, FileOutcome], None]


def run_in_process(jobs: list[FileJob], batch: BatchSettings, report: Report, on_outcome: OnOutcome,
                   stop: threading.Event) -> None:
    """One worker: this process, one file after another, models loaded once."""
    pool = WarmPool(runtime_config=batch.runtime_config())
    try:
        for job in jobs:
            if stop.is_set():
                return
            on_outcome(job, run_file(job, batch, pool, report, stop))
    finally:
        pool.close()


class SharedFlag:
    """A stop flag every worker process reads (``is_set()``, as run_file expects) without taking a lock."""

    def __init__(self, value: Any) -> None:
        self.value = value  # a multiprocessing RawValue("b")

    def is_set(self) -> bool:
        return bool(self.value.value)

    def set(self) -> None:
        self.value.value = 1


# --- in each worker process ---------------------------------------------------------------
_worker: dict[str, Any] = {}


def _init_worker(batch: BatchSettings, progress: Any, stop: Any) -> None:
    from vision_desk.batch.orphans import die_with_parent

    die_with_parent()  # a driver killed with SIGKILL takes its workers with it
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the driver decides; it sets `stop` for everyone
    config = setup_worker(batch)
    _worker.update(batch=batch, pool=WarmPool(runtime_config=config), progress=progress, stop=SharedFlag(stop))


def _report_to_queue(kind: str, worker: str, rel: str, value: Any) -> None:
    _worker["progress"].put((kind, worker, rel, value))


def _noop() -> None:
    """Submitted only to wake the executor's manager thread (see _one_executor)."""


def _run_job(job: FileJob) -> FileOutcome:
    if _worker["stop"].is_set():  # handed out just before Ctrl-C/SIGTERM: never started
        return FileOutcome(job.rel, job.input, ok=False, error=NOT_STARTED)
    _worker["progress"].put(("claim", worker_name(), job.rel, None))
    return run_file(job, _worker["batch"], _worker["pool"], _report_to_queue, _worker["stop"])


# --- in the driver ------------------------------------------------------------------------
def run_in_workers(jobs: list[FileJob], batch: BatchSettings, workers: int, report: Report,
                   on_outcome: OnOutcome, stop: threading.Event) -> None:
    """``workers`` spawned processes share ``jobs``; outcomes are handed to ``on_outcome`` in this thread."""
    ctx = multiprocessing.get_context("spawn")
    # The stop flag is a byte of shared memory read without a lock: a multiprocessing.Event takes a lock in
    # is_set(), and a worker killed while holding it would hang every other worker and the driver. For the
    # same reason each executor gets its own progress queue (a worker killed mid-put holds the queue's lock).
    shared_stop = SharedFlag(ctx.RawValue("b", 0))
    attempts: dict[str, int] = {}
    todo = list(jobs)
    while todo and not stop.is_set():
        running: dict[str, str] = {}  # rel -> worker, for the files a dying worker takes with it
        children: dict[int, Any] = {}  # pid -> multiprocessing.Process: their exit codes say who died
        broken, in_flight, never_sent = _one_executor(todo, batch, min(workers, len(todo)), ctx, ctx.Queue(),
                                                      shared_stop, report, on_outcome, stop, running, children)
        if not broken:
            return
        again = []
        blamed = _blamed(in_flight, running, children)
        for job in in_flight:
            attempts[job.rel] = attempts.get(job.rel, 0) + (1 if job.rel in blamed else 0)
            if attempts[job.rel] >= ATTEMPTS:
                on_outcome(job, FileOutcome(job.rel, job.input, ok=False, worker=running.get(job.rel, ""),
                                            error=f"the worker process died while processing it "
                                                  f"({ATTEMPTS} attempts)"))
            else:
                again.append(job)
        todo = again + never_sent


def _blamed(in_flight: list[FileJob], running: dict[str, str], children: dict[int, Any]) -> set[str]:
    """The files to charge an attempt: the one a worker was running when it died, not those of the workers
    the executor terminated after it (SIGTERM). A file whose claim never arrived (the worker died before
    its message left) is blamed unless a surviving worker claimed it. If no worker is known to have died,
    every file in flight is, so that a file that always kills its worker still ends."""
    dead = {pid for pid, proc in children.items() if proc.exitcode not in (None, 0, -signal.SIGTERM)}
    if not dead:
        return {j.rel for j in in_flight}
    return {j.rel for j in in_flight if j.rel not in running or _pid(running[j.rel]) in dead}


def _pid(worker: str) -> int | None:
    try:
        return int(worker.rsplit(":", 1)[1])
    except (IndexError, ValueError):
        return None


def _one_executor(jobs: list[FileJob], batch: BatchSettings, workers: int, ctx: Any, progress: Any,
                  shared_stop: Any, report: Report, on_outcome: OnOutcome, stop: threading.Event,
                  running: dict[str, str], children: dict[int, Any]) -> tuple[bool, list[FileJob], list[FileJob]]:
    """Run ``jobs`` in one executor; returns whether a worker process died, and then the jobs in flight at
    that moment and those never handed out. ``children`` receives the worker processes (by pid): their exit
    codes say which one died."""
    executor = cf.ProcessPoolExecutor(max_workers=workers, mp_context=ctx, initializer=_init_worker,
                                      initargs=(batch, progress, shared_stop.value))
    queued = list(jobs)
    futures: dict[Any, FileJob] = {}
    pending: set[Any] = set()
    unfinished: list[FileJob] = []
    broken = poked = False
    try:
        while queued or pending:
            if stop.is_set() and not shared_stop.is_set():
                shared_stop.set()
            # One file per worker at a time: the executor moves submitted calls into its queue at once, where
            # they can no longer be cancelled, so a file queued there would start after Ctrl-C.
            while queued and len(pending) < workers and not stop.is_set() and not broken:
                try:
                    f = executor.submit(_run_job, queued[0])
                except BrokenProcessPool:  # a worker died before its file's future said so
                    broken = True
                    break
                futures[f] = queued.pop(0)
                pending.add(f)
            if not pending:
                break
            done, pending = cf.wait(pending, timeout=0.2, return_when=cf.FIRST_COMPLETED)
            children.update((p.pid, p) for p in multiprocessing.active_children() if p.pid is not None
                            and p.pid != os.getpid())
            if not poked and any(p.exitcode not in (None, 0) for p in children.values()):
                # A worker died. The executor notices a death only among the workers it was watching when it
                # last woke up (a worker started just after that goes unwatched: CPython 3.11), so it could
                # let the other files run to their end first; a submit wakes it, and it breaks at once.
                poked = True
                try:
                    executor.submit(_noop)
                except BrokenProcessPool:
                    broken = True
            _drain(progress, report, running)
            for f in done:
                job = futures[f]
                try:
                    outcome = f.result()
                except BrokenProcessPool:
                    unfinished.append(job)
                    broken = True
                    continue
                running.pop(job.rel, None)
                if outcome.error != NOT_STARTED:
                    on_outcome(job, outcome)
        _drain(progress, report, running)
    finally:
        executor.shutdown(wait=True, cancel_futures=True)
    return broken, unfinished, (queued if broken and not stop.is_set() else [])


def _drain(progress: Any, report: Report, running: dict[str, str]) -> None:
    while True:
        try:
            kind, worker, rel, value = progress.get_nowait()
        except queue_mod.Empty:
            return
        except (OSError, ValueError, EOFError):  # the queue went away with a dead worker
            return
        if kind == "claim":
            running[rel] = worker
        else:
            report(kind, worker, rel, value)
