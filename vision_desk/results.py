"""Typed results of the analyzers, each with an empty form and a JSON form.

Coordinates are always pixels of the frame the processor was given.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

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


@dataclass
class Stylized:
    """The output of a transform: a new BGR uint8 image the size of the input."""

    image: np.ndarray
    style: str = ""

    def is_empty(self) -> bool:
        return False

    def to_json(self) -> dict[str, Any]:
        return {"style": self.style}
