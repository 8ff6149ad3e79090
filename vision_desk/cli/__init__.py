"""`vision-desk`: the window by default, plus `process`, `models` and `info`.

Every user mistake ends in one line on stderr and a non-zero exit status; a
traceback is only printed for a bug (or with --debug).
"""
from __future__ import annotations

import argparse
import errno
import importlib
import sys
import traceback
from typing import NoReturn

from vision_desk import __version__, quiet
from vision_desk.errors import VisionDeskError

# name -> module with add_parser(subparsers, parents) and run(args, runtime_config) -> int
COMMANDS = {
    "gui": "vision_desk.cli.gui_cmd",
    "process": "vision_desk.cli.process_cmd",
    "models": "vision_desk.cli.models_cmd",
    "info": "vision_desk.cli.info_cmd",
}
DEFAULT_COMMAND = "gui"


class OneLineParser(argparse.ArgumentParser):
    """argparse, but a usage mistake is one line (like every other error), naming where the help is.

    argparse's own error() prints the whole usage block and then the message;
    in front of an audience (or in a log) the one line that matters gets lost.
    Subcommand parsers are made with the same class (argparse's default).
    """

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"vision-desk: error: {self.prog}: {message} (see `{self.prog} --help`)\n")


def common_options() -> argparse.ArgumentParser:
    """Options every subcommand takes (so they work after the subcommand name)."""
    p = OneLineParser(add_help=False)
    g = p.add_argument_group("runtime")
    g.add_argument("--device", choices=("auto", "cpu", "cuda"), default="auto",
                   help="where inference runs: auto uses CUDA only when it really works (default: auto)")
    g.add_argument("--threads", type=int, default=None, metavar="N",
                   help="onnxruntime threads per model (default: cores - 1, at least 1)")
    g.add_argument("--precision", choices=("auto", "fp32", "int8"), default=None,
                   help="model precision: int8 runs the INT8 models where they are shipped (objects), fp32 the "
                        "originals; auto (default) uses INT8 on CPUs with 8-bit dot-product instructions "
                        "(VNNI/AMX/dotprod) and FP32 on the GPU")
    g.add_argument("--models-dir", metavar="DIR", default=None,
                   help="read model files from DIR (also $VISION_DESK_MODELS); they are checked against the manifest")
    g.add_argument("--max-image-pixels", type=int, default=None, metavar="N",
                   help="largest picture (width x height) to decode, checked from its header "
                        "(default: 100000000, i.e. 100 megapixels)")
    g.add_argument("--debug", action="store_true",
                   help="show full tracebacks, and the messages OpenCV, FFmpeg and onnxruntime print themselves "
                        "(hidden otherwise)")
    return p


def build_parser() -> argparse.ArgumentParser:
    parser = OneLineParser(
        prog="vision-desk",
        description="Real-time computer vision on the desktop: face detection (Haar cascades), object "
                    "detection (SSDLite MobileNetV2, COCO), multi-person pose (OpenPose) and neural style "
                    "transfer, from a webcam, video files, images or streams. Without a command it opens the window.",
        epilog="Run `vision-desk COMMAND --help` for a command's options.",
    )
    parser.add_argument("--version", action="version", version=f"vision-desk {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    parents = [common_options()]
    for name, module in COMMANDS.items():
        importlib.import_module(module).add_parser(sub, parents)
    return parser


def _with_default_command(argv: list[str]) -> list[str]:
    """Put the command first (so `vision-desk --device cpu info` works) or add the default one."""
    for i, token in enumerate(argv):
        if token in COMMANDS:
            return [token, *argv[:i], *argv[i + 1:]]
    if argv[:1] in (["-h"], ["--help"], ["--version"]):
        return argv
    return [DEFAULT_COMMAND, *argv]


def os_error_line(exc: OSError) -> str:
    """'file name too long (...): /very/long/na...; use a shorter name' and the like."""
    name = str(exc.filename) if exc.filename is not None else ""
    if len(name) > 80:
        name = name[:60] + "..." + name[-15:]
    if exc.errno == errno.ENAMETOOLONG:
        return (f"file name too long (a folder or file name over 255 bytes, or a whole path over 4096): {name}; "
                "use a shorter name")
    return f"{exc.strerror or type(exc).__name__}: {name}" if name else f"{exc.strerror or exc}"


def _set_image_limit(pixels: int | None) -> None:
    from vision_desk.errors import SettingsError
    from vision_desk.sources import image_limits

    if pixels is not None and pixels < 1:
        raise SettingsError(f"--max-image-pixels must be a positive number of pixels, got {pixels}")
    image_limits.set_max_pixels(pixels)


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    args = parser.parse_args(_with_default_command(argv))
    quiet.quiet_native_logs(debug=bool(getattr(args, "debug", False)))
    try:
        from vision_desk import model_store, runtime

        if args.models_dir:
            model_store.set_models_dir(args.models_dir)
        _set_image_limit(getattr(args, "max_image_pixels", None))
        # The device choice, passed down explicitly (pipeline, processors, window); refused here at once when
        # --device cuda cannot run.
        config = runtime.require_usable(runtime.RuntimeConfig(args.device, args.threads, args.precision or "auto"))
        return int(importlib.import_module(COMMANDS[args.command]).run(args, config) or 0)
    except (VisionDeskError, OSError) as exc:
        # An OSError that reaches here is about a path the user gave (a name over 255 bytes, a path over
        # 4096, a permission): one line like every other mistake.
        if getattr(args, "debug", False):
            traceback.print_exc()  # --debug shows where; the exit status stays that of the mistake
        print(f"vision-desk: error: {exc if isinstance(exc, VisionDeskError) else os_error_line(exc)}",
              file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("vision-desk: interrupted", file=sys.stderr)
        return 130
