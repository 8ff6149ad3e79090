"""`vision-desk process`: the pipeline without a window, writing video / images and JSON lines.

Everything a user can get wrong (input, processors, option values, output
path) is checked before the first frame, and ends in one line. Ctrl-C and
SIGTERM stop the run cooperatively: frames already processed are written, the
video is finalized and holds exactly as many frames as the JSON file has lines.
"""
from __future__ import annotations

import argparse
import signal
import sys
import threading
from typing import TYPE_CHECKING, Any

from vision_desk import registry
from vision_desk.batch import command as batch_command
from vision_desk.cli.processor_options import add_processor_options, validated_settings
from vision_desk.errors import SettingsError

if TYPE_CHECKING:
    from vision_desk.pipeline.run import RunOutcome
    from vision_desk.runtime import RuntimeConfig
    from vision_desk.sources.base import SourceInfo

EPILOG = """\
examples:
  vision-desk process clip.mp4 -p objects -o out.mp4 --json out.jsonl
  vision-desk process sample -p faces,pose --hud -o annotated.mp4
  vision-desk process photos/ -p objects --objects-score-threshold 0.3 -o annotated_photos/
  vision-desk process 0 -p style --style-style 7 -o webcam.mp4 --duration 30
  vision-desk process rtsp://camera.local/stream -p objects --json log.jsonl   (until Ctrl-C)

JSON lines: one object per frame, e.g.
  {"frame": 0, "time_ms": 0.0, "objects": [{"label": "person", "class_id": 0, "score": 0.87,
   "box": [x1, y1, x2, y2]}], "faces": [{"box": [...]}], "pose": [{"score": 0.8, "keypoints":
   [[x, y, score] or null, ... 18]}], "timings_ms": {"read": 2.1, "objects": 15.3, ...}, "latency_ms": 41.2}

exit status: 0 done (or a live input stopped by Ctrl-C/--duration/--max-frames), 2 a usage or input/output
problem (one line on stderr), 130/143 a file run interrupted by Ctrl-C/SIGTERM (outputs complete up to there).
"""


def add_parser(sub: Any, parents: list[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "process", parents=parents, help="run processors on a video, images, camera or stream without the window",
        description="Run face, object, pose and style processors on INPUT and write the annotated result "
                    "(a video, or a folder of images for image input) and/or the detections as JSON lines. "
                    "Files are processed losslessly (every frame, in order, as fast as the machine allows); "
                    "a camera or stream runs until Ctrl-C, --max-frames or --duration.",
        epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("input", metavar="INPUT",
                   help="a video file, an image, a folder or wildcard of images, a camera index (0) or "
                        "/dev/videoN, an rtsp:// or http(s):// stream, 'sample' (bundled clip) or 'synthetic'")
    p.add_argument("-p", "--processors", default="", metavar="LIST",
                   help=f"comma-separated processors to run, in any order: {', '.join(registry.PROCESSOR_NAMES)} "
                        "(default: none, i.e. copy frames through)")
    p.add_argument("-o", "--output", metavar="OUTPUT", default=None,
                   help="annotated output: a video file (.mp4, .mov, .mkv, .avi) for video/camera/stream input; "
                        "a folder for image input (one PNG per image), or a video file to make a clip of them")
    p.add_argument("--json", metavar="RESULTS.jsonl", default=None,
                   help="write one JSON object per frame (detections, keypoints, timings) to this file")
    p.add_argument("--max-frames", type=int, default=None, metavar="N", help="stop after N frames")
    p.add_argument("--duration", type=float, default=None, metavar="SECONDS", help="stop after this many seconds")
    p.add_argument("--hud", action="store_true",
                   help="draw FPS, per-stage milliseconds, drops, latency and the device on every frame")
    p.add_argument("--raw", action="store_true", help="write frames without overlays (style is still applied)")
    p.add_argument("--inflight", type=int, default=None, metavar="N",
                   help="frames processed at once for file input (default: about one per core); "
                        "live input always processes the newest frame only")
    p.add_argument("--overwrite", action="store_true",
                   help="replace OUTPUT / RESULTS.jsonl (or pictures in the output folder) if they exist "
                        "(default: refuse, so nothing is destroyed by mistake)")
    p.add_argument("--no-progress", action="store_true", help="no progress bar (it is also off when stderr "
                                                               "is not a terminal)")
    add_processor_options(p)
    batch_command.add_options(p)  # several inputs -> a batch (vision_desk/batch); keep this call last


def _check_args(args: argparse.Namespace) -> tuple[list[str], dict[str, Any]]:
    """The processors and their settings (each a settings dataclass, validated here once)."""
    names = registry.parse_names(args.processors)
    if args.max_frames is not None and args.max_frames < 1:
        raise SettingsError(f"--max-frames must be at least 1, got {args.max_frames}")
    if args.duration is not None and not args.duration > 0:
        raise SettingsError(f"--duration must be a positive number of seconds, got {args.duration:g}")
    if args.inflight is not None and not 1 <= args.inflight <= 16:
        raise SettingsError(f"--inflight must be between 1 and 16, got {args.inflight}")
    return names, validated_settings(args, names)


class _Terminal:
    """The run's progress on stderr: a bar (unless --no-progress, or stderr is not a terminal) and warnings."""

    def __init__(self, bar: bool, max_frames: int | None) -> None:
        self._want_bar = bar
        self._max_frames = max_frames
        self.bar: Any = None

    def started(self, info: SourceInfo) -> None:
        if self._want_bar:
            from tqdm import tqdm

            from vision_desk.pipeline.run import expected_frames

            self.bar = tqdm(total=expected_frames(info, self._max_frames), unit="frame",
                            desc=info.description[:40], file=sys.stderr, dynamic_ncols=True, disable=None,
                            leave=True)

    def advanced(self, frames: int) -> None:
        if self.bar is not None:
            self.bar.update(frames - self.bar.n)

    def warning(self, message: str) -> None:
        print(f"vision-desk: warning: {message}", file=sys.stderr)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


class _Signals:
    """Ctrl-C and SIGTERM stop the run cooperatively (on the main thread; elsewhere signals stay as they are)."""

    def __init__(self) -> None:
        self.stop = threading.Event()
        self.caught: int | None = None
        self._old: dict[int, Any] = {}

    def __enter__(self) -> _Signals:
        if threading.current_thread() is threading.main_thread():
            self._old = {s: signal.signal(s, self._on_signal) for s in (signal.SIGINT, signal.SIGTERM)}
        return self

    def __exit__(self, *_exc: object) -> None:
        for s, handler in self._old.items():
            signal.signal(s, handler)

    def _on_signal(self, signum: int, _frame: Any) -> None:
        if self.caught is None:
            self.caught = signum
        self.stop.set()


def run(args: argparse.Namespace, config: RuntimeConfig) -> int:
    names, settings = _check_args(args)
    if batch_command.wants_batch(args):  # several inputs, a folder of videos, --jobs or --ray
        return batch_command.run(args, config, names, settings)  # (each worker with its share of the threads)
    return process_one(args, args.input, args.output, args.json, names=names, settings=settings,
                       runtime_config=config)


def process_one(args: argparse.Namespace, input_spec: str, output: str | None, json_path: str | None, *,
                names: list[str], settings: dict[str, Any], runtime_config: RuntimeConfig) -> int:
    """Process one input to the given outputs (the whole of `vision-desk process` for one input); the exit status.

    ``args`` carries the run options (--hud, --raw, --inflight, --max-frames, --duration, --no-progress,
    --overwrite); ``names``/``settings`` come from :func:`_check_args`. Raises VisionDeskError for a
    problem (one line); Ctrl-C/SIGTERM end a file's run with 130/143.
    """
    from vision_desk import sources
    from vision_desk.pipeline.run import OutputSpec, RunSpec, run_to_end

    source = sources.open_source(input_spec)
    spec = RunSpec(tuple(names), settings, hud=args.hud, inflight=args.inflight, max_frames=args.max_frames,
                   duration=args.duration, runtime_config=runtime_config)
    outputs = OutputSpec(output, json_path, raw=args.raw, overwrite=bool(getattr(args, "overwrite", False)))
    terminal = _Terminal(bar=not args.no_progress, max_frames=args.max_frames)
    with _Signals() as signals:
        try:
            outcome = run_to_end(source, spec, outputs, report=terminal, stop=signals.stop)
        finally:
            terminal.close()
    if outcome.error is None or outcome.summary.frames_output > 0:  # (a source that never opened says why)
        # What was processed and written (also before a camera was lost or a disk filled), on stdout:
        # stderr carries only our one-line messages.
        _report(outcome)
        for warning in outcome.warnings:
            print(f"vision-desk: warning: {warning}", file=sys.stderr)
    if outcome.error is not None:
        raise outcome.error
    if signals.caught is not None and not outcome.is_live and not outcome.finished:
        name = "SIGINT" if signals.caught == signal.SIGINT else "SIGTERM"
        print(f"vision-desk: interrupted by {name}; the outputs hold the {outcome.frames} frames processed so far",
              file=sys.stderr)
        return 128 + int(signals.caught)
    return 0


def _report(outcome: RunOutcome, file: Any = None) -> None:
    s = outcome.summary
    out = file or sys.stdout
    stages = "  ".join(f"{k} {v:.1f}" for k, v in s.stage_median_ms.items()) or "-"
    print(f"frames: {s.frames_output} in {s.elapsed_s:.1f} s ({s.output_fps:.1f} frames/s); "
          f"dropped {s.dropped}; errors {s.errors}", file=out)
    print(f"median ms per frame: {stages}", file=out)
    print(f"latency: median {s.latency_median_ms:.0f} ms, p95 {s.latency_p95_ms:.0f} ms", file=out)
    print(f"device: {s.provider}", file=out)
    from vision_desk.pipeline.sinks import VideoSink

    for sink in outcome.sinks:
        if not sink.written:
            print(f"nothing written to {sink.path}", file=out)
            continue
        extra = f", {sink.backend}" if isinstance(sink, VideoSink) else ""
        print(f"wrote {sink.path} ({sink.written} {sink.unit}{extra})", file=out)
