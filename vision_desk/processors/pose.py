"""Body pose: OpenPose (heatmaps + Part Affinity Fields) on MobileNet-thin, or MoveNet MultiPose Lightning.

How it works, briefly: the network looks at the whole frame once and gives, at
1/8 of the input resolution, a "where is a nose / a neck / ..." heatmap for
each of 18 keypoint types, and for each of 19 limbs a field of little arrows
that point along that limb wherever one is (the Part Affinity Field). The
decoder (:mod:`vision_desk.vision.paf_decoder`) finds heatmap peaks, links
them where the arrows agree, and groups the links into people. The cost does
not grow with the number of people, unlike detect-then-estimate methods.

The model takes raw BGR 0-255 (no mean, no scaling) and any input size that is
a multiple of 8. The frame is scaled to ``input_height`` keeping its aspect
ratio (a squashed person splits in two) and padded to a multiple of 8.
The teaching view shows one heatmap or the strength of one limb's field.

``model = "movenet"`` runs MoveNet MultiPose Lightning instead (Google; up to 6 people, decoded inside the
network, ~3x faster): :mod:`vision_desk.vision.movenet` maps its 17 COCO keypoints onto the same 18-entry
order, so the JSON and the drawing stay the same. It has no heatmaps or fields, so the teaching view
needs OpenPose: with a view on, OpenPose runs (and the settings say so) whatever the model setting.
OpenPose stays the default: a fresh install shows the lecture's heatmap/PAF view, and its figures in the
README were measured with it; MoveNet is the choice for speed (README, "Pose: MoveNet or OpenPose").
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import cv2
import numpy as np

from vision_desk import runtime
from vision_desk.processors.base import Processor
from vision_desk.processors.settings import setting
from vision_desk.results import KEYPOINT_NAMES, Poses
from vision_desk.vision import movenet
from vision_desk.vision.letterbox import LetterboxMeta, fit_size, letterbox
from vision_desk.vision.paf_decoder import (
    BACKGROUND_CHANNEL,
    LIMB_NAMES,
    LIMB_PAF_CHANNELS,
    NUM_HEATMAPS,
    PafDecoder,
)

MODEL_ID = "pose-openpose-mobilenet-thin"
MOVENET_ID = "pose-movenet-multipose-lightning"
OPENPOSE, MOVENET = "openpose", "movenet"
STRIDE = 8
INPUT_HEIGHTS = (256, 368, 432)
# Padding colour: mid grey, as CMU's own demo pads. The width follows the frame's aspect ratio, so the
# padding is a few columns (to a multiple of 8) unless the frame is wider than 4:1.
PAD_VALUE = 128
# MoveNet's scores are calibrated differently from OpenPose's heatmap values: the keypoint threshold is at
# least 0.3 and a person needs a score of 0.25 (the thresholds of TensorFlow.js's pose-detection demos).
MOVENET_MIN_KEYPOINT_SCORE = 0.3
MOVENET_MIN_PERSON_SCORE = 0.25
VIEW_OFF = "off"
VIEW_BACKGROUND = "background"
VIEW_CHOICES: tuple[str, ...] = (VIEW_OFF, *KEYPOINT_NAMES, VIEW_BACKGROUND, *LIMB_NAMES)


@dataclass(frozen=True)
class PoseSettings:
    model: str = setting(OPENPOSE, choices=(OPENPOSE, MOVENET), reload=True, label="pose model",
                         help="openpose: OpenPose MobileNet-thin (heatmaps and limb fields, the teaching view); "
                              "movenet: MoveNet MultiPose Lightning, ~3x faster, up to 6 people, no teaching "
                              "view (a view on runs OpenPose)")
    input_height: int = setting(368, choices=INPUT_HEIGHTS, label="network input height",
                                help="height the frame is scaled to for the network (width follows the aspect "
                                     "ratio): 256 is ~2x faster, 432 finds smaller people")
    keypoint_threshold: float = setting(0.1, range=(0.01, 1.0), step=0.01,
                                        help="heatmap value a keypoint needs; lower finds more (and more "
                                             "false) keypoints")
    limb_threshold: float = setting(0.05, range=(0.0, 1.0), step=0.01,
                                    help="how well the limb field must point along a candidate limb for its "
                                         "samples to count; higher links fewer keypoints")
    min_keypoints: int = setting(4, range=(1, 18), help="people with fewer keypoints are dropped")
    view: str = setting(VIEW_OFF, choices=VIEW_CHOICES, label="teaching view",
                        help="show what the network sees: one keypoint heatmap (e.g. nose), the background map, "
                             "or the strength of one limb's affinity field (e.g. neck-r_shoulder); off to hide")


def overlay_title(view: str) -> str:
    """Human-readable name of a teaching-view channel."""
    if view in KEYPOINT_NAMES:
        return f"heatmap: {view}"
    if view == VIEW_BACKGROUND:
        return "heatmap: background"
    return f"limb field (PAF): {view}"


class PoseProcessor(Processor[PoseSettings, Poses]):
    name = "pose"
    settings_type = PoseSettings

    def __init__(self, settings: PoseSettings | None = None, **overrides: object) -> None:
        super().__init__(settings, **overrides)
        self._session: runtime.ModelSession | None = None
        self._decoder = self._make_decoder(self._settings)

    @staticmethod
    def _make_decoder(s: PoseSettings) -> PafDecoder:
        return PafDecoder(keypoint_threshold=s.keypoint_threshold, limb_threshold=s.limb_threshold,
                          min_keypoints=s.min_keypoints)

    def runs_movenet(self, settings: PoseSettings | None = None) -> bool:
        """MoveNet where chosen, unless the teaching view (OpenPose's maps) is on."""
        s = settings or self._settings
        return s.model == MOVENET and s.view == VIEW_OFF

    def _load(self) -> None:
        model_id = MOVENET_ID if self.runs_movenet() else MODEL_ID
        self._session = runtime.create_session(model_id, config=self.runtime_config)
        self._input_name = self._session.input_names[0]
        self._decoder = self._make_decoder(self._settings)

    def _settings_changed(self, old: PoseSettings, new: PoseSettings) -> None:
        if self.runs_movenet(old) != self.runs_movenet(new):  # the view switched the network
            self._loaded = False
            self.load()
            return
        # A new object rather than mutating the old one: a frame being decoded keeps its own.
        self._decoder = self._make_decoder(new)

    # --- the pipeline -------------------------------------------------------------------
    def prepare(self, image: np.ndarray) -> tuple[np.ndarray, LetterboxMeta]:
        """The network input (OpenPose: 1 x 3 x H x W float32 BGR 0-255; MoveNet: see
        :func:`vision_desk.vision.movenet.prepare`) and how the frame sits in it."""
        if self.runs_movenet():
            return movenet.prepare(image)
        h, w = image.shape[:2]
        size = fit_size(w, h, self._settings.input_height, multiple=STRIDE)
        # Shrinking a lot (1080p -> 368) with bilinear sampling aliases thin limbs away; area
        # averaging does not, but costs ~5x more, so it is kept for big reductions only.
        shrink = min(size[0] / w, size[1] / h) < 0.5
        padded, meta = letterbox(image, size, pad_value=PAD_VALUE,
                                 interpolation=cv2.INTER_AREA if shrink else cv2.INTER_LINEAR)
        # blobFromImage: HWC uint8 -> NCHW float32 in one C pass (no scaling, no mean, no swap).
        return cv2.dnn.blobFromImage(padded), meta

    def _run(self, blob: np.ndarray) -> np.ndarray:
        assert self._session is not None, "load() first"
        return self._session.run({self._input_name: blob})[0][0]  # OpenPose h/8 x w/8 x 57; MoveNet 6 x 56

    def _process(self, image: np.ndarray) -> Poses:
        if self.runs_movenet():
            return self._process_movenet(image)
        decoder, view = self._decoder, self._settings.view
        blob, meta = self.prepare(image)
        maps = self._run(blob)
        keypoints, scores = decoder(maps[:, :, :NUM_HEATMAPS], maps[:, :, NUM_HEATMAPS:], STRIDE)
        keypoints[:, :, :2] = meta.to_source(keypoints[:, :, :2])
        poses = Poses(keypoints, scores)
        if view != VIEW_OFF:
            poses.overlay = teaching_overlay(maps, view, meta, image.shape[:2])
            poses.overlay_name = overlay_title(view)
        return poses

    def _process_movenet(self, image: np.ndarray) -> Poses:
        s = self._settings
        x, meta = movenet.prepare(image)
        keypoints, scores = movenet.decode(self._run(x), meta.dst_size,
                                           keypoint_threshold=max(s.keypoint_threshold, MOVENET_MIN_KEYPOINT_SCORE),
                                           person_threshold=MOVENET_MIN_PERSON_SCORE, min_keypoints=s.min_keypoints)
        keypoints[:, :, :2] = meta.to_source(keypoints[:, :, :2])
        return Poses(keypoints, scores)

    def core_call(self, image: np.ndarray) -> Callable[[], object]:
        """The bare ``session.run`` on this frame's already letterboxed input (at the settings the next frame uses)."""
        self._ready()
        blob, _ = self.prepare(image)
        return lambda: self._run(blob)


def teaching_overlay(maps: np.ndarray, view: str, meta: LetterboxMeta, frame_hw: tuple[int, int]) -> np.ndarray:
    """One map channel (a heatmap, or a limb field's magnitude) as float32 0..1, warped onto the frame."""
    if view in KEYPOINT_NAMES:
        channel = maps[:, :, KEYPOINT_NAMES.index(view)]
    elif view == VIEW_BACKGROUND:
        channel = maps[:, :, BACKGROUND_CHANNEL]
    else:
        cx, cy = LIMB_PAF_CHANNELS[LIMB_NAMES.index(view)]
        channel = np.hypot(maps[:, :, NUM_HEATMAPS + cx], maps[:, :, NUM_HEATMAPS + cy])
    channel = np.clip(channel, 0.0, 1.0).astype(np.float32)
    # Frame pixel index u (centre u + 0.5) -> network (u + 0.5) * scale + pad -> map index that / 8 - 0.5.
    k = meta.scale / STRIDE
    m = np.array([[k, 0.0, 0.5 * k + meta.pad[0] / STRIDE - 0.5],
                  [0.0, k, 0.5 * k + meta.pad[1] / STRIDE - 0.5]], np.float64)
    h, w = frame_hw
    out = cv2.warpAffine(channel, m, (w, h), flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP,
                         borderMode=cv2.BORDER_REPLICATE)
    return np.clip(out, 0.0, 1.0)
