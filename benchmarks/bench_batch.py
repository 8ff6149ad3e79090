#!/usr/bin/env python3
"""A batch of 8 clips: one worker vs `--jobs 2` worker processes vs Ray with 2 local actors, in one run.

Each mode is the real command in its own process (`vision-desk process CLIPS/
-p objects -o OUT/ --json OUT/ ...`, annotated H.264 video and JSON lines
written), timed from start to exit, so interpreter start, model loads and
worker start-up are included as a user would see them. For Ray, a local Ray
instance with 2 CPUs is started first (`ray start --head`), as a cluster would
be running already, and the batch joins it with `--ray auto`; the time that
start took is printed too. Rounds are interleaved so that machine noise hits
all modes alike; medians are printed.

    python benchmarks/bench_batch.py [--rounds 1] [--clips 8] [--frames 100] [--processors objects]
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import cv2

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_pipeline_throughput import machine  # noqa: E402

from vision_desk.sources import SAMPLE_CLIP  # noqa: E402

CLI = "import sys; from vision_desk.cli import main; sys.exit(main(sys.argv[1:]))"


def make_clips(folder: Path, clips: int, frames: int) -> int:
    """``clips`` clips of ``frames`` frames each, from different parts of the sample clip (640x360)."""
    cap = cv2.VideoCapture(str(SAMPLE_CLIP))
    total = int(cap.get(cv2.CAP_PROP_FRAME_COUNT))
    for i in range(clips):
        cap.set(cv2.CAP_PROP_POS_FRAMES, (i * total // clips) % max(1, total - frames))
        writer = cv2.VideoWriter(str(folder / f"clip{i}.mp4"), cv2.VideoWriter_fourcc(*"mp4v"), 25.0, (640, 360))
        for _ in range(frames):
            ok, frame = cap.read()
            if not ok:
                cap.set(cv2.CAP_PROP_POS_FRAMES, 0)
                ok, frame = cap.read()
            writer.write(frame)
        writer.release()
    cap.release()
    return clips * frames


def run_mode(clips: Path, out: Path, procs: str, extra: list[str], env: dict[str, str]) -> float:
    shutil.rmtree(out, ignore_errors=True)
    argv = [sys.executable, "-c", CLI, "process", str(clips), "-p", procs, "-o", str(out), "--json", str(out),
            "--no-progress", *extra]
    t0 = time.perf_counter()
    done = subprocess.run(argv, capture_output=True, text=True, env=env)
    elapsed = time.perf_counter() - t0
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(extra) or 'one worker'} failed ({done.returncode}): {done.stderr.strip()}")
    return elapsed


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rounds", type=int, default=1)
    ap.add_argument("--clips", type=int, default=8)
    ap.add_argument("--frames", type=int, default=100, help="frames per clip")
    ap.add_argument("--processors", default="objects")
    args = ap.parse_args()
    env = {**os.environ, "RAY_USAGE_STATS_ENABLED": "0"}
    modes: dict[str, list[str]] = {"one worker (--jobs 1)": ["--jobs", "1"],
                                   "--jobs 2 (worker processes)": ["--jobs", "2"]}
    ray_bin = Path(sys.executable).with_name("ray")
    if ray_bin.exists():
        modes["Ray, 2 local actors (--ray auto --jobs 2)"] = ["--ray", "auto", "--jobs", "2"]
    else:
        print("Ray is not installed (pip install -e '.[cluster]'): its row is left out")
    print(f"machine: {machine()}; load average before: {os.getloadavg()[0]:.1f}")
    with tempfile.TemporaryDirectory() as tmp:
        clips = Path(tmp) / "clips"
        clips.mkdir()
        frames = make_clips(clips, args.clips, args.frames)
        ray_start_s = None
        if ray_bin.exists():
            t0 = time.perf_counter()
            subprocess.run([str(ray_bin), "start", "--head", "--num-cpus", "2", "--include-dashboard=false",
                            "--disable-usage-stats"], check=True, capture_output=True, env=env)
            ray_start_s = time.perf_counter() - t0
        times: dict[str, list[float]] = {m: [] for m in modes}
        try:
            for r in range(args.rounds):
                for name, extra in modes.items():
                    t = run_mode(clips, Path(tmp) / "out", args.processors, extra, env)
                    times[name].append(t)
                    print(f"round {r + 1}: {name}: {t:.1f} s, {frames / t:.1f} frames/s", flush=True)
        finally:
            if ray_bin.exists():
                subprocess.run([str(ray_bin), "stop"], capture_output=True, env=env)
    base = statistics.median(times[next(iter(modes))])
    print(f"\n{args.clips} clips x {args.frames} frames (640x360), -p {args.processors}, annotated video + JSON "
          f"lines, {args.rounds} round(s), medians; wall time of the whole command")
    print("| mode | seconds | frames/s | vs one worker |")
    print("|---|---|---|---|")
    for name in modes:
        t = statistics.median(times[name])
        print(f"| {name} | {t:.1f} | {frames / t:.1f} | {base / t:.2f}x |")
    if ray_start_s is not None:
        print(f"(starting the local Ray instance beforehand took {ray_start_s:.1f} s, not included)")


if __name__ == "__main__":
    main()
