#!/usr/bin/env python3
"""Real-time file playback in the window when the processors are slower than the file.

    python benchmarks/bench_realtime_playback.py [-p faces,objects,pose,style] [--seconds 20] [--pauses 3]

Drives the window's controller (the same object the window uses, without the
widgets) on the bundled sample clip (25 fps) in real-time mode, looping. With
all four processors this machine manages a few frames per second, so the file
is read faster than it is processed. Measured, as a user sees it:

- shown-frame age: when a frame is handed to the view, how long ago it was read
  from the file (reading is paced at the file's rate, so this is how far the
  picture lags behind "now");
- pause reaction: after Pause, how long new frames keep appearing;
- setting while paused: after a setting changes on a paused frame, how long
  until the frame is shown again with it ("never" if it is not).

Figures are medians over the run; the machine is shared, so compare runs made
one after the other.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PySide6.QtCore import QCoreApplication  # noqa: E402

from vision_desk import registry  # noqa: E402
from vision_desk.gui.controller import Controller  # noqa: E402

PAUSE_WATCH_S = 5.0  # after Pause, frames shown within this long count as "still moving"


class Watch:
    def __init__(self) -> None:
        self.shown: list[tuple[float, object]] = []  # (time shown, result)

    def on_frame(self, result: object) -> None:
        self.shown.append((time.perf_counter(), result))


def spin(app: QCoreApplication, seconds: float, until=None) -> bool:
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        app.processEvents()
        if until is not None and until():
            return True
        time.sleep(0.002)
    return until is None


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("-p", "--processors", default="faces,objects,pose,style")
    ap.add_argument("--seconds", type=float, default=20.0, help="how long to measure the shown-frame age")
    ap.add_argument("--pauses", type=int, default=3, help="pause/resume rounds")
    args = ap.parse_args()
    names = registry.parse_names(args.processors)
    os.environ["XDG_CACHE_HOME"] = tempfile.mkdtemp(prefix="vd-bench-")

    app = QCoreApplication.instance() or QCoreApplication([])
    ctl = Controller()
    watch = Watch()
    ctl.frameReady.connect(watch.on_frame)
    ctl.set_realtime(True)
    ctl.set_loop(True)
    ctl.set_processors(names)
    ctl.open_source("sample")
    if not spin(app, 180, lambda: watch.shown and set(names) <= set(watch.shown[-1][1].results)):
        print("the processors did not all produce results", file=sys.stderr)
        return 1
    spin(app, 3.0)  # settle

    start = len(watch.shown)
    t0 = time.perf_counter()
    spin(app, args.seconds)
    window = [(t, r) for t, r in watch.shown[start:]]
    ages = [(t - r.frame.timestamp) * 1000 for t, r in window]
    wall = time.perf_counter() - t0
    fps = len(window) / wall
    # How fast the clip itself advances on screen (1.0 = its own speed; the loop's wrap counted forward).
    clip_ms = sum((b.frame.pts_ms - a.frame.pts_ms) % 16_000 for (_, a), (_, b) in zip(window, window[1:]))
    clip_speed = clip_ms / 1000 / max(window[-1][0] - window[0][0], 1e-9) if len(window) > 1 else 0.0
    dropped = (window[-1][1].stats.dropped - window[0][1].stats.dropped) if window else 0

    reactions, setting_ms = [], []
    objects_on = "objects" in names
    for i in range(args.pauses):
        mark = len(watch.shown)
        tp = time.perf_counter()
        ctl.set_paused(True)
        spin(app, PAUSE_WATCH_S)
        after = [t for t, _ in watch.shown[mark:]]
        reactions.append(((after[-1] - tp) * 1000) if after else 0.0)
        if objects_on:  # a teacher moves the score threshold on the paused frame
            mark = len(watch.shown)
            tc = time.perf_counter()
            ctl.change_settings("objects", score_threshold=0.35 + 0.1 * (i % 2))
            if spin(app, PAUSE_WATCH_S, lambda: len(watch.shown) > mark):
                setting_ms.append((watch.shown[mark][0] - tc) * 1000)
            else:
                setting_ms.append(float("inf"))
        ctl.set_paused(False)
        spin(app, 4.0)
    ctl.shutdown()

    print(f"sample clip (25 fps) in real time, processors {'+'.join(names)}, {os.cpu_count()} CPU cores")
    print(f"frames shown: {len(window)} in {args.seconds:.0f} s ({fps:.1f}/s); the clip advanced at "
          f"{clip_speed:.2f}x its own speed; {dropped} frames skipped (dropped) meanwhile")
    last = window[-1][1].stats if window else None
    if last is not None:
        pipe_lat = statistics.median(r.stats.latency_ms for _, r in window)
        print(f"pipeline latency (read -> drawn) median {pipe_lat:.0f} ms; stage medians ms: "
              + ", ".join(f"{k} {v:.0f}" for k, v in last.stage_median_ms.items()))
    print(f"shown-frame age ms: median {statistics.median(ages):.0f}, "
          f"p95 {sorted(ages)[int(0.95 * (len(ages) - 1))]:.0f}, max {max(ages):.0f}")
    print("pause reaction ms (last new frame after Pause): "
          + ", ".join(f"{v:.0f}" for v in reactions) + f"; median {statistics.median(reactions):.0f}")
    if setting_ms:
        print("setting changed while paused -> frame shown again, ms: "
              + ", ".join("never" if v == float("inf") else f"{v:.0f}" for v in setting_ms))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
