#!/usr/bin/env python3
"""MoveNet MultiPose Lightning against OpenPose MobileNet-thin: agreement on real frames, and speed.

0. Per frame: ``process()`` of each model on ``--bare-frames`` sample-clip frames (640x360, FP32), the two
   models interleaved frame by frame, on 1 and on 2 onnxruntime threads: medians (PAF decoding included for
   OpenPose, the decoding inside the network for MoveNet).
1. Agreement on the sample clip's frames (every ``--every``-th): the share of frames where both find the same
   number of people, and for people matched across the two (Hungarian matching on the mean distance of
   the keypoints both found) the median distance per keypoint, in frame pixels (640x360), the neck apart
   (MoveNet's neck is the shoulders' midpoint, OpenPose's its own keypoint).
2. Live pose: the sample clip played in real time (looped), pose alone, OpenPose and MoveNet runs
   alternated for ``--rounds`` rounds: processed frames/s (medians).
3. All four processors live: today's (OpenPose, objects FP32) against MoveNet with objects INT8 (the file
   for this CPU), alternated likewise.

    python benchmarks/bench_pose_models.py [--bare-frames 40] [--every 4] [--live-seconds 20] [--rounds 2]

The machine this was measured on was shared: compare the ratios within one run.
"""
from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tools"))

from bench_pipeline_throughput import machine  # noqa: E402
from bench_precision import live_run  # noqa: E402
from precision_gates import clip_frames  # noqa: E402

from vision_desk import registry, runtime  # noqa: E402
from vision_desk.results import KEYPOINT_NAMES, Poses  # noqa: E402

MODELS = ("openpose", "movenet")
NECK = KEYPOINT_NAMES.index("neck")


def _pose(model: str, threads: int | None = None):  # noqa: ANN202
    proc = registry.create("pose")
    proc.runtime_config = runtime.RuntimeConfig("cpu", threads, "fp32")
    proc.update_settings(model=model)
    proc.load()
    return proc


def match(a: Poses, b: Poses) -> list[tuple[int, int, np.ndarray]]:
    """Pairs (i in a, j in b, per-keypoint distance with NaN where either misses it), matched one to one."""
    from scipy.optimize import linear_sum_assignment

    if not len(a) or not len(b):
        return []
    d = np.linalg.norm(a.keypoints[:, None, :, :2] - b.keypoints[None, :, :, :2], axis=-1)  # A x B x 18
    common = ~np.isnan(d)
    cost = np.where(common.any(-1), np.nanmean(np.where(common, d, np.nan), axis=-1), 1e6)
    rows, cols = linear_sum_assignment(cost)
    return [(i, j, d[i, j]) for i, j in zip(rows, cols) if cost[i, j] < 1e6]


def per_frame(count: int) -> None:
    import time

    frames = clip_frames(range(0, 400, max(1, 400 // count)))[:count]
    print(f"\n0. process() per frame, {len(frames)} sample-clip frames (640x360), FP32, interleaved")
    for threads in (1, 2):
        procs = {m: _pose(m, threads) for m in MODELS}
        times: dict[str, list[float]] = {m: [] for m in MODELS}
        for i, frame in enumerate(frames):
            for m in MODELS if i % 2 == 0 else MODELS[::-1]:
                t0 = time.perf_counter()
                procs[m].process(frame)
                times[m].append((time.perf_counter() - t0) * 1000)
        o, v = statistics.median(times["openpose"]), statistics.median(times["movenet"])
        print(f"  {threads} thread{'s' if threads > 1 else ''}: OpenPose {o:.1f} ms, MoveNet {v:.1f} ms: "
              f"MoveNet {o / v:.1f}x faster")


def agreement(every: int) -> None:
    frames = clip_frames(range(0, 400, every))
    results = {m: [p.process(f) for f in frames] for m, p in ((m, _pose(m)) for m in MODELS)}
    same = sum(len(a) == len(b) for a, b in zip(results["openpose"], results["movenet"]))
    with_people = sum(len(a) > 0 for a in results["openpose"])
    dists: list[np.ndarray] = []
    for a, b in zip(results["openpose"], results["movenet"]):
        dists += [d for _, _, d in match(a, b)]
    print(f"\n1. agreement on {len(frames)} sample-clip frames (every {every}th, 640x360): OpenPose finds people "
          f"on {with_people}; the same number of people on {same}/{len(frames)} frames ({100 * same / len(frames):.0f}%); "
          f"people per frame: OpenPose {np.mean([len(a) for a in results['openpose']]):.2f}, "
          f"MoveNet {np.mean([len(b) for b in results['movenet']]):.2f}")
    if dists:
        d = np.stack(dists)
        body = np.delete(d, NECK, axis=1)
        print(f"   {len(d)} matched people: keypoint distance median {np.nanmedian(body):.1f} px, "
              f"p90 {np.nanpercentile(body, 90):.1f} px (neck: median {np.nanmedian(d[:, NECK]):.1f} px)")
        print("   per keypoint (median px): " + ", ".join(
            f"{n} {np.nanmedian(d[:, k]):.1f}" for k, n in enumerate(KEYPOINT_NAMES) if np.isfinite(d[:, k]).any()))


def alternated(title: str, variants: dict[str, tuple[list[str], runtime.RuntimeConfig, dict]], seconds: float,
               rounds: int) -> dict[str, float]:
    print(f"\n{title}, sample clip played in real time (looped), {seconds:g} s per run, {rounds} rounds")
    fps: dict[str, list[float]] = {k: [] for k in variants}
    for r in range(rounds):
        for key in list(variants) if r % 2 == 0 else list(variants)[::-1]:
            names, cfg, settings = variants[key]
            f, med, _ = live_run(names, cfg, seconds, settings)
            fps[key].append(f)
            print(f"  round {r} {key:<28} {f:6.2f} frames/s, latency median {med:.0f} ms", flush=True)
    medians = {k: statistics.median(v) for k, v in fps.items()}
    first = next(iter(medians))
    print("  medians: " + ", ".join(f"{k} {v:.2f} frames/s ({v / medians[first]:.2f}x)" for k, v in medians.items()))
    return medians


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bare-frames", type=int, default=40, help="frames for part 0 (0: skip)")
    ap.add_argument("--every", type=int, default=4, help="every n-th frame of the clip for part 1 (0: skip)")
    ap.add_argument("--live-seconds", type=float, default=20.0, help="seconds per live run (0: skip 2 and 3)")
    ap.add_argument("--rounds", type=int, default=2)
    args = ap.parse_args()
    print(f"machine: {machine()}; CPU class {runtime.cpu_class()}")
    if args.bare_frames > 0:
        per_frame(args.bare_frames)
    if args.every > 0:
        agreement(args.every)
    if args.live_seconds > 0:
        cfg = runtime.RuntimeConfig("cpu", None, "fp32")
        alternated("2. live pose", {m: (["pose"], cfg, {"pose": {"model": m}}) for m in MODELS},
                   args.live_seconds, args.rounds)
        four = ["faces", "objects", "pose", "style"]
        alternated("3. all four live", {
            "OpenPose + objects FP32": (four, cfg, {"pose": {"model": "openpose"}}),
            "MoveNet + objects INT8": (four, runtime.RuntimeConfig("cpu", None, "int8"), {"pose": {"model": "movenet"}}),
        }, args.live_seconds, args.rounds)


if __name__ == "__main__":
    main()
