"""VideoSource's PyAV reader: exact seeks, frames like OpenCV's, files with odd metadata."""
from __future__ import annotations

from pathlib import Path

import av
import cv2
import numpy as np
from media_makers import make_clip

from vision_desk.sources import SAMPLE_CLIP
from vision_desk.sources.video import VideoSource


def test_a_seek_lands_on_the_very_frame_reading_in_order_gives(tmp_path: Path) -> None:
    clip = make_clip(tmp_path / "clip.mp4", n=50, gop=10)
    src = VideoSource(clip)
    src.open()
    in_order = []
    while (frame := src.read()) is not None:
        in_order.append(frame.image)
    for target in (37, 23, 20, 1, 49, 0):  # mid-GOP, on a keyframe, the last, backwards
        src.seek(target)
        frame = src.read()
        assert frame is not None and frame.index == target
        assert np.array_equal(frame.image, in_order[target])
        after = src.read()
        assert (after is None) if target == 49 else (after.index == target + 1)
    src.close()


def test_frames_are_the_same_pixels_opencv_reads() -> None:
    src = VideoSource(SAMPLE_CLIP)
    src.open()
    cap = cv2.VideoCapture(str(SAMPLE_CLIP), cv2.CAP_FFMPEG)
    for _ in range(10):
        ok, expected = cap.read()
        assert ok
        assert np.array_equal(src.read().image, expected)
    cap.release()
    src.close()


def test_a_title_in_a_legacy_encoding_does_not_make_the_video_unreadable(tmp_path: Path) -> None:
    clip = tmp_path / "latin1.mkv"
    with av.open(str(clip), "w") as c:
        c.metadata["title"] = "cafX from an old camera"
        s = c.add_stream("libx264", rate=25)
        s.width, s.height, s.pix_fmt = 64, 48, "yuv420p"
        for i in range(5):
            f = av.VideoFrame.from_ndarray(np.full((48, 64, 3), i * 40, np.uint8), format="bgr24")
            f.pts = i
            for p in s.encode(f):
                c.mux(p)
        for p in s.encode(None):
            c.mux(p)
    data = clip.read_bytes()
    clip.write_bytes(data.replace(b"cafX from", b"caf\xe9 from"))  # Latin-1 e-acute: not UTF-8
    src = VideoSource(clip)
    assert src.open().frame_count == 5
    frames = 0
    while src.read() is not None:
        frames += 1
    assert frames == 5 and src.warnings == []
