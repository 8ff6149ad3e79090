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
