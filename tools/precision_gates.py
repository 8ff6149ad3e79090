"""The accuracy gates an INT8 model must pass against its FP32 original (used by the tools and the tests).

Both gates compare what the user would get: the processors' own pre- and
post-processing around each session, on real frames.

- objects: every FP32 detection scoring above 0.6 is found by INT8 with the
  same label and IoU >= 0.85;
- pose: the same number of people on >= 95% of the frames where FP32 finds
  people, and keypoints found by both within 4 px at network input for >= 95%
  of them.

Frames: the sample clip's frames are split by index. Every 8th frame (0, 8,
16, ...) calibrates the quantizer; the gates are checked on the others, so a
model is never judged on the frames it was calibrated on.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

CALIBRATION_EVERY = 8  # frames 0, 8, 16, ... of the sample clip calibrate; the rest are for checking
OBJECTS_MIN_SCORE = 0.6
OBJECTS_MIN_IOU = 0.85
POSE_SAME_COUNT = 0.95
POSE_MAX_PX = 4.0
POSE_KEYPOINTS_CLOSE = 0.95


def sample_clip() -> Path:
    from vision_desk.sources.sample import sample_clip_path

    return sample_clip_path()


def clip_frames(indices: Iterable[int] | None = None, path: Path | None = None) -> list[np.ndarray]:
    """Frames of the sample clip (BGR), all or those at ``indices``, read in order."""
    wanted = None if indices is None else set(indices)
    cap = cv2.VideoCapture(str(path or sample_clip()))
    frames, i = [], 0
    try:
        while True:
            ok, frame = cap.read()
            if not ok:
                break
            if wanted is None or i in wanted:
                frames.append(frame)
            i += 1
    finally:
        cap.release()
    return frames


def calibration_indices(total: int = 400) -> list[int]:
    return list(range(0, total, CALIBRATION_EVERY))


def check_indices(total: int = 400, offset: int = CALIBRATION_EVERY // 2) -> list[int]:
    """Frames never used for calibration: halfway between two calibration frames."""
    return list(range(offset, total, CALIBRATION_EVERY))


def iou(a: np.ndarray, b: np.ndarray) -> float:
    x1, y1 = max(a[0], b[0]), max(a[1], b[1])
    x2, y2 = min(a[2], b[2]), min(a[3], b[3])
    inter = max(0.0, x2 - x1) * max(0.0, y2 - y1)
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return float(inter / union) if union > 0 else 0.0


@dataclass
class ObjectsReport:
    checked: int = 0  # FP32 detections above the score
    found: int = 0  # ... that INT8 found (same label, IoU >= the gate)
    ious: list[float] | None = None
    missed: list[str] | None = None
    min_iou: float = OBJECTS_MIN_IOU

    @property
    def passed(self) -> bool:
        return self.found == self.checked

    def line(self) -> str:
        mean_iou = float(np.mean(self.ious)) if self.ious else float("nan")
        return (f"objects: {self.found}/{self.checked} FP32 detections above {OBJECTS_MIN_SCORE} found by INT8 "
                f"(IoU >= {self.min_iou:g}, same label); mean IoU {mean_iou:.3f}"
                + (f"; missed: {', '.join(self.missed[:5])}" if self.missed else ""))


def compare_objects(fp32: Sequence, int8: Sequence, min_iou: float = OBJECTS_MIN_IOU) -> ObjectsReport:
    """``fp32``/``int8``: Detections per frame from the objects processor. ``min_iou`` above the gate's
    gives a margin (the quantizer selects with one on calibration frames)."""
    rep = ObjectsReport(ious=[], missed=[], min_iou=min_iou)
    for i, (a, b) in enumerate(zip(fp32, int8)):
        for box, score, label in zip(a.boxes, a.scores, a.labels):
            if score <= OBJECTS_MIN_SCORE:
                continue
            rep.checked += 1
            best = max((iou(box, bb) for bb, lb in zip(b.boxes, b.labels) if lb == label), default=0.0)
            if best >= min_iou:
                rep.found += 1
                rep.ious.append(best)
            else:
                rep.missed.append(f"frame {i} {label} {score:.2f} (best IoU {best:.2f})")
    return rep


@dataclass
class PoseReport:
    frames_with_people: int = 0
    same_count: int = 0
    keypoints_both: int = 0
    keypoints_close: int = 0
    keypoints_fp32: int = 0  # keypoints of FP32 people that were matched to an INT8 person or not
    people_fp32: int = 0
    people_int8: int = 0

    @property
    def same_count_share(self) -> float:
        return self.same_count / self.frames_with_people if self.frames_with_people else 1.0

    @property
    def close_share(self) -> float:
        return self.keypoints_close / self.keypoints_both if self.keypoints_both else 0.0

    @property
    def passed(self) -> bool:
        return self.passed_with(0.0)

    def passed_with(self, margin: float) -> bool:
        """The gate with both shares raised by ``margin`` (e.g. 0.02: 97% instead of 95%)."""
        return (self.same_count_share >= POSE_SAME_COUNT + margin
                and self.close_share >= POSE_KEYPOINTS_CLOSE + margin)

    def line(self) -> str:
        lost = 1 - self.keypoints_both / self.keypoints_fp32 if self.keypoints_fp32 else 0.0
        return (f"pose: same number of people on {self.same_count}/{self.frames_with_people} frames with people "
                f"({self.same_count_share:.1%}, gate {POSE_SAME_COUNT:.0%}); keypoints within {POSE_MAX_PX:g} px "
                f"(network input): {self.keypoints_close}/{self.keypoints_both} ({self.close_share:.1%}, gate "
                f"{POSE_KEYPOINTS_CLOSE:.0%}); FP32 keypoints without an INT8 match {lost:.1%}; people "
                f"{self.people_fp32} FP32 / {self.people_int8} INT8")


def compare_pose(fp32: Sequence, int8: Sequence, scales: Sequence[float]) -> PoseReport:
    """``fp32``/``int8``: Poses per frame; ``scales``: network input pixels per frame pixel, per frame.

    People are paired greedily by the mean distance of the keypoints both have.
    """
    rep = PoseReport()
    for a, b, scale in zip(fp32, int8, scales):
        ka, kb = np.asarray(a.keypoints, np.float64), np.asarray(b.keypoints, np.float64)
        rep.people_fp32 += len(ka)
        rep.people_int8 += len(kb)
        if len(ka) == 0:
            continue
        rep.frames_with_people += 1
        rep.same_count += int(len(ka) == len(kb))
        rep.keypoints_fp32 += int(np.sum(_found(ka)))
        pairs = []
        for i in range(len(ka)):
            for j in range(len(kb)):
                both = _found(ka[i]) & _found(kb[j])
                if both.any():
                    d = np.hypot(*(ka[i, both, :2] - kb[j, both, :2]).T).mean()
                    pairs.append((d, i, j))
        used_a, used_b = set(), set()
        for _, i, j in sorted(pairs):
            if i in used_a or j in used_b:
                continue
            used_a.add(i)
            used_b.add(j)
            both = _found(ka[i]) & _found(kb[j])
            dist = np.hypot(*(ka[i, both, :2] - kb[j, both, :2]).T) * scale
            rep.keypoints_both += int(both.sum())
            rep.keypoints_close += int(np.sum(dist <= POSE_MAX_PX))
    return rep


def _found(kp: np.ndarray) -> np.ndarray:
    """Keypoints present (the Poses array marks missing ones with a zero score / NaN)."""
    return np.isfinite(kp[..., 0]) & (kp[..., 2] > 0)
