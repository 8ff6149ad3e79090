#!/usr/bin/env python3
"""Live mode latency with a processor slower than the camera: it must stay bounded, with drops counted.

A camera-like source (the synthetic source: 640x480 at 30 fps, produced in real
time whether read or not) feeds a real processor that needs longer than the
33 ms frame interval (pose by default, ~70-90 ms here). Compared in the same run:

- live mode (what the window and `vision-desk process 0` use): the newest frame
  wins, one frame in flight; latency should stay near one processing time;
- the same source through the lossless path (a bounded FIFO of frames, as a
  file would be processed): every queued frame waits for those before it.

Latency = capture time of the frame -> its result ready (drawn). Printed per
10 s window (median / p95 / max), with frames processed and dropped.

    python benchmarks/bench_live_latency.py [--duration 120] [--compare-duration 30] [-p pose]

``--variants D`` instead compares the ways live mode can use the whole machine,
each for D seconds on the same camera, in one run: one frame in flight on
cores - 1 threads (the first design), one frame on all cores' threads (threads
chosen per mode: the default now), staggered frames in flight on one thread each
(the default before; still what live sources get with --threads chosen), staggered
frames on every core's threads each, and the lossless path's throughput on the same
source for reference. ``--rounds R`` runs them in turn R times (medians of the ratios).
"""
from __future__ import annotations

import argparse
import statistics
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_pipeline_throughput import machine  # noqa: E402
from vision_desk import registry, runtime  # noqa: E402
from vision_desk.pipeline.pipeline import Mode, Pipeline  # noqa: E402
from vision_desk.sources import open_source  # noqa: E402

WINDOW_S = 10.0
CONFIG = runtime.RuntimeConfig("cpu")  # --precision: set in main(); what every run uses unless given its own


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def run(spec: str, names: list[str], mode: Mode, duration: float, *, live_inflight: int | None = None,
        config: runtime.RuntimeConfig | None = None, workers: int | None = None) -> list[tuple[float, float, int]]:
    """(seconds since the first result, latency ms, dropped so far) per output frame."""
    rows: list[tuple[float, float, int]] = []
    lock = threading.Lock()
    t0: list[float] = []

    def on_result(r) -> None:
        now = time.perf_counter()
        with lock:
            if not t0:
                t0.append(now)
            rows.append((now - t0[0], r.stats.latency_ms, r.stats.dropped))

    pipe = Pipeline(open_source(spec), names, mode=mode, on_result=on_result, live_inflight=live_inflight,
                    runtime_config=config or CONFIG,
                    inflight=workers or (None if config is None else max(1, cores() // config.intra_threads)))
    pipe.start()
    deadline = None
    while True:
        time.sleep(0.2)
        with lock:
            if t0 and deadline is None:
                deadline = t0[0] + duration  # measure from the first result (after the model loaded)
        if deadline is not None and time.perf_counter() >= deadline:
            break
        if pipe.error:
            raise SystemExit(f"pipeline failed: {pipe.error}")
    pipe.stop()
    return rows


def report(title: str, rows: list[tuple[float, float, int]], interval_ms: float) -> tuple[float, float]:
    print(f"\n{title}")
    print(f"  {'window':>10} {'frames':>7} {'fps':>6} {'lat med':>8} {'lat p95':>8} {'lat max':>8} {'dropped':>8}")
    end = rows[-1][0]
    medians = []
    prev_drop = 0
    k = 0
    while k * WINDOW_S < end:
        lo, hi = k * WINDOW_S, (k + 1) * WINDOW_S
        win = [r for r in rows if lo <= r[0] < hi]
        k += 1
        if not win or min(hi, end) - lo < WINDOW_S / 2:  # a last sliver of a window says nothing
            continue
        lat = [r[1] for r in win]
        drops = win[-1][2] - prev_drop
        prev_drop = win[-1][2]
        span = min(hi, end) - lo
        medians.append(statistics.median(lat))
        print(f"  {f'{lo:.0f}-{min(hi, end):.0f} s':>10} {len(win):>7} {len(win) / max(span, 1e-9):>6.1f} "
              f"{medians[-1]:>6.0f}ms {p95(lat):>6.0f}ms {max(lat):>6.0f}ms {drops:>8}")
    all_lat = [r[1] for r in rows]
    print(f"  whole run: {len(rows)} frames, latency median {statistics.median(all_lat):.0f} ms, "
          f"p95 {p95(all_lat):.0f} ms, max {max(all_lat):.0f} ms; dropped {rows[-1][2]} "
          f"(camera interval {interval_ms:.1f} ms)")
    return medians[0], medians[-1]


def cores() -> int:
    import os

    return os.cpu_count() or 2


def variants(spec: str, names: list[str], duration: float, interval_ms: float, rounds: int = 1) -> None:
    """Live-mode variants and the lossless reference, each ``duration`` s, same camera, one run.

    With ``rounds`` > 1 the variants run in turn that many times; the summary gives the median of each
    round's ratio to that round's lossless reference (the machine's speed drifts between rounds).
    """
    n = cores()
    cases = (  # title, mode, frames in flight (live), intra-op threads, processing threads
        (f"live, 1 frame in flight, {max(1, n - 1)} thread(s) (first)", Mode.LIVE, 1, max(1, n - 1), None),
        (f"live, 1 frame in flight, {n} threads (threads per mode, now)", Mode.LIVE, 1, n, None),
        (f"live, {n} frames in flight staggered, 1 thread each (before)", Mode.LIVE, n, 1, None),
        (f"live, {n} frames staggered, {n} threads each", Mode.LIVE, n, n, n),
        (f"lossless path, {n} frames in flight, 1 thread each", Mode.LOSSLESS, None, 1, None),
    )
    ratios: dict[str, list[float]] = {c[0]: [] for c in cases}
    latencies: dict[str, list[float]] = {c[0]: [] for c in cases}
    for k in range(rounds):
        rows = []
        for title, mode, inflight, threads, workers in cases:
            data = run(spec, names, mode, duration, live_inflight=inflight, workers=workers,
                       config=runtime.RuntimeConfig("cpu", threads, CONFIG.precision))
            body = [r for r in data if r[0] >= 2.0]  # after 2 s of warm-up
            span = body[-1][0] - body[0][0]
            lat = [r[1] for r in body]
            third = max(1, len(lat) // 3)
            rows.append((title, (len(body) - 1) / span, statistics.median(lat), p95(lat),
                         statistics.median(lat[:third]), statistics.median(lat[-third:])))
        ref = rows[-1][1]
        print(f"\n{f'round {k + 1}' if rounds > 1 else 'variant':<58} {'fps':>6} {'/lossless':>9} {'lat med':>8} "
              f"{'p95':>6} {'1st 3rd':>8} {'last 3rd':>8}")
        for title, fps, med, p, first, last in rows:
            print(f"{title:<58} {fps:>6.2f} {fps / ref:>9.2f} {med:>6.0f}ms {p:>4.0f}ms {first:>6.0f}ms {last:>6.0f}ms")
            ratios[title].append(fps / ref)
            latencies[title].append(med)
    print(f"(camera interval {interval_ms:.1f} ms; latency = capture -> result; lossless latency grows by design)")
    if rounds > 1:
        print(f"\nover {rounds} rounds: median of the per-round ratios (range), median latency (range)")
        for title, values in ratios.items():
            lat = latencies[title]
            print(f"{title:<58} {statistics.median(values):>5.2f} ({min(values):.2f}-{max(values):.2f}) "
                  f"{statistics.median(lat):>6.0f} ms ({min(lat):.0f}-{max(lat):.0f})")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--duration", type=float, default=120.0, help="seconds of live mode (default 120)")
    ap.add_argument("--compare-duration", type=float, default=30.0,
                    help="seconds of the lossless-queue comparison (default 30; 0 to skip)")
    ap.add_argument("-p", "--processors", default="pose", help="processors (default pose: slower than 33 ms)")
    ap.add_argument("--fps", type=float, default=30.0)
    ap.add_argument("--size", default="640x480")
    ap.add_argument("--variants", type=float, default=0.0, metavar="D",
                    help="compare live-mode variants and the lossless path, D seconds each (instead of the rest)")
    ap.add_argument("--rounds", type=int, default=1, help="with --variants: run them in turn this many times")
    ap.add_argument("--precision", choices=runtime.PRECISIONS, default="auto")
    args = ap.parse_args()
    names = registry.parse_names(args.processors)
    global CONFIG
    CONFIG = runtime.RuntimeConfig("cpu", None, args.precision)
    spec = f"synthetic:fps={args.fps:g},size={args.size}"
    print(f"machine: {machine()}")
    print(f"source: {spec}; processors: {','.join(names)}; device: live {runtime.describe_device(CONFIG.for_live())}, "
          f"lossless {runtime.describe_device(CONFIG)}")
    if args.variants > 0:
        variants(spec, names, args.variants, 1000 / args.fps, max(1, args.rounds))
        return
    first, last = report(f"LIVE mode (newest frame wins), {args.duration:g} s:",
                         run(spec, names, Mode.LIVE, args.duration), 1000 / args.fps)
    if args.compare_duration > 0:
        q_first, q_last = report(f"lossless path (bounded FIFO) on the same camera, {args.compare_duration:g} s:",
                                 run(spec, names, Mode.LOSSLESS, args.compare_duration), 1000 / args.fps)
        print(f"\nlatency, live vs FIFO (last window medians): {last:.0f} ms vs {q_last:.0f} ms "
              f"({q_last / max(last, 1e-9):.1f}x lower in live mode)")
    bounded = last <= first * 1.5 + 20
    print(f"live latency first window {first:.0f} ms, last window {last:.0f} ms: "
          f"{'bounded' if bounded else 'GROWING'}")


if __name__ == "__main__":
    main()
