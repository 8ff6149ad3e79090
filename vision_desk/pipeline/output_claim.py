"""Output files that can never destroy an input, a file the user had, or another run's output.

- An existing file is refused unless ``overwrite`` (the convention of ffmpeg,
  cp -n and similar tools): ``out.mp4 already exists; add --overwrite ...``.
- A file is *claimed* before the first frame: created with ``O_EXCL`` (two
  runs starting at once cannot both create it) and locked with an exclusive
  ``flock`` held until the sink closes (a second run with ``--overwrite``
  is refused instead of interleaving its lines or frames with the first's).
- Whether an output is an input is decided by device and inode, not by
  resolved names: a hard link has a different name and the same data.
"""
from __future__ import annotations

import os
import stat
from collections.abc import Iterable
from pathlib import Path

from vision_desk.errors import OutputError

try:  # POSIX; on Windows O_EXCL still keeps two runs from creating the same file
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]


def exists_message(path: Path, what: str) -> str:
    return (f"{what} {path} already exists; add --overwrite to replace it, or choose another name")


def is_regular(path: Path) -> bool:
    """A regular file (a device such as /dev/null or /dev/full, or a FIFO, is not an output to protect)."""
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except OSError:
        return False


def check_new(path: Path, what: str, overwrite: bool) -> None:
    """Refuse an existing regular file unless ``overwrite`` (checked up front, before any frame)."""
    if not overwrite and is_regular(path):
        raise OutputError(exists_message(path, what))


def file_id(path: Path | str) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_dev, st.st_ino


def same_file(a: Path | str, b: Path | str) -> bool:
    """True when ``a`` and ``b`` are the same file on disk (also through hard links or symbolic links)."""
    ia = file_id(a)
    return ia is not None and ia == file_id(b)


def refuse_inputs(flag: str, output: Path | str, inputs: Iterable[Path | str]) -> None:
    """OutputError when ``output`` is one of ``inputs`` (same device and inode)."""
    out_id = file_id(output)
    if out_id is None:
        return
    for p in inputs:
        if file_id(p) == out_id:
            raise OutputError(f"{flag} {output} is the input file itself (the same file on disk as {p}, e.g. a "
                              "hard link): it would be destroyed while it is read; choose another output name")


class Claim:
    """An output file held for one run: created exclusively (or, with overwrite, opened) and locked."""

    def __init__(self, path: Path, what: str, overwrite: bool) -> None:
        self.path = path
        self.created = False
        regular_before = is_regular(path)
        exists_before = path.exists()
        if regular_before and not overwrite:
            raise OutputError(exists_message(path, what))
        flags = os.O_WRONLY | os.O_CREAT | getattr(os, "O_CLOEXEC", 0)
        if not exists_before:
            flags |= os.O_EXCL
        try:
            self.fd = os.open(path, flags, 0o644)
        except FileExistsError:
            raise OutputError(f"{what} {path} appeared while this run started (another run writing it?); "
                              "choose another name, or add --overwrite") from None
        except OSError as exc:
            raise OutputError(f"cannot write {what} {path}: {exc.strerror or exc}; choose a writable location") \
                from None
        self.created = not exists_before
        if fcntl is not None and is_regular(path):
            try:
                fcntl.flock(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                os.close(self.fd)
                raise OutputError(f"{what} {path} is being written by another run right now; wait for it to "
                                  "finish or choose another name") from None

    def release(self) -> None:
        if self.fd >= 0:
            try:
                os.close(self.fd)  # also drops the lock
            finally:
                self.fd = -1

    def discard_if_empty(self) -> None:
        """A run that failed before writing anything leaves no empty file it created behind."""
        try:
            if self.created and is_regular(self.path) and self.path.stat().st_size == 0:
                self.path.unlink()
        except OSError:
            pass
        self.release()
