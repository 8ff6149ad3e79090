"""Typed results of the processors, at the bottom of the import graph: every result says itself.

Each result type has a JSON form (:meth:`Result.to_json`, one key of a JSON line)
and a few words on what it found (:meth:`Result.summary`, the window's "found"
row), so the window, the JSON writer and the annotators above never switch on a
processor's name. Coordinates are always pixels of the frame the processor was given.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Protocol

import cv2
import numpy as np


class Words(Protocol):
    """How a summary's words are put: the window translates them, the default leaves them in English."""

    def text(self, source: str) -> str:
        """``source`` (an English text with {fields}, in the "Stats" translation context) in the language shown."""
        ...

    def label(self, name: str, domain: str | None = None) -> str:
        """A class label (``domain``: "imagenet" for the cnn's classes, "style" for a style's name) in the
        language shown."""
        ...


class English:
    """Words as written."""

    def text(self, source: str) -> str:
        return source

    def label(self, name: str, domain: str | None = None) -> str:
        return name


ENGLISH = English()

# Every text a summary puts through Words.text: tools/i18n.py lists them for the translations.
SUMMARY_TEXTS = ("1 face", "{n} faces", ", ", "no objects", "1 person (pose)", "{n} people (pose)",
                 "style: {name}", "PSNR GAN {gan:.1f} / bicubic {bicubic:.1f} dB", "digits: {digits}", "no digits",
                 "person {percent}%")


class Result(Protocol):
    """What every processor's result offers (the pipeline, the JSON lines and the window rely on it)."""

    def to_json(self) -> Any:
        """The result's JSON form (the value of the processor's key in a JSON line)."""
        ...

    def summary(self, words: Words = ENGLISH) -> str:
        """A few words on what was found on the frame ("" when there is nothing to say)."""
        ...

    def is_empty(self) -> bool:
        ...

KEYPOINT_NAMES = (
    "nose", "neck", "r_shoulder", "r_elbow", "r_wrist", "l_shoulder", "l_elbow", "l_wrist",
    "r_hip", "r_knee", "r_ankle", "l_hip", "l_knee", "l_ankle", "r_eye", "l_eye", "r_ear", "l_ear",
)
NUM_KEYPOINTS = len(KEYPOINT_NAMES)


def _r(v: float) -> float:
    return round(float(v), 1)


@dataclass
class Detections:
    """Boxes (N x 4, x1 y1 x2 y2 float32), scores (N), class ids (N) and their labels."""

    boxes: np.ndarray
    scores: np.ndarray
    class_ids: np.ndarray
    labels: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.boxes = np.asarray(self.boxes, dtype=np.float32).reshape(-1, 4)
        n = len(self.boxes)
        self.scores = np.asarray(self.scores, dtype=np.float32).reshape(-1)
        self.class_ids = np.asarray(self.class_ids, dtype=np.int32).reshape(-1)
        if len(self.scores) != n or len(self.class_ids) != n or len(self.labels) != n:
            raise ValueError(f"Detections: {n} boxes but {len(self.scores)} scores, "
                             f"{len(self.class_ids)} class ids and {len(self.labels)} labels")

    @classmethod
    def empty(cls) -> Detections:
        return cls(np.zeros((0, 4), np.float32), np.zeros(0, np.float32), np.zeros(0, np.int32), [])

    def __len__(self) -> int:
        return len(self.boxes)

    def is_empty(self) -> bool:
        return len(self) == 0

    def to_json(self) -> list[dict[str, Any]]:
        return [
            {"label": lab, "class_id": int(c), "score": round(float(s), 4), "box": [_r(v) for v in b]}
            for b, s, c, lab in zip(self.boxes, self.scores, self.class_ids, self.labels)
        ]

    def summary(self, words: Words = ENGLISH) -> str:
        """The labels found with their counts, at most four: '2 person, cup' (like the faces and the people)."""
        counts = Counter(words.label(x) for x in self.labels)
        labels = [f"{n} {name}" if n > 1 else name for name, n in counts.items()]
        if not labels:
            return words.text("no objects")
        return words.text(", ").join(labels[:4]) + ("…" if len(labels) > 4 else "")


@dataclass
class Faces:
    """Grouped face boxes, optional eye boxes per face, and the raw Haar candidate windows (teaching view)."""

    boxes: np.ndarray  # N x 4 x1 y1 x2 y2
    eyes: list[np.ndarray] = field(default_factory=list)  # per face: M x 4
    candidates: np.ndarray = field(default_factory=lambda: np.zeros((0, 4), np.float32))
    cascade: str = ""

    def __post_init__(self) -> None:
        self.boxes = np.asarray(self.boxes, dtype=np.float32).reshape(-1, 4)
        self.candidates = np.asarray(self.candidates, dtype=np.float32).reshape(-1, 4)

    @classmethod
    def empty(cls) -> Faces:
        return cls(np.zeros((0, 4), np.float32))

    def __len__(self) -> int:
        return len(self.boxes)

    def is_empty(self) -> bool:
        return len(self) == 0

    def to_json(self) -> list[dict[str, Any]]:
        out = []
        for i, b in enumerate(self.boxes):
            item: dict[str, Any] = {"box": [_r(v) for v in b]}
            if i < len(self.eyes) and len(self.eyes[i]):
                item["eyes"] = [[_r(v) for v in e] for e in self.eyes[i]]
            out.append(item)
        return out

    def summary(self, words: Words = ENGLISH) -> str:
        n = len(self)
        return words.text("1 face") if n == 1 else words.text("{n} faces").format(n=n)


@dataclass
class Poses:
    """People x 18 keypoints (OpenPose order) x (x, y, score); a missing keypoint is NaN, NaN, 0."""

    keypoints: np.ndarray  # P x 18 x 3 float32
    scores: np.ndarray  # P
    # Teaching view: one heatmap or PAF channel, float32 0..1, resized to the frame (None when off).
    overlay: np.ndarray | None = None
    overlay_name: str = ""

    def __post_init__(self) -> None:
        self.keypoints = np.asarray(self.keypoints, dtype=np.float32).reshape(-1, NUM_KEYPOINTS, 3)
        self.scores = np.asarray(self.scores, dtype=np.float32).reshape(-1)
        if len(self.scores) != len(self.keypoints):
            raise ValueError(f"Poses: {len(self.keypoints)} people but {len(self.scores)} scores")

    @classmethod
    def empty(cls) -> Poses:
        return cls(np.zeros((0, NUM_KEYPOINTS, 3), np.float32), np.zeros(0, np.float32))

    def __len__(self) -> int:
        return len(self.keypoints)

    def is_empty(self) -> bool:
        return len(self) == 0

    def present(self) -> np.ndarray:
        """P x 18 bool: which keypoints were found."""
        return ~np.isnan(self.keypoints[:, :, 0])

    def to_json(self) -> list[dict[str, Any]]:
        out = []
        for person, score in zip(self.keypoints, self.scores):
            kps = [None if np.isnan(x) else [_r(x), _r(y), round(float(s), 3)] for x, y, s in person]
            out.append({"score": round(float(score), 3), "keypoints": kps})
        return out

    def summary(self, words: Words = ENGLISH) -> str:
        n = len(self)
        return words.text("1 person (pose)") if n == 1 else words.text("{n} people (pose)").format(n=n)


@dataclass
class Stylized:
    """The output of a transform: a new BGR uint8 image the size of the input."""

    image: np.ndarray
    style: str = ""

    def is_empty(self) -> bool:
        return False

    def to_json(self) -> dict[str, Any]:
        return {"style": self.style}

    def summary(self, words: Words = ENGLISH) -> str:
        return words.text("style: {name}").format(name=words.label(self.style, domain="style")) if self.style else ""


# --- cnn: how a convolutional network sees (vision_desk.processors.cnn) -------------------------------------
# The layers in network order, and the words the view uses for them.
LAYERS = ("stem", "stage1", "stage2", "stage3", "stage4", "stage5", "stage6", "stage7", "head")
LAYER_TITLES = {"stem": "stem", "head": "head", **{f"stage{i}": f"stage {i}" for i in range(1, 8)}}


@dataclass
class LayerView:
    """The maps of one layer chosen for display: ``maps`` is N x h x w float32 normalised to 0-1 each."""

    name: str
    shape: tuple[int, int, int]  # channels, height, width of the whole layer
    channel_ids: np.ndarray
    maps: np.ndarray
    enlarged: np.ndarray | None = None  # h x w 0-1, the ``channel`` setting's map
    enlarged_id: int = -1

    @property
    def title(self) -> str:
        c, h, w = self.shape
        return f"{LAYER_TITLES[self.name]} · {c} channels · {h} x {w}"


@dataclass
class Classification:
    """Top-5 ImageNet classes, the crop the network saw, and (by view) one layer's maps or the CAM."""

    class_ids: np.ndarray
    scores: np.ndarray
    labels: list[str]
    crop: tuple[int, int, int, int]  # x1 y1 x2 y2 in frame pixels
    view: str = "classes"
    layer: LayerView | None = None
    cam: np.ndarray | None = None  # 7 x 7 float32 0-1 over the crop, for the top class
    extra: dict[str, Any] = field(default_factory=dict)

    def is_empty(self) -> bool:
        return len(self.class_ids) == 0

    def cam_peak(self) -> tuple[float, float] | None:
        """The centre of the CAM's strongest cell, in frame pixels."""
        if self.cam is None:
            return None
        gy, gx = np.unravel_index(int(np.argmax(self.cam)), self.cam.shape)
        x1, y1, x2, y2 = self.crop
        return (x1 + (gx + 0.5) * (x2 - x1) / self.cam.shape[1], y1 + (gy + 0.5) * (y2 - y1) / self.cam.shape[0])

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "classes": [{"label": lab, "class_id": int(c), "score": round(float(s), 4)}
                        for c, s, lab in zip(self.class_ids, self.scores, self.labels)],
            "crop": [int(v) for v in self.crop],
        }
        if self.layer is not None:
            c, h, w = self.layer.shape
            out["layer"] = {"name": self.layer.name, "channels": c, "height": h, "width": w,
                            "shown": [int(i) for i in self.layer.channel_ids]}
        peak = self.cam_peak()
        if peak is not None:
            out["cam_peak"] = [round(float(peak[0]), 1), round(float(peak[1]), 1)]
        return out

    def summary(self, words: Words = ENGLISH) -> str:
        """The top class and its score: 'tabby 87%'."""
        if not self.labels:
            return ""
        return f"{words.label(self.labels[0], domain='imagenet')} {100 * float(self.scores[0]):.0f}%"


# --- superres: a GAN's x4 enlargement beside bicubic (vision_desk.processors.superres) ----------------------
SUPERRES_SCALE = 4


@dataclass
class SuperResolved:
    """The region, its x4 enlargements by the GAN and by bicubic, and how they compare."""

    region: tuple[int, int, int, int]  # x1 y1 x2 y2 in frame pixels
    mode: str
    gan: np.ndarray  # BGR uint8
    bicubic: np.ndarray  # BGR uint8, same size
    reference: np.ndarray | None  # check mode: the real region, same size
    sharpness_gan: float
    sharpness_bicubic: float
    psnr_gan: float | None = None
    psnr_bicubic: float | None = None
    source: str = "centre"  # centre, face or region

    def is_empty(self) -> bool:
        return False

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "region": [int(v) for v in self.region], "mode": self.mode, "scale": SUPERRES_SCALE, "source": self.source,
            "output_size": [int(self.gan.shape[1]), int(self.gan.shape[0])],
            "sharpness": {"gan": round(self.sharpness_gan, 2), "bicubic": round(self.sharpness_bicubic, 2)},
        }
        if self.psnr_gan is not None and self.psnr_bicubic is not None:
            out["psnr_db"] = {"gan": round(self.psnr_gan, 2), "bicubic": round(self.psnr_bicubic, 2)}
        return out

    def summary(self, words: Words = ENGLISH) -> str:
        """Check mode: both PSNRs (the GAN scores lower, although it looks sharper)."""
        if self.psnr_gan is None:
            return ""
        return words.text("PSNR GAN {gan:.1f} / bicubic {bicubic:.1f} dB").format(gan=self.psnr_gan,
                                                                              bicubic=self.psnr_bicubic)


# --- digits: handwritten digits read by an MNIST CNN (vision_desk.processors.digits) --------------------
@dataclass
class Digit:
    digit: int
    score: float
    box: tuple[int, int, int, int]  # x1 y1 x2 y2 in frame pixels (exclusive)

    def to_json(self) -> dict[str, Any]:
        return {"digit": self.digit, "score": round(self.score, 4), "box": [int(v) for v in self.box]}


@dataclass
class LayerMaps:
    """One digit seen by the network: its 28 x 28 input, each layer's maps (C x H x W) and the 10 probabilities."""

    field: np.ndarray  # 28 x 28 uint8, white on black: what the network was given
    maps: dict[str, np.ndarray]  # relu1 32x28x28, pool1 32x14x14, relu2 64x14x14, pool2 64x7x7
    probabilities: np.ndarray  # 10


@dataclass
class DigitsResult:
    """The digits of a frame in reading order; ``chosen``: the index the view opens up (-1: none)."""

    digits: list[Digit] = field(default_factory=list)
    chosen: int = -1
    layers: LayerMaps | None = None

    def is_empty(self) -> bool:
        return not self.digits

    def text(self) -> str:
        """The digits read, as a string ("3805")."""
        return "".join(str(d.digit) for d in self.digits)

    def to_json(self) -> list[dict[str, Any]]:
        return [d.to_json() for d in self.digits]

    def summary(self, words: Words = ENGLISH) -> str:
        """The digits read, in reading order: 'digits: 3805'."""
        return words.text("digits: {digits}").format(digits=self.text()) if self.digits else words.text("no digits")


# --- segment: which pixels are a person (vision_desk.processors.segment) ------------------------------
@dataclass
class Segmentation:
    """One frame's matte: ``alpha`` 256 x 256 float32 0-1 over the whole frame, and how to show it."""

    alpha: np.ndarray
    foreground: float  # share of the frame that is a person (probability above the threshold)
    view: str = "blur"
    blur: float = 12.0
    background: np.ndarray | None = None  # BGR picture for 'replace' (any size; None: the built-in backdrop)

    def is_empty(self) -> bool:
        return self.foreground <= 0

    def alpha_at(self, width: int, height: int) -> np.ndarray:
        """The 256 x 256 matte at a frame's size (bilinear)."""
        return cv2.resize(self.alpha, (width, height), interpolation=cv2.INTER_LINEAR)

    def mask(self, width: int, height: int, threshold: float = 0.5) -> np.ndarray:
        """The person as a bool mask at a frame's size."""
        return self.alpha_at(width, height) >= threshold

    def to_json(self) -> dict[str, Any]:
        return {"foreground": round(self.foreground, 4)}

    def summary(self, words: Words = ENGLISH) -> str:
        """How much of the frame is a person: 'person 31%'."""
        return words.text("person {percent}%").format(percent=round(100 * self.foreground))


# --- teach: a class taught from a few examples (vision_desk.processors.teach) --------------------------
@dataclass
class TeachResult:
    """The frame's class (None without examples), its score, every class's score and the map."""

    label: str | None
    score: float
    crop: tuple[int, int, int, int]  # x1 y1 x2 y2: what the network saw
    labels: tuple[str, ...] = ()
    scores: np.ndarray = field(default_factory=lambda: np.zeros(0, np.float32))
    counts: list[int] = field(default_factory=list)
    points: np.ndarray | None = None  # the examples on the map, N x 2
    point_classes: np.ndarray | None = None
    frame_point: np.ndarray | None = None  # 2

    def is_empty(self) -> bool:
        return self.label is None

    def to_json(self) -> dict[str, Any]:
        return {"label": self.label, "score": round(self.score, 4)}

    def summary(self, words: Words = ENGLISH) -> str:
        """The taught class the frame looks like: 'cup 93%' (a class name the user gave: not translated)."""
        return "" if self.label is None else f"{self.label} {100 * self.score:.0f}%"
