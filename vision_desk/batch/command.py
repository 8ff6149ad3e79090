"""`vision-desk process A.mp4 B.mp4 lectures/ -o OUT/ --json OUT/`: the batch side of the process command.

`vision-desk process` turns into a batch when it is given several inputs, a
folder or pattern of videos, a list file, ``--jobs`` or ``--ray``
(:func:`wants_batch`). Then ``-o`` and ``--json`` name folders, and:

1. the inputs are expanded and every check that can fail is made before any
   work starts (names, collisions, the output folder, the manifest lock);
2. files finished by an earlier run with the same input and settings are
   skipped; the rest are recorded as started (so their partial outputs are
   known to be this batch's own) and handed to the runner: this process,
   ``--jobs N`` worker processes, or Ray actors (``--ray``);
3. each file's outcome is written into the manifest as it arrives, then the
   table; exit status 0 only when every file succeeded.
"""
from __future__ import annotations

import argparse
import os
import signal
import sys
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from vision_desk.errors import OutputError, SettingsError

if TYPE_CHECKING:
    from vision_desk.batch.inputs import FileJob
    from vision_desk.batch.manifest import Manifest
    from vision_desk.runtime import RuntimeConfig

# The batch modules (OpenCV, numpy) are imported when a batch runs: `vision-desk --help` stays fast.

EXIT_FAILED_FILES = 1


def add_options(p: argparse.ArgumentParser) -> None:
    """The batch options of `vision-desk process` (and the extra INPUTs)."""
    p.add_argument("more_inputs", nargs="*", metavar="INPUT",
                   help="more inputs (videos, folders or patterns of videos, .txt lists of them): a batch")
    g = p.add_argument_group(
        "batch (several inputs, a folder or pattern of videos, or a .txt list of them)",
        "-o and --json then name folders; each input gets its video and JSON lines under its relative name.\n"
        "A manifest in the output folder records finished files: the same command again skips them and does\n"
        "the rest (changed inputs and changed settings included). e.g.\n"
        "  vision-desk process lectures/ -p faces,pose -o annotated/ --json results/ --jobs 2")
    g.add_argument("--jobs", type=int, default=None, metavar="N",
                   help="worker processes on this machine (default: cores / 2), or Ray actors with --ray "
                        "(default: the cluster's CPUs / --threads); each loads the models once")
    g.add_argument("--ray", metavar="ADDRESS", default=None,
                   help="run the files on Ray actors: 'auto' starts or joins a Ray instance on this machine, "
                        "ADDRESS (e.g. 10.0.0.5:6379) joins a running cluster; inputs and outputs must be on "
                        "storage every node sees at the same path (needs: pip install 'vision-desk[cluster]')")
    # `--overwrite` may already be defined by the single-file command; it means the same here.
    if "--overwrite" not in p._option_string_actions:
        g.add_argument("--overwrite", action="store_true",
                       help="replace output files that exist but were not written by a batch in this folder")


def wants_batch(args: argparse.Namespace) -> bool:
    from vision_desk.batch import inputs

    return bool(getattr(args, "more_inputs", None)) or args.jobs is not None or args.ray is not None \
        or inputs.names_several_videos(args.input)


def _plan_workers(args: argparse.Namespace) -> tuple[int, int, int]:
    """(workers, frames in flight per worker, onnxruntime threads per model) so that together they fit the
    cores: workers x in-flight x threads <= cores. On 2 cores: 1 worker with 2 frames in flight (the
    measured best for one file); on 16: 8 workers."""
    cores = os.cpu_count() or 2
    if args.jobs is not None and not 1 <= args.jobs <= 256:
        raise SettingsError(f"--jobs must be between 1 and 256, got {args.jobs}")
    if args.threads is not None and args.threads < 1:
        raise SettingsError(f"--threads must be at least 1, got {args.threads}")
    jobs = args.jobs or max(1, cores // 2)
    inflight = args.inflight or max(1, min(2, cores // jobs))
    threads = args.threads or max(1, cores // (jobs * inflight))
    return jobs, inflight, threads


def run(args: argparse.Namespace, config: RuntimeConfig, names: list[str], settings: dict[str, Any]) -> int:
    """``config``: the command's device and precision (checked already), which every worker uses; each
    worker's threads are its share of the cores (see :func:`_plan_workers`). ``names``/``settings``: the
    processors and their validated settings (the command checked them)."""
    from vision_desk import model_store
    from vision_desk.batch import inputs, ray_connect, safety
    from vision_desk.batch.file_run import BatchSettings, FileOutcome
    from vision_desk.batch.manifest import Manifest, file_identity, recorded_outputs, settings_digest
    from vision_desk.batch.progress import BatchProgress, print_table, printable

    if args.duration is not None:
        raise SettingsError("--duration applies to a camera or stream; a batch processes whole files "
                            "(use --max-frames N to shorten each)")
    folder = Path(args.output or args.json or ".").expanduser().resolve()  # (collect_jobs: one is needed)
    notes: list[str] = []
    jobs = inputs.collect_jobs([args.input, *args.more_inputs], args.output, args.json, notes=notes,
                               skip=recorded_outputs(folder) if args.output or args.json else frozenset())
    for note in notes:
        print(f"vision-desk: warning: {note}", file=sys.stderr)
    safety.refuse_outputs_onto_inputs(jobs)
    workers, inflight, threads = _plan_workers(args)
    if args.ray is not None:
        ray_connect.check_installed()
        inflight = args.inflight or 1
        threads = args.threads or 1
    batch = BatchSettings(tuple(names), settings, hud=args.hud, raw=args.raw, max_frames=args.max_frames,
                          inflight=inflight, device=config.device, threads=threads, precision=config.precision,
                          models_dir=args.models_dir or os.environ.get(model_store.ENV_VAR) or None,
                          debug=args.debug)
    digest = settings_digest(names, settings, hud=args.hud, raw=args.raw, max_frames=args.max_frames,
                             precision=config.precision)
    with Manifest(folder) as manifest:
        for warning in manifest.warnings:
            print(f"vision-desk: warning: {warning}", file=sys.stderr)
        todo = [j for j in jobs if not manifest.finished(j, digest)]
        overwrite = bool(getattr(args, "overwrite", False))
        safety.refuse_replacing_other_inputs_results(todo, manifest, overwrite=overwrite)
        _check_foreign_outputs(todo, manifest, overwrite=overwrite)
        if todo:
            safety.check_models(names, config)
        # Ray is joined before the manifest is written: an unreachable cluster leaves nothing behind, and
        # the signal handlers below are installed after ray.init(), which replaces them with its own.
        ray_started = ray_connect.connect(args.ray, args.debug) if todo and args.ray is not None else False
        identities: dict[str, dict[str, int]] = {}
        for job in todo:
            identities[job.rel] = file_identity(job.input)
            manifest.mark_started(job, digest)
        manifest.save()
        outcomes = {j.rel: FileOutcome(j.rel, j.input, ok=True, skipped=True) for j in jobs if j not in todo}
        for j in jobs:
            if j.rel in outcomes:
                entry = manifest.files.get(j.rel, {})
                outcomes[j.rel].frames = int(entry.get("frames", 0))
        show = not args.no_progress and sys.stderr.isatty()
        frames = _total_frames(todo, args.max_frames) if show else None
        progress = BatchProgress(len(todo), frames, enabled=show)
        lock = threading.Lock()

        def on_outcome(job: FileJob, outcome: FileOutcome) -> None:
            with lock:
                outcomes[job.rel] = outcome
                progress.file_done(outcome)
                if outcome.ok:
                    manifest.mark_done(job, digest, identities[job.rel], outcome.outputs, outcome.frames,
                                      outcome.precision, outcome.worker)
                    manifest.save()

        stop = threading.Event()
        caught: list[int] = []

        def on_signal(signum: int, _frame: Any) -> None:
            caught.append(signum)
            stop.set()

        old = {s: signal.signal(s, on_signal) for s in (signal.SIGINT, signal.SIGTERM)}
        started = time.monotonic()
        try:
            if not todo:
                pass
            elif args.ray is not None:
                from vision_desk.batch import ray_runner

                ray_runner.run_on_ray(todo, batch, args.jobs, progress.report, on_outcome, stop)
            elif workers == 1 or len(todo) == 1:
                from vision_desk.batch.local import run_in_process

                run_in_process(todo, batch, progress.report, on_outcome, stop)
            else:
                from vision_desk.batch.local import run_in_workers

                run_in_workers(todo, batch, workers, progress.report, on_outcome, stop)
        finally:
            for s, handler in old.items():
                signal.signal(s, handler)
            progress.close()
            if args.ray is not None:
                ray_connect.shutdown(ray_started)
        elapsed = time.monotonic() - started
    # Every file has its row, also those an interruption left unfinished or unstarted.
    ordered = [outcomes.get(j.rel) or FileOutcome(j.rel, j.input, ok=False, error="not finished (interrupted)")
               for j in jobs]
    print_table(ordered, elapsed)
    if caught:
        left = len([j for j in jobs if j.rel not in outcomes or not outcomes[j.rel].ok])
        name = "SIGINT" if caught[0] == signal.SIGINT else "SIGTERM"
        print(f"vision-desk: interrupted by {name}; {left} file(s) not finished: run the same command again "
              "to do only those", file=sys.stderr)
        return 128 + int(caught[0])
    failed = [o for o in ordered if not o.ok]
    if failed:
        print(f"vision-desk: error: {len(failed)} of {len(ordered)} files failed:", file=sys.stderr)
        for o in failed:
            error = o.error or "failed"
            print(f"  {printable(error if o.input in error else f'{o.input}: {error}')}", file=sys.stderr)
        return EXIT_FAILED_FILES
    return 0


def _check_foreign_outputs(todo: list[FileJob], manifest: Manifest, overwrite: bool) -> None:
    """An existing output that no batch in this folder wrote is the user's: refuse, unless --overwrite."""
    if overwrite:
        return
    for job in todo:
        for path in (job.output, job.json):
            if path is not None and os.path.exists(path) and not manifest.owns(path, job.rel):
                raise OutputError(f"{path} exists and was not written by a batch in {manifest.folder}; "
                                  "add --overwrite to replace it, or choose another output folder")


def _total_frames(jobs: list[FileJob], max_frames: int | None) -> int | None:
    from vision_desk.batch.progress import probe_frames

    total = 0
    for job in jobs:
        n = probe_frames(job.input)
        if n is None:
            return None
        total += min(n, max_frames) if max_frames else n
    return total
