#!/usr/bin/env python3
"""Faces (Haar cascade) time per frame size, with and without the detection width cap.

    python benchmarks/bench_faces_frame_size.py [--rounds 5] [--reps 8]

The cascade's cost grows with the pixels it scans. ``detect_scale`` alone
scans a 1080p frame at 960x540; ``max_detect_width`` (default 640) caps that
at 640x360. Compared in the same run, in alternating rounds (the machine is
shared): default settings vs the same with ``max_detect_width=0`` (no cap,
what the processor did before the setting existed), on the astronaut photo
upscaled into 640x480, 1280x720 and 1920x1080 frames. Also prints where the
face was found, so a speed-up that loses the face would show.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

import cv2
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from vision_desk.processors.faces import FacesProcessor  # noqa: E402

SIZES = ((640, 480), (1280, 720), (1920, 1080))


def frame_of(size: tuple[int, int]) -> np.ndarray:
    """The astronaut photo scaled to the frame height and centred (the rest black), BGR."""
    from skimage import data

    w, h = size
    photo = cv2.cvtColor(data.astronaut(), cv2.COLOR_RGB2BGR)
    side = min(w, h)
    frame = np.zeros((h, w, 3), np.uint8)
    x = (w - side) // 2
    frame[:side, x:x + side] = cv2.resize(photo, (side, side), interpolation=cv2.INTER_CUBIC)
    return frame


def timed(proc: FacesProcessor, frame: np.ndarray, reps: int) -> float:
    times = []
    for _ in range(reps):
        t0 = time.perf_counter()
        proc.process(frame)
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--reps", type=int, default=8, help="timed calls per round")
    args = ap.parse_args()
    capped, uncapped = FacesProcessor(), FacesProcessor(max_detect_width=0)
    capped.load()
    uncapped.load()
    print(f"faces, default settings (detect scale 0.5, max detect width 640) vs no width cap; "
          f"{os.cpu_count()} CPU cores, OpenCV {cv2.__version__} with {cv2.getNumThreads()} threads")
    print(f"{'frame':>10} {'scanned':>9} {'capped ms':>10} {'no cap ms':>10} {'speed-up':>9}  "
          "face found (capped | no cap)")
    for size in SIZES:
        frame = frame_of(size)
        for p in (capped, uncapped):
            p.process(frame)  # warm up
        a, b, ratios = [], [], []
        for _ in range(args.rounds):
            ta, tb = timed(capped, frame, args.reps), timed(uncapped, frame, args.reps)
            a.append(ta)
            b.append(tb)
            ratios.append(tb / ta)
        scale = FacesProcessor.detect_scale_for(size[0], capped.settings)
        scanned = f"{round(size[0] * scale)}x{round(size[1] * scale)}"
        boxes = [np.round(p.process(frame).boxes).astype(int).tolist() for p in (capped, uncapped)]
        print(f"{size[0]}x{size[1]:<5} {scanned:>9} {statistics.median(a):10.1f} {statistics.median(b):10.1f} "
              f"{statistics.median(ratios):8.2f}x  {boxes[0]} | {boxes[1]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
