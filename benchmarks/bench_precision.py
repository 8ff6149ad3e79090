#!/usr/bin/env python3
"""FP32 against INT8 on the CPU: each model alone, and all four processors together on the sample clip.

1. Per processor with an INT8 variant in the manifest (and pose/style for
   reference): the bare model call (``Processor.core_call``: ``session.run`` on
   prepared input) on sample-clip frames, FP32 and INT8 calls interleaved one
   by one, with 1 and 2 onnxruntime threads. Medians and the FP32/INT8 ratio.
2. All four processors at once, as the window plays the sample clip (real-time
   playback, looped): processed frames/s and capture-to-result latency, FP32 and
   INT8 runs alternated for ``--rounds`` rounds.

    python benchmarks/bench_precision.py [--calls 40] [--live-seconds 20] [--rounds 2]

The machine this was measured on was shared: compare the ratios within one run.
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
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tools"))

from bench_pipeline_throughput import machine  # noqa: E402
from precision_gates import check_indices, clip_frames  # noqa: E402

from vision_desk import processors, runtime  # noqa: E402
from vision_desk.pipeline.pipeline import Mode, Pipeline  # noqa: E402
from vision_desk.sources import open_source  # noqa: E402

PRECISIONS = ("fp32", "int8")


def bare_models(names: list[str], calls: int, threads: tuple[int, ...]) -> None:
    frames = clip_frames(check_indices())[:calls]
    print(f"\n1. bare model call, {len(frames)} sample-clip frames (640x360), FP32 and INT8 interleaved")
    print(f"{'processor':<10} {'threads':>7} {'FP32 ms':>9} {'INT8 ms':>9} {'FP32/INT8':>10}  model")
    for name in names:
        if runtime.int8_variant(_model_id(name)) is None:
            print(f"{name:<10} {'':>7} {'':>9} {'':>9} {'':>10}  no INT8 variant shipped")
            continue
        for n in threads:
            procs = {}
            for p in PRECISIONS:
                proc = processors.create(name)
                proc.runtime_config = runtime.RuntimeConfig("cpu", n, p)
                proc.load()
                procs[p] = proc
            times: dict[str, list[float]] = {p: [] for p in PRECISIONS}
            calls_by = {p: [procs[p].core_call(f) for f in frames] for p in PRECISIONS}
            for p in PRECISIONS:  # warm-up
                for c in calls_by[p][:3]:
                    c()
            for i in range(len(frames)):
                for p in PRECISIONS if i % 2 == 0 else PRECISIONS[::-1]:
                    t0 = time.perf_counter()
                    calls_by[p][i]()
                    times[p].append((time.perf_counter() - t0) * 1000)
            a, b = statistics.median(times["fp32"]), statistics.median(times["int8"])
            print(f"{name:<10} {n:>7} {a:>9.1f} {b:>9.1f} {a / b:>9.2f}x  {procs['int8'].precision}")


def _model_id(name: str) -> str:
    return {"objects": "objects-ssdlite-mobilenetv2-coco", "pose": "pose-openpose-mobilenet-thin",
            "style": "style-multistyle26"}.get(name, "")


def live_all_four(seconds: float, rounds: int) -> None:
    names = ["faces", "objects", "pose", "style"]
    print(f"\n2. all four processors, sample clip played in real time (looped), {seconds:g} s per run, "
          f"{rounds} rounds, FP32 and INT8 alternated")
    print(f"{'round':>5} {'precision':>9} {'frames/s':>9} {'latency med':>12} {'p95':>8}")
    results: dict[str, list[tuple[float, float]]] = {p: [] for p in PRECISIONS}
    for r in range(rounds):
        for p in PRECISIONS if r % 2 == 0 else PRECISIONS[::-1]:
            fps, med, p95 = live_run(names, runtime.RuntimeConfig("cpu", None, p), seconds)
            results[p].append((fps, med))
            print(f"{r:>5} {p:>9} {fps:>9.2f} {med:>10.0f}ms {p95:>6.0f}ms")
    f32 = statistics.median(x[0] for x in results["fp32"])
    i8 = statistics.median(x[0] for x in results["int8"])
    print(f"median frames/s: FP32 {f32:.2f}, INT8 {i8:.2f} ({i8 / f32:.2f}x)")


def live_run(names: list[str], cfg: runtime.RuntimeConfig, seconds: float,
             settings: dict | None = None) -> tuple[float, float, float]:
    """The sample clip played in real time (looped) through ``names``: (frames/s, latency median, p95)."""
    stamps: list[tuple[float, float]] = []
    lock = threading.Lock()

    def on_result(res) -> None:  # noqa: ANN001
        with lock:
            stamps.append((time.perf_counter(), res.stats.latency_ms))

    pipe = Pipeline(open_source("sample"), names, mode=Mode.REALTIME, loop=True, on_result=on_result,
                    runtime_config=cfg, settings=settings)
    pipe.start()
    try:
        while True:  # measure from the first result (models loaded), for `seconds`
            time.sleep(0.2)
            if pipe.error:
                raise SystemExit(f"pipeline failed: {pipe.error}")
            with lock:
                if stamps and time.perf_counter() - stamps[0][0] >= seconds:
                    break
    finally:
        pipe.stop()
    with lock:
        rows = [s for s in stamps if s[0] - stamps[0][0] >= 2.0]  # skip the first 2 s (warm-up)
    span = rows[-1][0] - rows[0][0]
    lat = sorted(s[1] for s in rows)
    return (len(rows) - 1) / span, statistics.median(lat), lat[round(0.95 * (len(lat) - 1))]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--calls", type=int, default=40, help="timed calls per model, precision and thread count (0: skip part 1)")
    ap.add_argument("--processors", default="objects,pose,style")
    ap.add_argument("--live-seconds", type=float, default=20.0, help="seconds per live run (0: skip part 2)")
    ap.add_argument("--rounds", type=int, default=2)
    args = ap.parse_args()
    print(f"machine: {machine()}; CPU INT8 dot-product instructions: {runtime.int8_pays()}")
    if args.calls > 0:
        bare_models(processors.parse_names(args.processors), args.calls, (1, 2))
    if args.live_seconds > 0:
        live_all_four(args.live_seconds, args.rounds)


if __name__ == "__main__":
    main()
