"""What the window writes: recordings (mp4 + JSON lines as one :class:`~vision_desk.pipeline.sinks.RecordingSink`)
and snapshots (PNG).

Names carry the time (and the frame for snapshots), so nothing is ever
overwritten and files sort in the order they were made.
"""
from __future__ import annotations

import datetime as _dt
from pathlib import Path
from typing import TYPE_CHECKING

import cv2

from vision_desk.errors import OutputError
from vision_desk.pipeline.types import FrameResult
from vision_desk.sources.base import SourceInfo

if TYPE_CHECKING:
    from vision_desk.pipeline.sinks import RecordingSink


def timestamp() -> str:
    return _dt.datetime.now().strftime("%Y%m%d-%H%M%S")


def ensure_folder(folder: Path | str) -> Path:
    folder = Path(folder).expanduser()
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"cannot create the output folder {folder}: {exc.strerror or exc}; "
                          "choose another output folder") from None
    return folder


def new_recording(folder: Path | str, info: SourceInfo | None) -> tuple[RecordingSink, Path]:
    """A recording sink writing ``recording-<time>.mp4`` and ``.jsonl`` into ``folder`` (checked now)."""
    from vision_desk.pipeline.sinks import JsonlSink, RecordingSink, VideoSink

    stem = ensure_folder(folder) / f"recording-{timestamp()}"
    fps = info.fps if info is not None and info.fps > 0 else None
    sink = RecordingSink(VideoSink(stem.with_suffix(".mp4"), fps=fps), JsonlSink(stem.with_suffix(".jsonl")))
    return sink, stem.with_suffix(".mp4")


def write_snapshot(result: FrameResult, folder: Path | str) -> list[Path]:
    """``snapshot-<time>-<frame>.png`` (what was on screen) and ``...-clean.png`` (the frame without overlays)."""
    folder = ensure_folder(folder)
    stem = f"snapshot-{timestamp()}-{result.frame.index:06d}"
    paths = [folder / f"{stem}.png", folder / f"{stem}-clean.png"]
    for path, image in zip(paths, (result.shown, result.image)):
        ok, data = cv2.imencode(".png", image)
        if not ok:
            raise OutputError(f"could not encode {path.name} as PNG")
        try:
            path.write_bytes(data.tobytes())
        except OSError as exc:
            raise OutputError(f"cannot write {path}: {exc.strerror or exc}; choose another output folder") from None
    return paths
