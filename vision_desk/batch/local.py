"""Files on this machine: in this process (one worker) or in ``--jobs N`` spawned worker processes.

Worker processes come from the standard library's ``ProcessPoolExecutor``
(spawn context: a clean interpreter, no forked threads or CUDA state); each
sets up its runtime, keeps one :class:`~vision_desk.batch.warm.WarmPool`
(models loaded once) and runs one file at a time. Progress travels back on a
``multiprocessing`` queue; Ctrl-C in the terminal is handled by the driver,
which sets a shared stop event so every worker ends its file cooperatively
(its outputs stay playable; it is not counted as finished).

A worker that dies (a crash in a native decoder, the OOM killer) breaks the
executor; the files it was running are tried once more in a fresh one, and a
file that kills its worker twice is reported as failed, alone.
"""
from __future__ import annotations

import concurrent.futures as cf
import multiprocessing
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


# --- in each worker process ---------------------------------------------------------------
_worker: dict[str, Any] = {}


def _init_worker(batch: BatchSettings, progress: Any, stop: Any) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the driver decides; it sets `stop` for everyone
    config = setup_worker(batch)
    _worker.update(batch=batch, pool=WarmPool(runtime_config=config), progress=progress, stop=stop)


def _report_to_queue(kind: str, worker: str, rel: str, value: Any) -> None:
    _worker["progress"].put((kind, worker, rel, value))


def _run_job(job: FileJob) -> FileOutcome:
    _worker["progress"].put(("claim", worker_name(), job.rel, None))
    return run_file(job, _worker["batch"], _worker["pool"], _report_to_queue, _worker["stop"])


# --- in the driver ------------------------------------------------------------------------
def run_in_workers(jobs: list[FileJob], batch: BatchSettings, workers: int, report: Report,
                   on_outcome: OnOutcome, stop: threading.Event) -> None:
    """``workers`` spawned processes share ``jobs``; outcomes are handed to ``on_outcome`` in this thread."""
    ctx = multiprocessing.get_context("spawn")
    progress = ctx.Queue()
    shared_stop = ctx.Event()
    attempts: dict[str, int] = {}
    todo = list(jobs)
    while todo and not stop.is_set():
        running: dict[str, str] = {}  # rel -> worker, for the files a dying worker takes with it
        broken = _one_executor(todo, batch, min(workers, len(todo)), ctx, progress, shared_stop, report,
                               on_outcome, stop, running)
        if not broken:
            return
        again = []
        # The files a worker was running when it died are to blame; if its last message was lost with it,
        # every unfinished file is, so that a file that always kills its worker still ends.
        blamed = {j.rel for j in broken if j.rel in running} or {j.rel for j in broken}
        for job in broken:
            attempts[job.rel] = attempts.get(job.rel, 0) + (1 if job.rel in blamed else 0)
            if attempts[job.rel] >= ATTEMPTS:
                on_outcome(job, FileOutcome(job.rel, job.input, ok=False, worker=running.get(job.rel, ""),
                                            error=f"the worker process died while processing it "
                                                  f"({ATTEMPTS} attempts)"))
            else:
                again.append(job)
        todo = again


def _one_executor(jobs: list[FileJob], batch: BatchSettings, workers: int, ctx: Any, progress: Any,
                  shared_stop: Any, report: Report, on_outcome: OnOutcome, stop: threading.Event,
                  running: dict[str, str]) -> list[FileJob]:
    """Run ``jobs`` in one executor; returns the jobs left unfinished if a worker process died."""
    executor = cf.ProcessPoolExecutor(max_workers=workers, mp_context=ctx, initializer=_init_worker,
                                      initargs=(batch, progress, shared_stop))
    futures = {executor.submit(_run_job, job): job for job in jobs}
    pending = set(futures)
    unfinished: list[FileJob] = []
    try:
        while pending:
            if stop.is_set() and not shared_stop.is_set():
                shared_stop.set()
                for f in pending:
                    f.cancel()  # not started yet: never will be
            done, pending = cf.wait(pending, timeout=0.2, return_when=cf.FIRST_COMPLETED)
            _drain(progress, report, running)
            for f in done:
                job = futures[f]
                if f.cancelled():
                    continue
                try:
                    outcome = f.result()
                except BrokenProcessPool:
                    unfinished.append(job)
                    continue
                running.pop(job.rel, None)
                on_outcome(job, outcome)
        _drain(progress, report, running)
    finally:
        executor.shutdown(wait=True, cancel_futures=True)
    return unfinished


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
