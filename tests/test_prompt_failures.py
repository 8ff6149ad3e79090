"""Sources that cannot deliver are reported promptly: a stream that accepts and never answers, a missing camera.

The refused port (tests/test_live_sources.py) fails at once; the hard case is a server that
accepts the connection and then says nothing: FFmpeg would wait for it forever. Bounds here
are hang guards: the documented timeout plus a fixed margin, or a comparison with a mistake
that needs no device at all, measured in the same run (the machine may be busy).
"""
from __future__ import annotations

import inspect
import socket
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from vision_desk.errors import SourceError
from vision_desk.sources import open_source
from vision_desk.sources.stream import StreamSource

OPEN_TIMEOUT = 2.0
HARD_MARGIN = 2.0  # StreamSource gives up on FFmpeg's own open this long after open_timeout
SLACK = 1.5  # thread start-up and the error path on a busy machine
REPO = Path(__file__).resolve().parent.parent


@pytest.fixture()
def silent_server() -> Iterator[int]:
    """A TCP port on the loopback address that accepts every connection and never sends a byte."""
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    server.settimeout(0.2)
    held: list[socket.socket] = []
    stop = threading.Event()
    accepted = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except OSError:
                continue
            held.append(conn)  # kept open, never answered
            accepted.set()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield server.getsockname()[1]
    finally:
        stop.set()
        thread.join(2)
        for conn in held:
            conn.close()
        server.close()
    assert accepted.is_set(), "the stream never connected: this test would not show a silent server"


def test_the_default_stream_timeouts_are_a_few_seconds():
    defaults = {k: p.default for k, p in inspect.signature(StreamSource.__init__).parameters.items()
                if k.endswith("_timeout")}
    assert defaults["open_timeout"] <= 10 and defaults["read_timeout"] <= 10, defaults


@pytest.mark.parametrize("scheme", ["http", "rtsp"])
def test_a_stream_that_accepts_and_stays_silent_fails_within_the_open_timeout(silent_server, scheme):
    url = f"{scheme}://viewer:hunter2@127.0.0.1:{silent_server}/live"
    src = open_source(url, open_timeout=OPEN_TIMEOUT)
    t0 = time.monotonic()
    with pytest.raises(SourceError) as err:
        src.open()
    took = time.monotonic() - t0
    assert took < OPEN_TIMEOUT + HARD_MARGIN + SLACK, f"took {took:.1f} s"
    msg = str(err.value)
    assert f"127.0.0.1:{silent_server}" in msg and "hunter2" not in msg
    assert "did not answer within 2 s" in msg or "timed out" in msg, msg
    src.close()


def _run(capsys, *args: str) -> tuple[float, str]:
    from vision_desk.cli import main

    t0 = time.monotonic()
    code = main(["process", *args, "-p", "faces", "--no-progress"])
    took = time.monotonic() - t0
    err = capsys.readouterr().err.strip()
    assert code == 2, err
    return took, err


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="a missing /dev/videoN is how Linux says no camera")
def test_a_missing_camera_is_reported_at_once(tmp_path, capsys):
    """`vision-desk process N` for a camera that is not there, run in this process (interpreter start-up and
    imports, which dominate a subprocess on a busy machine, are paid once before timing). It must answer within
    a second, and no later than a second after the same command with a missing file, which needs no device."""
    index = next(i for i in range(7, 64) if not Path(f"/dev/video{i}").exists())
    _run(capsys, str(tmp_path / "warm-up.mp4"))
    camera, missing = [], []
    for _ in range(2):  # interleaved; the fastest of each is kept
        took, err = _run(capsys, str(index))
        camera.append(took)
        assert err.startswith(f"vision-desk: error: no camera at index {index}"), err
        took, err = _run(capsys, str(tmp_path / "nope.mp4"))
        missing.append(took)
        assert "does not exist" in err
    assert min(camera) < 1.0 and min(camera) < min(missing) + 1.0, f"camera {camera} s, missing file {missing} s"
