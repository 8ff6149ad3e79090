"""An http(s):// address: a live stream, or a video file that a web server hands out.

``python3 -m http.server`` serving an mp4, a video in cloud storage: such a
file has a known length and can be read at full speed, every frame, like a
file on disk. Played as a live stream it lost frames (newest-wins) and ended
with "stopped delivering frames (connection lost?)". So the address is probed
once: when FFmpeg reports a frame count it is read as a video file (lossless,
seekable); otherwise it is a live stream (MJPEG cameras, HLS live playlists).
"""
from __future__ import annotations

import math
from pathlib import PurePosixPath
from urllib.parse import urlsplit

import cv2

from vision_desk.errors import SourceError
from vision_desk.frame import Frame
from vision_desk.sources.base import Source, SourceInfo
from vision_desk.sources.stream import StreamSource, open_capture_bounded, redact
from vision_desk.sources.video import VideoSource


def _is_finite_file(url: str, timeout: float) -> bool:
    params = [cv2.CAP_PROP_OPEN_TIMEOUT_MSEC, int(timeout * 1000), cv2.CAP_PROP_READ_TIMEOUT_MSEC,
              int(timeout * 1000)]
    try:
        cap = open_capture_bounded(lambda: cv2.VideoCapture(url, cv2.CAP_FFMPEG, params), timeout + 2.0)
    except cv2.error:
        return False
    if cap is None:
        return False
    try:
        count = cap.get(cv2.CAP_PROP_FRAME_COUNT) if cap.isOpened() else 0.0
        return math.isfinite(count) and count > 0
    finally:
        cap.release()


class HttpSource(Source):
    """Becomes a :class:`VideoSource` (a file of known length) or a :class:`StreamSource` on ``open()``."""

    def __init__(self, url: str, *, open_timeout: float = 10.0, read_timeout: float = 5.0,
                 stall_timeout: float | None = None) -> None:
        self._url = url
        self._safe = redact(url)
        self._stream_options = {"open_timeout": open_timeout, "read_timeout": read_timeout,
                                "stall_timeout": stall_timeout}
        self._inner: Source | None = None

    @property
    def url(self) -> str:
        return self._safe

    def expected_live(self) -> bool | None:
        return None if self._inner is None else self._inner.expected_live()  # a file or a stream: open() tells

    def __repr__(self) -> str:
        return f"HttpSource({self._safe!r})"

    def open(self) -> SourceInfo:
        if self._inner is None:
            if _is_finite_file(self._url, float(self._stream_options["open_timeout"] or 10.0)):
                name = PurePosixPath(urlsplit(self._safe).path).name or "video"
                self._inner = VideoSource(name, url=self._url, name=name, description=f"video {self._safe}")
            else:
                self._inner = StreamSource(self._url, **self._stream_options)  # type: ignore[arg-type]
        return self._inner.open()

    def _source(self) -> Source:
        if self._inner is None:
            raise SourceError(f"{self._safe} is not open yet; call open() first")
        return self._inner

    def read(self) -> Frame | None:
        return self._source().read()

    def close(self) -> None:
        if self._inner is not None:
            self._inner.close()

    @property
    def info(self) -> SourceInfo:
        return self._source().info

    @property
    def warnings(self) -> list[str]:
        return self._inner.warnings if self._inner is not None else []

    @property
    def dropped(self) -> int:
        return self._inner.dropped if self._inner is not None else 0

    def seek(self, index: int) -> None:
        self._source().seek(index)
