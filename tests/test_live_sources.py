"""Live sources: the synthetic camera, cameras (discovery, missing, unplugged), network streams, redaction.

No test here needs a camera or a network: cameras are exercised with a fake
capture device (the mechanics: buffer size, newest frame, unplug), streams
against a closed port on the loopback address.
"""
from __future__ import annotations

import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import cv2
import numpy as np
import pytest

from vision_desk.errors import SourceError
from vision_desk.sources import camera as camera_mod
from vision_desk.sources import list_cameras, open_source, redact
from vision_desk.sources.pattern import PatternPainter, read_index_stamp

# ---------------------------------------------------------------- synthetic


def test_synthetic_info_and_stamped_frames() -> None:
    with open_source("synthetic:fps=60,size=320x240,frames=5") as src:
        info = src.info
        frames = []
        while (f := src.read()) is not None:
            frames.append(f)
    assert (info.kind, info.fps, info.width, info.height, info.is_live, info.frame_count) == (
        "synthetic", 60.0, 320, 240, True, None)
    # A live source hands over its newest frame: a reader late by a frame interval (16 ms here, easily lost on a
    # busy machine) misses one, so the indices only have to increase, up to the last frame.
    indices = [f.index for f in frames]
    assert indices == sorted(set(indices)) and indices[-1] == 4
    for f in frames:
        assert f.image.shape == (240, 320, 3) and read_index_stamp(f.image) == f.index


def test_synthetic_paces_at_its_rate_instead_of_bursting() -> None:
    fps = 40.0
    with open_source("synthetic", fps=fps, frames=12) as src:
        frames = []
        while (f := src.read()) is not None:
            frames.append(f)
    # The reader asks as fast as it can; the source still spaces captures by 1/fps.
    span = frames[-1].timestamp - frames[0].timestamp
    assert span >= (frames[-1].index - frames[0].index) / fps * 0.9
    assert frames[-1].pts_ms - frames[0].pts_ms == pytest.approx(span * 1000, abs=1.0)


def test_synthetic_counts_frames_the_reader_missed() -> None:
    with open_source("synthetic", fps=100, width=160, height=120) as src:
        read = [src.read()]
        time.sleep(0.3)  # a slow consumer: ~30 frames go by
        read += [src.read(), src.read()]
        dropped, produced = src.dropped, src.produced
    idx = [f.index for f in read]
    assert idx[1] > idx[0] + 1, "the reader should get the newest frame, not the next one"
    assert dropped == idx[-1] + 1 - len(read)
    assert produced >= idx[-1] + 1


def test_synthetic_fails_on_cue_like_an_unplugged_camera() -> None:
    with open_source("synthetic", fps=200, fail_after=6, width=96, height=64) as src:
        got = []
        with pytest.raises(SourceError, match=r"stopped delivering frames after 6 frames"):
            for _ in range(50):
                got.append(src.read())
    assert got and got[-1].index <= 5


def test_synthetic_pans_over_a_picture(tmp_path: Path, chelsea: np.ndarray) -> None:
    p = tmp_path / "cat.png"
    cv2.imwrite(str(p), chelsea)
    with open_source("synthetic", image=str(p), fps=50, frames=2, width=200, height=150) as src:
        f = src.read()
    assert f.image.shape == (150, 200, 3) and f.image.std() > 20


@pytest.mark.parametrize(("spec", "msg"), [
    ("synthetic:speed=3", "unknown synthetic option 'speed'"),
    ("synthetic:fps=fast", "bad synthetic option"),
    ("synthetic:fps=0", "fps must be between"),
])
def test_synthetic_bad_options(spec: str, msg: str) -> None:
    with pytest.raises(SourceError, match=msg):
        open_source(spec)


def test_synthetic_close_stops_its_thread() -> None:
    def capture_threads() -> int:
        return sum(t.name == "synthetic-capture" for t in threading.enumerate())

    before = capture_threads()
    src = open_source("synthetic", fps=100)
    src.open()
    assert capture_threads() == before + 1
    src.read()
    src.close()
    assert capture_threads() == before
    assert src.read() is None


# ---------------------------------------------------------------- cameras


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="checks /dev/videoN before asking OpenCV")
def test_missing_camera_is_reported_at_once(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(camera_mod, "_DEV_DIR", tmp_path)  # a computer with no cameras
    def must_not_open(*a, **k):  # type: ignore[no-untyped-def]
        raise AssertionError("OpenCV was asked to open a camera that does not exist")
    monkeypatch.setattr(cv2, "VideoCapture", must_not_open)
    t0 = time.monotonic()
    with pytest.raises(SourceError) as err:
        open_source("97").open()
    assert time.monotonic() - t0 < 2.0  # hang guard: the message comes without any device wait
    msg = str(err.value)
    assert "no camera at index 97" in msg and "/dev/video97 does not exist" in msg
    assert "no cameras found" in msg and "\"sample\" (the bundled clip)" in msg


def _fake_v4l(tmp_path: Path) -> tuple[Path, Path]:
    dev, sysfs = tmp_path / "dev", tmp_path / "sys"
    for n, name, index in [(0, "HD Webcam", 0), (1, "HD Webcam", 1), (2, "USB Camera", 0)]:
        (dev / f"video{n}").parent.mkdir(exist_ok=True)
        (dev / f"video{n}").write_bytes(b"")
        d = sysfs / f"video{n}"
        d.mkdir(parents=True)
        (d / "name").write_text(name + "\n")
        (d / "index").write_text(f"{index}\n")
    (dev / "video-extra").write_bytes(b"")
    return dev, sysfs


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux discovery reads /dev and sysfs")
def test_list_cameras_reads_names_and_skips_metadata_nodes(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    dev, sysfs = _fake_v4l(tmp_path)
    monkeypatch.setattr(camera_mod, "_DEV_DIR", dev)
    monkeypatch.setattr(camera_mod, "_SYSFS_DIR", sysfs)
    cams = list_cameras()
    assert [(c.index, c.name) for c in cams] == [(0, "HD Webcam"), (2, "USB Camera")]
    assert str(cams[0]) == "0 (HD Webcam)" and cams[1].spec == "2"
    monkeypatch.setattr(cv2, "VideoCapture", lambda *a, **k: pytest.fail("must not open"))
    with pytest.raises(SourceError, match=r"no camera at index 5 .*cameras found: 0 \(HD Webcam\), 2 \(USB Camera\)"):
        open_source("5").open()


class FakeCapture:
    """Stands in for cv2.VideoCapture on a camera: a few good frames, then (optionally) nothing."""

    def __init__(self, good: int, fps: float = 100.0) -> None:
        self.good, self.fps, self.n = good, fps, 0
        self.props: dict[int, float] = {}
        self.released = threading.Event()

    def isOpened(self) -> bool:  # noqa: N802 - OpenCV's name
        return True

    def set(self, prop: int, value: float) -> bool:
        self.props[prop] = value
        return True

    def get(self, prop: int) -> float:
        return self.fps if prop == cv2.CAP_PROP_FPS else 0.0

    def read(self) -> tuple[bool, np.ndarray | None]:
        time.sleep(1 / self.fps)
        if self.n >= self.good:
            return False, None  # unplugged: the driver returns errors
        self.n += 1
        return True, np.full((48, 64, 3), self.n % 256, np.uint8)

    def release(self) -> None:
        self.released.set()


def test_camera_mechanics_with_a_fake_device(monkeypatch: pytest.MonkeyPatch) -> None:
    fake = FakeCapture(good=10**9)
    monkeypatch.setattr(camera_mod, "_IS_LINUX", False)
    monkeypatch.setattr(cv2, "VideoCapture", lambda *a, **k: fake)
    src = open_source("0", width=64, height=48)
    info = src.open()
    try:
        assert (info.kind, info.is_live, info.width, info.height, info.fps) == ("camera", True, 64, 48, 100.0)
        assert fake.props[cv2.CAP_PROP_BUFFERSIZE] == 1
        assert fake.props[cv2.CAP_PROP_FRAME_WIDTH] == 64
        a = src.read()
        time.sleep(0.15)
        b = src.read()
        assert b.index > a.index + 1 and src.dropped == b.index + 1 - 2  # two frames read, the rest dropped
    finally:
        src.close()
    assert fake.released.wait(2.0), "the capture thread releases the device on close"


def test_unplugged_camera_raises_stopped_delivering(monkeypatch: pytest.MonkeyPatch) -> None:
    fake = FakeCapture(good=5)
    monkeypatch.setattr(camera_mod, "_IS_LINUX", False)
    monkeypatch.setattr(cv2, "VideoCapture", lambda *a, **k: fake)
    src = open_source("0", stall_timeout=0.3)
    src.open()
    try:
        with pytest.raises(SourceError, match=r"camera 0 stopped delivering frames \(unplugged\?\)"):
            for _ in range(100):
                src.read()
    finally:
        src.close()


def test_camera_that_never_opens_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    release = threading.Event()

    def hanging_driver(*a, **k):  # type: ignore[no-untyped-def]
        release.wait(5.0)
        return FakeCapture(good=1)

    monkeypatch.setattr(camera_mod, "_IS_LINUX", False)
    monkeypatch.setattr(cv2, "VideoCapture", hanging_driver)
    try:
        with pytest.raises(SourceError, match=r"camera 1 did not open within 0.3 s"):
            open_source("1", open_timeout=0.3).open()
    finally:
        release.set()


# ---------------------------------------------------------------- streams and redaction


def test_closed_port_stream_fails_within_a_bounded_time(capfd: pytest.CaptureFixture[str]) -> None:
    url = "http://viewer:hunter2@127.0.0.1:9/x.mjpg"
    t0 = time.monotonic()
    src = open_source(url, open_timeout=3)
    with pytest.raises(SourceError) as err:
        src.open()
    assert time.monotonic() - t0 < 3 + 2 + 5  # open_timeout + the hard deadline's margin + slack
    msg = str(err.value)
    assert "cannot connect to stream http://***@127.0.0.1:9/x.mjpg" in msg
    out, errs = capfd.readouterr()
    for text in (msg, repr(src), src.url, out, errs):
        assert "hunter2" not in text and "viewer" not in text


@pytest.mark.parametrize(("url", "expected"), [
    ("rtsp://admin:secret@10.0.0.2:554/live", "rtsp://***@10.0.0.2:554/live"),
    ("rtsp://admin:p@ss@10.0.0.2/live", "rtsp://***@10.0.0.2/live"),
    ("https://cam.example/stream.m3u8?token=abc123&res=hd", "https://cam.example/stream.m3u8?token=***&res=hd"),
    ("http://h/x?user=bob&password=pw", "http://h/x?user=***&password=***"),
    ("rtsp://10.0.0.2/live", "rtsp://10.0.0.2/live"),
    ("failed to open rtsp://u:p@h/a and http://x:y@z/b", "failed to open rtsp://***@h/a and http://***@z/b"),
])
def test_redact(url: str, expected: str) -> None:
    assert redact(url) == expected


def test_stream_spec_is_live_and_never_shows_credentials() -> None:
    src = open_source("rtsp://admin:secret@127.0.0.1:9/live")
    assert "secret" not in repr(src) and "secret" not in src.url


@pytest.fixture()
def mjpeg_camera() -> Iterator[str]:
    """An MJPEG network camera on the loopback address: 12 stamped frames at 20 fps, then silence."""

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def do_GET(self) -> None:  # noqa: N802 - http.server's name
            self.send_response(200)
            self.send_header("Content-Type", "multipart/x-mixed-replace; boundary=frame")
            self.end_headers()
            painter = PatternPainter(320, 240, 20)
            try:
                for i in range(12):
                    ok, buf = cv2.imencode(".jpg", painter.draw(i))
                    self.wfile.write(b"--frame\r\nContent-Type: image/jpeg\r\nContent-Length: %d\r\n\r\n" % len(buf))
                    self.wfile.write(buf.tobytes() + b"\r\n")
                    self.wfile.flush()
                    time.sleep(0.05)
                stop.wait(10)  # the camera hangs: connection open, no more frames
            except OSError:
                pass

    stop = threading.Event()
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://cam:pw123@127.0.0.1:{server.server_address[1]}/video.mjpg"
    finally:
        stop.set()
        server.shutdown()
        server.server_close()


def test_mjpeg_stream_delivers_then_reports_the_lost_connection(mjpeg_camera: str) -> None:
    src = open_source(mjpeg_camera, open_timeout=5, read_timeout=0.5)
    info = src.open()
    try:
        assert (info.kind, info.is_live, info.width, info.height) == ("stream", True, 320, 240)
        assert "pw123" not in info.description and "***@127.0.0.1" in info.description
        frames = []
        with pytest.raises(SourceError, match=r"stopped delivering frames \(connection lost\?\)") as err:
            for _ in range(100):
                frames.append(src.read())
        assert "pw123" not in str(err.value)
    finally:
        src.close()
    assert frames and all(read_index_stamp(f.image) == f.index for f in frames)
    assert frames[-1].index == 11  # every frame the camera sent, up to the last one, reached the reader
