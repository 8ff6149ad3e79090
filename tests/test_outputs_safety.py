"""An output never destroys an input, a file the user had, or another run's output."""
from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import cv2
import pytest
from media_makers import make_clip, numbered_frame
from robust_inputs import models_with

from vision_desk import model_store
from vision_desk.cli import main

_CAPSYS = None


@pytest.fixture(autouse=True)
def _capture(capsys):  # noqa: ANN001, ANN202
    global _CAPSYS
    _CAPSYS = capsys
    yield
    model_store.set_models_dir(None)  # main() sets the process-wide models folder from --models-dir


def process(*args: object) -> subprocess.CompletedProcess:
    """`vision-desk process ...` in this interpreter (a subprocess per case would cost seconds each)."""
    _CAPSYS.readouterr()
    code = main(["process", *map(str, args), "--no-progress"])
    out, err = _CAPSYS.readouterr()
    return subprocess.CompletedProcess(args, code, out, err)


def error_line(run: subprocess.CompletedProcess) -> str:
    assert run.returncode == 2, (run.returncode, run.stderr)
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("vision-desk: error: "), run.stderr
    return lines[0]


@pytest.fixture
def clip(tmp_path: Path) -> Path:
    return make_clip(tmp_path / "clip.mp4", n=20)


def test_a_hard_link_to_the_input_is_refused_even_with_overwrite(tmp_path, clip):
    link = tmp_path / "other-name.mp4"
    os.link(clip, link)
    before = clip.read_bytes()
    line = error_line(process(clip, "-o", link, "--overwrite"))
    assert "is the input file" in line and "hard link" in line
    line = error_line(process(clip, "--json", link, "--overwrite"))
    assert "--json" in line and "is the input file" in line
    assert clip.read_bytes() == before


def test_an_existing_output_or_json_file_is_refused_unless_overwrite(tmp_path, clip):
    out, log = tmp_path / "out.mp4", tmp_path / "r.jsonl"
    out.write_bytes(b"my earlier work")
    log.write_text("my notes\n")
    assert "add --overwrite" in error_line(process(clip, "-o", out))
    assert "add --overwrite" in error_line(process(clip, "-o", tmp_path / "new.mp4", "--json", log))
    assert out.read_bytes() == b"my earlier work" and log.read_text() == "my notes\n"
    assert not (tmp_path / "new.mp4").exists()
    run = process(clip, "-o", out, "--json", log, "--overwrite")
    assert run.returncode == 0, run.stderr
    assert len(log.read_text().splitlines()) == 20 and out.stat().st_size > 1000


def test_a_second_run_on_the_same_outputs_is_refused_while_the_first_writes(tmp_path, clip):
    """Another run holds the outputs: created and locked (flock), as every run does before its first frame."""
    fcntl = pytest.importorskip("fcntl")
    out, log = tmp_path / "out.mp4", tmp_path / "r.jsonl"
    first = [os.open(p, os.O_WRONLY | os.O_CREAT | os.O_EXCL) for p in (out, log)]
    try:
        for fd in first:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        assert "being written by another run" in error_line(process(clip, "-o", out, "--overwrite"))
        assert "being written by another run" in error_line(process(clip, "--json", log, "--overwrite"))
        assert "already exists" in error_line(process(clip, "--json", log))
    finally:
        for fd in first:
            os.close(fd)
    assert log.stat().st_size == 0 and out.stat().st_size == 0  # the second runs wrote nothing into them


def test_pictures_with_the_same_stem_each_get_their_own_output_and_json_names_the_source(tmp_path):
    pics = tmp_path / "pics"
    pics.mkdir()
    for i, name in enumerate(("a.jpg", "a.png", "A.PNG", "b.png")):
        cv2.imwrite(str(pics / name), numbered_frame(i))
    if len(list(pics.iterdir())) < 4:
        pytest.skip("case-insensitive file system")
    out, log = tmp_path / "out", tmp_path / "r.jsonl"
    run = process(pics, "-o", out, "--json", log)
    assert run.returncode == 0, run.stderr
    written = sorted(p.name for p in out.iterdir())
    assert len(written) == 4 and len({n.casefold() for n in written}) == 4, written
    records = [json.loads(x) for x in log.read_text().splitlines()]
    assert sorted(r["source"] for r in records) == sorted(["a.jpg", "a.png", "A.PNG", "b.png"])
    assert "b.png" in written  # a unique stem keeps its plain name
    # A second run into the same folder refuses instead of replacing the pictures.
    assert "add --overwrite" in error_line(process(pics, "-o", out))


def test_a_run_that_fails_before_its_first_frame_leaves_no_empty_outputs(tmp_path, clip):
    models = models_with(tmp_path, "missing", "ssdlite_mobilenet_v2_coco.onnx")
    out, log, folder = tmp_path / "out.mp4", tmp_path / "r.jsonl", tmp_path / "annotated"
    # --precision fp32: the FP32 file is the one missing (auto would load the INT8 file on a VNNI CPU)
    run = process(clip, "-p", "objects", "--models-dir", models, "--precision", "fp32", "-o", out, "--json", log)
    assert run.returncode == 2
    assert not out.exists() and not log.exists()
    pics = tmp_path / "pics"
    pics.mkdir()
    cv2.imwrite(str(pics / "a.png"), numbered_frame(1))
    run = process(pics, "-p", "objects", "--models-dir", models, "--precision", "fp32", "-o", folder)
    assert run.returncode == 2 and not folder.exists()
