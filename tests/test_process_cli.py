"""`vision-desk process`: real runs on the sample clip and photos, Ctrl-C/SIGTERM, one-line errors."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import cv2
import pytest

from robust_inputs import count_frames_cv2, decode_video
from vision_desk.cli import main
from vision_desk.pipeline.video_backends import pyav_available


def json_lines(path: Path) -> list[dict]:
    text = path.read_text()
    assert text == "" or text.endswith("\n"), "the last line is complete"
    return [json.loads(line) for line in text.splitlines()]


def one_line_error(capsys, argv: list[str]) -> str:
    code = main(argv)
    err = capsys.readouterr().err
    assert code == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in err, err
    assert lines[0].startswith("vision-desk: error: ")
    return lines[0]


def test_sample_clip_with_objects_writes_video_and_json_lines(tmp_path, capsys):
    video, log = tmp_path / "out.mp4", tmp_path / "out.jsonl"
    code = main(["process", "sample", "-p", "objects", "--max-frames", "12", "-o", str(video),
                 "--json", str(log), "--hud", "--objects-score-threshold", "0.4", "--no-progress"])
    out = capsys.readouterr().out
    assert code == 0
    recs = json_lines(log)
    assert [r["frame"] for r in recs] == list(range(12))
    assert count_frames_cv2(video) == 12
    # The sample clip opens on the astronaut photo: a person is found.
    assert any(o["label"] == "person" and o["score"] >= 0.4 for o in recs[0]["objects"])
    assert set(recs[0]["timings_ms"]) >= {"read", "objects", "draw", "write"}
    assert "frames: 12" in out and "median ms per frame" in out and "objects" in out


def test_image_folder_in_gives_a_folder_of_annotated_images_out(tmp_path, capsys, astronaut, chelsea, coffee):
    src = tmp_path / "photos"
    src.mkdir()
    for name, img in (("a_astronaut", astronaut), ("b_chelsea", chelsea), ("c_coffee", coffee)):
        cv2.imwrite(str(src / f"{name}.jpg"), img)
    out, log = tmp_path / "annotated", tmp_path / "r.jsonl"
    code = main(["process", str(src), "-p", "objects,faces", "-o", str(out), "--json", str(log), "--no-progress"])
    assert code == 0, capsys.readouterr().err
    assert sorted(p.name for p in out.iterdir()) == ["a_astronaut.png", "b_chelsea.png", "c_coffee.png"]
    got = cv2.imread(str(out / "b_chelsea.png"))
    assert got.shape == chelsea.shape and (got != chelsea).any()  # overlays drawn
    recs = json_lines(log)
    assert len(recs) == 3
    assert any(o["label"] == "cat" for o in recs[1]["objects"])
    assert len(recs[0]["faces"]) >= 1  # the astronaut's face


def test_image_folder_into_a_video(tmp_path, capsys, astronaut, chelsea):
    src = tmp_path / "photos"
    src.mkdir()
    cv2.imwrite(str(src / "1.png"), astronaut)
    cv2.imwrite(str(src / "2.png"), chelsea)  # another size: letterboxed into the first
    assert main(["process", str(src), "-o", str(tmp_path / "clip.mp4"), "--no-progress"]) == 0
    assert count_frames_cv2(tmp_path / "clip.mp4") == 2


def test_live_input_stops_after_max_frames_or_duration(tmp_path, capsys):
    log = tmp_path / "cam.jsonl"
    assert main(["process", "synthetic:fps=30,size=320x240", "--max-frames", "5", "--json", str(log),
                 "--no-progress"]) == 0
    assert [r["frame"] for r in json_lines(log)] == sorted(r["frame"] for r in json_lines(log))
    assert len(json_lines(log)) == 5
    t0 = time.monotonic()
    assert main(["process", "synthetic:fps=30,size=320x240", "--duration", "0.5", "--no-progress"]) == 0
    assert time.monotonic() - t0 < 10


@pytest.mark.parametrize("argv, expected", [
    (["sample", "-p", "objects,bogus"], "unknown processor 'bogus'; valid processors: faces, objects, pose, style"),
    (["sample", "-p", "objects", "--objects-score-threshold", "2"],
     "--objects-score-threshold: '2' is out of range; valid range: 0.01 to 1"),
    (["sample", "-p", "objects", "--objects-score-threshold", "high"], "is not a valid float"),
    (["sample", "-p", "faces", "--faces-cascade", "sideways"], "valid values: frontal, frontal_alt2, profile"),
    (["sample", "-p", "pose", "--pose-input-height", "300"], "valid values: 256, 368, 432"),
    (["sample", "-p", "objects", "--style-style", "3"], "applies to the style processor, which is not selected"),
    (["no/such/clip.mp4"], "no/such/clip.mp4"),
    (["sample", "-o", "/proc/out.mp4"], "cannot write video /proc/out.mp4"),
    (["sample", "-o", "missing_dir/out.mp4"], "folder missing_dir does not exist"),
    (["sample", "--max-frames", "0"], "--max-frames must be at least 1"),
])
def test_bad_input_ends_in_one_line(capsys, argv, expected):
    line = one_line_error(capsys, ["process", *argv])
    assert expected in line


def test_help_lists_processor_options(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["process", "--help"])
    assert exc.value.code == 0
    out = capsys.readouterr().out
    for flag in ("--objects-score-threshold", "--faces-cascade", "--style-style", "--pose-input-height",
                 "--max-frames", "--duration", "--json", "--hud"):
        assert flag in out


def test_processor_options_become_settings():
    import argparse

    from vision_desk.cli.processor_options import add_processor_options, settings_from_args

    p = argparse.ArgumentParser()
    add_processor_options(p)
    args = p.parse_args(["--objects-score-threshold", "0.3", "--faces-eyes", "--style-style", "7",
                         "--no-faces-equalize"])
    assert settings_from_args(args) == {"objects": {"score_threshold": 0.3}, "style": {"style": 7},
                                        "faces": {"eyes": True, "equalize": False}}


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_interrupting_a_run_leaves_matching_complete_outputs(tmp_path, sig):
    """Ctrl-C / SIGTERM in the middle: a playable video with exactly as many frames as JSON lines."""
    video, log = tmp_path / "out.mp4", tmp_path / "out.jsonl"
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen([sys.executable, "-m", "vision_desk", "process", "sample", "-p", "pose",
                             "-o", str(video), "--json", str(log), "--no-progress"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, text=True,
                            cwd=Path(__file__).resolve().parent.parent)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and proc.poll() is None:
            if log.exists() and log.read_text().count("\n") >= 8:
                break
            time.sleep(0.05)
        assert proc.poll() is None, "the run ended before it could be interrupted"
        proc.send_signal(sig)
        out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 128 + int(sig), err
    assert "interrupted" in err and "Traceback" not in err
    recs = json_lines(log)
    assert 8 <= len(recs) < 400
    assert [r["frame"] for r in recs] == list(range(len(recs)))
    assert count_frames_cv2(video) == len(recs)
    if pyav_available():  # the H.264 writer (fragmented mp4) is the one in use, and it was finalized
        assert decode_video(video) == ("h264", len(recs))
