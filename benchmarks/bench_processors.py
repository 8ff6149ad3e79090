#!/usr/bin/env python3
"""Per processor at 640x480 on the CPU: median time of the whole process() and of the bare model call.

The bare call is ``Processor.core_call(image)``: ``session.run`` on already-prepared
feeds (``detectMultiScale`` for faces). The ratio bare / whole says how much of
the time pre- and post-processing take; it should stay close to 1.

    python benchmarks/bench_processors.py [--frames 60] [--processors faces,objects,pose,style]
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import cv2
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_pipeline_throughput import machine  # noqa: E402

from vision_desk import registry, runtime  # noqa: E402


def test_frames(n: int) -> list[np.ndarray]:
    """Real photos at 640x480, cycled (scikit-image's bundled CC0 images)."""
    from skimage import data

    photos = [data.astronaut(), data.coffee(), data.chelsea(), cv2.cvtColor(data.camera(), cv2.COLOR_GRAY2RGB)]
    frames = [cv2.cvtColor(cv2.resize(p, (640, 480), interpolation=cv2.INTER_AREA), cv2.COLOR_RGB2BGR) for p in photos]
    return [frames[i % len(frames)] for i in range(n)]


def median_ms(fn, reps: int) -> float:
    times = []
    for _ in range(reps):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--frames", type=int, default=60, help="timed calls per processor and per measure")
    ap.add_argument("--processors", default=",".join(registry.PROCESSOR_NAMES))
    args = ap.parse_args()
    frames = test_frames(args.frames)
    print(f"machine: {machine()}; device: {runtime.describe_device(runtime.RuntimeConfig())}")
    print(f"{'processor':<10} {'process() ms':>13} {'bare model ms':>14} {'bare/whole':>11}")
    for name in registry.parse_names(args.processors):
        proc = registry.create(name)
        proc.load()
        for f in frames[:5]:  # warm-up: first runs allocate
            proc.process(f)
        whole: list[float] = []
        bare: list[float] = []
        # Interleave the two measures so that machine noise hits both alike.
        for f in frames:
            core = proc.core_call(f)
            whole.append(median_ms(lambda: proc.process(f), 1))
            bare.append(median_ms(core, 1))
        w, b = statistics.median(whole), statistics.median(bare)
        print(f"{name:<10} {w:>13.1f} {b:>14.1f} {b / w:>11.2f}")


if __name__ == "__main__":
    main()
