"""Make docs/screenshot.png: the real window, processors on, the bundled sample clip.

    python tools/make_screenshot.py [--out docs/screenshot.png] [-p faces,objects,pose] [--frame 105]
    python tools/make_screenshot.py --language ja --out docs/screenshot-ja.png   # the Japanese window

It starts its own Xvfb (so the picture is what an X server really shows, at a
fixed size, with nobody's desktop in it) unless --display is given, runs the
window in this process on Qt's xcb platform with temporary settings, seeks
the sample clip to a frame with several people, and saves the window once
frames carrying every overlay are on screen. Without Xvfb it falls back to
Qt's offscreen renderer and says so.
"""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def start_xvfb(width: int, height: int) -> tuple[subprocess.Popen, str] | None:
    xvfb = shutil.which("Xvfb")
    if xvfb is None:
        return None
    read_fd, write_fd = os.pipe()
    proc = subprocess.Popen([xvfb, "-displayfd", str(write_fd), "-screen", "0", f"{width}x{height}x24",
                             "-nolisten", "tcp"], pass_fds=(write_fd,),
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    os.close(write_fd)
    with os.fdopen(read_fd) as pipe:
        number = pipe.readline().strip()
    if not number:
        proc.kill()
        return None
    return proc, f":{number}"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshot.png")
    ap.add_argument("-p", "--processors", default="faces,objects,pose")
    ap.add_argument("--frame", type=int, default=105, help="sample clip frame to start from (105: three people)")
    ap.add_argument("--size", default="1400x860", help="window (and virtual screen) size")
    ap.add_argument("--display", help="use this X display instead of starting Xvfb")
    ap.add_argument("--hud", action="store_true", help="draw the HUD on the video too")
    ap.add_argument("--language", default="en", help="the window's language: en or ja (needs a CJK font)")
    args = ap.parse_args()
    width, height = (int(v) for v in args.size.lower().split("x"))

    xvfb = None
    if args.display:
        os.environ["DISPLAY"] = args.display
        os.environ["QT_QPA_PLATFORM"] = "xcb"
    else:
        started = start_xvfb(width, height)
        if started is None:
            print("make_screenshot: Xvfb not found; using Qt's offscreen renderer", file=sys.stderr)
            os.environ["QT_QPA_PLATFORM"] = "offscreen"
        else:
            xvfb, os.environ["DISPLAY"] = started[0], started[1]
            os.environ["QT_QPA_PLATFORM"] = "xcb"

    work = Path(tempfile.mkdtemp(prefix="vd-shot-"))
    os.environ["XDG_CACHE_HOME"] = str(work / "cache")
    try:
        sys.path.insert(0, str(ROOT))
        from vision_desk import registry
        from vision_desk.gui import app
        from vision_desk.gui.settings_store import SettingsStore

        store = SettingsStore(work / "settings.ini")
        store.set_flag("hud", args.hud)
        store.set_flag("realtime", False)  # every frame: the picture is the frame asked for, not a later one
        qapp = app.application()
        shot = work / "window.png"
        gui = app.build(app.LaunchOptions(source="sample", processors=registry.parse_names(args.processors),
                                          fresh=True, screenshot=shot, screenshot_after=8,
                                          language=args.language), store)
        gui.window.resize(width, height)
        gui.window.move(0, 0)
        gui.window.show()
        gui.controller.open_source("sample", seek_to=args.frame)
        qapp.exec()
        app.teardown(gui)
        if not shot.is_file():
            print("make_screenshot: the window closed before a screenshot was taken", file=sys.stderr)
            return 1
        args.out.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(shot, args.out)
        print(f"wrote {args.out}")
        return 0
    finally:
        shutil.rmtree(work, ignore_errors=True)
        if xvfb is not None:
            xvfb.terminate()
            xvfb.wait(10)


if __name__ == "__main__":
    raise SystemExit(main())
