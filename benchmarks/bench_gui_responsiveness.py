"""Does the window stay responsive while every processor runs? Event-loop lateness, measured.

    python benchmarks/bench_gui_responsiveness.py [--seconds 20] [-p faces,objects,pose,style] [--fast]
                                                  [--platform xcb|offscreen]

A precise 10 ms QTimer runs on the GUI thread beside the real window; each
time it fires, the delay beyond its 10 ms period is how long the event loop
was busy (painting, handling signals, or waiting for the GIL held by pipeline
threads). The same measurement runs first with no processor (the window just
plays the sample clip), then with the chosen processors, in the same process,
so the two figures can be compared on this machine. Goal: p99 under 50 ms.

Runs in a real X11 window by default (--platform xcb): on $DISPLAY when one is
set, else on an Xvfb server this script starts and stops (apt-get install xvfb).
--platform offscreen measures without a window system (Qt paints into memory;
nothing is sent to an X server), which is cheaper and not what docs/PERFORMANCE.md
reports. The Qt platform really used is printed with the figures. While
measuring, a settings slider is moved every half second, as a user would.
"""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def start_xvfb() -> tuple[subprocess.Popen, str]:
    """An Xvfb server on a free display number (Xvfb writes it to -displayfd once it accepts connections)."""
    xvfb = shutil.which("Xvfb")
    if xvfb is None:
        raise SystemExit("Xvfb is not installed (Debian/Ubuntu: apt-get install xvfb); "
                         "or set DISPLAY, or use --platform offscreen")
    read_fd, write_fd = os.pipe()
    proc = subprocess.Popen([xvfb, "-displayfd", str(write_fd), "-screen", "0", "1400x900x24", "-nolisten", "tcp"],
                            pass_fds=(write_fd,), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    os.close(write_fd)
    with os.fdopen(read_fd) as pipe:
        number = pipe.readline().strip()
    if not number:
        raise SystemExit(f"Xvfb did not start (exit status {proc.poll()})")
    return proc, f":{number}"


def choose_platform(argv: list[str]) -> subprocess.Popen | None:
    """Set QT_QPA_PLATFORM (and DISPLAY) before Qt is imported; returns the Xvfb we started, if any."""
    platform = "offscreen" if "--platform=offscreen" in argv or (
        "--platform" in argv and argv[argv.index("--platform") + 1:][:1] == ["offscreen"]) else "xcb"
    os.environ["QT_QPA_PLATFORM"] = platform
    if platform == "xcb" and not os.environ.get("DISPLAY"):
        proc, display = start_xvfb()
        os.environ["DISPLAY"] = display
        return proc
    return None


XVFB = choose_platform(sys.argv[1:]) if __name__ == "__main__" else None

import numpy as np  # noqa: E402
from PySide6.QtCore import QElapsedTimer, QEventLoop, Qt, QTimer  # noqa: E402

from vision_desk import registry  # noqa: E402
from vision_desk.gui import app  # noqa: E402
from vision_desk.gui.settings_store import SettingsStore  # noqa: E402

PERIOD_MS = 10


def wait_until(qapp, predicate, timeout_s: float) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        qapp.processEvents()
        if predicate():
            return True
        time.sleep(0.005)
    return False


def measure(qapp, gui, seconds: float, interact: bool) -> dict[str, float]:
    """Run the event loop for ``seconds`` with a 10 ms probe timer; return lateness figures (ms)."""
    late: list[float] = []
    clock = QElapsedTimer()
    probe = QTimer()
    probe.setTimerType(Qt.TimerType.PreciseTimer)
    probe.setInterval(PERIOD_MS)
    last = [0.0]

    def fire() -> None:
        now = clock.nsecsElapsed() / 1e6
        if last[0]:
            late.append(max(0.0, now - last[0] - PERIOD_MS))
        last[0] = now

    probe.timeout.connect(fire)
    slider_moves = [0]
    mover = QTimer()
    mover.setInterval(500)
    editor = gui.window.processor_panel.groups["faces"].editors["scale_factor"]

    def move() -> None:  # what a teacher does during the demo: drag a setting
        slider_moves[0] += 1
        editor.slider.setValue(editor.slider.value() + (1 if slider_moves[0] % 2 else -1))

    if interact:
        mover.timeout.connect(move)
        mover.start()
    shown0 = gui.window.view.frames_shown
    frames0 = gui.window.view.result.stats.frames if gui.window.view.result else 0
    clock.start()
    probe.start()
    loop = QEventLoop()  # not qapp.exec()/quit(): Qt 6's quit() closes the windows
    QTimer.singleShot(int(seconds * 1000), loop.quit)
    loop.exec()
    probe.stop()
    mover.stop()
    elapsed = clock.elapsed() / 1000
    result = gui.window.view.result
    arr = np.array(late) if late else np.zeros(1)
    return {
        "samples": len(late),
        "p50": float(np.percentile(arr, 50)), "p99": float(np.percentile(arr, 99)), "max": float(arr.max()),
        "display_fps": (gui.window.view.frames_shown - shown0) / elapsed,
        "processed_fps": ((result.stats.frames - frames0) / elapsed) if result else 0.0,
        "stage_ms": dict(result.stats.stage_median_ms) if result else {},
        "latency_ms": float(result.stats.latency_p50_ms) if result else 0.0,
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seconds", type=float, default=20.0)
    ap.add_argument("-p", "--processors", default="faces,objects,pose,style")
    ap.add_argument("--fast", action="store_true", help="play the clip as fast as possible instead of real time")
    ap.add_argument("--no-interact", action="store_true", help="do not move a slider while measuring")
    ap.add_argument("--platform", choices=("xcb", "offscreen"), default="xcb",
                    help="xcb: a real X11 window ($DISPLAY, else an Xvfb started here; default); "
                         "offscreen: no window system")
    args = ap.parse_args()
    names = registry.parse_names(args.processors)

    work = Path(tempfile.mkdtemp(prefix="vd-bench-"))
    os.environ["XDG_CACHE_HOME"] = str(work / "cache")
    store = SettingsStore(work / "settings.ini")
    store.set_flag("realtime", not args.fast)
    store.set_flag("loop", True)
    qapp = app.application()
    platform = qapp.platformName()  # what Qt really runs on, not what was asked for
    gui = app.build(app.LaunchOptions(source="sample", processors=[], fresh=True), store)
    gui.window.resize(1280, 800)
    gui.window.show()
    if not wait_until(qapp, lambda: gui.window.view.result is not None, 60):
        print("no frame arrived", file=sys.stderr)
        return 1
    rows = [("window only (no processor)", measure(qapp, gui, args.seconds, not args.no_interact))]
    for name in names:
        gui.window.actions_by_name[f"toggle_{name}"].trigger()
    if not wait_until(qapp, lambda: gui.window.view.result is not None
                      and set(names) <= set(gui.window.view.result.results), 120):
        print("processors did not all produce results", file=sys.stderr)
        return 1
    rows.append((" + ".join(names), measure(qapp, gui, args.seconds, not args.no_interact)))
    app.teardown(gui)

    if platform == "xcb":
        platform += f" (real X11 window on DISPLAY {os.environ.get('DISPLAY')}"
        platform += ", an Xvfb started by this script)" if XVFB is not None else ")"
    mode = "as fast as possible" if args.fast else "real time (25 fps clip)"
    print(f"GUI event-loop lateness, 10 ms probe timer, {args.seconds:.0f} s each, sample clip {mode}, "
          f"Qt platform {platform}, {os.cpu_count()} CPU cores")
    print(f"{'running':<32} {'p50 ms':>7} {'p99 ms':>7} {'max ms':>7} {'display fps':>12} {'processed fps':>14} "
          f"{'frame latency ms':>17}")
    for label, r in rows:
        print(f"{label:<32} {r['p50']:7.1f} {r['p99']:7.1f} {r['max']:7.1f} {r['display_fps']:12.1f} "
              f"{r['processed_fps']:14.1f} {r['latency_ms']:17.0f}")
    stages = rows[-1][1]["stage_ms"]
    if stages:
        print("stage medians (ms): " + ", ".join(f"{k} {v:.1f}" for k, v in stages.items()))
    goal = rows[-1][1]["p99"] < 50
    print(f"goal p99 < 50 ms: {'met' if goal else 'NOT met'}")
    return 0


if __name__ == "__main__":
    try:
        raise SystemExit(main())
    finally:
        if XVFB is not None:
            XVFB.terminate()
            XVFB.wait(10)
