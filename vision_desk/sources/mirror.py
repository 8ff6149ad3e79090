"""Selfie view: a source wrapper that flips frames left-right before processing.

Why flip the source rather than the painted picture: the overlays carry text
(labels, the HUD). Flipping the finished picture would mirror that text too;
flipping the frame before the processors see it keeps every label readable and
every box on its face, and recordings show what the class saw.
"""
from __future__ import annotations

from dataclasses import replace
from typing import Any

import cv2

from vision_desk.frame import Frame
from vision_desk.sources.base import Source, SourceInfo


class MirroredSource(Source):
    """Delegates to ``inner``; ``mirrored`` may be switched from any thread at any time."""

    def __init__(self, inner: Source, mirrored: bool = False) -> None:
        self.inner = inner
        self.mirrored = mirrored  # a plain bool: reads and writes are atomic in CPython

    def open(self) -> SourceInfo:
        return self.inner.open()

    def read(self) -> Frame | None:
        frame = self.inner.read()
        if frame is None or not self.mirrored:
            return frame
        return replace(frame, image=cv2.flip(frame.image, 1))

    def close(self) -> None:
        self.inner.close()

    @property
    def info(self) -> SourceInfo:
        return self.inner.info

    @property
    def is_live(self) -> bool:
        return self.inner.is_live

    def expected_live(self) -> bool | None:
        return self.inner.expected_live()

    @property
    def fps(self) -> float:
        return self.inner.fps

    @property
    def warnings(self) -> list[str]:
        return list(getattr(self.inner, "warnings", ()))

    @property
    def dropped(self) -> int:
        return int(getattr(self.inner, "dropped", 0))

    def seek(self, index: int) -> None:
        self.inner.seek(index)

    def __getattr__(self, name: str) -> Any:
        # Anything else a particular source offers (e.g. a camera's name) stays reachable.
        if name == "inner":  # not set yet (copy/pickle): avoid endless recursion
            raise AttributeError(name)
        return getattr(self.inner, name)
