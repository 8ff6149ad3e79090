#!/usr/bin/env python3
"""File throughput of the pipeline vs the bare model loop vs a plain single-threaded OpenCV loop.

All three use the same real model (objects: SSDLite MobileNetV2 by default) on the
same clip (the bundled sample, 640x360), measured in the same run, rounds
interleaved so that machine noise hits all alike; medians are printed.

- pipeline: what `vision-desk process CLIP -p objects -o out.mp4` runs: decode,
  infer, draw, encode with the command's own video sink (PyAV, H.264 in a
  fragmented mp4, when PyAV is installed, as it is by default), on the
  pipeline's threads with frames in flight (default), and again with one frame
  in flight (--inflight 1) for comparison. Frames/s from the first frame read to
  the last frame output. The encoder actually used is printed.
- bare model, sequential: ``session.run`` alone on frames decoded and prepared
  beforehand (Processor.core_call), one after another, with 1 and with all
  cores as intra-op threads (the faster is the "best sequential").
- bare model, concurrent: the same bare calls with the pipeline's own
  concurrency: one session with the pipeline's intra-op thread count, called by
  as many threads as the pipeline keeps frames in flight (2 x 1 thread on 2
  cores). This is the fair ceiling for the pipeline: "1.00x the sequential loop"
  does not mean "no overhead" when the pipeline itself runs two calls at once.
- plain loop: one thread reads, infers (process()), draws, writes (OpenCV's
  mp4v writer: what a straightforward OpenCV script does); all cores for inference.

Goals: pipeline >= 0.95 x best sequential bare loop; pipeline faster than the
plain loop. Both bare ratios are printed (medians of per-round ratios).

    python benchmarks/bench_pipeline_throughput.py [--rounds 3] [--processor objects] [--frames 400]
"""
from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

import cv2

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from vision_desk import registry, runtime  # noqa: E402
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


ENCODER = {}  # the video backend the pipeline's sink really used, filled in by run_pipeline


def run_pipeline(clip: str, name: str, n: int, inflight: int | None, out: Path) -> float:
    """Frames/s of a lossless run with the command's video sink, first frame read to last frame output."""
    sink = VideoSink(out, overwrite=True)  # backend "auto", as `vision-desk process -o out.mp4` makes it; same file every round
    pipe = Pipeline(open_source(clip), [name], mode=Mode.LOSSLESS, sinks=[sink], inflight=inflight, max_frames=n,
                    runtime_config=runtime.RuntimeConfig("cpu", None, PRECISION))  # what `vision-desk process` uses
    pipe.start()
    if not pipe.wait(600):
        raise SystemExit("pipeline run did not finish")
    pipe.stop()
    if pipe.error:
        raise SystemExit(f"pipeline failed: {pipe.error}")
    s = pipe.summary()
    assert s.frames_output == n, s
    ENCODER["backend"] = sink.backend
    return s.output_fps


def run_bare(name: str, frames: list, threads: int) -> float:
    proc = registry.create(name, runtime_config=runtime.RuntimeConfig("cpu", threads, PRECISION))
    proc.load()
    calls = [proc.core_call(f) for f in frames]
    for c in calls[:5]:
        c()
    t0 = time.perf_counter()
    for c in calls:
        c()
    return len(calls) / (time.perf_counter() - t0)


def run_bare_concurrent(name: str, frames: list, threads: int, workers: int) -> float:
    """The bare calls as the pipeline makes them: one session, ``workers`` threads calling it at once."""
    proc = registry.create(name, runtime_config=runtime.RuntimeConfig("cpu", threads))
    proc.load()
    calls = [proc.core_call(f) for f in frames]
    for c in calls[:5]:
        c()
    next_index = iter(range(len(calls)))
    lock = threading.Lock()

    def work() -> None:
        while True:
            with lock:
                i = next(next_index, None)
            if i is None:
                return
            calls[i]()

    pool = [threading.Thread(target=work) for _ in range(workers)]
    t0 = time.perf_counter()
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    return len(calls) / (time.perf_counter() - t0)


def run_plain(clip: Path, name: str, n: int, threads: int, out: Path) -> float:
    proc = registry.create(name, runtime_config=runtime.RuntimeConfig("cpu", threads, PRECISION))
    proc.load()
    annotator = registry.annotator_for(name)
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
    ap.add_argument("--processor", default="objects", choices=registry.PROCESSOR_NAMES)
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
    config = runtime.RuntimeConfig("cpu", None, PRECISION)
    default_threads = config.intra_threads
    inflight = default_inflight(config)
    print(f"machine: {machine()}")
    print(f"clip: {args.clip} ({n} frames, {w}x{h}); processor: {args.processor}; device: "
          f"{runtime.describe_device(config)}")
    print(f"pipeline defaults: {inflight} frames in flight, {default_threads} onnxruntime thread(s) per call\n")
    keys = ("pipeline", "pipeline_1", "bare", "bare_1", "bare_conc", "plain")
    results: dict[str, list[float]] = {k: [] for k in keys}
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "out.mp4"
        for r in range(args.rounds):
            results["pipeline"].append(run_pipeline(args.clip, args.processor, n, None, out))
            results["pipeline_1"].append(run_pipeline(args.clip, args.processor, n, 1, out))
            results["bare"].append(run_bare(args.processor, frames, cores))
            results["bare_1"].append(run_bare(args.processor, frames, 1))
            results["bare_conc"].append(run_bare_concurrent(args.processor, frames, default_threads, inflight))
            results["plain"].append(run_plain(Path(args.clip), args.processor, n, cores, out))
            print(f"round {r + 1}: " + "  ".join(f"{k} {v[-1]:.1f}" for k, v in results.items()), flush=True)
    med = {k: statistics.median(v) for k, v in results.items()}
    print(f"\nmedian frames/s over {args.rounds} rounds (pipeline video encoder: {ENCODER.get('backend')}):")
    print(f"  pipeline, {inflight} in flight (decode+infer+draw+encode): {med['pipeline']:7.1f}")
    print(f"  pipeline, 1 in flight:                          {med['pipeline_1']:7.1f}")
    print(f"  bare session.run, {cores} threads:                  {med['bare']:7.1f}")
    print(f"  bare session.run, 1 thread:                     {med['bare_1']:7.1f}")
    print(f"  bare session.run, {inflight} calls at once x {default_threads} thread(s): {med['bare_conc']:7.1f}"
          "  (the pipeline's concurrency)")
    print(f"  plain single-threaded OpenCV loop, {cores} threads:  {med['plain']:7.1f}")
    # Ratios within each round (the measures of one round ran back to back) are steadier on a shared
    # machine than ratios of medians taken from different rounds: the headline figures are these.
    vs_seq = [p / max(b, b1) for p, b, b1 in zip(results["pipeline"], results["bare"], results["bare_1"])]
    vs_conc = [p / b for p, b in zip(results["pipeline"], results["bare_conc"])]
    vs_plain = [p / q for p, q in zip(results["pipeline"], results["plain"])]
    vs_one = [p / q for p, q in zip(results["pipeline"], results["pipeline_1"])]
    fmt = lambda v: ", ".join(f"{x:.2f}" for x in v)  # noqa: E731
    print(f"\nper-round ratios (median; each round's measures ran back to back):")
    print(f"  pipeline / best sequential bare loop:   {statistics.median(vs_seq):.2f}  ({fmt(vs_seq)}; goal >= 0.95)")
    print(f"  pipeline / bare loop, same concurrency: {statistics.median(vs_conc):.2f}  ({fmt(vs_conc)})")
    print(f"  pipeline / plain OpenCV loop:           {statistics.median(vs_plain):.2f}  ({fmt(vs_plain)}; goal > 1)")
    print(f"  {inflight} frames in flight / 1:              {statistics.median(vs_one):.2f}  ({fmt(vs_one)})")


if __name__ == "__main__":
    main()
