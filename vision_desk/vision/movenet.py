"""MoveNet MultiPose Lightning's output, decoded into the app's 18-keypoint (OpenPose) order.

MoveNet decodes inside the graph: for each of up to 6 people it gives 17 COCO keypoints as (y, x, score),
normalised to the network input, then the person's box (ymin, xmin, ymax, xmax) and score. The app's JSON
keeps one schema for both pose models, the OpenPose order of :data:`vision_desk.results.KEYPOINT_NAMES`:

- the 17 COCO keypoints map by name (COCO's "left_shoulder" is OpenPose's "l_shoulder", and so on; both mean
  the person's own left);
- OpenPose's 18th, the neck, is not a MoveNet keypoint: it is the midpoint of the two shoulders when both
  are found, with the lower of their two scores; otherwise missing.

Input: the frame letterboxed (top-left, grey padding) so that its longer side is 256 and both sides are
multiples of 32 (MoveNet's stride), RGB int32 0-255.
"""
from __future__ import annotations

import cv2
import numpy as np

from vision_desk.results import KEYPOINT_NAMES, NUM_KEYPOINTS
from vision_desk.vision.letterbox import LetterboxMeta, letterbox, round_up

MAX_PEOPLE = 6
LONGER_SIDE = 256  # the size MoveNet Lightning was trained at
STRIDE = 32
PAD_VALUE = 128
COCO_KEYPOINTS = ("nose", "l_eye", "r_eye", "l_ear", "r_ear", "l_shoulder", "r_shoulder", "l_elbow", "r_elbow",
                  "l_wrist", "r_wrist", "l_hip", "r_hip", "l_knee", "r_knee", "l_ankle", "r_ankle")
TO_OPENPOSE = np.array([KEYPOINT_NAMES.index(name) for name in COCO_KEYPOINTS])  # COCO index -> OpenPose index
NECK = KEYPOINT_NAMES.index("neck")
SHOULDERS = (KEYPOINT_NAMES.index("r_shoulder"), KEYPOINT_NAMES.index("l_shoulder"))


def input_size(src_w: int, src_h: int) -> tuple[int, int]:
    """The network input (width, height): the longer side 256, the other the frame's aspect, both to 32."""
    if src_w >= src_h:
        return LONGER_SIDE, max(STRIDE, round_up(LONGER_SIDE * src_h / src_w, STRIDE))
    return max(STRIDE, round_up(LONGER_SIDE * src_w / src_h, STRIDE)), LONGER_SIDE


def prepare(image: np.ndarray) -> tuple[np.ndarray, LetterboxMeta]:
    """A BGR frame -> (1 x H x W x 3 int32 RGB 0-255, how the frame sits in it)."""
    h, w = image.shape[:2]
    size = input_size(w, h)
    shrink = min(size[0] / w, size[1] / h) < 0.5  # area averaging keeps thin limbs when shrinking a lot
    padded, meta = letterbox(image, size, pad_value=PAD_VALUE,
                             interpolation=cv2.INTER_AREA if shrink else cv2.INTER_LINEAR)
    return cv2.cvtColor(padded, cv2.COLOR_BGR2RGB).astype(np.int32)[None], meta


def decode(output: np.ndarray, input_wh: tuple[int, int], *, keypoint_threshold: float,
           person_threshold: float, min_keypoints: int) -> tuple[np.ndarray, np.ndarray]:
    """MoveNet's ``[1, 6, 56]`` (or ``[6, 56]``) output -> (P x 18 x 3 keypoints (x, y, score) in network input
    pixels, NaN where missing; P person scores), people above ``person_threshold`` with at least
    ``min_keypoints`` keypoints above ``keypoint_threshold``, best first."""
    rows = np.asarray(output, np.float32).reshape(-1, 56)
    w, h = input_wh
    people, scores = [], []
    for row in rows[np.argsort(-rows[:, 55], kind="stable")]:
        if row[55] < person_threshold:
            continue
        coco = row[:51].reshape(17, 3)
        kps = np.full((NUM_KEYPOINTS, 3), np.nan, np.float32)
        kps[:, 2] = 0.0
        found = coco[:, 2] >= keypoint_threshold
        # (y, x) normalised -> (x, y) network pixels, in OpenPose's order
        kps[TO_OPENPOSE[found], 0] = coco[found, 1] * w
        kps[TO_OPENPOSE[found], 1] = coco[found, 0] * h
        kps[TO_OPENPOSE[found], 2] = coco[found, 2]
        right, left = kps[SHOULDERS[0]], kps[SHOULDERS[1]]
        if not (np.isnan(right[0]) or np.isnan(left[0])):
            kps[NECK, :2] = (right[:2] + left[:2]) / 2
            kps[NECK, 2] = min(right[2], left[2])
        if int(found.sum()) >= min_keypoints:
            people.append(kps)
            scores.append(row[55])
    if not people:
        return np.zeros((0, NUM_KEYPOINTS, 3), np.float32), np.zeros(0, np.float32)
    return np.stack(people), np.asarray(scores, np.float32)
