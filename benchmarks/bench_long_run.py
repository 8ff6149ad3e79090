#!/usr/bin/env python3
"""Long run: does memory stay flat and latency steady over tens of thousands of frames?

The bundled sample clip is looped through the pipeline with all four
processors on (faces, objects, pose, style) until ``--frames`` frames have been
processed. Every ``--every`` frames the process's resident memory (RSS, from
/proc/self/statm; psutil is not needed), its thread and open-file counts, the
frame rate and the latency of the frames since the last sample are logged, one
line each, flushed at once, so the run can go to the background with its log
followed by ``tail -f``. At the end (or at Ctrl-C / SIGTERM, on what ran so far):

- RSS after the warm-up vs at the end: goal under 5% growth;
- latency and frame rate in the first 10% of frames vs the last 10%;
- threads and open files at the start and at the end (a leak shows here first).

Speed: all four processors at their full default settings run at ~4-5 frames/s
on a 2-core machine, over an hour for 20,000 frames. The defaults here keep all
four on but cheaper: pose input height 256 (default 368) and style size 256
(default 512), which is said in the output; ``--pose-input-height 368
--style-size 512`` runs the full defaults. ``--record DIR`` also writes the
annotated video and JSON lines (the writer's memory is then part of the test).

    # the full run (in the background, log to a file; ~25 min on a 2-core machine at these settings):
    nohup .venv/bin/python benchmarks/bench_long_run.py --frames 20000 --csv long_run.csv > long_run.log 2>&1 &
    tail -f long_run.log
    # a quick check that it works:
    .venv/bin/python benchmarks/bench_long_run.py --frames 2000 --every 200 --warmup 300
"""
from __future__ import annotations

import argparse
import csv
import os
import platform
import signal
import statistics
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from vision_desk import quiet, runtime
from vision_desk.pipeline.pipeline import EventKind, Mode, Pipeline
from vision_desk.pipeline.sinks import JsonlSink, VideoSink
from vision_desk.sources import open_source

RSS_GOAL_PCT = 5.0
_PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


def rss_mb() -> float:
    """Resident memory now (not the peak), in MB."""
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * _PAGE / 2**20
    except (OSError, ValueError, IndexError):  # not Linux: the peak is the best the stdlib offers
        import resource

        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return peak / (2**20 if sys.platform == "darwin" else 2**10)


def open_files() -> int:
    try:
        return len(os.listdir("/proc/self/fd"))
    except OSError:
        return -1


@dataclass
class Sample:
    frames: int
    elapsed_s: float
    fps: float  # since the previous sample
    rss_mb: float
    latency_p50_ms: float  # frames since the previous sample
    latency_p95_ms: float
    threads: int
    files: int


class Monitor:
    """Fed on the pipeline's output thread: one latency per frame, a sample every ``every`` frames."""

    def __init__(self, every: int, total: int, log) -> None:  # type: ignore[no-untyped-def]
        self.every, self.total, self.log = every, total, log
        self.latencies: list[float] = []
        self.samples: list[Sample] = []
        self.errors = 0
        self.t0 = time.perf_counter()
        self._last_t, self._last_n = self.t0, 0
        self.done = threading.Event()

    def on_result(self, result) -> None:  # type: ignore[no-untyped-def]
        self.latencies.append(result.stats.latency_ms)
        self.errors += bool(result.errors)
        n = len(self.latencies)
        if n % self.every == 0 or n == self.total:
            self.sample(n)

    def sample(self, n: int) -> None:
        now = time.perf_counter()
        recent = sorted(self.latencies[self._last_n:n]) or [0.0]
        s = Sample(n, now - self.t0, (n - self._last_n) / max(1e-9, now - self._last_t), rss_mb(),
                   recent[len(recent) // 2], recent[min(len(recent) - 1, int(len(recent) * 0.95))],
                   threading.active_count(), open_files())
        self.samples.append(s)
        self._last_t, self._last_n = now, n
        eta = (self.total - n) / s.fps if s.fps > 0 else 0
        self.log(f"{n:>7}/{self.total} frames  {s.fps:5.2f} f/s  RSS {s.rss_mb:8.1f} MB  latency p50 "
                 f"{s.latency_p50_ms:7.0f} ms p95 {s.latency_p95_ms:7.0f} ms  threads {s.threads}  files {s.files}  "
                 f"errors {self.errors}  elapsed {_hms(s.elapsed_s)}  eta {_hms(eta)}")


def _hms(seconds: float) -> str:
    seconds = int(seconds)
    return f"{seconds // 3600}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"


def _median(values: list[float]) -> float:
    return statistics.median(values) if values else 0.0


def report(mon: Monitor, warmup: int, log) -> bool:  # type: ignore[no-untyped-def]
    """Print the verdict; True when memory growth is within the goal."""
    n = len(mon.latencies)
    if not mon.samples or n == 0:
        log("no frames processed")
        return False
    after = next((s for s in mon.samples if s.frames >= warmup), mon.samples[0])
    end = mon.samples[-1]
    growth = (end.rss_mb - after.rss_mb) / after.rss_mb * 100 if after.rss_mb else 0.0
    tenth = max(1, n // 10)
    first, last = mon.latencies[:tenth], mon.latencies[-tenth:]
    first_fps = [s.fps for s in mon.samples if s.frames <= tenth] or [mon.samples[0].fps]
    last_fps = [s.fps for s in mon.samples if s.frames > n - tenth] or [end.fps]
    log("")
    log(f"frames processed: {n} in {_hms(end.elapsed_s)} ({n / max(1e-9, end.elapsed_s):.2f} frames/s overall); "
        f"frames with a processor error: {mon.errors}")
    log(f"RSS after warm-up ({after.frames} frames): {after.rss_mb:.1f} MB; at the end ({end.frames} frames): "
        f"{end.rss_mb:.1f} MB; growth {growth:+.2f}% (goal under {RSS_GOAL_PCT:g}%): "
        f"{'OK' if growth < RSS_GOAL_PCT else 'OVER THE GOAL'}")
    peak = max(s.rss_mb for s in mon.samples)
    log(f"RSS peak among samples: {peak:.1f} MB")
    log(f"latency median, first 10% of frames: {_median(first):.0f} ms; last 10%: {_median(last):.0f} ms "
        f"(ratio {(_median(last) / _median(first)) if _median(first) else 0:.2f}; a file is read ahead, so "
        "this includes the frames queued before each one)")
    log(f"frame rate median, first 10%: {_median(first_fps):.2f} f/s; last 10%: {_median(last_fps):.2f} f/s")
    # The last sample is taken while the pipeline winds down (the capture thread has already ended).
    running = mon.samples[:-1] or mon.samples
    log(f"threads while running: {min(s.threads for s in running)}..{max(s.threads for s in running)}; open files: "
        f"{min(s.files for s in running)}..{max(s.files for s in running)} (a leak would climb)")
    return growth < RSS_GOAL_PCT


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--frames", type=int, default=20_000, help="frames to process (default 20000)")
    ap.add_argument("--every", type=int, default=500, help="frames between samples (default 500)")
    ap.add_argument("--warmup", type=int, default=1000,
                    help="frames before the reference RSS is taken (default 1000): allocator pools, model "
                         "arenas and caches fill up first")
    ap.add_argument("--processors", default="faces,objects,pose,style", help="default: all four")
    ap.add_argument("--pose-input-height", type=int, default=256, choices=(256, 368, 432),
                    help="pose network input height (default 256 here; the app's default is 368)")
    ap.add_argument("--style-size", type=int, default=256,
                    help="style long side in pixels (default 256 here; the app's default is 512)")
    ap.add_argument("--source", default="sample", help="what to loop (default: the bundled sample clip)")
    ap.add_argument("--inflight", type=int, default=None, help="frames in flight (default: the pipeline's)")
    ap.add_argument("--record", metavar="DIR", default=None,
                    help="also write long_run.mp4 and long_run.jsonl into DIR")
    ap.add_argument("--csv", metavar="FILE", default=None, help="write every sample to this CSV file")
    args = ap.parse_args(argv)
    if args.frames < 1 or args.every < 1:
        ap.error("--frames and --every must be at least 1")

    quiet.quiet_native_logs()

    def log(text: str) -> None:
        print(text, flush=True)

    names = [n.strip() for n in args.processors.split(",") if n.strip()]
    settings = {"pose": {"input_height": args.pose_input_height}, "style": {"size": args.style_size}}
    settings = {k: v for k, v in settings.items() if k in names}
    log(f"long run: {args.frames} frames of {args.source} (looped), processors: {', '.join(names) or 'none'}")
    log(f"settings: pose input height {args.pose_input_height} (app default 368), style size {args.style_size} "
        "(app default 512): all four on, but cheaper than the full defaults"
        if {"pose", "style"} <= set(names) else f"settings: {settings}")
    log(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}; device: {runtime.describe_device(runtime.RuntimeConfig())}")
    log(f"sampling every {args.every} frames; reference RSS after {args.warmup} frames; started "
        f"{time.strftime('%Y-%m-%d %H:%M:%S')}")

    sinks = []
    if args.record:
        folder = Path(args.record)
        folder.mkdir(parents=True, exist_ok=True)
        sinks = [VideoSink(folder / "long_run.mp4", overwrite=True),
                 JsonlSink(folder / "long_run.jsonl", overwrite=True)]
    mon = Monitor(args.every, args.frames, log)
    events: list[str] = []
    pipe = Pipeline(open_source(args.source), names, mode=Mode.LOSSLESS, settings=settings, sinks=sinks,
                    on_result=mon.on_result, on_event=lambda e: events.append(e.message) if e.kind in (
                        EventKind.ERROR, EventKind.SOURCE_LOST) else None,
                    loop=True, max_frames=args.frames, inflight=args.inflight)
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    log(f"RSS before start: {rss_mb():.1f} MB")
    pipe.start()
    mon.t0 = mon._last_t = time.perf_counter()
    while not pipe.wait(0.5):
        if stop.is_set() or events:
            break
    pipe.stop(timeout=30)
    if stop.is_set():
        log("interrupted: the report covers the frames processed so far")
    for message in events:
        log(f"pipeline error: {message}")
    if mon.latencies and (not mon.samples or mon.samples[-1].frames != len(mon.latencies)):
        mon.sample(len(mon.latencies))  # stopped between samples
    ok = report(mon, args.warmup, log)
    if args.csv:
        with open(args.csv, "w", newline="") as f:
            writer = csv.writer(f)
            writer.writerow(list(Sample.__dataclass_fields__))
            for s in mon.samples:
                writer.writerow([getattr(s, k) for k in Sample.__dataclass_fields__])
        log(f"samples written to {args.csv}")
    return 0 if ok and not events else 1


if __name__ == "__main__":
    raise SystemExit(main())
