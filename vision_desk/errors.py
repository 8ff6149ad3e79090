"""Typed errors whose message a user can act on.

Every error raised for a user mistake or a missing resource derives from
:class:`VisionDeskError`; the command line prints its message on one line and
exits non-zero, the window shows it and keeps running. A traceback is only
ever shown for a bug.
"""
from __future__ import annotations


class VisionDeskError(Exception):
    """Base class: the message says what was wrong and what to do."""


class ModelError(VisionDeskError):
    """A model file is missing, corrupt, fails its checksum or cannot run."""


class DeviceError(VisionDeskError):
    """The requested execution device cannot be used."""


class SourceError(VisionDeskError):
    """A frame source cannot be opened or read."""


class SettingsError(VisionDeskError, ValueError):
    """A processor setting or command-line option has an invalid value."""


class OutputError(VisionDeskError):
    """An output (video, JSON lines, snapshot) cannot be written."""


class ProcessorError(VisionDeskError):
    """A processor failed: its model could not be loaded, or it raised on a frame (the run goes on).

    Carries the processor's name and the exception itself (also as ``__cause__``); the message is
    the one line users see: "objects: <what went wrong>"."""

    def __init__(self, processor: str, cause: BaseException, *, on_frame: bool = False) -> None:
        # On a frame, the exception's type is part of the line (it is usually a bug, e.g. "ValueError: ...").
        text = typed_line(cause) if on_frame else one_line(cause)
        super().__init__(f"{processor}: {text}")
        self.processor = processor
        self.cause = cause
        self.__cause__ = cause


def one_line(exc: BaseException) -> str:
    """The first line of an exception's message (its type's name when it has none)."""
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


def typed_line(exc: BaseException) -> str:
    """'ValueError: bad shape': how an exception raised on one frame is reported (JSON lines, warnings)."""
    return f"{type(exc).__name__}: {one_line(exc)}"


def caused_by(error: VisionDeskError, cause: BaseException) -> VisionDeskError:
    """``error`` (a line for users about an unexpected exception) carrying that exception as its cause."""
    error.__cause__ = cause
    return error


def user_message(error: BaseException | str) -> str:
    """The one line a user sees for ``error``, formatted here only: a :class:`VisionDeskError` says what was
    wrong itself; anything else is a bug, named by its type. A string is a message composed already."""
    if isinstance(error, str):
        return error
    return one_line(error) if isinstance(error, VisionDeskError) else typed_line(error)
