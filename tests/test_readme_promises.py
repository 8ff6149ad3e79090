"""README promises that had no test: `gui --fresh`, the progress bar and its ETA, the device line that says
why CUDA is not used (stats panel, HUD, the command's summary), and two frames in flight for files.

Everything runs the real thing: the window (offscreen Qt), the command in a subprocess, on a
pseudo-terminal where the progress bar needs one, with the real models on the sample clip.
"""
from __future__ import annotations

import json
import fcntl
import os
import pty
import re
import select
import struct
import subprocess
import sys
import termios
import threading
import time
from pathlib import Path

import cv2
import pytest

from vision_desk import runtime

REPO = Path(__file__).resolve().parent.parent
ENV = {k: v for k, v in os.environ.items() if k not in ("VISION_DESK_MODELS", "VISION_DESK_SETTINGS")}


def reason_words() -> str:
    """What the HUD and the panel must say about CUDA on this machine ("CUDA" itself where it works)."""
    status = runtime.cuda_status()
    return "CUDA" if status.usable else "CUDA not used: " + status.reason.split(";")[0]


# --- gui --fresh ------------------------------------------------------------------------------------
def test_gui_fresh_starts_from_the_defaults_not_the_saved_state(tmp_path, chelsea):
    from vision_desk.gui.settings_store import SettingsStore

    picture = tmp_path / "chelsea.png"
    cv2.imwrite(str(picture), chelsea)
    settings = tmp_path / "settings.ini"
    store = SettingsStore(settings)  # what an earlier session left: a picture, objects on, mirrored
    store.source = str(picture)
    store.processors = ["objects"]
    store.set_flag("mirror", True)
    store.sync()
    shot = tmp_path / "window.png"
    env = {**ENV, "QT_QPA_PLATFORM": "offscreen", "XDG_CACHE_HOME": str(tmp_path / "cache")}
    proc = subprocess.run([sys.executable, "-m", "vision_desk", "gui", "--fresh", "--settings-file", str(settings),
                           "--screenshot", str(shot), "--screenshot-after", "2"],
                          env=env, cwd=REPO, capture_output=True, text=True, timeout=180)
    assert proc.returncode == 0, proc.stderr[-2000:]
    meta = json.loads(shot.with_suffix(".json").read_text())
    assert meta["processors"] == ["faces"] and meta["results"] == ["faces"]  # the default, not "objects"
    frame = cv2.imread(str(shot.parent / meta["frame_png"]))
    assert frame.shape != chelsea.shape  # the default camera or, without one, the sample: not the saved picture
    if not Path("/dev/video0").exists():
        assert frame.shape == (360, 640, 3)  # the sample clip


# --- the progress bar and its ETA ----------------------------------------------------------------------
def run_on_a_terminal(*args: str, timeout: float = 180) -> tuple[int, str]:
    """`vision-desk process ...` with stderr on a pseudo-terminal (as in a shell); returns (status, stderr text)."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 120, 0, 0))  # a terminal 120 columns wide
    proc = subprocess.Popen([sys.executable, "-m", "vision_desk", "process", *args], cwd=REPO, env=ENV,
                            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=slave)
    os.close(slave)
    chunks: list[bytes] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ready, _, _ = select.select([master], [], [], 0.2)
        if ready:
            try:
                data = os.read(master, 65536)
            except OSError:  # EIO: the child closed the terminal
                break
            if not data:
                break
            chunks.append(data)
        elif proc.poll() is not None:
            break
    os.close(master)
    code = proc.wait(30)
    return code, b"".join(chunks).decode("utf-8", "replace")


def test_progress_bar_counts_frames_and_shows_an_eta_on_a_terminal():
    code, err = run_on_a_terminal("sample", "-p", "faces", "--max-frames", "60")
    assert code == 0, err
    updates = [u.strip() for u in re.split(r"[\r\n]", err) if "frame" in u]
    # tqdm: "<description>: 45%|####  | 27/60 [00:01<00:01, 21.3frame/s]": count, elapsed<remaining, rate.
    bars = [re.search(r"(\d+)/60 \[(\d\d:\d\d)<(\d\d:\d\d|\?), *([\d.?]+)frame/s\]", u) for u in updates]
    bars = [b for b in bars if b]
    assert bars, f"no progress bar on the terminal: {err[-800:]!r}"
    assert int(bars[-1].group(1)) == 60 and bars[-1].group(3) == "00:00"  # finished: nothing left
    counts = [int(b.group(1)) for b in bars]
    assert counts == sorted(counts)
    assert any(0 < int(b.group(1)) < 60 and b.group(3) != "?" for b in bars), \
        f"no update with an ETA before the end: {[b.group(0) for b in bars]}"
    assert "sample" in updates[-1]  # the bar names what is processed


def test_no_progress_and_a_pipe_mean_no_bar():
    code, err = run_on_a_terminal("sample", "--max-frames", "10", "--no-progress")
    assert code == 0 and "frame/s]" not in err, err
    proc = subprocess.run([sys.executable, "-m", "vision_desk", "process", "sample", "--max-frames", "10"],
                          cwd=REPO, env=ENV, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0 and proc.stderr == "", proc.stderr  # stderr is a pipe: no bar in a log


# --- why CUDA is (not) used: the command's summary, the stats panel and the HUD --------------------------
def test_the_command_summary_names_the_device_and_why():
    proc = subprocess.run([sys.executable, "-m", "vision_desk", "process", "sample", "-p", "objects",
                           "--max-frames", "3", "--no-progress"], cwd=REPO, env=ENV, capture_output=True,
                          text=True, timeout=180)
    assert proc.returncode == 0, proc.stderr
    device = [line for line in proc.stdout.splitlines() if line.startswith("device: ")]
    assert device == [f"device: {runtime.describe_device(runtime.RuntimeConfig('auto'))}"]
    assert reason_words() in device[0]


def test_stats_panel_and_hud_say_why_cuda_is_not_used(qtbot, tmp_path, monkeypatch):
    pytest.importorskip("pytestqt")
    from vision_desk.annotate.hud import ascii_text, hud_lines
    from vision_desk.gui.app import LaunchOptions, build
    from vision_desk.gui.settings_store import SettingsStore

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    store = SettingsStore(tmp_path / "settings.ini")
    store.set_flag("hud", True)
    gui = build(LaunchOptions(source="sample", processors=["objects"], settings_path=str(tmp_path / "s.ini"),
                              fresh=True), store)
    qtbot.addWidget(gui.window)
    gui.window.show()
    try:
        expected = runtime.describe_device(runtime.RuntimeConfig())
        label = gui.window.stats_panel.device
        qtbot.waitUntil(lambda: expected in label.text(), timeout=60_000)
        assert reason_words() in label.text() and label.isVisible()
        qtbot.waitUntil(lambda: gui.window.view.result is not None
                        and "objects" in gui.window.view.result.results
                        and bool(gui.window.view.result.stats.provider), timeout=60_000)
        result = gui.window.view.result
        assert result.stats.provider == expected
        hud = hud_lines(result.stats)
        assert ascii_text(reason_words()) in hud[-1], hud  # the HUD's device line gives the reason too
        assert not (result.annotated == result.image).all()  # and it is drawn on the frame
    finally:
        gui.window.close()
        qtbot.waitUntil(lambda: not [t for t in threading.enumerate() if t.name.startswith("vd-")],
                        timeout=60_000)


# --- two frames in flight for files ------------------------------------------------------------------
def test_a_file_keeps_two_frames_in_flight_by_default_on_two_cores(tmp_path, monkeypatch, capsys):
    """On the 2 cores the README's figures come from, the defaults are 1 onnxruntime thread per session and
    two frames processed at once: seen here as two frames inside the processor at the same moment."""
    from vision_desk.cli import main
    from vision_desk.pipeline.pipeline import default_inflight
    from vision_desk.processors.objects import ObjectsProcessor

    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    assert runtime.default_threads() == 1 and default_inflight(runtime.RuntimeConfig()) == 2
    inside, peak, lock = [0], [0], threading.Lock()
    real = ObjectsProcessor._process

    def counting(self, image):  # type: ignore[no-untyped-def]
        with lock:
            inside[0] += 1
            peak[0] = max(peak[0], inside[0])
        try:
            time.sleep(0.03)  # long enough for the other thread to arrive if it is allowed to
            return real(self, image)
        finally:
            with lock:
                inside[0] -= 1

    monkeypatch.setattr(ObjectsProcessor, "_process", counting)
    log = tmp_path / "r.jsonl"
    assert main(["process", "sample", "-p", "objects", "--max-frames", "16", "--json", str(log),
                 "--no-progress"]) == 0
    capsys.readouterr()
    assert peak[0] == 2, f"at most {peak[0]} frame(s) in flight"
    frames = [json.loads(line)["frame"] for line in log.read_text().splitlines()]
    assert frames == list(range(16))  # and the results still come out in order
