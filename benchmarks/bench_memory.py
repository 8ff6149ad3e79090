"""Peak resident memory of `vision-desk process` against clip length and frame size, in one run.

Memory must not grow with the length of a video (an hour of 1080p has to fit
like 20 s of it) nor much with the frame size: every queue between reading,
processing, drawing and writing is bounded in frames and bytes. This script
makes test clips with ffmpeg (testsrc2, H.264, in a temporary folder unless
--clips names one), runs `vision-desk process CLIP -o OUT.mp4` on each as a
separate process under `/usr/bin/time -v`, and prints a Markdown table of the
peak RSS ("Maximum resident set size") and the frame rate. The peak of one run
depends on timing (how full the queues are when the encoder stalls), so
``--repeat N`` runs every clip N times, round by round, and gives medians and
the range.

    python benchmarks/bench_memory.py                    # 1080p 600 / 1800 frames, 4K 600 frames
    python benchmarks/bench_memory.py -p objects         # with a processor
    python benchmarks/bench_memory.py --repeat 3         # medians of 3 runs each
    python benchmarks/bench_memory.py --python /other/checkout/.venv/bin/python   # another version

Needs ffmpeg and GNU time (Debian: apt-get install ffmpeg time).
"""
from __future__ import annotations

import argparse
import re
import statistics
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CLIPS = [  # (name, width, height, seconds at 30 fps)
    ("1080p, 600 frames", 1920, 1080, 20),
    ("1080p, 1,800 frames", 1920, 1080, 60),
    ("4K, 600 frames", 3840, 2160, 20),
]


def make_clip(folder: Path, width: int, height: int, seconds: int) -> Path:
    path = folder / f"testsrc2_{width}x{height}_{seconds}s.mp4"
    if not path.exists():
        subprocess.run(["ffmpeg", "-loglevel", "error", "-y", "-f", "lavfi", "-i",
                        f"testsrc2=size={width}x{height}:rate=30", "-t", str(seconds), "-c:v", "libx264",
                        "-preset", "ultrafast", str(path)], check=True)
    return path


def peak_rss_mb(python: str, clip: Path, out: Path, processors: str) -> tuple[float, float, int]:
    """(peak RSS in MB, wall seconds, exit status) of one `vision-desk process` run."""
    cmd = ["/usr/bin/time", "-v", python, "-m", "vision_desk", "process", str(clip), "-o", str(out),
           "--no-progress"]
    if processors:
        cmd += ["-p", processors]
    out.unlink(missing_ok=True)
    t0 = time.perf_counter()
    run = subprocess.run(cmd, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", run.stderr)
    if not m:
        sys.exit(f"no figure from /usr/bin/time:\n{run.stderr[-2000:]}")
    return int(m.group(1)) / 1024, wall, run.returncode


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--python", default=sys.executable, help="interpreter with vision_desk installed")
    ap.add_argument("-p", "--processors", default="", help="processors to run (default: none)")
    ap.add_argument("--clips", type=Path, default=None, help="folder for the test clips (kept)")
    ap.add_argument("--short", action="store_true", help="clips a third as long (a quick look)")
    ap.add_argument("--repeat", type=int, default=1, help="runs per clip (medians; default 1)")
    args = ap.parse_args()
    for tool in ("ffmpeg", "/usr/bin/time"):
        if not shutil.which(tool):
            sys.exit(f"{tool} is needed (Debian: apt-get install ffmpeg time)")
    folder = args.clips or Path(tempfile.mkdtemp(prefix="vd-bench-memory-"))
    folder.mkdir(parents=True, exist_ok=True)
    clips = []
    for name, w, h, seconds in CLIPS:
        if args.short:
            seconds = max(2, seconds // 3)
            name = f"{'4K' if w > 1920 else '1080p'}, {seconds * 30} frames"
        clips.append((name, make_clip(folder, w, h, seconds), seconds * 30))
    runs: dict[str, list[tuple[float, float, int]]] = {name: [] for name, _, _ in clips}
    for round_ in range(args.repeat):  # round by round: a busy spell of the machine hits every clip alike
        for name, clip, frames in clips:
            rss, wall, rc = peak_rss_mb(args.python, clip, folder / "out.mp4", args.processors)
            runs[name].append((rss, frames / wall, rc))
            print(f"{name} (run {round_ + 1}): peak RSS {rss:.0f} MB, {frames / wall:.1f} frames/s "
                  f"(incl. start-up), exit {rc}", file=sys.stderr)
    rows = []
    for name, _, _ in clips:
        peaks = [r[0] for r in runs[name]]
        spread = f" ({min(peaks):.0f}-{max(peaks):.0f})" if len(peaks) > 1 else ""
        rc = max((r[2] for r in runs[name]), key=abs)
        rows.append((name, statistics.median(peaks), spread, statistics.median(r[1] for r in runs[name]), rc))
    runs_said = f", median of {args.repeat} runs (range)" if args.repeat > 1 else ""
    print(f"\n| clip (`vision-desk process CLIP -o out.mp4`{', -p ' + args.processors if args.processors else ''})"
          f" | peak RSS{runs_said} | frames/s |")
    print("|---|---|---|")
    for name, rss, spread, fps, rc in rows:
        print(f"| {name} | {rss:.0f} MB{spread} | {fps:.1f}{'' if rc == 0 else f' (exit {rc})'} |")
    base = rows[0][1]
    print("\n" + ", ".join(f"{name}: {rss / base:.2f}x" for name, rss, _, _, _ in rows[1:]) + " of the first row")
    if args.clips is None:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
