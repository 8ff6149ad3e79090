"""Credentials in URLs are never shown or saved: user info with odd characters, secret-looking query values."""
from __future__ import annotations

import pytest

from vision_desk.cli import main
from vision_desk.sources import redact

SECRET = "S3CRETvalue"

URLS = [
    f"http://127.0.0.1:9/v.mp4?auth_token={SECRET}",
    f"https://127.0.0.1:9/k.mp4?X-Amz-Algorithm=AWS4&X-Amz-Credential={SECRET}&X-Amz-Signature={SECRET}",
    f"srt://127.0.0.1:9?mode=caller&passphrase={SECRET}",
    f"rtsp://bob:my {SECRET}@127.0.0.1:9/",
    f"rtsp://bob:{SECRET}#x@127.0.0.1:9/live",
    f"http://127.0.0.1:9/x?api_key={SECRET};sessionid={SECRET}",
]


@pytest.mark.parametrize("url", URLS)
def test_redact_hides_every_secret(url: str) -> None:
    hidden = redact(url)
    assert SECRET not in hidden and "***" in hidden
    assert redact(f"cannot open {url} (timed out)").endswith("(timed out)")


def test_harmless_parts_stay_readable() -> None:
    assert redact("srt://h:9000?mode=caller&latency=200") == "srt://h:9000?mode=caller&latency=200"
    assert redact("https://h/a.mp4?X-Amz-Algorithm=AWS4&X-Amz-Signature=x") == \
        "https://h/a.mp4?X-Amz-Algorithm=AWS4&X-Amz-Signature=***"


@pytest.mark.parametrize("url", [URLS[0], URLS[3]])
def test_the_error_message_of_an_unreachable_stream_has_no_secret(url, capsys) -> None:
    code = main(["process", url, "--no-progress"])
    out, err = capsys.readouterr()
    assert code == 2 and "vision-desk: error:" in err
    assert SECRET not in out + err


@pytest.mark.parametrize("url", URLS)
def test_the_window_settings_file_never_holds_a_secret(tmp_path, url) -> None:
    from vision_desk.gui.settings_store import SettingsStore

    path = tmp_path / "s.ini"
    store = SettingsStore(path)
    store.processors = ["faces"]
    store.source = url
    store.sync()
    assert SECRET not in path.read_text()
