"""Files on Ray actors: a local Ray instance (``--ray auto``) or an existing cluster (``--ray HOST:PORT``).

Ray places the actors on nodes by their resources (``num_cpus`` per actor =
onnxruntime threads, ``num_gpus=1`` with ``--device cuda``, ``memory`` for
the models) and runs their calls; which file runs where, and what a death
costs, is decided here, because Ray's own retries cannot know it:

- each actor gets one file at a time, and only once it has said it is ready
  (its models' manifest and vision_desk version compared with the driver's:
  a node that would compute something else is refused, naming it);
- an actor that dies (its process killed, its node lost or cut off) charges
  an attempt only to the file it was running; that file runs again on a new
  actor (up to :data:`ATTEMPTS` in all), queued files are never charged;
- Ctrl-C/SIGTERM ask every actor to stop its file cleanly (the outputs stay
  playable) and wait a few seconds for them, then end the actors;
- an actor whose node's raylet died ends itself (:mod:`~vision_desk.batch.orphans`),
  and a retry waits for a dead run's output lock to be released instead of
  being refused by it.

Only the driver writes the manifest, and only from an outcome that came back
complete (outputs closed and checksummed), so a file retried after a lost node
is counted once. Paths are passed as they are: inputs and outputs must be on
storage that every node mounts at the same path (NFS, a cluster filesystem),
which the README's cluster section shows how to set up.
"""
from __future__ import annotations

import collections
import os
import socket
import threading
import time
from collections.abc import Callable
from typing import Any

from vision_desk.batch.file_run import BatchSettings, FileOutcome, Report, run_file, setup_worker
from vision_desk.batch.inputs import FileJob
from vision_desk.batch.ray_connect import first_line
from vision_desk.errors import SettingsError, VisionDeskError

ATTEMPTS = 3  # a file whose actor dies while running it is run this many times in all
POLL_S = 0.2
STOP_WAIT_S = 15.0  # after Ctrl-C: how long the files in progress get to stop cleanly
START_TIMEOUT_S = 180.0  # no actor at all could start in this time: the cluster cannot run the batch
ACTOR_MEMORY_BASE = 256 << 20  # bytes Ray reserves per actor: the runtime, decoder and encoder ...
ACTOR_MEMORY_PER_PROCESSOR = 128 << 20  # ... and each processor's model (faces+pose measured ~360 MB)


def fingerprint(batch: BatchSettings) -> dict[str, Any]:
    """What must be the same on every node for a batch to compute one thing: the vision_desk version and the
    model manifest (ids and checksums), and whether this node's model files pass those checksums."""
    import hashlib

    from vision_desk import __version__, model_store

    models = sorted((m.id, m.sha256) for m in model_store.load_manifest())
    bad = sorted(m.id for m in model_store.load_manifest()
                 if m.id.split("-")[0] in batch.processors and model_store.check(m).state not in ("ok",))
    return {"version": __version__, "models": hashlib.sha256(repr(models).encode()).hexdigest()[:16],
            "bad_models": bad, "models_dir": str(model_store.models_dir())}


class BatchWorker:
    """One Ray actor: the runtime set up and the models loaded once, then one file per call."""

    def __init__(self, batch: BatchSettings) -> None:
        # Only small, inlined arguments here: Ray can restart an actor only while its constructor's
        # arguments are still at hand (the progress queue comes with each call instead).
        from vision_desk.batch.orphans import die_with_parent
        from vision_desk.batch.warm import WarmPool

        die_with_parent(kernel_signal=False)  # the raylet is gone: stop writing, release the outputs
        self._batch = batch
        self._pool = WarmPool(runtime_config=setup_worker(batch))
        self._stop = threading.Event()

    def ready(self) -> dict[str, Any]:
        import ray

        node = f"{socket.gethostname()} (node id {ray.get_runtime_context().get_node_id()[:12]})"
        return {**fingerprint(self._batch), "node": node, "pid": os.getpid()}

    def stop(self) -> None:
        self._stop.set()

    def run(self, job: FileJob, progress: Any) -> FileOutcome:
        from vision_desk.batch.orphans import wait_for_release

        def report(kind: str, worker: str, rel: str, value: Any) -> None:
            try:
                progress.put_nowait((kind, worker, rel, value))
            except Exception:  # progress is best effort; the file's outcome is what counts
                pass

        if self._stop.is_set():
            return FileOutcome(job.rel, job.input, ok=False, error=NOT_STARTED)
        # A run on a node that was cut off may still hold this file's outputs for a moment (see orphans).
        wait_for_release([p for p in (job.output, job.json) if p is not None], timeout=10.0)
        return run_file(job, self._batch, self._pool, report, self._stop)


NOT_STARTED = "not started (the batch was stopped)"


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


def _refusal(mine: dict[str, Any], theirs: dict[str, Any]) -> str | None:
    """Why an actor cannot take part (it would compute something else than the driver), or None."""
    node = theirs.get("node", "?")
    if theirs.get("version") != mine["version"]:
        return (f"the Ray node {node} runs vision_desk {theirs.get('version')}, this driver {mine['version']}: "
                "install the same version on every node")
    if theirs.get("models") != mine["models"]:
        return (f"the Ray node {node} has another model manifest (other model checksums) than this driver: "
                "install the same vision_desk on every node")
    if theirs.get("bad_models"):
        return (f"the Ray node {node} has model files that fail their checksums "
                f"({', '.join(theirs['bad_models'])} in {theirs.get('models_dir')}): restore them there")
    return None


class _Scheduler:
    """The driver's side: actors started, each handed one file at a time, deaths charged to their file."""

    def __init__(self, jobs: list[FileJob], batch: BatchSettings, count: int, report: Report,
                 on_outcome: Callable[[FileJob, FileOutcome], None], stop: threading.Event) -> None:
        import ray
        from ray.util.queue import Queue

        self.ray = ray
        self.batch = batch
        self.count = count
        self.report = report
        self.on_outcome = on_outcome
        self.stop = stop
        self.queue: collections.deque[FileJob] = collections.deque(jobs)
        self.attempts: dict[str, int] = {}
        self.starting: dict[Any, Any] = {}  # ready() ref -> actor
        self.busy: dict[Any, tuple[Any, FileJob]] = {}  # run() ref -> (actor, job)
        self.idle: list[Any] = []
        self.actors: list[Any] = []
        self.mine = fingerprint(batch)
        self.progress = Queue(actor_options={"num_cpus": 0})
        memory = ACTOR_MEMORY_BASE + ACTOR_MEMORY_PER_PROCESSOR * len(batch.processors)
        # No restarts or retries by Ray: a restarted actor would be handed the queued calls of the dead one,
        # and Ray's retries of a file on a lost node are spent before the node is known to be gone.
        self.remote = ray.remote(BatchWorker).options(
            num_cpus=max(1, batch.threads or 1), num_gpus=1 if batch.device == "cuda" else 0, memory=memory,
            max_restarts=0, max_task_retries=0, max_concurrency=2)  # 2: stop() reaches a busy actor

    def _start_actor(self) -> None:
        actor = self.remote.remote(self.batch)
        self.actors.append(actor)
        self.starting[actor.ready.remote()] = actor

    def _drop(self, actor: Any) -> None:
        try:
            self.ray.kill(actor, no_restart=True)
        except Exception:
            pass

    def run(self) -> None:
        ray = self.ray
        for _ in range(self.count):
            self._start_actor()
        last_alive = time.monotonic()
        while (self.queue or self.busy) and not self.stop.is_set():
            while self.idle and self.queue:
                actor, job = self.idle.pop(), self.queue.popleft()
                self.busy[actor.run.remote(job, self.progress)] = (actor, job)
            if self.busy or self.idle:
                last_alive = time.monotonic()
            elif time.monotonic() - last_alive > START_TIMEOUT_S:
                raise VisionDeskError(f"no Ray actor could start in {START_TIMEOUT_S:g} s (the cluster has no "
                                      "free CPU or memory for one); add nodes or ask for fewer --jobs")
            ready, _ = ray.wait([*self.starting, *self.busy], num_returns=1, timeout=POLL_S)
            self._drain()
            for ref in ready:
                if ref in self.starting:
                    self._started(ref)
                else:
                    self._finished(ref)
        if self.stop.is_set():
            self._stop_cleanly()

    def _started(self, ref: Any) -> None:
        actor = self.starting.pop(ref)
        try:
            theirs = self.ray.get(ref)
        except self.ray.exceptions.RayError as exc:  # it died starting (a lost node): start another
            self._drop(actor)
            if isinstance(exc, self.ray.exceptions.RayTaskError):  # its constructor raised: every one would
                raise VisionDeskError(f"a Ray actor could not start: {first_line(exc)}") from None
            self._start_actor()
            return
        refusal = _refusal(self.mine, theirs)
        if refusal is not None:
            raise SettingsError(refusal)
        self.idle.append(actor)

    def _finished(self, ref: Any) -> None:
        ray = self.ray
        actor, job = self.busy.pop(ref)
        try:
            outcome = ray.get(ref)
        except ray.exceptions.RayActorError as exc:  # the actor died while running this file, and only this one
            self._drop(actor)
            self._start_actor()
            n = self.attempts[job.rel] = self.attempts.get(job.rel, 0) + 1
            if n >= ATTEMPTS:
                self.on_outcome(job, FileOutcome(job.rel, job.input, ok=False,
                                                 error=f"its Ray actor died {n} times while running it "
                                                       f"({first_line(exc)})"))
            else:
                self.queue.appendleft(job)
            return
        except ray.exceptions.RayError as exc:
            outcome = FileOutcome(job.rel, job.input, ok=False, error=f"Ray failed: {first_line(exc)}")
        self.idle.append(actor)
        if outcome.error != NOT_STARTED:
            self.on_outcome(job, outcome)

    def _stop_cleanly(self) -> None:
        """Ctrl-C/SIGTERM: each actor stops its file (outputs stay playable); their outcomes are taken."""
        for actor, _job in self.busy.values():
            try:
                actor.stop.remote()
            except Exception:
                pass
        deadline = time.monotonic() + STOP_WAIT_S
        while self.busy and time.monotonic() < deadline:
            ready, _ = self.ray.wait(list(self.busy), num_returns=1, timeout=POLL_S)
            for ref in ready:
                try:
                    self._finished(ref)
                except Exception:
                    pass

    def _drain(self) -> None:
        try:
            n = self.progress.qsize()
            items = self.progress.get_nowait_batch(n) if n else []
        except Exception:
            return
        for kind, worker, rel, value in items:
            self.report(kind, worker, rel, value)

    def close(self) -> None:
        for actor in self.actors:
            self._drop(actor)
        try:
            self.progress.shutdown()
        except Exception:
            pass


def run_on_ray(jobs: list[FileJob], batch: BatchSettings, requested: int | None, report: Report,
               on_outcome: Callable[[FileJob, FileOutcome], None], stop: threading.Event) -> None:
    """Run ``jobs`` on actors of the Ray instance :func:`connect` joined (or started)."""
    import ray

    scheduler = None
    try:
        scheduler = _Scheduler(jobs, batch, _actor_count(requested, batch, len(jobs)), report, on_outcome, stop)
        scheduler.run()
    except VisionDeskError:
        raise
    except Exception as exc:
        if isinstance(exc, ray.exceptions.RayError) or type(exc).__module__.startswith("ray"):
            raise VisionDeskError(f"Ray failed: {first_line(exc)}") from None
        raise
    finally:
        if scheduler is not None:
            scheduler.close()
