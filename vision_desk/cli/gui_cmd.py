"""`vision-desk gui` (also what plain `vision-desk` runs): the window.

    vision-desk                                  # last source (else the default camera), last processors
    vision-desk gui --source clip.mp4 -p faces,objects --objects-score-threshold 0.4

Processor options (``--faces-scale-factor`` ...) are generated from each
processor's settings schema, as for ``process``; in the window they start at
these values and stay adjustable. Given options win over the saved settings.
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from vision_desk import registry
from vision_desk.cli.processor_options import add_processor_options, settings_from_args
from vision_desk.errors import VisionDeskError

if TYPE_CHECKING:
    from vision_desk.runtime import RuntimeConfig


def add_parser(sub: Any, parents: list[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "gui", parents=parents, help="open the window (the default command)",
        description="Open the vision_desk window. Without --source it reopens the last source, or the default "
                    "camera the first time; with no camera it plays the bundled sample clip and says so. "
                    "Everything set in the window (source, processors, their settings, window layout) is "
                    "remembered for next time. Press F1 in the window for the keyboard shortcuts.")
    p.add_argument("--source", "-s", metavar="SRC",
                   help="what to watch: a camera index (0), a video or image file, a folder of images, a stream "
                        "URL (rtsp://, http://), 'sample' (the bundled clip) or 'synthetic' (a test pattern)")
    p.add_argument("-p", "--processors", metavar="LIST",
                   help="processors to switch on, comma-separated: " + ",".join(registry.PROCESSOR_NAMES) +
                        " ('' for none; default: the last ones used, else faces)")
    p.add_argument("--presenter", action="store_true", help="start in presenter mode (full screen, large text)")
    p.add_argument("--fresh", action="store_true",
                   help="start from the defaults instead of the saved source, processors and settings")
    p.add_argument("--settings-file", metavar="FILE",
                   help="keep the window's settings in this INI file instead of the user's settings "
                        "(also $VISION_DESK_SETTINGS)")
    p.add_argument("--screenshot", metavar="PNG",
                   help="save a picture of the window once frames with every active processor's overlay are "
                        "shown, then quit (for documentation and tests)")
    p.add_argument("--screenshot-after", type=int, default=20, metavar="N",
                   help="frames with every overlay to show before the --screenshot (default: 20)")
    p.add_argument("--language", choices=("en", "ja"),
                   help="the window's language: en (English) or ja (Japanese); default: the one last chosen in "
                        "View > Language, else the system's (the command line itself stays English)")
    add_processor_options(p)


def _check_display() -> None:
    """Qt aborts the whole process when it cannot reach a display: say what to do instead."""
    if not sys.platform.startswith("linux") or os.environ.get("QT_QPA_PLATFORM"):
        return
    if not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        raise VisionDeskError("no display to open the window on ($DISPLAY and $WAYLAND_DISPLAY are not set); "
                              "run it in a desktop session, or use `vision-desk process` to work without a window")


def run(args: argparse.Namespace, config: RuntimeConfig) -> int:
    from vision_desk.sources import open_source

    names = registry.parse_names(args.processors) if args.processors is not None else None
    settings = settings_from_args(args)
    if args.source:
        open_source(args.source)  # a spec that cannot name a source is a terminal error, before any window
    if args.screenshot_after < 1:
        raise VisionDeskError("--screenshot-after must be 1 or more")
    _check_display()
    from vision_desk.gui.app import LaunchOptions
    from vision_desk.gui.app import run as run_window

    return run_window(LaunchOptions(
        source=args.source, processors=names, settings=settings, settings_path=args.settings_file,
        fresh=args.fresh, presenter=args.presenter,
        screenshot=Path(args.screenshot) if args.screenshot else None, screenshot_after=args.screenshot_after,
        language=args.language,
        precision=args.precision, runtime_config=config))
