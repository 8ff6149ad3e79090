"""Where the files bundled with the app (the sample clip) are found.

A source checkout or editable install has ``resources/`` beside the package;
a wheel carries the same folder inside the package as ``vision_desk/_resources``
(pyproject force-include). Both are checked, like ``model_store`` does for models.
"""
from __future__ import annotations

from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent.parent
_CANDIDATES = (_PACKAGE_DIR.parent / "resources", _PACKAGE_DIR / "_resources")

SAMPLE_NAME = "sample.mp4"


def resources_dir() -> Path:
    """The bundled resources folder (the first candidate that holds the sample clip, else the first that exists)."""
    for cand in _CANDIDATES:
        if (cand / SAMPLE_NAME).is_file():
            return cand
    for cand in _CANDIDATES:
        if cand.is_dir():
            return cand
    return _CANDIDATES[0]


def resource(name: str) -> Path:
    return resources_dir() / name
