"""Thumbnails of the 26 built-in styles, painted by the network itself on the user's own picture.

A style's name says little; seeing it on the current frame says it all. The
26 renders take about half a second on a CPU, so the result is cached on disk
(one PNG strip per content), keyed by the model file's sha256 (a new model
means new pictures), a hash of the content pixels and the sizes. Call
:func:`style_thumbnails` from a worker thread, never the GUI thread: a cache
miss runs the network 26 times.

The cache lives in the user cache folder: ``$XDG_CACHE_HOME/vision_desk`` (or
``~/.cache/vision_desk``) on Linux, ``~/Library/Caches/vision_desk`` on macOS,
``%LOCALAPPDATA%\\vision_desk`` on Windows. A cache that cannot be written is
skipped, never an error: the thumbnails are still returned.
"""
from __future__ import annotations

import hashlib
import logging
import os
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from vision_desk import model_store, runtime
from vision_desk.errors import SettingsError
from vision_desk.processors.style import BUILTIN_MODEL, NUM_STYLES, STYLE_NAMES, style_label
from vision_desk.vision.tensors import pad_to, planes_to_bgr, to_nchw_rgb

log = logging.getLogger(__name__)
_FORMAT = "v1"  # bump when the rendering changes, so old cached strips are not reused
_KEEP = 64  # cached strips kept; older ones are pruned


@dataclass(frozen=True)
class StyleThumbnail:
    index: int  # the value of the style setting
    name: str
    label: str  # what to show under the picture, e.g. "3: Electric strokes"
    image: np.ndarray  # BGR uint8, size x size


def user_cache_dir() -> Path:
    """The per-user cache folder of vision_desk on this platform."""
    if sys.platform.startswith("win"):
        base = os.environ.get("LOCALAPPDATA") or str(Path.home() / "AppData" / "Local")
        return Path(base) / "vision_desk"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Caches" / "vision_desk"
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "vision_desk"


def default_gallery_dir() -> Path:
    return user_cache_dir() / "style_gallery"


def _square(content: np.ndarray, side: int) -> np.ndarray:
    """Centre square crop scaled to ``side`` (tiles of one size line up in a grid)."""
    h, w = content.shape[:2]
    s = min(h, w)
    top, left = (h - s) // 2, (w - s) // 2
    crop = content[top:top + s, left:left + s]
    return cv2.resize(crop, (side, side), interpolation=cv2.INTER_AREA if side < s else cv2.INTER_LINEAR)


def cache_key(content: np.ndarray, size: int, render_side: int) -> str:
    digest = hashlib.sha256()
    digest.update(f"{_FORMAT}|{model_store.entry(BUILTIN_MODEL).sha256}|{content.shape}|{size}|{render_side}|".encode())
    digest.update(np.ascontiguousarray(content).data)
    return digest.hexdigest()[:32]


def style_thumbnails(content: np.ndarray, size: int = 128, *, render_side: int | None = None,
                     cache_dir: Path | str | None = None,
                     runtime_config: runtime.RuntimeConfig | None = None) -> list[StyleThumbnail]:
    """The 26 styles painted on ``content`` (BGR uint8), as ``size`` x ``size`` tiles in style order.

    ``render_side`` is the side the network paints at before the tile is shrunk
    (default: at least 256, so strokes look as they will on video, not as blobs).
    ``runtime_config``: where the network runs (default: ``RuntimeConfig()``, i.e. ``--device auto``).
    """
    if not isinstance(content, np.ndarray) or content.dtype != np.uint8 or content.ndim != 3 or content.shape[2] != 3:
        raise SettingsError(f"style gallery: expected a BGR uint8 HxWx3 picture, got "
                            f"{getattr(content, 'shape', None)} {getattr(content, 'dtype', None)}")
    if not 16 <= size <= 1024:
        raise SettingsError(f"style gallery: thumbnail size {size} is out of range; valid range: 16 to 1024")
    render = -(-max(size, render_side or 256) // 4) * 4
    folder = Path(cache_dir) if cache_dir is not None else default_gallery_dir()
    path = folder / f"{cache_key(content, size, render)}.png"

    strip = _read_strip(path, size)
    if strip is None:
        strip = _render_strip(content, size, render, runtime_config or runtime.RuntimeConfig())
        _write_strip(path, strip)
    return [StyleThumbnail(i, STYLE_NAMES[i], style_label(i), strip[:, i * size:(i + 1) * size].copy())
            for i in range(NUM_STYLES)]


def _render_strip(content: np.ndarray, size: int, render: int, config: runtime.RuntimeConfig) -> np.ndarray:
    session = runtime.create_session(BUILTIN_MODEL, config=config)
    feeds = {"image": to_nchw_rgb(pad_to(_square(content, render), render, render))}
    tiles = []
    for index in range(NUM_STYLES):
        weights = np.zeros(NUM_STYLES, np.float32)
        weights[index] = 1.0
        feeds["style_weights"] = weights
        out = session.run(feeds)[0][0]
        np.maximum(out, 0, out=out)
        painted = planes_to_bgr(out[0], out[1], out[2])
        tiles.append(cv2.resize(painted, (size, size), interpolation=cv2.INTER_AREA))
    return np.hstack(tiles)


def _read_strip(path: Path, size: int) -> np.ndarray | None:
    try:
        data = np.fromfile(str(path), dtype=np.uint8)
    except OSError:
        return None
    strip = cv2.imdecode(data, cv2.IMREAD_COLOR) if data.size else None
    if strip is None or strip.shape != (size, size * NUM_STYLES, 3):
        return None  # missing, damaged or from another layout: render again
    try:
        os.utime(path)  # most recently used survives pruning
    except OSError:
        pass
    return strip


def _write_strip(path: Path, strip: np.ndarray) -> None:
    """Write atomically (temp file + rename) so a reader never sees half a PNG; failures only log."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        ok, encoded = cv2.imencode(".png", strip)
        if not ok:
            return
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(encoded.tobytes())
            os.replace(tmp, path)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
        _prune(path.parent)
    except OSError as exc:
        log.warning("style gallery: cannot cache thumbnails in %s (%s); they will be rendered again next time",
                    path.parent, exc)


def _prune(folder: Path) -> None:
    strips = sorted(folder.glob("*.png"), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in strips[_KEEP:]:
        old.unlink(missing_ok=True)
