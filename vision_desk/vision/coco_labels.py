"""COCO category names in the original 90-id numbering (with gaps), as TensorFlow's detection models use.

The COCO 2014 paper listed 91 categories; 11 were never annotated (ids 12, 26,
29, 30, 45, 66, 68, 69, 71, 83 and 91), so the 80 real classes keep ids 1..90
with holes. Models trained with the TF Object Detection API (SSDLite here)
output one score column per id 1..90; the hole columns were never trained and
are ignored.
"""
from __future__ import annotations

import functools

from vision_desk.errors import SettingsError

COCO_LABELS: dict[int, str] = {
    1: "person", 2: "bicycle", 3: "car", 4: "motorcycle", 5: "airplane", 6: "bus", 7: "train",
    8: "truck", 9: "boat", 10: "traffic light", 11: "fire hydrant", 13: "stop sign",
    14: "parking meter", 15: "bench", 16: "bird", 17: "cat", 18: "dog", 19: "horse", 20: "sheep",
    21: "cow", 22: "elephant", 23: "bear", 24: "zebra", 25: "giraffe", 27: "backpack",
    28: "umbrella", 31: "handbag", 32: "tie", 33: "suitcase", 34: "frisbee", 35: "skis",
    36: "snowboard", 37: "sports ball", 38: "kite", 39: "baseball bat", 40: "baseball glove",
    41: "skateboard", 42: "surfboard", 43: "tennis racket", 44: "bottle", 46: "wine glass",
    47: "cup", 48: "fork", 49: "knife", 50: "spoon", 51: "bowl", 52: "banana", 53: "apple",
    54: "sandwich", 55: "orange", 56: "broccoli", 57: "carrot", 58: "hot dog", 59: "pizza",
    60: "donut", 61: "cake", 62: "chair", 63: "couch", 64: "potted plant", 65: "bed",
    67: "dining table", 70: "toilet", 72: "tv", 73: "laptop", 74: "mouse", 75: "remote",
    76: "keyboard", 77: "cell phone", 78: "microwave", 79: "oven", 80: "toaster", 81: "sink",
    82: "refrigerator", 84: "book", 85: "clock", 86: "vase", 87: "scissors", 88: "teddy bear",
    89: "hair drier", 90: "toothbrush",
}
NUM_IDS = 90  # score columns in the model: column j is category id j + 1
COCO_NAMES: tuple[str, ...] = tuple(COCO_LABELS.values())
_ID_BY_NAME = {name: cid for cid, name in COCO_LABELS.items()}


def label_for(class_id: int) -> str:
    """The COCO name of a category id ('class 12' for an id with no name)."""
    return COCO_LABELS.get(int(class_id), f"class {int(class_id)}")


def parse_class_filter(text: str) -> tuple[int, ...]:
    """'person, Cup' -> (1, 47). Empty text means every class (returns ()).

    Unknown names are a SettingsError that lists the valid names, so a typo is
    caught when the setting is made, not silently filtering everything out.
    """
    return _parse(normalize_class_filter(text))


def normalize_class_filter(text: str) -> str:
    """Lower-case, single spaces, no blanks, duplicates dropped: 'Person,  cup ,person' -> 'person,cup'."""
    names = [" ".join(part.split()).lower() for part in str(text).split(",")]
    return ",".join(dict.fromkeys(n for n in names if n))


@functools.lru_cache(maxsize=64)
def _parse(normalized: str) -> tuple[int, ...]:
    if not normalized:
        return ()
    names = normalized.split(",")
    unknown = [n for n in names if n not in _ID_BY_NAME]
    if unknown:
        raise SettingsError(f"unknown COCO class name(s) {', '.join(repr(n) for n in unknown)}; "
                            f"valid names: {', '.join(COCO_NAMES)}")
    return tuple(_ID_BY_NAME[n] for n in names)
