#!/usr/bin/env python3
"""The recognition views' speed on the CPU at 640x480: digits, segment (blur view) and teach.

Measured as bench_lecture_views.py measures cnn and superres: per view, the bare
model call, ``process()`` and ``process()`` + the annotator drawing the view on a
copy of the frame, INTERLEAVED round by round (a busy neighbour slows all three
alike), medians and frames/s.

- digits: the photographed sheet of 24 handwritten digits (tests/data/digit_sheet.jpg)
  scaled to 640x480, layers view on (the bare call: every digit's probabilities and
  one digit's layers);
- segment: real photos at 640x480, blur view, temporal smoothing on;
- teach: real photos at 640x480, 5 examples in each of 3 classes (crops of
  scikit-image photos), k-NN and the PCA map drawn.

    python benchmarks/bench_recognition.py [--rounds 40] [--threads N]
"""
from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

import cv2
import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_lecture_views import interleaved, view_measures  # noqa: E402
from bench_pipeline_throughput import machine  # noqa: E402
from bench_processors import test_frames  # noqa: E402

from vision_desk import registry, runtime  # noqa: E402
from vision_desk.processors import teach_examples  # noqa: E402


def sheet_frames() -> list[np.ndarray]:
    sheet = cv2.imread(str(ROOT / "tests" / "data" / "digit_sheet.jpg"))
    return [cv2.resize(sheet, (640, 480), interpolation=cv2.INTER_AREA)]


def examples_folder(root: Path) -> Path:
    """Three classes, five crops each, from photos that are not among the timed frames' crops."""
    from skimage import data

    rng = np.random.default_rng(0)
    for number, (label, picture) in enumerate((("cup", data.coffee()), ("cat", data.chelsea()),
                                               ("rocket", data.rocket())), 1):
        bgr = cv2.cvtColor(picture, cv2.COLOR_RGB2BGR)
        h, w = bgr.shape[:2]
        for _ in range(5):
            s = rng.uniform(0.6, 0.9)
            y, x = int(rng.integers(0, int(h * (1 - s)) + 1)), int(rng.integers(0, int(w * (1 - s)) + 1))
            teach_examples.add_picture(root, number, bgr[y:y + int(h * s), x:x + int(w * s)])
        teach_examples.rename_class(root, number, label)
    return root


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rounds", type=int, default=40)
    ap.add_argument("--threads", type=int, default=None, help="intra-op threads (default: the app's default)")
    args = ap.parse_args()
    config = runtime.RuntimeConfig("cpu", args.threads)
    print(machine())
    print(f"intra-op threads: {config.intra_threads}; medians of {args.rounds} interleaved rounds, 640x480")
    with tempfile.TemporaryDirectory() as tmp:
        views = (("digits", {"view": True}, sheet_frames(), "digits: 24 digits + layers view"),
                 ("segment", {"view": "blur"}, test_frames(4), "segment: blur view, temporal smoothing"),
                 ("teach", {"examples": str(examples_folder(Path(tmp)))}, test_frames(4),
                  "teach: k-NN on 15 examples + PCA map"))
        for name, settings, frames, title in views:
            for f in frames[:2]:  # warm-up: first runs allocate
                registry.create(name, runtime_config=config, **settings).process(f)
            medians = interleaved(view_measures(name, settings, frames, config), frames, args.rounds)
            cells = "  ".join(f"{k} {v:7.1f} ms ({1000 / v:5.1f}/s)" for k, v in medians.items())
            print(f"{title:<45} {cells}")


if __name__ == "__main__":
    main()
