"""`vision-desk process` against everything a user (or a disk, or a camera) can get wrong, end to end.

Each run is a real subprocess, so what is checked is exactly what a user sees:
the exit status, stderr (ONE line "vision-desk: error: ..." and nothing from
OpenCV/FFmpeg/onnxruntime, never a traceback), stdout, and the files left
behind (playable video with as many frames as the JSON file has lines).
Error cases are one table; the cases with outputs to inspect follow it.
(tests/test_process_cli.py has the normal runs; this file does not repeat them.)
"""
from __future__ import annotations

import os
import resource
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from robust_inputs import (
    SAMPLE_FRAMES,
    SECRET_URLS,
    count_frames_cv2,
    decode_video,
    empty_file,
    fail_faces_once,
    folder_without_images,
    json_lines,
    models_with,
    odd_pictures,
    text_named_mp4,
    truncated_clip,
)

REPO = Path(__file__).resolve().parent.parent
# The test must see what a user sees: no logging switches inherited from the developer's shell.
ENV = {k: v for k, v in os.environ.items()
       if k not in ("OPENCV_LOG_LEVEL", "OPENCV_FFMPEG_LOGLEVEL", "VISION_DESK_MODELS")}
ENV["PYTHONUNBUFFERED"] = "1"


def vd(*args: object, timeout: float = 120, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "vision_desk", *map(str, args)], capture_output=True, text=True,
                          timeout=timeout, cwd=REPO, env=ENV, **kw)


def process(*args: object, **kw) -> subprocess.CompletedProcess:
    return vd("process", *args, "--no-progress", **kw)


def one_error_line(run: subprocess.CompletedProcess) -> str:
    """Exit status 2 and exactly one line on stderr, ours; returns it."""
    lines = run.stderr.splitlines()
    assert run.returncode == 2, (run.returncode, run.stderr)
    assert "Traceback" not in run.stderr and "Traceback" not in run.stdout
    assert len(lines) == 1, f"expected one line on stderr, got:\n{run.stderr}"
    assert lines[0].startswith("vision-desk: error: "), lines[0]
    return lines[0]


def read_only_folder(tmp_path: Path) -> Path:
    """A folder nobody may write into. As root, permission bits do not stop writes: use /sys then."""
    if os.geteuid() == 0:
        return Path("/sys")
    folder = tmp_path / "locked"
    folder.mkdir()
    folder.chmod(0o555)
    return folder


# --- every way to get it wrong: one line, exit status 2, nothing written ----------------------------------
# Each case: (make argv from tmp_path, what the line must contain).
Case = tuple[Callable[[Path], list[object]], tuple[str, ...]]
CASES: dict[str, Case] = {
    "missing video": (lambda t: [t / "nope.mp4"], ("nope.mp4 does not exist", "check the path")),
    "missing path without suffix": (lambda t: [t / "holiday"], ("is not a file or folder that exists",)),
    "folder with no images": (lambda t: [folder_without_images(t)],
                              ("no images in folder", "found only: data.csv, notes.txt", ".jpg")),
    "empty folder": (lambda t: [(t / "void").mkdir() or t / "void"], ("no images in folder",)),
    "0-byte video": (lambda t: [empty_file(t)], ("is empty (0 bytes)", "get a fresh copy")),
    "0-byte image": (lambda t: [empty_file(t, "photo.jpg")], ("image file", "is empty (0 bytes)")),
    "text file named .mp4": (lambda t: [text_named_mp4(t)],
                             ("notes.mp4 is not a video FFmpeg can read", "converting it to MP4")),
    "text file named .jpg": (lambda t: [(t / "x.jpg").write_text("hello") and t / "x.jpg"],
                             ("x.jpg is not an image OpenCV can decode",)),
    "camera index that does not exist": (lambda t: ["7"], ("no camera at index 7", "/dev/video7",
                                                             "sample")),
    "unknown processor": (lambda t: ["sample", "-p", "faces,hands"],
                          ("unknown processor 'hands'", "valid processors: faces, objects, pose, style")),
    "threshold 2.0": (lambda t: ["sample", "-p", "objects", "--objects-score-threshold", "2.0"],
                      ("--objects-score-threshold", "valid range: 0.01 to 1")),
    "style 99": (lambda t: ["sample", "-p", "style", "--style-style", "99"],
                 ("--style-style: '99' is out of range", "valid range: 0 to 25")),
    "negative style size": (lambda t: ["sample", "-p", "style", "--style-size", "-5"],
                            ("--style-size: '-5' is out of range", "valid range: 128 to 1024")),
    "negative max frames": (lambda t: ["sample", "--max-frames", "-3"], ("--max-frames must be at least 1",)),
    "not a number": (lambda t: ["sample", "--max-frames", "ten"],
                     ("argument --max-frames: invalid int value: 'ten'", "--help")),
    "unknown device": (lambda t: ["sample", "--device", "gpu"],
                       ("invalid choice: 'gpu'", "auto", "cpu", "cuda")),
    "zero threads": (lambda t: ["sample", "--threads", "0"], ("threads must be between 1 and 256",)),
    "output in a missing folder": (lambda t: ["sample", "-o", t / "no" / "out.mp4", "--json", t / "r.jsonl"],
                                   ("folder", "does not exist", "create it first")),
    "json in a missing folder": (lambda t: ["sample", "-o", t / "out.mp4", "--json", t / "no" / "r.jsonl"],
                                 ("JSON-lines file", "does not exist")),
    "output in a read-only folder": (lambda t: ["sample", "-o", read_only_folder(t) / "out.mp4",
                                                "--json", t / "r.jsonl"],
                                     ("cannot write video", "choose a writable location")),
    "image output in a read-only folder": (lambda t: [folder_with_a_photo(t), "-o",
                                                      read_only_folder(t) / "pics", "--json", t / "r.jsonl"],
                                           ("cannot create output folder",)),
    "output over the input": (lambda t: [truncated_clip(t), "-o", t / "cut.mp4"],
                              ("is the input file itself", "choose another output name")),
    "unknown video type": (lambda t: ["sample", "-o", t / "out.gif"], ("unknown video type '.gif'", ".mp4")),
}


def folder_with_a_photo(tmp_path: Path) -> Path:
    import cv2
    import numpy as np

    folder = tmp_path / "photos"
    folder.mkdir()
    cv2.imwrite(str(folder / "a.png"), np.full((48, 64, 3), 120, np.uint8))
    return folder


@pytest.mark.parametrize("case", CASES, ids=list(CASES))
def test_a_mistake_ends_in_one_line_before_any_frame(tmp_path, case):
    make_argv, expected = CASES[case]
    argv = make_argv(tmp_path)
    t0 = time.monotonic()
    run = process(*argv, timeout=60)
    took = time.monotonic() - t0
    line = one_error_line(run)
    assert took < 20, f"took {took:.0f} s"  # at once: no retries, no waiting on a device (generous bound)
    for text in expected:
        assert text in line, f"{text!r} not in {line!r}"
    assert "frames:" not in run.stdout  # no frame was processed
    # Nothing was written: the outputs a frame would have created do not exist.
    assert not (tmp_path / "r.jsonl").exists() and not (tmp_path / "out.mp4").exists()


@pytest.mark.parametrize("url", SECRET_URLS)
def test_a_stream_that_cannot_connect_is_one_line_soon_and_never_shows_the_password(tmp_path, url):
    t0 = time.monotonic()
    run = process(url, "-p", "faces", "-o", tmp_path / "s.mp4", "--json", tmp_path / "s.jsonl", timeout=60)
    took = time.monotonic() - t0
    line = one_error_line(run)  # also: no "[tcp @ 0x...] Connection refused" from FFmpeg
    assert "cannot connect to stream" in line and "://***@127.0.0.1:9/x" in line
    assert "secret" not in run.stderr + run.stdout
    assert took < 30, f"took {took:.0f} s"  # bounded (the open timeout is 10 s); refused at once in practice
    assert not (tmp_path / "s.jsonl").exists()


@pytest.mark.parametrize("damage, model_file, processor, expected", [
    ("missing", "ssdlite_mobilenet_v2_coco.onnx", "objects", "is missing"),
    ("checksum", "openpose_mobilenet_thin.onnx", "pose", "does not match its checksum"),
    ("garbage", "multistyle26.onnx", "style", "has the wrong size"),
])
def test_a_damaged_model_is_one_line_naming_the_file_and_how_to_restore_it(tmp_path, damage, model_file,
                                                                          processor, expected):
    models = models_with(tmp_path, damage, model_file)
    run = process("sample", "-p", f"faces,{processor}", "--models-dir", models, "--precision", "fp32",
                  "-o", tmp_path / "out.mp4", "--json", tmp_path / "r.jsonl")  # the FP32 files are damaged
    line = one_error_line(run)
    assert model_file in line and expected in line and "restore it" in line
    assert not (tmp_path / "r.jsonl").exists() and not (tmp_path / "out.mp4").exists()  # no frame went out


def test_a_non_video_with_onnx_models_is_one_line_not_an_abort(tmp_path):
    """The source fails at once while onnxruntime still builds the objects session on the loader thread:
    the command used to exit under it (SIGABRT, exit 134) and lose its own error line."""
    fake = tmp_path / "notes.mp4"
    fake.write_text("not a video\n")
    line = one_error_line(process(fake, "-p", "faces,objects", "-o", tmp_path / "out.mp4"))
    assert "is not a video" in line
    assert not (tmp_path / "out.mp4").exists()


def test_the_window_command_refuses_a_bad_source_before_opening_a_window(tmp_path):
    line = one_error_line(vd("gui", "--source", tmp_path / "nope.mp4", timeout=60))
    assert "nope.mp4 does not exist" in line


def test_debug_shows_the_traceback_and_the_libraries_own_messages(tmp_path):
    run = process(text_named_mp4(tmp_path), "--debug")
    assert run.returncode != 0
    assert "Traceback" in run.stderr and "SourceError" in run.stderr
    assert "moov atom not found" in run.stderr  # FFmpeg's own words, hidden without --debug


# --- inputs that are partly bad: what could be processed is, and the user is told ---------------------------
def test_a_truncated_video_writes_its_good_frames_then_warns(tmp_path):
    video, log = tmp_path / "out.mp4", tmp_path / "out.jsonl"
    run = process(truncated_clip(tmp_path), "-p", "faces", "-o", video, "--json", log)
    assert run.returncode == 0, run.stderr
    lines = run.stderr.splitlines()
    assert len(lines) == 1 and "Traceback" not in run.stderr, run.stderr  # no FFmpeg "partial file" noise
    recs = json_lines(log)
    n = len(recs)
    assert 50 < n < SAMPLE_FRAMES and [r["frame"] for r in recs] == list(range(n))
    assert lines[0] == (f"vision-desk: warning: cut.mp4 ended after {n} of {SAMPLE_FRAMES} frames: the file is "
                        "truncated or damaged (the frames before that point were read)")
    assert decode_video(video) == ("h264", n)
    assert f"frames: {n} " in run.stdout


def test_a_folder_with_some_non_images_processes_the_pictures_and_says_what_it_skipped(tmp_path, chelsea):
    import cv2

    folder = folder_without_images(tmp_path)
    cv2.imwrite(str(folder / "cat.jpg"), chelsea)
    (folder / "broken.png").write_bytes(b"\x89PNG\r\n\x1a\n not really")
    out = tmp_path / "annotated"
    run = process(folder, "-p", "objects", "-o", out)
    assert run.returncode == 0, run.stderr
    assert sorted(p.name for p in out.iterdir()) == ["cat.png"]
    warnings = run.stderr.splitlines()
    assert warnings == ["vision-desk: warning: skipped 2 file(s) that are not images: data.csv, notes.txt",
                        warnings[1]]
    assert "skipped broken.png" in warnings[1] and "not an image OpenCV can decode" in warnings[1]


def test_odd_pictures_run_through_all_four_processors(tmp_path, astronaut):
    """Grayscale, RGBA, 16-bit, CMYK, 1x1, 7x5, 1x500 and 6000x4000: one output each, at its own size."""
    import cv2

    sizes = odd_pictures(tmp_path / "odd", astronaut)
    out, log = tmp_path / "annotated", tmp_path / "odd.jsonl"
    run = process(tmp_path / "odd", "-p", "faces,objects,pose,style", "-o", out, "--json", log, timeout=180)
    assert run.returncode == 0 and run.stderr == "", run.stderr
    written = sorted(p.name for p in out.iterdir())
    assert written == sorted(Path(n).stem + ".png" for n in sizes)
    for name, (h, w) in sizes.items():
        assert cv2.imread(str(out / (Path(name).stem + ".png"))).shape == (h, w, 3), name
    recs = json_lines(log)
    assert len(recs) == len(sizes)
    for rec in recs:
        assert set(rec) >= {"faces", "objects", "pose", "style"} and "errors" not in rec, rec
    by_name = dict(zip(sorted(sizes), recs))
    assert by_name["e_tiny_1x1.png"]["pose"] == [] and by_name["e_tiny_1x1.png"]["faces"] == []
    assert any(o["label"] == "person" for o in by_name["h_huge.jpg"]["objects"])  # the astronaut, at 24 MP


# --- the camera goes away, the disk fills, the user presses Ctrl-C ------------------------------------------
def test_a_camera_lost_mid_run_ends_in_one_line_with_complete_outputs(tmp_path):
    video, log = tmp_path / "cam.mp4", tmp_path / "cam.jsonl"
    run = process("synthetic:fps=30,size=320x240,fail_after=40", "-p", "faces", "-o", video, "--json", log)
    line = one_error_line(run)
    assert "stopped delivering frames after 40 frames" in line
    n = len(json_lines(log))
    assert n > 0 and decode_video(video) == ("h264", n)
    assert f"frames: {n} " in run.stdout and "wrote" in run.stdout


def test_video_onto_a_full_disk_is_one_line_and_the_json_lines_stay_whole(tmp_path):
    full = tmp_path / "full.mp4"
    os.symlink("/dev/full", full)  # every write: ENOSPC
    log = tmp_path / "r.jsonl"
    run = process("sample", "--max-frames", "120", "-o", full, "--json", log)
    line = one_error_line(run)  # (it used to crash with a segfault when the failed video was closed)
    assert "writing video" in line and "disk full" in line
    recs = json_lines(log)
    assert recs and [r["frame"] for r in recs] == list(range(len(recs)))


def test_json_onto_a_full_disk_is_one_line_and_the_video_stays_playable(tmp_path):
    video = tmp_path / "ok.mp4"
    run = process("sample", "--max-frames", "120", "-o", video, "--json", "/dev/full")
    line = one_error_line(run)
    assert "writing /dev/full failed (disk full) after 0 lines" in line
    codec, n = decode_video(video)
    assert codec == "h264" and n >= 1


def test_a_disk_that_fills_mid_recording_leaves_a_playable_video(tmp_path):
    """The file size limit stands in for a full disk: writes past 300 kB fail (EFBIG), as at ENOSPC."""
    def small_disk() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a failed write instead of a killed process
        resource.setrlimit(resource.RLIMIT_FSIZE, (300_000, 300_000))

    video, log = tmp_path / "v.mp4", tmp_path / "v.jsonl"
    run = process("sample", "--hud", "-o", video, "--json", log, preexec_fn=small_disk)
    line = one_error_line(run)
    assert "writing video" in line and "playable" in line
    lines = len(json_lines(log))
    codec, frames = decode_video(video)
    # Whole 2-second fragments survive; the one being written when the disk filled is lost. (The JSON lines,
    # smaller, may hold every frame: the clip can be through before the failure has stopped the run.)
    assert codec == "h264" and 25 <= frames < SAMPLE_FRAMES and frames <= lines <= SAMPLE_FRAMES
    assert count_frames_cv2(video) == frames  # OpenCV (what most players use underneath) agrees


def test_ctrl_c_on_a_camera_ends_normally_with_matching_outputs(tmp_path):
    video, log = tmp_path / "cam.mp4", tmp_path / "cam.jsonl"
    proc = subprocess.Popen([sys.executable, "-m", "vision_desk", "process", "synthetic:fps=30,size=320x240",
                             "-p", "faces", "-o", str(video), "--json", str(log), "--no-progress"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=REPO, env=ENV)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not (log.exists() and log.read_text().count("\n") >= 10):
            time.sleep(0.05)
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0 and err == "", err  # a camera has no end: Ctrl-C is how a run ends
    n = len(json_lines(log))
    assert n >= 10 and decode_video(video) == ("h264", n)


# --- a stream with a password that works: the password is nowhere in what the run prints or writes -------
@pytest.fixture()
def mjpeg_server():
    """An MJPEG camera on the loopback address (a real HTTP server, like an IP camera's)."""
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    import cv2

    from vision_desk.sources.pattern import PatternPainter

    stop = threading.Event()

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "multipart/x-mixed-replace; boundary=frame")
            self.end_headers()
            painter = PatternPainter(320, 240, 20)
            try:
                for i in range(400):
                    if stop.is_set():
                        break
                    _, buf = cv2.imencode(".jpg", painter.draw(i))
                    self.wfile.write(b"--frame\r\nContent-Type: image/jpeg\r\nContent-Length: %d\r\n\r\n"
                                     % len(buf))
                    self.wfile.write(buf.tobytes() + b"\r\n")
                    self.wfile.flush()
                    time.sleep(0.04)
            except OSError:
                pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://user:secret@127.0.0.1:{server.server_address[1]}/video.mjpg"
    finally:
        stop.set()
        server.shutdown()
        server.server_close()


def test_a_stream_with_a_password_never_shows_it_in_output_or_json(tmp_path, mjpeg_server):
    log, video = tmp_path / "s.jsonl", tmp_path / "s.mp4"
    run = process(mjpeg_server, "-p", "faces", "--max-frames", "8", "--hud", "-o", video, "--json", log)
    assert run.returncode == 0, run.stderr
    assert len(json_lines(log)) == 8
    for text in (run.stdout, run.stderr, log.read_text()):
        assert "secret" not in text and "user:" not in text


# --- a processor that fails on one frame: said once, counted, and the run goes on -----------------------------
def test_a_processor_failing_on_one_frame_is_a_warning_and_counted(tmp_path, capsys, monkeypatch):
    from vision_desk.cli import main

    fail_faces_once(monkeypatch, on_call=4)
    log = tmp_path / "r.jsonl"
    code = main(["process", "sample", "-p", "faces", "--max-frames", "12", "--json", str(log), "--no-progress"])
    out, err = capsys.readouterr()
    assert code == 0
    assert err.splitlines() == ["vision-desk: warning: faces: RuntimeError: simulated failure on one frame"]
    assert "errors 1" in out
    recs = json_lines(log)
    assert len(recs) == 12 and sum("errors" in r for r in recs) == 1
    assert all("faces" in r for r in recs if "errors" not in r)
