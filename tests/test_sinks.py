"""Sinks: path checks before any work, video of varying frame sizes, whole JSON lines, full disks."""
from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path

import cv2
import numpy as np
import pytest

from pipeline_fakes import read_stamp, stamp, video_stamps
from vision_desk.errors import OutputError
from vision_desk.frame import Frame
from vision_desk.frame_stats import Stats
from vision_desk.pipeline import sinks as sinks_mod
from vision_desk.pipeline.sinks import ImageFolderSink, JsonlSink, RecordingSink, Sink, VideoSink
from vision_desk.pipeline.types import FrameResult
from vision_desk.pipeline.video_backends import pyav_available
from vision_desk.results import Detections
from vision_desk.sources.base import SourceInfo
from vision_desk.vision.coco_labels import label_for

INFO = SourceInfo("video", "test", 12.0, None, 320, 240, is_live=False)
PERSON = 1  # COCO's 90-id numbering, as the README documents and the objects model outputs
BACKENDS = ["opencv"] + (["pyav"] if pyav_available() else [])


def result(i: int, size=(320, 240)) -> FrameResult:
    img = stamp(i, size)
    det = Detections([[10, 20, 110.26, 90]], [0.876543], [PERSON], [label_for(PERSON)])
    # timestamps at INFO's 12 fps: the video sink times frames by them
    return FrameResult(Frame(img, i, time.perf_counter(), "t", i * 1000.0 / 12), img, img, {"objects": det},
                       stats=Stats(stage_ms={"read": 1.234, "objects": 15.5}, latency_ms=20.0))


def read_video(path: Path) -> tuple[list[int], float, tuple[int, int]]:
    cap = cv2.VideoCapture(str(path))
    fps = cap.get(cv2.CAP_PROP_FPS)
    size = (int(cap.get(cv2.CAP_PROP_FRAME_WIDTH)), int(cap.get(cv2.CAP_PROP_FRAME_HEIGHT)))
    cap.release()
    return video_stamps(path), fps, size


@pytest.mark.parametrize("backend", BACKENDS)
def test_video_has_every_frame_at_the_source_fps(tmp_path, backend):
    sink = VideoSink(tmp_path / "v.mp4", backend=backend)
    sink.open(INFO)
    for i in range(30):
        sink.write(result(i))
    sink.close()
    stamps, fps, size = read_video(tmp_path / "v.mp4")
    assert stamps == list(range(30))
    assert fps == pytest.approx(12.0, abs=0.01) and size == (320, 240)
    assert sink.backend == backend


def test_unknown_fps_falls_back_to_25(tmp_path):
    sink = VideoSink(tmp_path / "v.mp4", backend="opencv")
    sink.open(SourceInfo("folder", "pics", 0.0, 3, 320, 240, is_live=False))
    for i in range(3):
        sink.write(result(i))
    sink.close()
    assert read_video(tmp_path / "v.mp4")[1] == pytest.approx(25.0)


def test_frames_of_other_sizes_are_letterboxed_into_the_first_size(tmp_path):
    sink = VideoSink(tmp_path / "v.mp4", backend="opencv")
    sink.open(INFO)
    sink.write(result(0, (320, 240)))
    sink.write(result(1, (640, 240)))  # twice as wide: shrunk to 320x120 and centred vertically
    sink.write(result(2, (321, 241)))  # odd sizes: cropped by one pixel, not rescaled
    sink.close()
    cap = cv2.VideoCapture(str(tmp_path / "v.mp4"))
    frames = [cap.read()[1] for _ in range(3)]
    assert all(f.shape == (240, 320, 3) for f in frames)
    assert frames[1][:50].mean() < 10  # black band above the letterboxed frame
    assert read_stamp(frames[2]) == 2


@pytest.mark.parametrize("bad, message", [
    ("missing/out.mp4", "does not exist"),
    ("out.xyz", "unknown video type"),
    ("", "is a folder"),
])
def test_video_path_problems_are_reported_before_any_frame(tmp_path, bad, message):
    with pytest.raises(OutputError, match=message):
        VideoSink(tmp_path / bad if bad else tmp_path)


def test_an_unwritable_location_is_an_output_error():
    # /proc refuses new files even to root (chmod-based read-only folders do not stop root).
    with pytest.raises(OutputError, match="cannot write video /proc/out.mp4"):
        VideoSink("/proc/out.mp4")
    with pytest.raises(OutputError, match="cannot write JSON-lines file"):
        JsonlSink("/proc/out.jsonl")


def test_the_path_check_leaves_no_file_behind(tmp_path):
    VideoSink(tmp_path / "v.mp4")
    JsonlSink(tmp_path / "r.jsonl")
    assert list(tmp_path.iterdir()) == []


def test_jsonl_lines_are_whole_flushed_and_match_the_schema(tmp_path):
    path = tmp_path / "r.jsonl"
    sink = JsonlSink(path)
    sink.open(INFO)
    sink.write(result(0))
    # Readable before close: each line is on disk as soon as it is written.
    rec = json.loads(path.read_text())
    assert rec["frame"] == 0 and rec["time_ms"] == 0.0
    assert rec["objects"] == [{"label": "person", "class_id": 1, "score": 0.8765, "box": [10.0, 20.0, 110.3, 90.0]}]
    assert rec["timings_ms"] == {"read": 1.23, "objects": 15.5}
    sink.write(result(1))
    sink.close()
    assert [json.loads(line)["frame"] for line in path.read_text().splitlines()] == [0, 1]


def test_jsonl_on_a_full_disk_says_disk_full(tmp_path):
    sink = JsonlSink("/dev/full")
    sink.open(INFO)
    with pytest.raises(OutputError, match=r"disk full\) after 0 lines"):
        sink.write(result(0))
    sink.close()


_CUT_MID_LINE = """
import json, resource, signal, sys, time
sys.path.insert(0, sys.argv[2])
from test_sinks import INFO, result
from vision_desk.errors import OutputError
from vision_desk.pipeline.sinks import JsonlSink
sink = JsonlSink(sys.argv[1])
sink.open(INFO)
one = len(json.dumps(result(0).to_json(), separators=(",", ":"))) + 1
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails (EFBIG) instead of killing us
resource.setrlimit(resource.RLIMIT_FSIZE, (int(2.5 * one), resource.RLIM_INFINITY))
try:
    for i in range(10):
        sink.write(result(i))
except OutputError as exc:
    print(exc)
"""


def test_jsonl_cut_off_mid_line_keeps_only_whole_lines(tmp_path):
    """The file may grow by 2.5 lines only: the third line is written in part, then the write fails.
    (/dev/full cannot show this: nothing ever reaches it.) The partial third line is cut off again."""
    import subprocess
    import sys

    path = tmp_path / "r.jsonl"
    proc = subprocess.run([sys.executable, "-c", _CUT_MID_LINE, str(path), str(Path(__file__).parent)],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert "failed (File too large) after 2 lines; the lines written so far are complete" in proc.stdout, proc.stdout
    data = path.read_bytes()
    assert data.endswith(b"\n") and [json.loads(line)["frame"] for line in data.splitlines()] == [0, 1]


def test_video_on_a_full_disk_says_so(tmp_path):
    """/dev/full behind an .mp4 name: every write fails with ENOSPC."""
    link = tmp_path / "full.mp4"
    os.symlink("/dev/full", link)
    sink = VideoSink(link, backend="opencv")
    sink.open(INFO)
    with pytest.raises(OutputError, match="No space left on device|nothing reached"):
        for i in range(40):
            sink.write(result(i))
        sink.close()


def test_opencv_video_stops_finalized_when_free_space_runs_low(tmp_path, monkeypatch):
    """cv2.VideoWriter reports no write errors, so the sink watches free space and stops cleanly."""
    sink = VideoSink(tmp_path / "v.mp4", backend="opencv")
    sink.open(INFO)
    for i in range(sinks_mod.FREE_CHECK_EVERY - 1):
        sink.write(result(i))
    almost_full = shutil._ntuple_diskusage(total=10 * 2**30, used=10 * 2**30 - 2**20, free=2**20)
    monkeypatch.setattr(sinks_mod.shutil, "disk_usage", lambda path: almost_full)
    with pytest.raises(OutputError, match="disk almost full"):
        sink.write(result(sinks_mod.FREE_CHECK_EVERY - 1))  # the next frame in time (a gap would be filled)
    sink.close()
    stamps, _, _ = read_video(tmp_path / "v.mp4")
    assert len(stamps) == sinks_mod.FREE_CHECK_EVERY and stamps[:3] == [0, 1, 2]


@pytest.mark.skipif(not pyav_available(), reason="PyAV (av) not installed")
def test_pyav_video_on_a_full_disk_fails_at_once(tmp_path):
    link = tmp_path / "full.mp4"
    os.symlink("/dev/full", link)
    sink = VideoSink(link, backend="pyav")
    sink.open(INFO)
    with pytest.raises(OutputError, match="No space left|failed"):
        for i in range(200):
            sink.write(result(i))
        sink.close()


def test_image_folder_sink_writes_one_png_per_frame(tmp_path):
    out = tmp_path / "pics"
    sink = ImageFolderSink(out, name_for=lambda f: f"img{f.index}.png")
    sink.open(INFO)
    for i in range(3):
        sink.write(result(i))
    sink.close()
    assert sorted(p.name for p in out.iterdir()) == ["img0.png", "img1.png", "img2.png"]
    assert read_stamp(cv2.imread(str(out / "img2.png"))) == 2


def test_image_folder_sink_refuses_a_file_or_a_missing_parent(tmp_path):
    (tmp_path / "f.txt").write_text("x")
    with pytest.raises(OutputError, match="is a file"):
        ImageFolderSink(tmp_path / "f.txt")
    with pytest.raises(OutputError, match="does not exist"):
        ImageFolderSink(tmp_path / "a" / "b")
    with pytest.raises(OutputError, match="cannot create output folder"):
        ImageFolderSink("/proc/pics")


def test_letterbox_keeps_aspect():
    img = np.full((100, 400, 3), 200, np.uint8)
    out = sinks_mod.letterbox_to(img, (200, 200))
    assert out.shape == (200, 200, 3)
    assert out[:70].max() == 0 and out[80:120].min() == 200


def test_every_sink_reports_through_the_sink_protocol(tmp_path):
    video, lines = VideoSink(tmp_path / "v.mp4", backend="opencv"), JsonlSink(tmp_path / "v.jsonl")
    pictures = ImageFolderSink(tmp_path / "pics")
    recording = RecordingSink(video, lines)
    for sink in (video, lines, pictures, recording):
        assert isinstance(sink, Sink)
    recording.claim()
    recording.open(INFO)
    for i in range(3):
        recording.write(result(i))
    pictures.write(result(0))
    recording.close()
    assert [(s.written, s.unit, s.failed) for s in (video, lines, pictures, recording)] == \
        [(3, "frames", False), (3, "lines", False), (1, "frames", False), (3, "frames", False)]
    assert recording.path == video.path and recording.parts == (video, lines)


def test_a_recording_whose_pictures_fail_writes_no_json_line_for_that_frame(tmp_path):
    """The pictures and the JSON lines of one recording hold the same frames, also when a write fails."""
    folder = tmp_path / "pics"
    folder.mkdir()
    (folder / "000002.png").write_bytes(b"not ours")  # frame 2's picture cannot be written
    pictures, lines = ImageFolderSink(folder), JsonlSink(tmp_path / "r.jsonl")
    recording = RecordingSink(pictures, lines)
    recording.claim()
    recording.open(INFO)
    recording.write(result(0))
    recording.write(result(1))
    with pytest.raises(OutputError, match="000002.png already exists"):
        recording.write(result(2))
    recording.close()
    assert recording.failed and pictures.failed and not lines.failed
    assert recording.written == pictures.written == lines.written == 2
    records = [json.loads(line) for line in (tmp_path / "r.jsonl").read_text().splitlines()]
    assert [r["frame"] for r in records] == [0, 1]
    assert all("write" in r["timings_ms"] for r in records)  # the time its picture took
    assert (folder / "000002.png").read_bytes() == b"not ours"


def test_a_recording_claims_all_its_files_or_none(tmp_path):
    """A file taken by another run between the checks and the claim: the files already claimed are given back."""
    lines = JsonlSink(tmp_path / "late.jsonl")
    recording = RecordingSink(VideoSink(tmp_path / "second.mp4", backend="opencv"), lines)
    (tmp_path / "late.jsonl").write_text("taken meanwhile\n")
    with pytest.raises(OutputError):
        recording.claim()
    assert not (tmp_path / "second.mp4").exists()  # the video's claim was given back
    assert (tmp_path / "late.jsonl").read_text() == "taken meanwhile\n"
