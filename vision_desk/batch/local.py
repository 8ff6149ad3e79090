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


# --- in each worker process ---------------------------------------------------------------
_worker: dict[str, Any] = {}


def _init_worker(batch: BatchSettings, progress: Any, stop: Any) -> None:
    from vision_desk.batch.orphans import die_with_parent

    die_with_parent()  # a driver killed with SIGKILL takes its workers with it
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the driver decides; it sets `stop` for everyone
    config = setup_worker(batch)
    _worker.update(batch=batch, pool=WarmPool(runtime_config=config), progress=progress, stop=stop)


def _report_to_queue(kind: str, worker: str, rel: str, value: Any) -> None:
    _worker["progress"].put((kind, worker, rel, value))


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
    progress = ctx.Queue()
    shared_stop = ctx.Event()
    attempts: dict[str, int] = {}
    todo = list(jobs)
    while todo and not stop.is_set():
        running: dict[str, str] = {}  # rel -> worker, for the files a dying worker takes with it
        children: dict[int, Any] = {}  # pid -> multiprocessing.Process: their exit codes say who died
        broken = _one_executor(todo, batch, min(workers, len(todo)), ctx, progress, shared_stop, report,
                               on_outcome, stop, running, children)
        if not broken:
            return
        again = []
        # The file a worker was running when it died is to blame, not those of the workers the executor
        # terminated after it (SIGTERM); if that cannot be told (its last message was lost with it), every
        # unfinished file is, so that a file that always kills its worker still ends.
        dead = {pid for pid, proc in children.items() if proc.exitcode not in (None, 0, -signal.SIGTERM)}
        blamed = {j.rel for j in broken if _pid(running.get(j.rel, "")) in dead} \
            or {j.rel for j in broken if j.rel in running} or {j.rel for j in broken}
        for job in broken:
            attempts[job.rel] = attempts.get(job.rel, 0) + (1 if job.rel in blamed else 0)
            if attempts[job.rel] >= ATTEMPTS:
                on_outcome(job, FileOutcome(job.rel, job.input, ok=False, worker=running.get(job.rel, ""),
                                            error=f"the worker process died while processing it "
                                                  f"({ATTEMPTS} attempts)"))
            else:
                again.append(job)
        todo = again


def _pid(worker: str) -> int | None:
    try:
        return int(worker.rsplit(":", 1)[1])
    except (IndexError, ValueError):
        return None


def _one_executor(jobs: list[FileJob], batch: BatchSettings, workers: int, ctx: Any, progress: Any,
                  shared_stop: Any, report: Report, on_outcome: OnOutcome, stop: threading.Event,
                  running: dict[str, str], children: dict[int, Any]) -> list[FileJob]:
    """Run ``jobs`` in one executor; returns the jobs left unfinished if a worker process died.
    ``children`` receives the worker processes (by pid), whose exit codes say which one died."""
    executor = cf.ProcessPoolExecutor(max_workers=workers, mp_context=ctx, initializer=_init_worker,
                                      initargs=(batch, progress, shared_stop))
    queued = list(jobs)
    futures: dict[Any, FileJob] = {}
    pending: set[Any] = set()
    unfinished: list[FileJob] = []
    try:
        while queued or pending:
            if stop.is_set() and not shared_stop.is_set():
                shared_stop.set()
            # One file per worker at a time: the executor moves submitted calls into its queue at once, where
            # they can no longer be cancelled, so a file queued there would start after Ctrl-C.
            while queued and len(pending) < workers and not stop.is_set() and not unfinished:
                job = queued.pop(0)
                f = executor.submit(_run_job, job)
                futures[f] = job
                pending.add(f)
            if not pending:
                break
            done, pending = cf.wait(pending, timeout=0.2, return_when=cf.FIRST_COMPLETED)
            children.update((p.pid, p) for p in multiprocessing.active_children() if p.pid is not None
                            and p.pid != os.getpid())
            _drain(progress, report, running)
            for f in done:
                job = futures[f]
                try:
                    outcome = f.result()
                except BrokenProcessPool:
                    unfinished.append(job)
                    continue
                running.pop(job.rel, None)
                if outcome.error != NOT_STARTED:
                    on_outcome(job, outcome)
        _drain(progress, report, running)
    finally:
        executor.shutdown(wait=True, cancel_futures=True)
    if unfinished and not stop.is_set():
        unfinished.extend(queued)  # never handed out: they go on in the next executor
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
