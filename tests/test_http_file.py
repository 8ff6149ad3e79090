"""A video file on a web server is read as a file (every frame, exit 0), not as a live stream."""
from __future__ import annotations

import functools
import http.server
import json
import threading

import pytest
from media_makers import make_clip

from vision_desk.cli import main
from vision_desk.sources import open_source


@pytest.fixture
def served_clip(tmp_path):
    make_clip(tmp_path / "clip.mp4", n=60)
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(tmp_path))
    handler.log_message = lambda *a, **k: None  # type: ignore[attr-defined]
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/clip.mp4"
    server.shutdown()
    server.server_close()


def test_a_served_file_opens_as_a_seekable_file(served_clip):
    src = open_source(served_clip)
    info = src.open()
    try:
        assert not info.is_live and info.seekable and info.frame_count == 60
    finally:
        src.close()


def test_process_reads_every_frame_of_a_served_file_and_exits_0(served_clip, tmp_path, capsys):
    log = tmp_path / "r.jsonl"
    code = main(["process", served_clip, "--json", str(log), "--no-progress"])
    _, err = capsys.readouterr()
    assert code == 0, err
    assert [json.loads(x)["frame"] for x in log.read_text().splitlines()] == list(range(60))
    assert "stopped delivering" not in err
