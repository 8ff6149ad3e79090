#!/usr/bin/env python3
"""The lecture views' speed on the CPU: cnn (classes + a layer's grid at 224) and superres (a 128x128 region).

Per view, three measures taken INTERLEAVED on the same 640x480 real photos (one
round = one call of each, so a busy neighbour on a shared machine slows all
three alike), reported as medians and frames/s:

- ``bare``: the model call alone (``core_call``: ``session.run`` on ready feeds);
- ``process``: what the pipeline's worker does for the frame (``process()``);
- ``+ draw``: process() and the annotator drawing the view on a copy of the frame.

    python benchmarks/bench_lecture_views.py [--rounds 30] [--threads N] [--x4plus path/to/x4plus.onnx]

``--x4plus`` also times the larger Real-ESRGAN model (not shipped; build it with
tools/ncnn_to_onnx.py) on a 64x64 region, for the choice in docs/DESIGN-NOTES.md.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_pipeline_throughput import machine  # noqa: E402
from bench_processors import test_frames  # noqa: E402

from vision_desk import registry, runtime  # noqa: E402


def interleaved(measures: dict[str, Callable], frames: list[np.ndarray], rounds: int) -> dict[str, float]:
    times: dict[str, list[float]] = {k: [] for k in measures}
    for i in range(rounds):
        frame = frames[i % len(frames)]
        for name, fn in measures.items():
            t0 = time.perf_counter()
            fn(frame)
            times[name].append((time.perf_counter() - t0) * 1000)
    return {k: statistics.median(v) for k, v in times.items()}


def view_measures(name: str, settings: dict, frames: list[np.ndarray],
                  config: runtime.RuntimeConfig) -> dict[str, Callable]:
    proc = registry.create(name, runtime_config=config, **settings)
    proc.load()
    ann = registry.annotator_for(name)
    bare = {id(f): proc.core_call(f) for f in frames}
    return {
        "bare": lambda f: bare[id(f)](),
        "process": lambda f: proc.process(f),
        "+ draw": lambda f: ann.annotate(f.copy(), proc.process(f)),
    }


def x4plus_vs_small(path: str, rounds: int, threads: int) -> tuple[float, float]:
    """Median ms of realesrgan-x4plus and of the shipped small model on the same 64x64 input, interleaved."""
    import onnxruntime as ort

    from vision_desk import model_store

    opts = ort.SessionOptions()
    opts.intra_op_num_threads = threads
    small_path = model_store.models_dir() / model_store.entry("superres-realesr-animevideov3-x4").file
    sessions = [ort.InferenceSession(str(p), opts, providers=["CPUExecutionProvider"]) for p in (path, small_path)]
    x = np.random.default_rng(0).random((1, 3, 64, 64), dtype=np.float32)
    times: list[list[float]] = [[], []]
    for _ in range(rounds):
        for i, sess in enumerate(sessions):
            t0 = time.perf_counter()
            sess.run(None, {"input": x})
            times[i].append((time.perf_counter() - t0) * 1000)
    return statistics.median(times[0]), statistics.median(times[1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rounds", type=int, default=30)
    ap.add_argument("--threads", type=int, default=None, help="intra-op threads (default: the app's default)")
    ap.add_argument("--x4plus", default="", help="also time this realesrgan-x4plus ONNX file (64x64 region)")
    args = ap.parse_args()
    config = runtime.RuntimeConfig("cpu", args.threads)
    print(machine())
    print(f"intra-op threads: {config.intra_threads}; medians of {args.rounds} interleaved rounds")
    frames = test_frames(4)
    views = (("cnn", {"view": "layers", "layer": "stage3", "channels": 16}, "cnn: classes + stage3 grid (224 input)"),
             ("cnn", {"view": "cam"}, "cnn: classes + class activation map"),
             ("superres", {"size": 128}, "superres: 128x128 region -> 512x512 (animevideov3)"),
             ("superres", {"size": 128, "mode": "check"}, "superres check: 128 region shrunk to 32, back x4"))
    for name, settings, title in views:
        for f in frames[:2]:  # warm-up: first runs allocate
            registry.create(name, runtime_config=config, **settings).process(f)
        medians = interleaved(view_measures(name, settings, frames, config), frames, args.rounds)
        cells = "  ".join(f"{k} {v:7.1f} ms ({1000 / v:5.1f}/s)" for k, v in medians.items())
        print(f"{title:<55} {cells}")
    if args.x4plus:
        big, small = x4plus_vs_small(args.x4plus, max(3, args.rounds // 5), config.intra_threads)
        print(f"{'superres 64x64 -> 256x256, bare: x4plus (not shipped) / animevideov3':<55} "
              f"{big:7.1f} ms / {small:6.1f} ms = {big / small:.1f}x")


if __name__ == "__main__":
    main()
