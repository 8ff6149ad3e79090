"""The processors by name. Imports are lazy so that `vision-desk --help` stays fast."""
from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from vision_desk.errors import SettingsError

if TYPE_CHECKING:
    from vision_desk.annotate.base import Annotator

PROCESSOR_NAMES = ("faces", "objects", "pose", "style", "cnn", "superres", "digits", "segment", "teach")

_CLASSES = {
    "faces": ("vision_desk.processors.faces", "FacesProcessor"),
    "objects": ("vision_desk.processors.objects", "ObjectsProcessor"),
    "pose": ("vision_desk.processors.pose", "PoseProcessor"),
    "style": ("vision_desk.processors.style", "StyleProcessor"),
    "cnn": ("vision_desk.processors.cnn", "CnnProcessor"),
    "superres": ("vision_desk.processors.superres", "SuperresProcessor"),
    "digits": ("vision_desk.processors.digits", "DigitsProcessor"),
    "segment": ("vision_desk.processors.segment", "SegmentProcessor"),
    "teach": ("vision_desk.processors.teach", "TeachProcessor"),
}
_ANNOTATORS = {
    "faces": ("vision_desk.annotate.detections", "FacesAnnotator"),
    "objects": ("vision_desk.annotate.detections", "DetectionsAnnotator"),
    "pose": ("vision_desk.annotate.pose", "PoseAnnotator"),
    "cnn": ("vision_desk.annotate.cnn", "CnnAnnotator"),
    "superres": ("vision_desk.annotate.superres", "SuperresAnnotator"),
    "digits": ("vision_desk.annotate.digits", "DigitsAnnotator"),
    "segment": ("vision_desk.annotate.segment", "SegmentAnnotator"),
    "teach": ("vision_desk.annotate.teach", "TeachAnnotator"),
}


def _load(table: dict[str, tuple[str, str]], name: str) -> Any:
    module, attr = table[name]
    return getattr(importlib.import_module(module), attr)


def check_name(name: str) -> str:
    if name not in PROCESSOR_NAMES:
        raise SettingsError(f"unknown processor {name!r}; valid processors: {', '.join(PROCESSOR_NAMES)}")
    return name


def parse_names(text: str) -> list[str]:
    """'faces,objects' -> ['faces', 'objects'] (checked, order kept, duplicates dropped)."""
    names = [check_name(n.strip().lower()) for n in text.split(",") if n.strip()]
    return list(dict.fromkeys(names))


def processor_class(name: str) -> type:
    return _load(_CLASSES, check_name(name))


def create(name: str, **settings: Any) -> Any:
    """A new, not yet loaded processor with validated settings."""
    return processor_class(name)(**settings)


def annotator_for(name: str) -> Annotator[Any] | None:
    """A new annotator that draws this processor's results (None for transforms)."""
    check_name(name)
    return _load(_ANNOTATORS, name)() if name in _ANNOTATORS else None
