"""The bundled sample clip: plays when there is no camera, and in demos and tests.

It is an ordinary video file (``resources/sample.mp4``, made by
``tools/make_sample_clip.py`` from public-domain photos) flagged
``kind="sample"`` so the window can say what it is showing.
"""
from __future__ import annotations

from pathlib import Path

from vision_desk.errors import SourceError
from vision_desk.sources.base import SourceInfo
from vision_desk.sources.resources import SAMPLE_NAME, resource
from vision_desk.sources.video import VideoSource


def sample_clip_path() -> Path:
    return resource(SAMPLE_NAME)


class SampleSource(VideoSource):
    _kind = "sample"

    def __init__(self, path: Path | None = None) -> None:
        super().__init__(path or sample_clip_path(), description="sample clip")

    def open(self) -> SourceInfo:
        if not self.path.is_file():
            raise SourceError(
                f"the bundled sample clip is missing ({self.path}); reinstall vision_desk, or regenerate it "
                "with `python tools/make_sample_clip.py` in a checkout"
            )
        return super().open()
