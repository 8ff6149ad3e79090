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

An entry that cannot be trusted (a hand-edited one of the wrong shape) means
"redo this file", with one warning; its outputs still count as this folder's.
The lock file is removed again by a batch that was refused before it wrote a
manifest, so a refused batch leaves nothing behind.

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
from vision_desk.pipeline.output_claim import same_file

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
        self._made_folder = False
        self.files: dict[str, dict[str, Any]] = {}
        self.warnings: list[str] = []  # entries that could not be trusted (each is redone)

    # --- the lock ------------------------------------------------------------------
    def __enter__(self) -> Manifest:
        lock_path = self.folder / LOCK_NAME
        try:
            self._made_folder = not self.folder.exists()
            self.folder.mkdir(parents=True, exist_ok=True)
            while True:
                self._lock_file = open(lock_path, "a+b")
                if not _try_lock(self._lock_file):
                    self._lock_file.close()
                    self._lock_file = None
                    raise OutputError(f"another batch is writing into {self.folder} (it holds {LOCK_NAME}); wait "
                                      "for it to finish or choose another output folder")
                # A refused batch removes the lock file (see __exit__); one that opened it just before holds a
                # lock on a file no longer there, so it opens the file again.
                if _same_inode(self._lock_file, lock_path):
                    break
                _unlock(self._lock_file)
                self._lock_file.close()
        except OSError as exc:
            raise OutputError(f"cannot use output folder {self.folder}: {exc.strerror or exc}; "
                              "choose a writable folder") from None
        try:
            self.files = self._read()
        except OutputError:
            self.__exit__()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        if self._lock_file is not None:
            with contextlib.suppress(OSError):
                if not self.path.exists():  # refused before any work: leave no lock file (nor folder) behind
                    (self.folder / LOCK_NAME).unlink()
                    if self._made_folder:
                        self.folder.rmdir()
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
        files: dict[str, dict[str, Any]] = {}
        for rel, entry in doc["files"].items():
            problem = _entry_problem(entry)
            if problem is None:
                files[rel] = entry
                continue
            self.warnings.append(f"the manifest entry for {rel!r} in {self.path} cannot be trusted ({problem}); "
                                 "that file is done again")
            # Kept as unfinished, with whatever output paths it names: they are still this folder's own.
            files[rel] = {"state": STARTED, "untrusted": True, "expected": recorded_paths(entry)}
        return files

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
        if entry.get("input") != job.input and not same_file(entry["input"], job.input):
            return False  # (the same file under another name, e.g. recorded through a link, is the same input)
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

    def owns(self, path: str, rel: str | None = None) -> bool:
        """True when an earlier run of a batch in this folder wrote (or started writing) ``path``; also when
        ``rel``'s entry could not be trusted (a batch here recorded that file, but not readably where)."""
        if rel is not None and self.files.get(rel, {}).get("untrusted"):
            return True
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
                  frames: int, precision: Mapping[str, str] | None = None, worker: str = "") -> None:
        """``precision``: per processor, what its model ran at (``--precision auto`` decides per machine, so
        on a mixed cluster this is the record of which file got INT8 and which FP32); ``worker``: where."""
        self.files[job.rel] = {"state": DONE, "input": job.input, **identity, "settings": digest,
                               "expected": expected_outputs(job), "outputs": dict(outputs), "frames": frames,
                               "precision": dict(precision or {}), "worker": worker, "finished": _now()}


def recorded_outputs(folder: Path | str) -> frozenset[str]:
    """Every output path the manifest in ``folder`` names (none when there is no readable manifest): files a
    batch wrote, which are never read back as inputs. Read without the lock: only names are taken."""
    try:
        doc = json.loads((Path(folder) / MANIFEST_NAME).read_text(encoding="utf-8"))
        files = doc["files"] if isinstance(doc, dict) and isinstance(doc.get("files"), dict) else {}
    except (OSError, ValueError):
        return frozenset()
    return frozenset(p for entry in files.values() for p in recorded_paths(entry).values())


def recorded_paths(entry: Any) -> dict[str, str]:
    """The output paths an entry names, whatever its shape (kind -> path; only what is a string)."""
    paths: dict[str, str] = {}
    if not isinstance(entry, dict):
        return paths
    for key in ("expected", "outputs"):
        section = entry.get(key)
        if isinstance(section, dict):
            for kind, value in section.items():
                path = value.get("path") if isinstance(value, dict) else value
                if isinstance(path, str):
                    paths.setdefault(str(kind), path)
    return paths


def _entry_problem(entry: Any) -> str | None:
    """What is wrong with a manifest entry's shape (a hand edit, another tool), or None when it can be used."""
    if not isinstance(entry, dict):
        return f"an entry is an object, not {type(entry).__name__}"
    for key in ("state", "input", "settings"):
        if not isinstance(entry.get(key), str):
            return f"{key!r} is not a string"
    expected = entry.get("expected", {})
    if not isinstance(expected, dict) or not all(isinstance(v, str) for v in expected.values()):
        return "'expected' is not a map of output paths"
    if entry["state"] != DONE:
        return None
    for key in ("size", "mtime_ns", "frames"):
        if type(entry.get(key)) is not int:
            return f"{key!r} is not a whole number"
    outputs = entry.get("outputs")
    if not isinstance(outputs, dict):
        return "'outputs' is not a map"
    for kind, rec in outputs.items():
        if not isinstance(rec, dict) or not isinstance(rec.get("path"), str) or type(rec.get("size")) is not int:
            return f"output {kind!r} has no path and size"
    return None


def _same_inode(f: IO[bytes], path: Path) -> bool:
    try:
        a, b = os.fstat(f.fileno()), os.stat(path)
    except OSError:
        return False
    return (a.st_dev, a.st_ino) == (b.st_dev, b.st_ino)


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

