"""A video whose frame size changes mid-stream: every frame is processed at its own size.

The clip is the sample clip's astronaut at 320x240 (letterboxed), then its three people at their own
640x360, in one H.264 stream (made like ``cat a.ts b.ts`` + a remux). OpenCV's reader scaled every
frame to the first size, so the faces after the change were found in a squeezed picture and reported
in its coordinates. Now results are in the coordinates of the frame they belong to (the JSON lines say
its size), and the written video letterboxes later frames into the first size.
"""
from __future__ import annotations

import json
import subprocess
from pathlib import Path

import av
import numpy as np
import pytest
from media_makers import make_size_change_clip

from vision_desk import model_store
from vision_desk.cli import main
from vision_desk.processors.faces import FacesProcessor
from vision_desk.sources import SAMPLE_CLIP
from vision_desk.sources.video import VideoSource

FIRST, SECOND = (320, 240), (640, 360)
BEFORE, AFTER = range(0, 8), range(80, 86)  # sample clip frames: one face; then three people side by side


def sample_frames(wanted: range) -> list[np.ndarray]:
    with av.open(str(SAMPLE_CLIP)) as c:
        return [f.to_ndarray(format="bgr24") for i, f in zip(range(wanted.stop), c.decode(video=0)) if i in wanted]


@pytest.fixture(scope="module")
def clip(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("size_change") / "resized.mkv"
    return make_size_change_clip(path, [(sample_frames(BEFORE), FIRST), (sample_frames(AFTER), SECOND)])


@pytest.fixture(scope="module")
def processed(clip: Path) -> tuple[list[dict], Path, subprocess.CompletedProcess]:
    out, jsonl = clip.with_name("out.mp4"), clip.with_name("r.jsonl")
    try:
        code = main(["process", str(clip), "-p", "faces", "-o", str(out), "--json", str(jsonl), "--no-progress"])
    finally:
        model_store.set_models_dir(None)
    records = [json.loads(line) for line in jsonl.read_text().splitlines()]
    return records, out, subprocess.CompletedProcess([], code)


def iou(a: list[float], b: list[float]) -> float:
    w = min(a[2], b[2]) - max(a[0], b[0])
    h = min(a[3], b[3]) - max(a[1], b[1])
    inter = max(0.0, w) * max(0.0, h)
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return inter / union if union > 0 else 0.0


def test_each_frame_is_read_at_its_own_size(clip: Path) -> None:
    src = VideoSource(clip)
    info = src.open()
    frames = []
    while (frame := src.read()) is not None:
        frames.append(frame)
    src.close()
    n1, n2 = len(BEFORE), len(AFTER)
    assert (info.width, info.height) == FIRST and info.frame_count == n1 + n2
    assert [f.image.shape[1::-1] for f in frames] == [FIRST] * n1 + [SECOND] * n2
    assert [f.index for f in frames] == list(range(n1 + n2))
    assert [f.pts_ms for f in frames] == pytest.approx([i * 40.0 for i in range(n1 + n2)])
    assert src.warnings == []


def test_boxes_after_the_change_are_in_the_new_frames_coordinates(processed) -> None:
    records, _, run = processed
    assert run.returncode == 0
    n1 = len(BEFORE)
    assert [r["frame"] for r in records] == list(range(n1 + len(AFTER)))
    assert [tuple(r["size"]) for r in records] == [FIRST] * n1 + [SECOND] * len(AFTER)
    # The same faces found on the sample clip's own 640x360 frames (not through the clip under test).
    detector = FacesProcessor()
    detector.load()
    for record, image in zip(records[n1:], sample_frames(AFTER)):
        expected = detector.process(image).boxes.tolist()
        got = [face["box"] for face in record["faces"]]
        assert len(expected) >= 2 and len(got) == len(expected), (record["frame"], got, expected)
        assert max(b[2] for b in got) > FIRST[0], "a face right of x=320: the boxes are not in 320x240 pixels"
        for box in expected:
            assert max(iou(box, g) for g in got) > 0.7, (record["frame"], box, got)


def test_the_video_plays_every_frame_at_the_first_size_letterboxed(processed) -> None:
    records, out, _ = processed
    with av.open(str(out)) as c:
        frames = [f.to_ndarray(format="bgr24") for f in c.decode(video=0)]  # raises on a broken stream
    assert len(frames) == len(records)
    assert {f.shape[1::-1] for f in frames} == {FIRST}
    # 640x360 into 320x240: scaled by 1/2 to 320x180 between black bars of 30 rows.
    for f in frames[len(BEFORE):]:
        assert f[:26].max() < 40 and f[-26:].max() < 40, "no letterbox bars"
        assert f[34:-34].mean() > 40, "the picture itself is missing"
