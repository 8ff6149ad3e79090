"""What the window writes: recordings (mp4 + JSON lines as one sink) and snapshots (PNG).

Names carry the time (and the frame for snapshots), so nothing is ever
overwritten and files sort in the order they were made.
"""
from __future__ import annotations

import datetime as _dt
import time
from pathlib import Path
from typing import Any

import cv2

from vision_desk.errors import OutputError, VisionDeskError
from vision_desk.pipeline.types import FrameResult


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


class RecordingSink:
    """The video and the JSON lines of one recording as a single sink.

    Why one sink: the pipeline adds and removes sinks between frames, so two
    separate sinks could start or stop one frame apart; as one, the mp4 and the
    JSON lines always hold exactly the same frames.
    """

    def __init__(self, video: Any, jsonl: Any) -> None:
        self.sinks = (video, jsonl)
        self.failed = False  # the pipeline drops a sink that raised; the controller then ends the recording

    def open(self, info: Any) -> None:
        for sink in self.sinks:
            sink.open(info)

    def write(self, result: FrameResult) -> None:
        video, jsonl = self.sinks
        try:
            t0 = time.perf_counter()
            video.write(result)
            # The JSON line of this frame carries the time its video frame took to write.
            result.stats.stage_ms["write"] = (time.perf_counter() - t0) * 1000
            jsonl.write(result)
        except Exception:
            self.failed = True
            raise

    def close(self) -> None:
        errors = []
        for sink in self.sinks:  # close all, even if one fails: what each wrote stays valid
            try:
                sink.close()
            except VisionDeskError as exc:
                errors.append(exc)
        if errors:
            raise errors[0]


def new_recording(folder: Path | str, info: Any) -> tuple[RecordingSink, Path]:
    """A recording sink writing ``recording-<time>.mp4`` and ``.jsonl`` into ``folder`` (checked now)."""
    from vision_desk.pipeline.sinks import JsonlSink, VideoSink

    stem = ensure_folder(folder) / f"recording-{timestamp()}"
    fps = info.fps if info is not None and info.fps > 0 else None
    sink = RecordingSink(VideoSink(stem.with_suffix(".mp4"), fps=fps), JsonlSink(stem.with_suffix(".jsonl")))
    return sink, stem.with_suffix(".mp4")


def write_snapshot(result: FrameResult, folder: Path | str) -> list[Path]:
    """``snapshot-<time>-<frame>.png`` (what was on screen) and ``...-clean.png`` (the frame without overlays)."""
    folder = ensure_folder(folder)
    stem = f"snapshot-{timestamp()}-{result.frame.index:06d}"
    paths = [folder / f"{stem}.png", folder / f"{stem}-clean.png"]
    for path, image in zip(paths, (result.annotated, result.image)):
        ok, data = cv2.imencode(".png", image)
        if not ok:
            raise OutputError(f"could not encode {path.name} as PNG")
        try:
            path.write_bytes(data.tobytes())
        except OSError as exc:
            raise OutputError(f"cannot write {path}: {exc.strerror or exc}; choose another output folder") from None
    return paths
