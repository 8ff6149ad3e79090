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
import time
from pathlib import Path
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from vision_desk.batch import command as batch_command
from vision_desk.cli.processor_options import add_processor_options, validated_settings
from vision_desk.errors import OutputError, SettingsError, VisionDeskError
from vision_desk.pipeline.events import EventKind, PipelineEvent, PipelineState

if TYPE_CHECKING:
    from vision_desk.pipeline.sinks import RecordingSink, Sink
    from vision_desk.runtime import RuntimeConfig

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
                   help="comma-separated processors to run, in any order: faces, objects, pose, style "
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
    from vision_desk import processors

    names = processors.parse_names(args.processors)
    if args.max_frames is not None and args.max_frames < 1:
        raise SettingsError(f"--max-frames must be at least 1, got {args.max_frames}")
    if args.duration is not None and not args.duration > 0:
        raise SettingsError(f"--duration must be a positive number of seconds, got {args.duration:g}")
    if args.inflight is not None and not 1 <= args.inflight <= 16:
        raise SettingsError(f"--inflight must be between 1 and 16, got {args.inflight}")
    return names, validated_settings(args, names)


def _make_sinks(args: argparse.Namespace, source: Any, is_images: bool, output: str | None,
                json_path: str | None) -> list[RecordingSink]:
    """The run's recording (pictures and/or JSON lines, one sink so that they hold the same frames),
    checked and claimed (created exclusively and locked) before any frame; [] when nothing is written."""
    from vision_desk.pipeline.output_names import image_output_names
    from vision_desk.pipeline.sinks import ImageFolderSink, JsonlSink, RecordingSink, VideoSink, default_image_name
    from vision_desk.pipeline.video_backends import VIDEO_SUFFIXES

    overwrite = bool(getattr(args, "overwrite", False))
    pictures: Sink | None = None
    lines: Sink | None = None
    _check_not_the_input(source, output, json_path)
    files = list(getattr(source, "files", []) or [])
    if output:
        out = Path(output).expanduser()
        if is_images and out.suffix.lower() not in VIDEO_SUFFIXES:
            names = image_output_names(files) if files else []
            if not overwrite:
                existing = [n for n in names if (out / n).exists()]
                if existing:
                    raise OutputError(f"{out / existing[0]} already exists"
                                      f"{f' (and {len(existing) - 1} more)' if len(existing) > 1 else ''}; "
                                      "add --overwrite to replace, or choose another output folder")

            def name_for(frame: Any) -> str:
                if names and 0 <= frame.index < len(names):
                    return names[frame.index]
                return default_image_name(frame)

            pictures = ImageFolderSink(out, annotated=not args.raw, name_for=name_for, overwrite=overwrite)
        else:
            pictures = VideoSink(out, annotated=not args.raw, overwrite=overwrite)
    if json_path:
        if output:
            from vision_desk.pipeline.output_claim import same_file

            if Path(json_path).expanduser().resolve() == Path(output).expanduser().resolve() or \
                    same_file(Path(json_path).expanduser(), Path(output).expanduser()):
                raise SettingsError("--json and --output name the same file; give them different names")
        source_for = None
        if is_images and files:
            def source_for(frame: Any) -> str:
                return files[frame.index].name if 0 <= frame.index < len(files) else ""
        lines = JsonlSink(Path(json_path), overwrite=overwrite, source_for=source_for)
    if pictures is None and lines is None:
        return []
    recording = RecordingSink(pictures, lines)
    recording.claim()  # if one part cannot be claimed, what the other created is removed again
    return [recording]


def _discard(sinks: list[RecordingSink]) -> None:
    """Remove what sinks created when nothing was written (an empty file or folder helps nobody)."""
    for sink in sinks:
        try:
            sink.discard()
        except Exception:
            pass


def _check_not_the_input(source: Any, output: str | None, json_path: str | None) -> None:
    """Writing onto the file being read would destroy it half-way through the run.

    Files are compared by device and inode, so a hard link or a symbolic link to the input counts too.
    """
    from vision_desk.pipeline.output_claim import refuse_inputs, same_file
    from vision_desk.pipeline.video_backends import VIDEO_SUFFIXES

    inputs = [Path(p).expanduser() for p in (getattr(source, "path", None), *getattr(source, "files", []))
              if p is not None]
    for flag, value in (("--output", output), ("--json", json_path)):
        if value:
            refuse_inputs(flag, Path(value).expanduser(), inputs)
    if output and Path(output).suffix.lower() not in VIDEO_SUFFIXES:
        out = Path(output).expanduser()
        if any(same_file(out, p.parent) for p in inputs):
            raise SettingsError(f"--output {output} is the folder the input pictures are in: the annotated "
                                "pictures would replace them; choose another folder")


class _Run:
    """State shared by the pipeline's callbacks and the main thread's loop."""

    def __init__(self) -> None:
        self.frames = 0
        self.fatal: VisionDeskError | None = None  # the first error that ends the run, as raised
        self.signal: int | None = None
        self.wake = threading.Event()
        self.warnings: list[str] = []

    def on_result(self, result: Any) -> None:
        self.frames += 1

    def on_event(self, event: PipelineEvent) -> None:
        if event.kind == EventKind.ERROR and self.fatal is None:
            self.fatal = event.error or VisionDeskError(event.message)
            self.wake.set()
        elif event.kind == EventKind.PROCESSOR_ERROR:
            self.warnings.append(event.message)
            print(f"vision-desk: warning: {event.message}", file=sys.stderr)

    def on_signal(self, signum: int, _frame: Any) -> None:
        if self.signal is None:
            self.signal = signum
        self.wake.set()


@dataclass
class ProcessOutcome:
    """What :func:`process_one` did: the exit status for this input, frames written, warnings, outputs."""

    exit_code: int
    frames: int
    warnings: list[str] = field(default_factory=list)
    outputs: list[Path] = field(default_factory=list)


def run(args: argparse.Namespace, config: RuntimeConfig) -> int:
    if batch_command.wants_batch(args):  # several inputs, a folder of videos, --jobs or --ray
        return batch_command.run(args, config)  # (each worker with its share of the threads)
    names, settings = _check_args(args)
    return process_one(args, args.input, args.output, args.json, names=names, settings=settings,
                       runtime_config=config).exit_code


def process_one(args: argparse.Namespace, input_spec: str, output: str | None, json_path: str | None, *,
                names: list[str], settings: dict[str, Any],
                runtime_config: RuntimeConfig) -> ProcessOutcome:
    """Process one input to the given outputs (the whole of `vision-desk process` for one file).

    ``args`` carries the run options (--hud, --raw, --inflight, --max-frames, --duration, --no-progress,
    --overwrite); ``names``/``settings`` come from :func:`_check_args`. Raises VisionDeskError for a
    problem (one line); Ctrl-C/SIGTERM end the run with 130/143 in ``exit_code``. Batch mode calls this
    once per file.
    """
    from vision_desk import sources
    from vision_desk.pipeline.pipeline import Mode, Pipeline

    source = sources.open_source(input_spec)
    is_live = isinstance(source, (sources.CameraSource, sources.StreamSource, sources.SyntheticSource))
    is_images = isinstance(source, sources.ImageSource)
    sinks = _make_sinks(args, source, is_images, output, json_path)
    state = _Run()
    # An http(s) address is a stream or a file; which, only opening it tells (the pipeline then picks the mode).
    mode = None if isinstance(source, sources.HttpSource) else Mode.LIVE if is_live else Mode.LOSSLESS
    pipe = Pipeline(source, names, mode=mode, settings=settings, hud=args.hud,
                    sinks=sinks, on_result=state.on_result, on_event=state.on_event, inflight=args.inflight,
                    max_frames=args.max_frames, wait_for_models=True, runtime_config=runtime_config)
    main_thread = threading.current_thread() is threading.main_thread()
    old = {s: signal.signal(s, state.on_signal) for s in (signal.SIGINT, signal.SIGTERM)} if main_thread else {}
    bar = None
    try:
        pipe.start()
        started = time.monotonic()
        while not pipe.wait(0.1):
            if bar is None and pipe.source_info is not None and not args.no_progress:
                bar = _progress_bar(pipe.source_info, args.max_frames)
            if bar is not None:
                bar.update(state.frames - bar.n)
            if state.signal is not None or state.fatal is not None:
                break
            if args.duration is not None and time.monotonic() - started >= args.duration:
                break
        pipe.stop(timeout=10.0)
        if bar is not None:
            bar.update(state.frames - bar.n)
            bar.close()
    finally:
        for s, handler in old.items():
            signal.signal(s, handler)
        if pipe.summary().frames_output == 0:
            pipe.stop(timeout=1.0)
            _discard(sinks)  # nothing was written: leave no empty file or folder behind
        pipe.wait_for_model_loads(timeout=120.0)  # never exit while onnxruntime is still building a session
    if pipe.source_info is not None:
        is_live = pipe.source_info.is_live
    failure = pipe.error or state.fatal
    processed = pipe.summary().frames_output > 0
    warnings = _source_warnings(source)
    if failure is None or processed:  # (a source that never opened says why in its error already)
        # What was processed and written (also before a camera was lost or a disk filled), on stdout:
        # stderr carries only our one-line messages.
        _report(pipe, [part for sink in sinks for part in sink.parts])
        for warning in warnings:
            print(f"vision-desk: warning: {warning}", file=sys.stderr)
    outputs = [Path(part.path) for sink in sinks for part in sink.parts if part.written]
    if failure is not None:
        raise failure
    if state.signal is not None and not is_live and pipe.state != PipelineState.FINISHED:
        name = "SIGINT" if state.signal == signal.SIGINT else "SIGTERM"
        print(f"vision-desk: interrupted by {name}; the outputs hold the {state.frames} frames processed so far",
              file=sys.stderr)
        return ProcessOutcome(128 + int(state.signal), state.frames, warnings, outputs)
    return ProcessOutcome(0, state.frames, warnings, outputs)


def _source_warnings(source: Any) -> list[str]:
    """What the source skipped or lost (a truncated video, files in a folder that are not images)."""
    try:
        return [str(w).replace("\n", " ") for w in source.warnings]
    except Exception:  # a source without the property must not turn a finished run into a crash
        return []


def _progress_bar(info: Any, max_frames: int | None) -> Any:
    from tqdm import tqdm

    total = info.frame_count if not info.is_live else None
    if max_frames is not None:
        total = min(total, max_frames) if total else (max_frames if not info.is_live else None)
    return tqdm(total=total or None, unit="frame", desc=info.description[:40], file=sys.stderr,
                dynamic_ncols=True, disable=None, leave=True)


def _report(pipe: Any, sinks: list[Sink], file: Any = None) -> None:
    s = pipe.summary()
    out = file or sys.stdout
    stages = "  ".join(f"{k} {v:.1f}" for k, v in s.stage_median_ms.items()) or "-"
    print(f"frames: {s.frames_output} in {s.elapsed_s:.1f} s ({s.output_fps:.1f} frames/s); "
          f"dropped {s.dropped}; errors {s.errors}", file=out)
    print(f"median ms per frame: {stages}", file=out)
    print(f"latency: median {s.latency_median_ms:.0f} ms, p95 {s.latency_p95_ms:.0f} ms", file=out)
    print(f"device: {s.provider}", file=out)
    from vision_desk.pipeline.sinks import VideoSink

    for sink in sinks:
        if not sink.written:
            print(f"nothing written to {sink.path}", file=out)
            continue
        extra = f", {sink.backend}" if isinstance(sink, VideoSink) else ""
        print(f"wrote {sink.path} ({sink.written} {sink.unit}{extra})", file=out)
