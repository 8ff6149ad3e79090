"""Smaller mistakes: each is one line with exit status 2, and nothing claims to exist that does not."""
from __future__ import annotations

import os
import signal
import subprocess
import threading
import time

import pytest
from media_makers import make_clip

from vision_desk.cli import main
from vision_desk.errors import SettingsError
from vision_desk.processors.style import parse_blend


def run(capsys, *args: object) -> subprocess.CompletedProcess:
    capsys.readouterr()
    code = main([*map(str, args)])
    out, err = capsys.readouterr()
    return subprocess.CompletedProcess(args, code, out, err)


def one_line(r: subprocess.CompletedProcess) -> str:
    assert r.returncode == 2, (r.returncode, r.stderr)
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("vision-desk: error: "), r.stderr
    return lines[0]


def test_over_long_names_are_one_line(capsys, tmp_path):
    long_component = "a" * 300 + ".mp4"
    assert "file name too long" in one_line(run(capsys, "process", tmp_path / long_component, "--no-progress"))
    deep = "/".join(["b" * 200] * 25) + "/x.mp4"  # over 4096 bytes
    assert "file name too long" in one_line(run(capsys, "process", "sample", "-o", tmp_path / deep))
    assert "file name too long" in one_line(run(capsys, "process", "sample", "--json", tmp_path / long_component))


@pytest.mark.parametrize("blend", ["3:1e39", "3:inf", "3:nan", "3:1,4:1e300"])
def test_non_finite_or_absurd_blend_weights_are_refused(capsys, blend):
    with pytest.raises(SettingsError, match="weight"):
        parse_blend(blend)
    assert "--style-blend" in one_line(run(capsys, "process", "sample", "-p", "style", "--style-blend", blend))


def test_a_settings_file_with_an_absurd_blend_is_not_accepted():
    from vision_desk.processors.style import StyleSettings

    with pytest.raises(SettingsError):
        StyleSettings(blend="3:1e39")  # what the window's settings file is read into


def test_debug_keeps_the_exit_status_of_the_mistake(capsys, tmp_path):
    r = run(capsys, "process", tmp_path / "nope.mp4", "--debug")
    assert r.returncode == 2 and "does not exist" in r.stderr


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_fifo_or_device_is_not_called_empty(capsys, tmp_path):
    fifo = tmp_path / "pipe.mp4"
    os.mkfifo(fifo)
    for path in (fifo, "/dev/zero"):
        line = one_line(run(capsys, "process", path))
        assert "not a regular file" in line and "0 bytes" not in line


def test_synthetic_fps_nan_is_refused(capsys):
    assert "fps must be between" in one_line(run(capsys, "process", "synthetic:fps=nan", "--max-frames", "1"))


def test_sigterm_while_models_load_claims_no_output(capsys, tmp_path, monkeypatch):
    from vision_desk.processors.faces import FacesProcessor

    original = FacesProcessor._load

    def slow_load(self):  # noqa: ANN001, ANN202
        time.sleep(1.5)
        original(self)

    monkeypatch.setattr(FacesProcessor, "_load", slow_load)
    clip = make_clip(tmp_path / "clip.mp4", n=10)
    out = tmp_path / "out.mp4"
    threading.Timer(0.5, os.kill, (os.getpid(), signal.SIGTERM)).start()
    r = run(capsys, "process", clip, "-p", "faces", "-o", out, "--no-progress")
    assert r.returncode == 143
    assert "wrote" not in r.stdout and not out.exists()
