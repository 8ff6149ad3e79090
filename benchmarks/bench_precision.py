#!/usr/bin/env python3
"""FP32 against INT8 on the CPU: each model alone, and all four processors together on the sample clip.

1. Per processor with an INT8 variant in the manifest (and pose/style for
   reference): the bare model call (``Processor.core_call``: ``session.run`` on
   prepared input) on sample-clip frames, the FP32 file and every INT8 file this
   CPU can run (the 7-bit one; the full-range one where the CPU has 8-bit dot
   products) interleaved call by call, with 1 and 2 onnxruntime threads. Medians
   and the FP32/INT8 ratios.
2. All four processors at once, as the window plays the sample clip (real-time
   playback, looped): processed frames/s and capture-to-result latency, FP32,
   INT8 and auto runs alternated for ``--rounds`` rounds.

3. (``--process-frames N``) objects alone, as ``vision-desk process`` with JSON only: lossless,
   the sample clip looped to N frames; FP32, INT8 and auto alternated.

    python benchmarks/bench_precision.py [--calls 40] [--live-seconds 20] [--rounds 2] [--process-frames 2000]

The machine this was measured on was shared: compare the ratios within one run.
"""
from __future__ import annotations

import argparse
import statistics
import tempfile
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tools"))

from bench_pipeline_throughput import machine  # noqa: E402
from precision_gates import check_indices, clip_frames  # noqa: E402

from vision_desk import model_store, registry, runtime  # noqa: E402
from vision_desk.pipeline.pipeline import Mode, Pipeline  # noqa: E402
from vision_desk.sources import open_source  # noqa: E402

CHOICES = ("fp32", "int8", "auto")  # auto: the file chosen by its timing (vision_desk/auto_precision.py)


def _files(model_id: str) -> dict[str, str]:
    """label -> manifest id: the FP32 file and every INT8 file of the model this CPU can run (the full-range
    one needs 8-bit dot products in the hardware, whatever VISION_DESK_CPU_FLAGS says)."""
    ids = {m.id for m in model_store.load_manifest()}
    files = {"FP32": model_id}
    if model_id + runtime.INT8_SUFFIX in ids:
        files["INT8 7-bit"] = model_id + runtime.INT8_SUFFIX
    if model_id + runtime.DOT_SUFFIX in ids and runtime.int8_pays(hardware=True)[0]:
        files["INT8 full"] = model_id + runtime.DOT_SUFFIX
    return files


def bare_models(names: list[str], calls: int, threads: tuple[int, ...]) -> None:
    frames = clip_frames(check_indices())[:calls]
    print(f"\n1. bare model call, {len(frames)} sample-clip frames (640x360), every file interleaved, medians")
    print(f"{'processor':<10} {'threads':>7}  file: ms (FP32 ms / its ms)")
    for name in names:
        files = _files(_model_id(name))
        if len(files) == 1:
            print(f"{name:<10} {'':>7}  no INT8 variant shipped")
            continue
        for n in threads:
            calls_by = {}
            for label, model_id in files.items():
                proc = registry.create(name)
                proc.runtime_config = runtime.RuntimeConfig("cpu", n, "fp32")
                proc.load()
                proc._session = runtime.open_session(model_id, proc.runtime_config, [runtime.CPU])
                calls_by[label] = [proc.core_call(f) for f in frames]
            for label in files:  # warm-up
                for c in calls_by[label][:3]:
                    c()
            times: dict[str, list[float]] = {label: [] for label in files}
            order = list(files)
            for i in range(len(frames)):
                for label in order if i % 2 == 0 else order[::-1]:
                    t0 = time.perf_counter()
                    calls_by[label][i]()
                    times[label].append((time.perf_counter() - t0) * 1000)
            med = {label: statistics.median(t) for label, t in times.items()}
            print(f"{name:<10} {n:>7}  " + ", ".join(f"{label}: {ms:.1f} ({med['FP32'] / ms:.2f}x)"
                                                     for label, ms in med.items()))


def _model_id(name: str) -> str:
    return {"objects": "objects-ssdlite-mobilenetv2-coco", "pose": "pose-openpose-mobilenet-thin",
            "style": "style-multistyle26"}.get(name, "")


def live_all_four(seconds: float, rounds: int) -> None:
    names = ["faces", "objects", "pose", "style"]
    print(f"\n2. all four processors, sample clip played in real time (looped), {seconds:g} s per run, "
          f"{rounds} rounds, {', '.join(CHOICES)} alternated")
    print(f"{'round':>5} {'precision':>9} {'frames/s':>9} {'latency med':>12} {'p95':>8}")
    results: dict[str, list[float]] = {p: [] for p in CHOICES}
    for r in range(rounds):
        for p in CHOICES if r % 2 == 0 else CHOICES[::-1]:
            fps, med, p95 = live_run(names, runtime.RuntimeConfig("cpu", None, p), seconds)
            results[p].append(fps)
            print(f"{r:>5} {p:>9} {fps:>9.2f} {med:>10.0f}ms {p95:>6.0f}ms")
    _medians(results)


def process_objects(frames: int, rounds: int) -> None:
    """As `vision-desk process VIDEO -p objects --json R.jsonl`: lossless, frames in flight, JSON only."""
    from vision_desk.pipeline.sinks import JsonlSink

    print(f"\n3. objects alone on the sample clip looped to {frames} frames, lossless (as `process` with JSON "
          f"only), {rounds} rounds, {', '.join(CHOICES)} alternated")
    results: dict[str, list[float]] = {p: [] for p in CHOICES}
    with tempfile.TemporaryDirectory() as tmp:
        for r in range(rounds):
            for p in CHOICES if r % 2 == 0 else CHOICES[::-1]:
                pipe = Pipeline(open_source("sample"), ["objects"], mode=Mode.LOSSLESS, loop=True, max_frames=frames,
                                sinks=[JsonlSink(Path(tmp) / f"{p}-{r}.jsonl")],
                                runtime_config=runtime.RuntimeConfig("cpu", None, p))
                pipe.start()
                while not pipe.wait(0.5):
                    if pipe.error:
                        raise SystemExit(f"pipeline failed: {pipe.error}")
                pipe.stop()
                fps = pipe.summary().output_fps
                results[p].append(fps)
                print(f"  round {r} {p:>5}: {fps:.2f} frames/s", flush=True)
    _medians(results)


def _medians(results: dict[str, list[float]]) -> None:
    med = {p: statistics.median(v) for p, v in results.items()}
    best = max(med["fp32"], med["int8"])
    print("median frames/s: " + ", ".join(f"{p.upper()} {v:.2f} ({v / med['fp32']:.2f}x FP32)" for p, v in med.items())
          + f"; auto at {med['auto'] / best:.2f} of the faster of FP32 and INT8")


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
    ap.add_argument("--process-frames", type=int, default=0, help="frames per `process` run of part 3 (0: skip)")
    args = ap.parse_args()
    print(f"machine: {machine()}; CPU class {runtime.cpu_class()}; INT8 dot products: {runtime.int8_pays()}")
    if args.calls > 0:
        bare_models(registry.parse_names(args.processors), args.calls, (1, 2))
    if args.live_seconds > 0:
        live_all_four(args.live_seconds, args.rounds)
    if args.process_frames > 0:
        process_objects(args.process_frames, args.rounds)


if __name__ == "__main__":
    main()
