"""Small real clips made on the fly with PyAV (FFmpeg's libraries): damaged, variable-rate, odd sizes.

Each is a few KB, encoded with libx264 from numbered frames, so tests can
check exactly which frames came through. Damage is done the way disks and
downloads do it: the bytes of chosen packets are overwritten in the file.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from fractions import Fraction
from pathlib import Path

import av
import cv2
import numpy as np


def numbered_frame(i: int, size: tuple[int, int] = (160, 120)) -> np.ndarray:
    w, h = size
    img = np.full((h, w, 3), (i * 5) % 255, np.uint8)
    cv2.putText(img, str(i), (10, h * 2 // 3), cv2.FONT_HERSHEY_SIMPLEX, 2, (255, 255, 255), 3)
    return img


def make_clip(path: Path, n: int = 50, fps: int = 25, size: tuple[int, int] = (160, 120), gop: int = 10,
              pts: Sequence[int] | None = None, time_base: Fraction | None = None,
              sizes: Sequence[tuple[int, int]] | None = None) -> Path:
    """``n`` numbered frames in an mp4; ``pts`` in ``time_base`` units for variable frame rates."""
    with av.open(str(path), "w") as c:
        s = c.add_stream("libx264", rate=fps)
        s.width, s.height = size
        s.pix_fmt = "yuv420p"
        s.options = {"g": str(gop), "bf": "0"}
        if time_base is not None:
            s.codec_context.time_base = time_base
            s.time_base = time_base
        for i in range(n):
            img = numbered_frame(i, sizes[i] if sizes else size)
            if img.shape[:2] != (size[1], size[0]):
                img = cv2.resize(img, size)
            f = av.VideoFrame.from_ndarray(img, format="bgr24")
            f.pts = pts[i] if pts is not None else i
            if time_base is not None:
                f.time_base = time_base
            for p in s.encode(f):
                c.mux(p)
        for p in s.encode(None):
            c.mux(p)
    return path


def damage_packets(path: Path, packets: Iterable[int], seed: int = 0) -> Path:
    """Overwrite the bytes of the given video packets (decode order) with noise, in place."""
    wanted = set(packets)
    with av.open(str(path)) as c:
        spans = [(p.pos, p.size) for i, p in enumerate(c.demux(c.streams.video[0])) if p.size and i in wanted]
    data = bytearray(path.read_bytes())
    rng = np.random.default_rng(seed)
    for pos, size in spans:
        data[pos:pos + size] = rng.integers(0, 256, size, dtype=np.uint8).tobytes()
    path.write_bytes(bytes(data))
    return path
