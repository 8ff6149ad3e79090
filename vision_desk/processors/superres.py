"""superres: a GAN's x4 super-resolution of a region of the frame, beside bicubic interpolation.

The network is Real-ESRGAN's ``realesr-animevideov3`` x4 (Wang et al. 2021;
MODEL_SOURCES.md section 6): 16 convolutions at the input's resolution, a
pixel shuffle to 4x, plus the nearest-neighbour enlargement of the input. It
was trained with a GAN loss, so it draws edges and texture it believes are
there rather than the blurred average that bicubic (and any pixel-loss
network) gives.

Two modes, for the two halves of the lesson:

- ``zoom``: the region enlarged x4 (GAN and bicubic side by side). What the
  camera never recorded is invented: nothing to score against, so only the
  sharpness (gradient energy) is shown.
- ``check``: the region shrunk to a quarter first, then enlarged back by
  both; now the real region is the answer, so PSNR can be measured. The GAN
  is sharper and scores LOWER on PSNR than bicubic: pixel-exact measures
  punish invented detail that is not exactly where the real one was.

The region is the ``region`` setting (dragged in the window), else the
largest face when the faces processor is on, else the centre of the frame.
"""
from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import cv2
import numpy as np

from vision_desk import runtime
from vision_desk.errors import SettingsError
from vision_desk.processors.base import Processor
from vision_desk.processors.settings import setting
from vision_desk.results import SUPERRES_SCALE, SuperResolved
from vision_desk.vision.tensors import from_nchw_rgb, to_nchw_rgb

MODEL_ID = "superres-realesr-animevideov3-x4"
SCALE = SUPERRES_SCALE
MODES = ("zoom", "check")
MAX_INPUT_SIDE = 256  # the network's input is capped: 256x256 -> 1024x1024 already takes ~1 s on 2 cores
MIN_REGION = 16


def parse_region(text: str, owner: str = "superres.region") -> tuple[int, int, int, int] | None:
    """``"x,y,w,h"`` (frame pixels) -> (x, y, w, h); ``""`` -> None (automatic). ``owner`` names the setting."""
    text = (text or "").strip()
    if not text:
        return None
    try:
        x, y, w, h = (int(round(float(v))) for v in text.split(","))
    except ValueError:
        raise SettingsError(f"{owner}: cannot read {text!r}; give x,y,width,height in frame pixels "
                            "(e.g. '100,80,128,128') or leave it empty for the centre") from None
    if w < MIN_REGION or h < MIN_REGION or x < 0 or y < 0:
        raise SettingsError(f"{owner}: {text!r} must start at 0 or more and be at least {MIN_REGION} "
                            "pixels wide and high")
    return x, y, w, h


@dataclass(frozen=True)
class SuperresSettings:
    mode: str = setting("zoom", choices=MODES,
                        help="zoom = enlarge the region x4 (GAN beside bicubic); check = shrink the region to a "
                             "quarter, enlarge it back and score both against the real region (PSNR)")
    size: int = setting(128, range=(32, 256), step=16,
                        help="side in frame pixels of the automatic (centre or face) region")
    region: str = setting("", help="the region as x,y,width,height in frame pixels (drag it in the window); "
                                   "empty = the largest face when faces is on, else the centre")
    follow_faces: bool = setting(True, label="follow faces",
                                 help="with no region set and faces on: zoom on the largest face")

    def __post_init__(self) -> None:
        parse_region(str(self.region))


def gradient_energy(bgr: np.ndarray) -> float:
    """Mean squared Sobel gradient of the grey image (0-255 units): higher = more edges and texture."""
    grey = cv2.cvtColor(bgr, cv2.COLOR_BGR2GRAY).astype(np.float32)
    gx = cv2.Sobel(grey, cv2.CV_32F, 1, 0, ksize=3)
    gy = cv2.Sobel(grey, cv2.CV_32F, 0, 1, ksize=3)
    return float(np.mean(gx * gx + gy * gy))


def psnr(a: np.ndarray, b: np.ndarray) -> float:
    mse = float(np.mean((a.astype(np.float32) - b.astype(np.float32)) ** 2))
    return float("inf") if mse == 0 else float(10.0 * np.log10(255.0 ** 2 / mse))


def bicubic_x4(bgr: np.ndarray) -> np.ndarray:
    h, w = bgr.shape[:2]
    return cv2.resize(bgr, (w * SCALE, h * SCALE), interpolation=cv2.INTER_CUBIC)


def largest_face(results: Mapping[str, Any] | None) -> tuple[float, float, float, float] | None:
    faces = (results or {}).get("faces")
    boxes = getattr(faces, "boxes", None)
    if boxes is None or len(boxes) == 0:
        return None
    areas = (boxes[:, 2] - boxes[:, 0]) * (boxes[:, 3] - boxes[:, 1])
    return tuple(float(v) for v in boxes[int(np.argmax(areas))])  # type: ignore[return-value]


def choose_region(width: int, height: int, s: SuperresSettings,
                  face: tuple[float, float, float, float] | None) -> tuple[tuple[int, int, int, int], str]:
    """The region (x1 y1 x2 y2, inside the frame) and where it came from."""
    given = parse_region(s.region)
    if given is not None:
        x, y, w, h = given
        x1, y1 = min(x, max(0, width - MIN_REGION)), min(y, max(0, height - MIN_REGION))
        return (x1, y1, min(width, x1 + w), min(height, y1 + h)), "region"
    side = min(s.size, width, height)
    if face is not None and s.follow_faces:
        cx, cy = (face[0] + face[2]) / 2, (face[1] + face[3]) / 2
        side = min(max(side, int(face[2] - face[0])), width, height, MAX_INPUT_SIDE)
        source = "face"
    else:
        cx, cy, source = width / 2, height / 2, "centre"
    x1 = int(np.clip(round(cx - side / 2), 0, width - side))
    y1 = int(np.clip(round(cy - side / 2), 0, height - side))
    return (x1, y1, x1 + side, y1 + side), source


def _fit_input(patch: np.ndarray) -> np.ndarray:
    """Shrink a patch whose long side is over MAX_INPUT_SIDE (keeps the GAN's time bounded)."""
    h, w = patch.shape[:2]
    if max(h, w) <= MAX_INPUT_SIDE:
        return patch
    k = MAX_INPUT_SIDE / max(h, w)
    return cv2.resize(patch, (max(1, round(w * k)), max(1, round(h * k))), interpolation=cv2.INTER_AREA)


class SuperresProcessor(Processor[SuperresSettings, SuperResolved]):
    name = "superres"
    settings_type = SuperresSettings
    reads_results = True  # the pipeline passes the results so far (faces) to process()

    def __init__(self, settings: SuperresSettings | None = None, **overrides: object) -> None:
        super().__init__(settings, **overrides)
        self._session: runtime.ModelSession | None = None
        self._face = threading.local()  # per worker thread: frames may be in flight on several threads

    def _load(self) -> None:
        self._session = runtime.create_session(MODEL_ID, config=self.runtime_config)

    def process(self, image: np.ndarray, results: Mapping[str, Any] | None = None) -> SuperResolved:
        """Like every processor's; ``results`` (what ran before on this frame) lets it follow a face."""
        self._face.box = largest_face(results)
        try:
            return super().process(image)
        finally:
            self._face.box = None

    def enlarge(self, patch: np.ndarray) -> np.ndarray:
        """The GAN's x4 of a BGR uint8 patch."""
        self._ready()
        assert self._session is not None
        return from_nchw_rgb(self._session.run({"input": to_nchw_rgb(patch)})[0])

    def _inputs(self, image: np.ndarray, s: SuperresSettings) -> tuple[tuple[int, int, int, int], str, np.ndarray,
                                                                       np.ndarray | None]:
        h, w = image.shape[:2]
        region, source = choose_region(w, h, s, getattr(self._face, "box", None))
        x1, y1, x2, y2 = region
        patch = image[y1:y2, x1:x2]
        if s.mode == "check":
            ph, pw = (patch.shape[0] // SCALE) * SCALE, (patch.shape[1] // SCALE) * SCALE
            if ph == 0 or pw == 0:  # a frame a few pixels wide: enlarge it to one 4x4 block to have something to shrink
                patch = cv2.resize(patch, (max(SCALE, pw), max(SCALE, ph)), interpolation=cv2.INTER_NEAREST)
                ph, pw = patch.shape[:2]
            reference = _fit_input(patch[:ph, :pw]) if max(ph, pw) > MAX_INPUT_SIDE else patch[:ph, :pw]
            small = cv2.resize(reference, (reference.shape[1] // SCALE, reference.shape[0] // SCALE),
                               interpolation=cv2.INTER_AREA)
            return region, source, small, np.ascontiguousarray(reference)
        return region, source, np.ascontiguousarray(_fit_input(patch)), None

    def _process(self, image: np.ndarray) -> SuperResolved:
        assert self._session is not None
        s = self._settings
        region, source, small, reference = self._inputs(image, s)
        gan = from_nchw_rgb(self._session.run({"input": to_nchw_rgb(small)})[0])
        bicubic = bicubic_x4(small)
        result = SuperResolved(region, s.mode, gan, bicubic, reference, gradient_energy(gan),
                               gradient_energy(bicubic), source=source)
        if reference is not None:
            result.psnr_gan, result.psnr_bicubic = psnr(gan, reference), psnr(bicubic, reference)
        return result

    def core_call(self, image: np.ndarray) -> Callable[[], object]:
        """The bare ``session.run`` on this frame's region."""
        self._ready()
        assert self._session is not None
        session = self._session
        _, _, small, _ = self._inputs(image, self._settings)
        feeds = {"input": to_nchw_rgb(small)}
        return lambda: session.run(feeds)
