"""Every processor, once: what it is called, which class runs it, which annotator draws it, how it is shown.

:data:`PROCESSORS` is the one table. The command line's list and options, the
pipeline's default factory and annotators, the window's check boxes, tool tips,
presenter captions and statistics colours all derive from it. Adding a processor
is one :class:`ProcessorSpec` here (and its module under ``processors/``, its
annotator under ``annotate/``).

The registry sits above ``processors`` and ``annotate`` (it joins the two) and
below the pipeline. Classes are named as ``"module:attribute"`` and imported
on first use, so that `vision-desk --help` does not load OpenCV or onnxruntime.
"""
from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from vision_desk.errors import SettingsError

if TYPE_CHECKING:
    from vision_desk.annotate.base import Annotator


@dataclass(frozen=True)
class ProcessorSpec:
    """One processor as the whole application knows it."""

    name: str  # as typed on the command line (-p faces,objects) and keyed in JSON lines
    processor: str  # "module:Class" of the Processor
    annotator: str | None  # "module:Class" of the annotator that draws its results (None: a transform)
    title: str  # long: the command's option group, the window's tool tips
    short_title: str  # the window's check box and menu entry
    caption: str  # the presenter's caption line
    colour: tuple[int, int, int]  # RGB of its bar in the statistics panel
    description: str  # what it is, in a few words (the window's subtitle; translated in the "Settings" context)


PROCESSORS: tuple[ProcessorSpec, ...] = (
    ProcessorSpec("faces", "vision_desk.processors.faces:FacesProcessor",
                  "vision_desk.annotate.detections:FacesAnnotator",
                  "Faces (Haar cascade)", "Faces", "Faces", (67, 160, 71),
                  "Viola-Jones Haar cascades (OpenCV)"),
    ProcessorSpec("objects", "vision_desk.processors.objects:ObjectsProcessor",
                  "vision_desk.annotate.detections:DetectionsAnnotator",
                  "Objects (SSDLite MobileNetV2, COCO)", "Objects", "Objects", (30, 136, 229),
                  "SSDLite MobileNetV2, 90 COCO classes"),
    ProcessorSpec("pose", "vision_desk.processors.pose:PoseProcessor",
                  "vision_desk.annotate.pose:PoseAnnotator",
                  "Body pose (OpenPose, MobileNet-thin)", "Pose", "Pose", (251, 140, 0),
                  "OpenPose on MobileNet-thin, 18 keypoints"),
    ProcessorSpec("style", "vision_desk.processors.style:StyleProcessor", None,
                  "Style transfer", "Style transfer", "Style", (142, 36, 170),
                  "fast neural style transfer, 26 styles"),
    ProcessorSpec("cnn", "vision_desk.processors.cnn:CnnProcessor",
                  "vision_desk.annotate.cnn:CnnAnnotator",
                  "CNN layers (EfficientNet-Lite0, ImageNet)", "CNN layers", "CNN layers", (216, 27, 96),
                  "EfficientNet-Lite0, 1000 ImageNet classes"),
    ProcessorSpec("superres", "vision_desk.processors.superres:SuperresProcessor",
                  "vision_desk.annotate.superres:SuperresAnnotator",
                  "GAN super-resolution (Real-ESRGAN x4)", "GAN super-resolution", "GAN super-resolution",
                  (124, 179, 66), "Real-ESRGAN x4 beside bicubic; drag a region"),
    ProcessorSpec("digits", "vision_desk.processors.digits:DigitsProcessor",
                  "vision_desk.annotate.digits:DigitsAnnotator",
                  "Handwritten digits (MNIST CNN)", "Handwritten digits", "Handwritten digits", (255, 179, 0),
                  "an MNIST CNN, pooling layer by layer"),
    ProcessorSpec("segment", "vision_desk.processors.segment:SegmentProcessor",
                  "vision_desk.annotate.segment:SegmentAnnotator",
                  "Person segmentation (MediaPipe)", "Person segmentation", "Person segmentation", (0, 137, 123),
                  "MediaPipe selfie segmentation"),
    ProcessorSpec("teach", "vision_desk.processors.teach:TeachProcessor",
                  "vision_desk.annotate.teach:TeachAnnotator",
                  "Teach a new class (image embeddings)", "Teach a class", "Teach a class", (94, 53, 177),
                  "EfficientNet-Lite0 embeddings, k-NN; Ctrl+1..5 add examples"),
)

SPECS: dict[str, ProcessorSpec] = {s.name: s for s in PROCESSORS}
PROCESSOR_NAMES: tuple[str, ...] = tuple(SPECS)


def _load(path: str) -> Any:
    module, attr = path.split(":")
    return getattr(importlib.import_module(module), attr)


def check_name(name: str) -> str:
    if name not in SPECS:
        raise SettingsError(f"unknown processor {name!r}; valid processors: {', '.join(PROCESSOR_NAMES)}")
    return name


def spec(name: str) -> ProcessorSpec:
    return SPECS[check_name(name)]


def parse_names(text: str) -> list[str]:
    """'faces,objects' -> ['faces', 'objects'] (checked, order kept, duplicates dropped)."""
    names = [check_name(n.strip().lower()) for n in text.split(",") if n.strip()]
    return list(dict.fromkeys(names))


def processor_class(name: str) -> type:
    cls: type = _load(spec(name).processor)
    return cls


def create(name: str, **settings: Any) -> Any:
    """A new, not yet loaded processor with validated settings."""
    return processor_class(name)(**settings)


def annotator_for(name: str) -> Annotator[Any] | None:
    """A new annotator that draws this processor's results (None for transforms)."""
    path = spec(name).annotator
    return _load(path)() if path is not None else None
