"""segment: which pixels are a person (region segmentation), with the views a video call uses.

The network is MediaPipe's selfie segmentation (MODEL_SOURCES.md section 9):
the whole frame squeezed to 256 x 256 RGB 0-1, out comes one probability per
pixel that it belongs to a person. Squeezing (not cropping) is how MediaPipe
feeds it: the whole frame is segmented, at the cost of stretched people on a
wide frame, which the network was trained to tolerate.

The processor makes the matte (threshold, soft edge, temporal smoothing, all
at 256 x 256 in :mod:`vision_desk.vision.matte`); the annotator composites it
at the frame's size in the chosen view: the mask itself, the person cut out,
the background blurred, or a picture behind the person. Temporal smoothing
keeps state from frame to frame, so with it on the frames come one at a time,
in order (:meth:`SegmentProcessor.concurrent_ok`).
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from vision_desk import runtime
from vision_desk.errors import SettingsError
from vision_desk.processors.base import Processor
from vision_desk.processors.settings import setting
from vision_desk.results import Segmentation
from vision_desk.vision import matte

MODEL_ID = "segment-selfie"
SIDE = 256
VIEWS = ("mask", "cutout", "blur", "replace")


def _check_background(path_text: str) -> None:
    path = Path(path_text).expanduser()
    if not path.is_file() or not cv2.haveImageReader(str(path)):
        raise SettingsError(f"segment.background: {path} is not a picture file that can be read (PNG, JPEG, "
                            "...); choose another, or leave it empty for the built-in backdrop")


@dataclass(frozen=True)
class SegmentSettings:
    view: str = setting("blur", choices=VIEWS,
                        help="mask = the person white on black; cutout = the person on black; blur = the "
                             "background blurred; replace = a picture behind the person")
    threshold: float = setting(0.5, range=(0.05, 0.95), step=0.05,
                               help="how sure the network must be that a pixel is a person")
    edge_smoothing: float = setting(0.4, range=(0.0, 1.0), step=0.05, label="edge smoothing",
                                    help="0 = a hard cut at the threshold; higher = a softer, feathered edge")
    temporal_smoothing: float = setting(0.5, range=(0.0, 0.9), step=0.05, label="temporal smoothing",
                                        help="how much of the previous frames' mask is kept where nothing "
                                             "moved, so the edge does not flicker (0 = off)")
    blur: float = setting(12.0, range=(2.0, 40.0), step=1.0, help="how strongly 'blur' blurs the background")
    background: str = setting("", label="background picture",
                              help="the picture behind the person in 'replace'; empty = a plain backdrop")

    def __post_init__(self) -> None:
        if self.background:
            _check_background(str(self.background))


def to_input(image: np.ndarray) -> np.ndarray:
    """BGR frame -> 1 x 256 x 256 x 3 RGB float 0-1 (the whole frame, squeezed)."""
    small = cv2.resize(image, (SIDE, SIDE), interpolation=cv2.INTER_AREA)
    return (cv2.cvtColor(small, cv2.COLOR_BGR2RGB).astype(np.float32) * np.float32(1 / 255))[None]


class SegmentProcessor(Processor[SegmentSettings, Segmentation]):
    name = "segment"
    settings_type = SegmentSettings

    def __init__(self, settings: SegmentSettings | None = None, **overrides: object) -> None:
        super().__init__(settings, **overrides)
        self._session: runtime.ModelSession | None = None
        self._smoother = matte.TemporalSmoother(self._settings.temporal_smoothing)
        self._background: np.ndarray | None = None

    def _load(self) -> None:
        self._session = runtime.create_session(MODEL_ID, config=self.runtime_config)
        self._smoother.strength = self._settings.temporal_smoothing
        self._background = self._read_background(self._settings.background)

    @staticmethod
    def _read_background(path_text: str) -> np.ndarray | None:
        if not path_text:
            return None
        from vision_desk.processors.style import read_picture

        return read_picture(path_text, owner="segment.background", what="background picture",
                            instead="leave it empty for the built-in backdrop")

    def _settings_changed(self, old: SegmentSettings, new: SegmentSettings) -> None:
        self._smoother.strength = new.temporal_smoothing
        if new.background != old.background:
            self._background = self._read_background(new.background)

    def concurrent_ok(self) -> bool:
        return self.settings.temporal_smoothing <= 0

    def reset(self) -> None:
        self._smoother.reset()  # the last video's person must not linger in the next one's first frames

    def close(self) -> None:
        self._smoother.reset()
        self._background = None
        super().close()

    def probability(self, image: np.ndarray) -> np.ndarray:
        """The network's 256 x 256 person probability for a BGR frame (no smoothing)."""
        assert self._session is not None
        return self._session.run({"input_1": to_input(image)})[0][0, :, :, 0]

    def _process(self, image: np.ndarray) -> Segmentation:
        s = self._settings
        prob = self._smoother(self.probability(image))
        alpha = matte.soft_matte(prob, s.threshold, s.edge_smoothing)
        return Segmentation(alpha, float((prob >= s.threshold).mean()), s.view, s.blur, self._background)

    def core_call(self, image: np.ndarray) -> Callable[[], object]:
        self._ready()
        assert self._session is not None
        session, feeds = self._session, {"input_1": to_input(image)}
        return lambda: session.run(feeds)
