"""A video with damaged frames: every frame that decodes is processed, the rest are counted and named once."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from media_makers import damage_packets, make_clip

from vision_desk.errors import SourceError
from vision_desk.sources.video import VideoSource

REPO = Path(__file__).resolve().parent.parent


def read_all(path: Path) -> tuple[list[int], list[str]]:
    src = VideoSource(path)
    src.open()
    indices = []
    while (frame := src.read()) is not None:
        indices.append(frame.index)
    src.close()
    return indices, src.warnings


def test_two_damaged_frames_in_the_middle_are_skipped_and_reading_goes_on(tmp_path):
    clip = damage_packets(make_clip(tmp_path / "clip.mp4", n=50), [23, 24])
    indices, warnings = read_all(clip)
    assert indices == [i for i in range(50) if i not in (23, 24)]
    assert warnings == ["clip.mp4: 2 frames could not be decoded (frames 23-24); 48 processed"]


def test_a_damaged_first_keyframe_does_not_refuse_the_file(tmp_path):
    clip = damage_packets(make_clip(tmp_path / "clip.mp4", n=50), [0])
    indices, warnings = read_all(clip)
    assert len(indices) >= 40 and indices[-1] == 49
    lost = 50 - len(indices)
    assert len(warnings) == 1 and warnings[0].startswith(f"clip.mp4: {lost} frame")
    assert warnings[0].endswith(f"; {len(indices)} processed")
    assert "(frame 0)" in warnings[0] or "(frames 0-" in warnings[0]


def test_a_file_with_no_decodable_frame_is_still_an_error(tmp_path):
    clip = damage_packets(make_clip(tmp_path / "clip.mp4", n=12, gop=100), range(12))
    with pytest.raises(SourceError, match="no video frames that can be decoded"):
        VideoSource(clip).open()


def test_process_goes_to_the_end_and_reports_the_damage_once(tmp_path):
    clip = damage_packets(make_clip(tmp_path / "clip.mp4", n=50), [23, 24])
    run = subprocess.run([sys.executable, "-m", "vision_desk", "process", str(clip), "--json",
                          str(tmp_path / "r.jsonl"), "--no-progress"], capture_output=True, text=True, cwd=REPO,
                         timeout=120)
    assert run.returncode == 0, run.stderr
    lines = [json.loads(x) for x in (tmp_path / "r.jsonl").read_text().splitlines()]
    assert [x["frame"] for x in lines] == [i for i in range(50) if i not in (23, 24)]
    assert run.stderr.count("could not be decoded") == 1
    assert "vision-desk: warning: clip.mp4: 2 frames could not be decoded (frames 23-24); 48 processed" \
        in run.stderr
