"""``--debug`` shows FFmpeg's own messages without ever hanging a threaded decoder.

PyAV's bridge from FFmpeg's log into Python's ``logging`` takes the GIL from FFmpeg's own
threads; a frame-threaded decoder closed or flushed by the main thread (which holds the GIL)
then deadlocks (PyAV-Org/PyAV#751). With the old ``--debug`` switch the loop below hung 3 runs
of 3, and the whole test suite once in CI, after an in-process ``--debug`` test.
"""
from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

from media_makers import make_clip

TESTS = Path(__file__).parent


def test_debug_logging_never_deadlocks_a_threaded_decoder(tmp_path: Path) -> None:
    clip = make_clip(tmp_path / "clip.mp4", n=50, gop=10)
    script = textwrap.dedent(f"""
        import av
        from vision_desk import quiet
        from vision_desk.sources.video import VideoSource
        quiet.quiet_native_logs(debug=True)
        for _ in range(300):
            src = VideoSource({str(clip)!r})
            src.open()
            while src.read() is not None:
                pass
            for target in (37, 23, 1):
                src.seek(target)
                src.read()
            src.close()
        print("done")
    """)
    # A deadlock never ends: the timeout is the failure (a pass takes a few seconds).
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=90,
                         cwd=TESTS)
    assert run.returncode == 0 and run.stdout.strip() == "done", run.stderr[-2000:]


def test_debug_then_quiet_silences_ffmpeg_again(tmp_path: Path) -> None:
    bad = tmp_path / "notes.mp4"
    bad.write_text("not a video\n")
    script = textwrap.dedent(f"""
        import sys
        import av
        from vision_desk import quiet
        from vision_desk.errors import SourceError
        from vision_desk.sources.video import VideoSource
        for debug in (True, False):
            quiet.quiet_native_logs(debug=debug)
            try:
                VideoSource({str(bad)!r}).open()
            except SourceError:
                pass
            print("--- debug" if debug else "--- quiet", file=sys.stderr, flush=True)
    """)
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    loud, quiet_part = run.stderr.split("--- debug")
    assert "moov atom not found" in loud
    assert "moov atom not found" not in quiet_part
