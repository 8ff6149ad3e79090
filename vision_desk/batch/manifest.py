"""The batch manifest: which inputs are finished, with what settings, into which outputs.

One small JSON file in the output folder (``vision-desk-batch.json``). Why it
can be trusted after a crash, a Ctrl-C or a lost node:

- an entry is marked ``done`` only after the worker has closed every output
  and checksummed it; a file interrupted half-way is at most ``started``, so
  it is redone (and its partial outputs, which this batch wrote, overwritten);
- the file is replaced atomically (temporary file, fsync, ``os.replace``):
  a reader sees the old manifest or the new one, never half of one;
- only the batch's driver writes it, holding an exclusive lock on
  ``vision-desk-batch.lock`` for the whole batch, so two batches into one
  folder cannot both run (the second says so at once). The lock is an OS lock
  (``flock`` / ``msvcrt.locking``): a process that dies releases it.

A finished entry counts only while the input is unchanged (same path, size
and mtime), the settings digest is the same (processors, every setting
including defaults, HUD/raw, frame limit, vision_desk version, model
checksums) and each output is still there with its recorded size.
"""
from __future__ import annotations

import contextlib
import dataclasses
import datetime
import hashlib
import json
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import IO, Any

from vision_desk import __version__
from vision_desk.batch.inputs import FileJob
from vision_desk.errors import OutputError

MANIFEST_NAME = "vision-desk-batch.json"
LOCK_NAME = "vision-desk-batch.lock"
FORMAT = 1
DONE = "done"
STARTED = "started"


def settings_digest(processors: Sequence[str], settings: Mapping[str, Any], *, hud: bool,
                    raw: bool, max_frames: int | None, precision: str = "auto") -> str:
    """sha256 over everything that shapes an output (not threads, jobs or device: they change speed only;
    the precision asked for does: INT8 models find slightly different boxes).
    ``settings``: per processor, its settings dataclass (validated by the command), or name=value changes."""
    from vision_desk import model_store
    from vision_desk import registry
    from vision_desk.processors import settings as settings_mod

    full: dict[str, Any] = {}
    for name in processors:
        cls = registry.processor_class(name)
        values = settings.get(name)
        if values is None or isinstance(values, Mapping):
            values = settings_mod.update(cls.settings_type(), name, **dict(values or {}))
        full[name] = dataclasses.asdict(values)
    try:
        models = sorted((m.id, m.sha256) for m in model_store.load_manifest())
    except Exception:  # an unreadable model manifest fails the run later, with its own message
        models = []
    doc = {"processors": list(processors), "settings": full, "hud": hud, "raw": raw, "max_frames": max_frames,
           "vision_desk": __version__, "models": models}
    if precision != "auto":  # (absent for auto: the digests of batches made before the option stay valid)
        doc["precision"] = precision
    return hashlib.sha256(json.dumps(doc, sort_keys=True, default=str).encode()).hexdigest()


def file_identity(path: str) -> dict[str, int]:
    st = os.stat(path)
    return {"size": st.st_size, "mtime_ns": st.st_mtime_ns}


def checksum(path: str) -> dict[str, Any]:
    """Size and sha256 of a closed output file."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return {"path": path, "size": os.path.getsize(path), "sha256": h.hexdigest()}


def expected_outputs(job: FileJob) -> dict[str, str]:
    return {kind: path for kind, path in (("video", job.output), ("json", job.json)) if path is not None}


class Manifest:
    """The manifest of one output folder; use as a context manager (it holds the batch lock)."""

    def __init__(self, folder: Path | str) -> None:
        self.folder = Path(folder)
        self.path = self.folder / MANIFEST_NAME
        self._lock_file: IO[bytes] | None = None
        self.files: dict[str, dict[str, Any]] = {}

    # --- the lock ------------------------------------------------------------------
    def __enter__(self) -> Manifest:
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            self._lock_file = open(self.folder / LOCK_NAME, "a+b")
        except OSError as exc:
            raise OutputError(f"cannot use output folder {self.folder}: {exc.strerror or exc}; "
                              "choose a writable folder") from None
        if not _try_lock(self._lock_file):
            self._lock_file.close()
            self._lock_file = None
            raise OutputError(f"another batch is writing into {self.folder} (it holds {LOCK_NAME}); wait for it "
                              "to finish or choose another output folder")
        self.files = self._read()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._lock_file is not None:
            with contextlib.suppress(OSError):
                _unlock(self._lock_file)
                self._lock_file.close()
            self._lock_file = None

    def _read(self) -> dict[str, dict[str, Any]]:
        try:
            doc = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError) as exc:
            raise OutputError(f"the batch manifest {self.path} cannot be read ({exc}); move it away to start "
                              "the batch afresh (every file is then processed again)") from None
        if not isinstance(doc, dict) or doc.get("format") != FORMAT or not isinstance(doc.get("files"), dict):
            raise OutputError(f"{self.path} is not a vision-desk batch manifest (format {FORMAT}); move it away "
                              "or choose another output folder")
        return doc["files"]

    def save(self) -> None:
        """Atomically replace the manifest file with the current entries."""
        doc = {"format": FORMAT, "tool": f"vision-desk {__version__}", "files": self.files}
        tmp = self.path.with_name(f".{MANIFEST_NAME}.{os.getpid()}.tmp")
        try:
            with open(tmp, "w", encoding="utf-8") as f:
                json.dump(doc, f, indent=1, sort_keys=True)
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, self.path)
        except OSError as exc:
            with contextlib.suppress(OSError):
                tmp.unlink()
            raise OutputError(f"cannot write the batch manifest {self.path}: {exc.strerror or exc}") from None

    # --- entries -------------------------------------------------------------------
    def finished(self, job: FileJob, digest: str) -> bool:
        """True when ``job`` was finished before with the same input, settings and outputs still in place."""
        entry = self.files.get(job.rel)
        if not entry or entry.get("state") != DONE or entry.get("settings") != digest:
            return False
        if entry.get("input") != job.input:
            return False
        try:
            if file_identity(job.input) != {"size": entry.get("size"), "mtime_ns": entry.get("mtime_ns")}:
                return False
        except OSError:
            return False
        outputs = entry.get("outputs", {})
        wanted = expected_outputs(job)
        if set(outputs) != set(wanted):
            return False
        for kind, path in wanted.items():
            rec = outputs[kind]
            if rec.get("path") != path or not os.path.isfile(path) or os.path.getsize(path) != rec.get("size"):
                return False
        return True

    def owns(self, path: str) -> bool:
        """True when an earlier run of a batch in this folder wrote (or started writing) ``path``."""
        for entry in self.files.values():
            wanted = entry.get("expected", {})
            if path in wanted.values() or any(o.get("path") == path for o in entry.get("outputs", {}).values()):
                return True
        return False

    def mark_started(self, job: FileJob, digest: str) -> None:
        entry = self.files.get(job.rel, {})
        if entry.get("state") == DONE and entry.get("settings") == digest and self.finished(job, digest):
            return
        self.files[job.rel] = {"state": STARTED, "input": job.input, "settings": digest,
                               "expected": expected_outputs(job), "started": _now()}

    def mark_done(self, job: FileJob, digest: str, identity: Mapping[str, int], outputs: Mapping[str, Any],
                  frames: int) -> None:
        self.files[job.rel] = {"state": DONE, "input": job.input, **identity, "settings": digest,
                               "expected": expected_outputs(job), "outputs": dict(outputs), "frames": frames,
                               "finished": _now()}


def _now() -> str:
    return datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")


if os.name == "nt":  # pragma: no cover - exercised on Windows only
    import msvcrt

    def _try_lock(f: IO[bytes]) -> bool:
        try:
            f.seek(0)
            msvcrt.locking(f.fileno(), msvcrt.LK_NBLCK, 1)
            return True
        except OSError:
            return False

    def _unlock(f: IO[bytes]) -> None:
        f.seek(0)
        msvcrt.locking(f.fileno(), msvcrt.LK_UNLCK, 1)
else:
    import fcntl

    def _try_lock(f: IO[bytes]) -> bool:
        try:
            fcntl.flock(f.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except OSError:
            return False

    def _unlock(f: IO[bytes]) -> None:
        fcntl.flock(f.fileno(), fcntl.LOCK_UN)

