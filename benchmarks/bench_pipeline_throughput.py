#!/usr/bin/env python3
"""File throughput of the pipeline vs the bare model loop vs a plain single-threaded OpenCV loop.

All three use the same real model (objects: SSDLite MobileNetV2 by default) on the
same clip (the bundled sample, 640x360), measured in the same run, rounds
interleaved so that machine noise hits all alike; medians are printed.

- pipeline: what `vision-desk process CLIP -p objects -o out.mp4` runs: decode,
  infer, draw, encode, on the pipeline's threads with frames in flight
  (default), and again with one frame in flight (--inflight 1) for comparison.
  Frames/s from the first frame read to the last frame output.
- bare model: ``session.run`` alone on frames decoded and prepared beforehand
  (Processor.core_call), one after another, with the session thread count that
  is fastest for one frame at a time here (all cores).
- plain loop: one thread reads, infers (process()), draws, writes; all cores for
  inference. What a straightforward OpenCV script does.

Goals: pipeline >= 0.95 x bare model; pipeline faster than the plain loop.

    python benchmarks/bench_pipeline_throughput.py [--rounds 3] [--processor objects] [--frames 400]
"""
from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

import cv2

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from vision_desk import processors, runtime  # noqa: E402
from vision_desk.pipeline.pipeline import Mode, Pipeline, default_inflight  # noqa: E402
from vision_desk.pipeline.sinks import VideoSink  # noqa: E402
from vision_desk.sources import SAMPLE_CLIP, open_source  # noqa: E402


PRECISION = "auto"  # --precision: which model files (FP32 or the INT8 variants) every measure uses


def machine() -> str:
    model = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    import onnxruntime as ort

    return (f"{model}, {os.cpu_count()} cores, Python {platform.python_version()}, onnxruntime {ort.__version__}, "
            f"OpenCV {cv2.__version__}")


def decode(path: Path, limit: int) -> list:
    cap = cv2.VideoCapture(str(path))
    frames = []
    while len(frames) < limit:
        ok, img = cap.read()
        if not ok:
            break
        frames.append(img)
    cap.release()
    return frames


def run_pipeline(clip: str, name: str, n: int, inflight: int | None, out: Path) -> float:
    """Frames/s of a lossless run with a video sink, first frame read to last frame output."""
    sink = VideoSink(out, backend="opencv", overwrite=True)  # the same file every round
    pipe = Pipeline(open_source(clip), [name], mode=Mode.LOSSLESS, sinks=[sink],
                    inflight=inflight, max_frames=n)
    pipe.start()
    if not pipe.wait(600):
        raise SystemExit("pipeline run did not finish")
    pipe.stop()
    if pipe.error:
        raise SystemExit(f"pipeline failed: {pipe.error}")
    s = pipe.summary()
    assert s.frames_output == n, s
    return s.output_fps


def run_bare(name: str, frames: list, threads: int) -> float:
    runtime.configure("cpu", threads, PRECISION)
    proc = processors.create(name)
    proc.load()
    calls = [proc.core_call(f) for f in frames]
    for c in calls[:5]:
        c()
    t0 = time.perf_counter()
    for c in calls:
        c()
    return len(calls) / (time.perf_counter() - t0)


def run_plain(clip: Path, name: str, n: int, threads: int, out: Path) -> float:
    runtime.configure("cpu", threads, PRECISION)
    proc = processors.create(name)
    proc.load()
    annotator = processors.annotator_for(name)
    cap = cv2.VideoCapture(str(clip))
    fps = cap.get(cv2.CAP_PROP_FPS) or 25.0
    writer = None
    done = 0
    t0 = time.perf_counter()
    while done < n:
        ok, img = cap.read()
        if not ok:
            break
        res = proc.process(img)
        if annotator is not None:
            img = annotator.annotate(img.copy(), res)
        if writer is None:
            writer = cv2.VideoWriter(str(out), cv2.VideoWriter_fourcc(*"mp4v"), fps, (img.shape[1], img.shape[0]))
        writer.write(img)
        done += 1
    elapsed = time.perf_counter() - t0
    cap.release()
    if writer is not None:
        writer.release()
    return done / elapsed


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--processor", default="objects", choices=processors.PROCESSOR_NAMES)
    ap.add_argument("--clip", default=str(SAMPLE_CLIP), help="video file (default: the bundled sample clip)")
    ap.add_argument("--frames", type=int, default=400, help="frames per measure (default 400, the whole sample)")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--precision", choices=runtime.PRECISIONS, default="auto")
    args = ap.parse_args()
    global PRECISION
    PRECISION = args.precision

    cores = os.cpu_count() or 2
    frames = decode(Path(args.clip), args.frames)
    n = len(frames)
    h, w = frames[0].shape[:2]
    runtime.configure("cpu", None, PRECISION)
    default_threads = runtime.current_config().intra_threads
    inflight = default_inflight()
    print(f"machine: {machine()}")
    print(f"clip: {args.clip} ({n} frames, {w}x{h}); processor: {args.processor}; device: "
          f"{runtime.describe_device()}")
    print(f"pipeline defaults: {inflight} frames in flight, {default_threads} onnxruntime thread(s) per call\n")
    results: dict[str, list[float]] = {k: [] for k in ("pipeline", "pipeline_1", "bare", "bare_1", "plain")}
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "out.mp4"
        for r in range(args.rounds):
            runtime.configure("cpu", None, PRECISION)  # what `vision-desk process` uses
            results["pipeline"].append(run_pipeline(args.clip, args.processor, n, None, out))
            results["pipeline_1"].append(run_pipeline(args.clip, args.processor, n, 1, out))
            results["bare"].append(run_bare(args.processor, frames, cores))
            results["bare_1"].append(run_bare(args.processor, frames, 1))
            results["plain"].append(run_plain(Path(args.clip), args.processor, n, cores, out))
            print(f"round {r + 1}: " + "  ".join(f"{k} {v[-1]:.1f}" for k, v in results.items()), flush=True)
    med = {k: statistics.median(v) for k, v in results.items()}
    bare_best = max(med["bare"], med["bare_1"])
    print(f"\nmedian frames/s over {args.rounds} rounds:")
    print(f"  pipeline, {inflight} in flight (decode+infer+draw+encode): {med['pipeline']:7.1f}")
    print(f"  pipeline, 1 in flight:                          {med['pipeline_1']:7.1f}")
    print(f"  bare session.run, {cores} threads:                  {med['bare']:7.1f}")
    print(f"  bare session.run, 1 thread:                     {med['bare_1']:7.1f}")
    print(f"  plain single-threaded OpenCV loop, {cores} threads:  {med['plain']:7.1f}")
    print(f"\npipeline / best bare model loop: {med['pipeline'] / bare_best:.2f}  (goal >= 0.95)")
    print(f"pipeline / plain OpenCV loop:    {med['pipeline'] / med['plain']:.2f}  (goal > 1)")
    print(f"frames in flight: {inflight} vs 1: {med['pipeline'] / med['pipeline_1']:.2f}x")
    # Ratios within each round (the measures of one round ran back to back) are steadier on a shared machine.
    vs_bare = [p / max(b, b1) for p, b, b1 in zip(results["pipeline"], results["bare"], results["bare_1"])]
    vs_plain = [p / q for p, q in zip(results["pipeline"], results["plain"])]
    print(f"per-round ratios, median: pipeline/bare {statistics.median(vs_bare):.2f}, "
          f"pipeline/plain {statistics.median(vs_plain):.2f}")


if __name__ == "__main__":
    main()
