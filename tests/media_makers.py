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


def make_size_change_clip(path: Path, segments: Sequence[tuple[Sequence[np.ndarray], tuple[int, int]]],
                          fps: int = 25) -> Path:
    """One H.264 stream whose frame size changes between segments, as a camera or a cut recording does.

    Each segment (pictures, (width, height)) is encoded on its own, as MPEG-TS (parameter sets in the
    stream), the segments are joined byte by byte (``cat a.ts b.ts``) and remuxed into ``path`` (.mkv),
    like ``ffmpeg -i "concat:a.ts|b.ts" -c copy``. Pictures of another size are letterboxed.
    """
    import io

    parts = []
    first = 0
    for pictures, (w, h) in segments:
        buf = io.BytesIO()
        with av.open(buf, "w", format="mpegts") as c:
            s = c.add_stream("libx264", rate=fps)
            s.width, s.height = w, h
            s.pix_fmt = "yuv420p"
            s.options = {"bf": "0", "preset": "ultrafast", "crf": "18"}
            for i, img in enumerate(pictures):
                f = av.VideoFrame.from_ndarray(_letterbox(img, (w, h)), format="bgr24")
                f.pts = first + i  # timestamps go on rising across the change
                for p in s.encode(f):
                    c.mux(p)
            for p in s.encode(None):
                c.mux(p)
        parts.append(buf.getvalue())
        first += len(pictures)
    # The header describes the first segment (as in a recording that changed size later): the stream's
    # parameters come from the first part alone, the packets from all of them.
    with av.open(io.BytesIO(parts[0]), "r", format="mpegts") as head, \
            av.open(io.BytesIO(b"".join(parts)), "r", format="mpegts") as src, av.open(str(path), "w") as dst:
        out = dst.add_stream_from_template(head.streams.video[0])
        for packet in src.demux(src.streams.video[0]):
            if packet.dts is None:
                continue
            packet.stream = out
            dst.mux(packet)
    return path


def _letterbox(img: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    w, h = size
    ih, iw = img.shape[:2]
    scale = min(w / iw, h / ih)
    nw, nh = max(1, round(iw * scale)), max(1, round(ih * scale))
    canvas = np.zeros((h, w, 3), np.uint8)
    x0, y0 = (w - nw) // 2, (h - nh) // 2
    canvas[y0:y0 + nh, x0:x0 + nw] = cv2.resize(img, (nw, nh), interpolation=cv2.INTER_AREA)
    return canvas
