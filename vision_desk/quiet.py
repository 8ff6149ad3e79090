"""Keep the native libraries' own console chatter off the user's terminal.

OpenCV, the FFmpeg inside OpenCV, PyAV and onnxruntime each write their own
diagnostics straight to stderr, from C code, in their own formats::

    [tcp @ 0x7f...] Connection to tcp://127.0.0.1:9 failed: Connection refused
    [ WARN:0@0.136] global cap.cpp:212 open VIDEOIO(FFMPEG): backend is generally available ...
    [mpeg4 @ 0x7f...] Error at MB: 542
    2026-... [E:onnxruntime:, sequential_executor.cc:677 ExecuteKernel] Non-zero status code ...

vision_desk already turns every one of those situations into its own one-line
message, so the noise only buries that line (and can repeat a stream URL the
user typed). Everything is switched in this one place, once per process, by
the command line (and the window's start): ``--debug`` leaves the libraries
as loud as they are by default, for bug reports.

How, per library (each is the documented switch, not output capture):

- OpenCV's logger: ``cv2.utils.logging.setLogLevel`` (and ``OPENCV_LOG_LEVEL``
  for code that logs before that call);
- FFmpeg inside OpenCV: ``OPENCV_FFMPEG_LOGLEVEL`` (an FFmpeg ``AV_LOG_*``
  level), read when OpenCV first starts its FFmpeg backend, i.e. at the first
  ``VideoCapture``, which always comes after this;
- PyAV: its FFmpeg log is off by default; ``--debug`` gives FFmpeg back its own
  log (``restore_default_callback``), never PyAV's bridge into Python's logging:
  FFmpeg's decoder and encoder threads log too, and that bridge takes the GIL
  from them, which deadlocks a threaded decoder being closed or flushed while
  the main thread holds the GIL (PyAV-Org/PyAV#751; it hung the test suite);
- onnxruntime: the session option ``log_severity_level``, which
  :mod:`vision_desk.runtime` takes from :func:`onnxruntime_severity`.

A variable the user set in the environment is left alone: they asked for it.
"""
from __future__ import annotations

import os

# FFmpeg's AV_LOG_PANIC: only messages about to abort the process. (AV_LOG_QUIET is -8, but
# OpenCV reads this variable as an unsigned number in some versions, and -8 would then mean "all".)
_QUIET_ENV = {"OPENCV_LOG_LEVEL": "SILENT", "OPENCV_FFMPEG_LOGLEVEL": "0"}
_ORT_QUIET, _ORT_DEFAULT, _ORT_DEBUG = 4, 3, 2  # onnxruntime: 4 fatal only, 3 errors, 2 warnings

_state = {"configured": False, "quiet": False, "pyav_loud": False}
_set_by_us: dict[str, str] = {}


def quiet_native_logs(debug: bool = False) -> None:
    """Silence OpenCV/FFmpeg/onnxruntime console output (``debug=True``: restore their defaults)."""
    _state["configured"] = True
    _state["quiet"] = not debug
    if debug:
        for key, value in list(_set_by_us.items()):
            if os.environ.get(key) == value:
                del os.environ[key]
            del _set_by_us[key]
    else:
        for key, value in _QUIET_ENV.items():
            if key not in os.environ:
                os.environ[key] = value
                _set_by_us[key] = value
    _apply_opencv(debug)
    _apply_pyav(debug)


def ensure_quiet() -> None:
    """Quiet, unless the command line already chose (the window started without the CLI)."""
    if not _state["configured"]:
        quiet_native_logs(debug=False)


def onnxruntime_severity() -> int:
    """``SessionOptions.log_severity_level`` for new sessions."""
    if not _state["configured"]:
        return _ORT_DEFAULT
    return _ORT_QUIET if _state["quiet"] else _ORT_DEBUG


def _apply_opencv(debug: bool) -> None:
    try:
        import cv2
    except ImportError:  # pragma: no cover - a dependency; nothing to quiet without it
        return
    log = cv2.utils.logging
    if debug:
        log.setLogLevel(log.LOG_LEVEL_WARNING)  # OpenCV's default
    elif "OPENCV_LOG_LEVEL" not in os.environ or _set_by_us.get("OPENCV_LOG_LEVEL"):
        log.setLogLevel(log.LOG_LEVEL_SILENT)


def _apply_pyav(debug: bool) -> None:
    if not debug and not _state["pyav_loud"]:
        return  # PyAV's own default is silence; nothing to undo (and no need to import it)
    try:
        import av.logging
    except ImportError:  # pragma: no cover - a dependency
        return
    if debug:
        av.logging.set_libav_level(av.logging.WARNING)
        av.logging.restore_default_callback()  # FFmpeg prints from its own threads; no GIL taken
    else:
        av.logging.set_level(None)  # PyAV's silent callback again
    _state["pyav_loud"] = debug
