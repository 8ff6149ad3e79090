"""A run's recording: what :class:`OutputSpec` names, checked and claimed before the first frame.

Checked here, for the command and the batch alike: the outputs must not be the
input (or the folder its pictures are in), --json and --output must differ,
and existing files are refused unless ``overwrite``. Pictures and JSON lines go
through one :class:`~vision_desk.pipeline.sinks.RecordingSink`, so they hold
the same frames; it is claimed (created exclusively and locked) at once.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from vision_desk.errors import OutputError, SettingsError
from vision_desk.frame import Frame
from vision_desk.pipeline.output_claim import refuse_inputs, same_file
from vision_desk.pipeline.output_names import image_output_names
from vision_desk.pipeline.sinks import (
    ImageFolderSink,
    JsonlSink,
    RecordingSink,
    Sink,
    VideoSink,
    default_image_name,
)
from vision_desk.pipeline.video_backends import VIDEO_SUFFIXES
from vision_desk.sources.base import Source
from vision_desk.sources.images import ImageSource


@dataclass(frozen=True)
class OutputSpec:
    """Where a run writes (both None: nothing is written)."""

    output: str | None = None  # a video file, or a folder of pictures for image input
    json: str | None = None  # JSON lines, one object per frame
    raw: bool = False  # pictures without overlays (style is still applied)
    overwrite: bool = False  # replace what exists (default: refuse, so nothing is destroyed by mistake)


def build_sinks(source: Source, outputs: OutputSpec) -> list[RecordingSink]:
    """The run's recording (pictures and/or JSON lines, one sink so that they hold the same frames),
    checked and claimed (created exclusively and locked) before any frame; [] when nothing is written."""
    output, json_path, overwrite = outputs.output, outputs.json, outputs.overwrite
    is_images = isinstance(source, ImageSource)
    pictures: Sink | None = None
    lines: Sink | None = None
    check_not_the_input(source, output, json_path)
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

            def name_for(frame: Frame) -> str:
                if names and 0 <= frame.index < len(names):
                    return names[frame.index]
                return default_image_name(frame)

            pictures = ImageFolderSink(out, annotated=not outputs.raw, name_for=name_for, overwrite=overwrite)
        else:
            pictures = VideoSink(out, annotated=not outputs.raw, overwrite=overwrite)
    if json_path:
        if output and (Path(json_path).expanduser().resolve() == Path(output).expanduser().resolve() or
                       same_file(Path(json_path).expanduser(), Path(output).expanduser())):
            raise SettingsError("--json and --output name the same file; give them different names")
        def source_for(frame: Frame) -> str:
            return files[frame.index].name if 0 <= frame.index < len(files) else ""

        lines = JsonlSink(Path(json_path), overwrite=overwrite, source_for=source_for if is_images and files else None)
    if pictures is None and lines is None:
        return []
    recording = RecordingSink(pictures, lines)
    recording.claim()  # if one part cannot be claimed, what the other created is removed again
    return [recording]


def discard(sinks: list[RecordingSink]) -> None:
    """Remove what sinks created when nothing was written (an empty file or folder helps nobody)."""
    for sink in sinks:
        try:
            sink.discard()
        except Exception:
            pass


def check_not_the_input(source: Source, output: str | None, json_path: str | None) -> None:
    """Writing onto the file being read would destroy it half-way through the run.

    Files are compared by device and inode, so a hard link or a symbolic link to the input counts too.
    """
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
