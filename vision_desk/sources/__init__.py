"""Frame sources: turn what a user typed (``0``, a path, a URL, ``sample``) into a :class:`Source`.

>>> src = open_source("sample")        # not opened yet
>>> with src:                          # open() ... close()
...     frame = src.read()

Accepted specs, tried in this order:

``""``                     error listing these forms
``sample``                 the bundled clip (:data:`SAMPLE_CLIP`)
``synthetic[:k=v,...]``    a camera-like test pattern (e.g. ``synthetic:fps=15,size=320x240,fail_after=100``)
``rtsp://`` ``http(s)://`` a network stream (credentials are redacted everywhere, see :func:`redact`)
``0`` ``1`` ...            a camera index; ``/dev/video0`` a camera device (Linux)
an existing folder         its images, in natural order
a pattern with * ? [       the images it matches (``photos/*.jpg``, ``shots/**/*.png``)
an image file              one frame (``repeat=True`` to watch it)
any other file             a video
"""
from __future__ import annotations

import inspect
import re
from pathlib import Path
from typing import Any

from vision_desk.errors import SourceError
from vision_desk.sources.base import Source, SourceInfo
from vision_desk.sources.camera import CameraInfo, CameraSource, list_cameras
from vision_desk.sources.images import IMAGE_EXTENSIONS, ImageSource, folder_source, glob_source, image_file_source
from vision_desk.sources.remote import HttpSource
from vision_desk.sources.sample import SampleSource, sample_clip_path
from vision_desk.sources.stream import STREAM_SCHEMES, StreamSource, redact
from vision_desk.sources.synthetic import SyntheticSource
from vision_desk.sources.video import VideoSource, check_file

__all__ = [
    "SAMPLE_CLIP", "CameraInfo", "CameraSource", "HttpSource", "ImageSource", "SampleSource", "Source", "SourceInfo",
    "StreamSource", "SyntheticSource", "VideoSource", "ACCEPTED_FORMS", "list_cameras", "open_source", "redact",
]

#: The bundled sample clip (resources/sample.mp4 in a checkout, vision_desk/_resources/sample.mp4 in a wheel).
SAMPLE_CLIP: Path = sample_clip_path()

ACCEPTED_FORMS = (
    'a camera index ("0") or device ("/dev/video0"), a video file, an image file, a folder of images, '
    'a wildcard pattern ("photos/*.jpg"), a stream URL (rtsp://, http://, https://), '
    '"sample" (the bundled clip) or "synthetic" (a moving test pattern)'
)

_URL_RE = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.\-]*)://")
_DEVICE_RE = re.compile(r"^/dev/video\d+$")


def _pick(cls: type, options: dict[str, Any]) -> dict[str, Any]:
    """The options ``cls`` accepts. Options meant for other kinds are ignored (the window passes
    ``repeat=True`` whatever the user opened); names no source knows are refused."""
    params = inspect.signature(cls.__init__).parameters
    return {k: v for k, v in options.items() if k in params}


_ALL_OPTIONS = frozenset(
    name
    for cls in (CameraSource, ImageSource, StreamSource, SyntheticSource)
    for name, p in inspect.signature(cls.__init__).parameters.items()
    if p.kind is inspect.Parameter.KEYWORD_ONLY
)


def _parse_synthetic(spec: str) -> dict[str, Any]:
    """``synthetic:fps=15,size=320x240,frames=100,fail_after=50`` -> keyword options."""
    _, _, rest = spec.partition(":")
    out: dict[str, Any] = {}
    for item in filter(None, (s.strip() for s in rest.split(","))):
        key, eq, val = item.partition("=")
        key = key.strip()
        try:
            if not eq:
                raise ValueError
            if key == "size":
                w, h = val.lower().split("x")
                out["width"], out["height"] = int(w), int(h)
            elif key in ("fps",):
                out[key] = float(val)
            elif key in ("frames", "fail_after", "width", "height"):
                out[key] = int(val)
            elif key == "image":
                out[key] = val
            else:
                raise KeyError(key)
        except KeyError:
            raise SourceError(
                f"unknown synthetic option {key!r} in {spec!r}; options: fps, size=WxH, frames, fail_after, image"
            ) from None
        except ValueError:
            raise SourceError(
                f"bad synthetic option {item!r} in {spec!r}; e.g. synthetic:fps=15,size=320x240"
            ) from None
    return out


def open_source(spec: str, **options: Any) -> Source:
    """Make the source ``spec`` names (not opened yet: call ``open()`` or use ``with``).

    Raises SourceError at once when the spec cannot name a source (a missing
    path, an unknown URL scheme); problems only found by opening (a busy
    camera, an unreachable stream, a file that will not decode) are raised by
    ``open()``.
    """
    unknown = set(options) - _ALL_OPTIONS
    if unknown:
        raise SourceError(
            f"unknown source option(s): {', '.join(sorted(unknown))}; known: {', '.join(sorted(_ALL_OPTIONS))}"
        )
    spec = (spec or "").strip()
    if not spec:
        raise SourceError(f"no source given; use {ACCEPTED_FORMS}")
    low = spec.lower()
    if low == "sample":
        return SampleSource()
    if low == "synthetic" or low.startswith("synthetic:"):
        return SyntheticSource(**{**_pick(SyntheticSource, options), **_parse_synthetic(spec)})
    m = _URL_RE.match(spec)
    if m:
        scheme = m.group(1).lower()
        if scheme == "file":
            return open_source(spec[len("file://"):], **options)
        if scheme in ("http", "https"):  # a live stream, or a video file on a web server (see remote.py)
            return HttpSource(spec, **_pick(StreamSource, options))
        if scheme in STREAM_SCHEMES:
            return StreamSource(spec, **_pick(StreamSource, options))
        raise SourceError(
            f"unsupported source {redact(spec)!r}: {scheme}:// is not a stream type vision_desk reads "
            f"({', '.join(s + '://' for s in STREAM_SCHEMES)}); use {ACCEPTED_FORMS}"
        )
    if spec.isdigit() or _DEVICE_RE.match(spec):
        return CameraSource(spec, **_pick(CameraSource, options))
    path = Path(spec).expanduser()
    if path.is_dir():
        return folder_source(path, **_pick(ImageSource, options))
    if any(c in spec for c in "*?[") and not path.exists():
        return glob_source(spec, **_pick(ImageSource, options))
    if path.suffix.lower() in IMAGE_EXTENSIONS:
        check_file(path, "image")
        return image_file_source(path, **_pick(ImageSource, options))
    if not path.exists() and not path.suffix:
        raise SourceError(f"{spec!r} is not a file or folder that exists; use {ACCEPTED_FORMS}")
    check_file(path, "video")
    return VideoSource(path)
