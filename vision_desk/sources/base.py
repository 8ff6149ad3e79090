"""What every frame source is.

A source is opened once, then read until it returns ``None`` (end of a file or
folder) or raises :class:`~vision_desk.errors.SourceError` (a camera unplugged,
a stream lost). ``is_live`` sources (camera, stream) produce frames in real
time whether or not anyone reads them, so the pipeline keeps only the newest;
file sources wait for the reader, so the pipeline can be lossless.
"""
from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass

from vision_desk.frame import Frame


@dataclass(frozen=True)
class SourceInfo:
    kind: str  # "camera", "video", "image", "folder", "stream", "sample", "synthetic"
    description: str  # for the window title and logs (never contains credentials)
    fps: float  # nominal frames per second (0 when unknown)
    frame_count: int | None  # None for live or unknown length
    width: int
    height: int
    is_live: bool
    seekable: bool = False


class Source(ABC):
    """open() -> read()* -> close(). Also a context manager."""

    @abstractmethod
    def open(self) -> SourceInfo:
        """Open the source; raise SourceError with what was tried and what to do."""

    @abstractmethod
    def read(self) -> Frame | None:
        """The next frame, or None at the end. Live sources block until a frame arrives."""

    @abstractmethod
    def close(self) -> None: ...

    @property
    @abstractmethod
    def info(self) -> SourceInfo: ...

    @property
    def is_live(self) -> bool:
        return self.info.is_live

    def expected_live(self) -> bool | None:
        """Whether the source will be live, known before :meth:`open` (None: only opening tells).

        The pipeline sizes the models' thread pools from it before they load, while the source opens.
        """
        return False

    @property
    def fps(self) -> float:
        return self.info.fps

    @property
    def warnings(self) -> list[str]:
        """Non-fatal problems met so far, oldest first (files skipped in a folder, a truncated video).

        Read it when :meth:`read` returns ``None`` to tell a clean end from one
        that lost frames. Sources append to ``self._warnings``.
        """
        return list(getattr(self, "_warnings", ()))

    @property
    def dropped(self) -> int:
        """Frames a live source captured that the reader never received.

        Live sources keep only the newest frame, so a slow reader misses some;
        ``Frame.index`` counts captured frames, so its gaps show the same thing.
        """
        return 0

    def seek(self, index: int) -> None:
        """Jump to a frame index (seekable sources only)."""
        raise NotImplementedError(f"{type(self).__name__} cannot seek")

    def __enter__(self) -> Source:
        self.open()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
