"""Files on Ray actors: a local Ray instance (``--ray auto``) or an existing cluster (``--ray HOST:PORT``).

Ray does the distributed part: placing actors on nodes by their resources
(``num_cpus`` per actor = onnxruntime threads; ``num_gpus=1`` with
``--device cuda``), restarting an actor whose process or node died
(``max_restarts``) and running its file again (``max_task_retries``), and
handing the next file to a free actor (:class:`ray.util.ActorPool`). Each
actor is one worker: it loads the models once and runs the same
:func:`~vision_desk.batch.file_run.run_file` as a local worker. Progress comes
back through a :class:`ray.util.queue.Queue`.

What Ray cannot know, the manifest does: only the driver writes it, and only
from an outcome that came back complete (outputs closed and checksummed), so
a file retried after a lost node is counted once, and a file whose actor gave
up is not counted at all (and redone by the next run).

Paths are passed as they are: inputs and outputs must be on storage that every
node mounts at the same path (NFS, a cluster filesystem), which the README's
cluster section shows how to set up.
"""
from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable
from typing import Any

from vision_desk.batch.file_run import BatchSettings, FileOutcome, Report, run_file, setup_worker
from vision_desk.batch.inputs import FileJob
from vision_desk.errors import SettingsError, VisionDeskError

TASK_RETRIES = 2  # a file whose actor dies is run this many more times (on a restarted actor) before it fails
POLL_S = 0.2
INSTALL_HINT = "pip install 'vision-desk[cluster]'  (or: pip install ray)"


def check_installed() -> None:
    try:
        import ray  # noqa: F401
    except ImportError:
        raise SettingsError(f"--ray needs Ray, which is not installed; install it with: {INSTALL_HINT}") from None


class BatchWorker:
    """One Ray actor: the runtime set up and the models loaded once, then one file per call."""

    def __init__(self, batch: BatchSettings) -> None:
        # Only small, inlined arguments here: Ray can restart an actor only while its constructor's
        # arguments are still at hand (the progress queue comes with each call instead).
        from vision_desk.batch.warm import WarmPool

        self._batch = batch
        self._pool = WarmPool(runtime_config=setup_worker(batch))

    def run(self, job: FileJob, progress: Any) -> FileOutcome:
        def report(kind: str, worker: str, rel: str, value: Any) -> None:
            try:
                progress.put_nowait((kind, worker, rel, value))
            except Exception:  # progress is best effort; the file's outcome is what counts
                pass

        return run_file(job, self._batch, self._pool, report)


def connect(address: str, debug: bool) -> bool:
    """Join or start Ray; True when this call started a local instance (then it is shut down at the end)."""
    import ray

    os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")  # nothing leaves the machine unasked
    if ray.is_initialized():
        return False
    options: dict[str, Any] = {"log_to_driver": debug, "logging_level": logging.INFO if debug else logging.ERROR,
                               "include_dashboard": False}
    try:
        if address == "auto":
            # Join the Ray instance already running on this machine, if any, else start one here.
            try:
                ray.init(address="auto", **options)
                return False
            except ConnectionError:
                ray.init(**options)
                return True
        ray.init(address=address, **options)
        return False
    except Exception as exc:
        raise SettingsError(f"--ray {address}: cannot connect to Ray ({type(exc).__name__}: "
                            f"{str(exc).strip().splitlines()[0] if str(exc).strip() else 'no reason given'}); "
                            "start the cluster first (ray start --head) or use --ray auto") from None


def _actor_count(requested: int | None, batch: BatchSettings, files: int) -> int:
    import ray

    resources = ray.cluster_resources()
    per_actor = max(1, batch.threads or 1)
    fit = int(resources.get("CPU", 1) // per_actor)
    if batch.device == "cuda":
        gpus = int(resources.get("GPU", 0))
        if gpus < 1:
            raise SettingsError("--device cuda with --ray: the Ray cluster has no GPUs; use --device cpu, or "
                                "start the Ray nodes on machines with NVIDIA GPUs")
        fit = min(fit, gpus)
    if requested is not None and requested > max(1, fit):
        raise SettingsError(f"--jobs {requested}: the Ray cluster has room for {max(1, fit)} actors "
                            f"({resources.get('CPU', 0):g} CPUs, {per_actor} per actor"
                            f"{', 1 GPU each' if batch.device == 'cuda' else ''}); ask for fewer or add nodes")
    return max(1, min(requested or fit, files))


def run_on_ray(jobs: list[FileJob], batch: BatchSettings, address: str, requested: int | None, report: Report,
               on_outcome: Callable[[FileJob, FileOutcome], None], stop: threading.Event) -> None:
    import ray
    from ray.util import ActorPool
    from ray.util.queue import Queue

    started_here = connect(address, batch.debug)
    actors: list[Any] = []
    progress = None
    try:
        count = _actor_count(requested, batch, len(jobs))
        progress = Queue(actor_options={"num_cpus": 0})
        remote = ray.remote(BatchWorker).options(
            num_cpus=max(1, batch.threads or 1), num_gpus=1 if batch.device == "cuda" else 0,
            max_restarts=-1, max_task_retries=TASK_RETRIES)
        actors = [remote.remote(batch) for _ in range(count)]
        pool = ActorPool(actors)
        for job in jobs:
            pool.submit(lambda actor, j: actor.run.remote(j, progress), job)
        by_rel = {j.rel: j for j in jobs}
        got: set[str] = set()
        lost: list[str] = []
        while pool.has_next() and not stop.is_set():
            try:
                outcome = pool.get_next_unordered(timeout=POLL_S)
            except TimeoutError:
                _drain(progress, report)
                continue
            except ray.exceptions.RayError as exc:  # an actor died more often than its retries allow
                lost.append(_first_line(exc))
                continue
            _drain(progress, report)
            got.add(outcome.rel)
            on_outcome(by_rel[outcome.rel], outcome)
        if stop.is_set():
            return  # the files still running are not counted; the next run redoes them
        # ActorPool does not say which file a dead actor had; it is each submitted file without an outcome.
        for job in (j for j in jobs if j.rel not in got):
            reason = lost[0] if lost else "no result came back"
            on_outcome(job, FileOutcome(job.rel, job.input, ok=False,
                                        error=f"its Ray actor died {TASK_RETRIES + 1} times ({reason})"))
    except VisionDeskError:
        raise
    except Exception as exc:
        if isinstance(exc, ray.exceptions.RayError) or type(exc).__module__.startswith("ray"):
            raise VisionDeskError(f"Ray failed: {_first_line(exc)}") from None
        raise
    finally:
        for actor in actors:
            try:
                ray.kill(actor)
            except Exception:
                pass
        if progress is not None:
            try:
                progress.shutdown()
            except Exception:
                pass
        if started_here:
            ray.shutdown()


def _drain(progress: Any, report: Report) -> None:
    try:
        n = progress.qsize()
        items = progress.get_nowait_batch(n) if n else []
    except Exception:
        return
    for kind, worker, rel, value in items:
        report(kind, worker, rel, value)


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__
