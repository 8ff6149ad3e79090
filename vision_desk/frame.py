"""The unit that flows through the pipeline."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

# Frames above this many pixels (1080p; 1088 = H.264's 16-row macroblocks) are "big": the decoder and the
# encoder keep fewer frames for them (sources/video.py, pipeline/video_backends.py), since at 4K each held
# frame costs tens of MB.
BIG_FRAME_PIXELS = 1920 * 1088


@dataclass(frozen=True)
class Frame:
    """One captured image.

    ``image`` is BGR uint8 HxWx3 (OpenCV's convention, what every source
    produces); ``timestamp`` is ``time.perf_counter()`` at capture, so the
    pipeline can measure capture-to-result latency; ``pts_ms`` is the position
    in the media (file time for a video, wall time since start for a live source).
    """

    image: np.ndarray
    index: int
    timestamp: float
    source_id: str = ""
    pts_ms: float = 0.0

    def __post_init__(self) -> None:
        img = self.image
        if not isinstance(img, np.ndarray) or img.dtype != np.uint8 or img.ndim != 3 or img.shape[2] != 3:
            shape = getattr(img, "shape", None)
            dtype = getattr(img, "dtype", None)
            raise ValueError(f"Frame.image must be a BGR uint8 HxWx3 array, got shape {shape} dtype {dtype}")

    @property
    def height(self) -> int:
        return int(self.image.shape[0])

    @property
    def width(self) -> int:
        return int(self.image.shape[1])
