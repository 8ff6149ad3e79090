"""Faces: Viola-Jones Haar cascades (OpenCV's bundled XML files).

How it works, briefly: a cascade slides a small window (24x24 for the frontal
default cascade) over an image pyramid and runs a chain of ever stricter
Haar-feature tests; almost every window fails in the first stages, which is
why it is fast. A real face passes at many neighbouring positions and scales,
a false alarm at few, so the windows are grouped and a group needs
``min_neighbors`` members to count. Teaching mode keeps the raw windows so the
window can show exactly that.

Speed: the cost grows with the number of pixels scanned, so detection runs on
a downscaled grayscale copy and the boxes are mapped back. The scale is
``detect_scale``, but never more than ``max_detect_width / frame width``: a
fixed factor alone scans a 1080p frame at 960x540, 2.25x the pixels of the
640x360 the cap allows (measured: ~250 ms vs ~125 ms per 1080p frame on 2
cores, benchmarks/bench_faces_frame_size.py), while the faces in it are no
smaller a part of the picture. The price of any downscale: the smallest face
found is about ``window / scale`` frame pixels (48 px for the default cascade
at 0.5, 72 px in a 1080p frame capped at 640).
"""
from __future__ import annotations

import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from vision_desk.errors import ModelError
from vision_desk.processors.base import Processor
from vision_desk.processors.settings import setting
from vision_desk.results import Faces

CASCADE_FILES = {
    "frontal": "haarcascade_frontalface_default.xml",
    "frontal_alt2": "haarcascade_frontalface_alt2.xml",
    "profile": "haarcascade_profileface.xml",
}
EYE_FILE = "haarcascade_eye.xml"
GROUP_EPS = 0.2  # what detectMultiScale itself uses to group windows
# Eye search: the face's upper part, resized to this width so eyes are well above the 20 px eye window.
EYE_FACE_WIDTH = 120  # eyes then measure ~30 px (window 20 px); 160 finds the same eyes at 2x the cost
EYE_WINDOW = 20  # haarcascade_eye.xml's window: nothing smaller can be found
EYE_REGION = (0.12, 0.62)  # fraction of the face height: eyes sit in this band of a Haar face box
PROFILE_MERGE_IOU = 0.3  # a face found in both orientations is kept once


@dataclass(frozen=True)
class FacesSettings:
    cascade: str = setting("frontal", choices=tuple(CASCADE_FILES), reload=True,
                           help="which cascade: frontal (OpenCV default), frontal_alt2 (fewer false alarms), "
                                "profile (side views; run on the image and its mirror)")
    scale_factor: float = setting(1.1, range=(1.01, 2.0), step=0.01,
                                  help="pyramid step between window sizes: lower finds more, slower")
    min_neighbors: int = setting(5, range=(0, 50),
                                 help="how many overlapping raw windows a face needs; higher = fewer false alarms "
                                      "(0 = every raw window)")
    min_size: int = setting(48, range=(8, 4096),
                            help="smallest face in pixels of the frame (faces below about 24/scale px "
                                 "are missed anyway, where scale is what detect scale and max detect width give)")
    detect_scale: float = setting(0.5, range=(0.1, 1.0), step=0.05,
                                  help="detect on the frame scaled by this: 0.5 is ~3x faster than 1.0")
    max_detect_width: int = setting(640, range=(0, 7680), step=16,
                                    help="detect on at most this many pixels across, whatever the frame size "
                                         "(a 1080p frame at 640: ~2x faster than at detect scale 0.5 alone); "
                                         "0 = no limit")
    # Off by default: on the bundled clip, equalizing turned the blank wall beside the astronaut into a
    # "face" in 23 of the first 75 frames (none without it), and without it 133 instead of 120 real faces
    # were found in the group shot (tests/test_faces.py::test_sample_clip_opening_has_no_false_face).
    equalize: bool = setting(False, help="equalize the grayscale histogram first: helps with dim or harsh "
                                         "lighting, but turns flat walls into false faces more often")
    eyes: bool = setting(False, help="also look for eyes in the upper part of each face")
    teaching: bool = setting(False, label="show raw windows (before grouping)",
                             help="also return the raw candidate windows before grouping")


def cascade_path(filename: str) -> Path:
    """Where OpenCV's wheel keeps its Haar cascade XML files."""
    return Path(cv2.data.haarcascades) / filename


def load_cascade(path: str | Path) -> cv2.CascadeClassifier:
    """Load one cascade; a missing or damaged file is a ModelError that names it."""
    path = Path(path)
    hint = "reinstall opencv-python-headless (4.x; OpenCV 5 dropped the cascades)"
    if not path.is_file():
        raise ModelError(f"Haar cascade file {path} is missing; {hint}")
    clf = cv2.CascadeClassifier()
    try:
        ok = clf.load(str(path))
    except (cv2.error, SystemError) as exc:  # a malformed XML raises inside OpenCV's file reader
        text = str(exc).strip()
        m = re.search(r"error: \([^)]*\) (.+)", text)  # drop OpenCV's source-file prefix
        reason = m.group(1) if m else (text.splitlines()[-1] if text else type(exc).__name__)
        raise ModelError(f"Haar cascade file {path} could not be loaded ({reason}); {hint}") from None
    if not ok or clf.empty():
        raise ModelError(f"Haar cascade file {path} could not be loaded (not a valid cascade); {hint}")
    return clf


def _xywh_to_xyxy(rects: np.ndarray) -> np.ndarray:
    r = np.asarray(rects, dtype=np.float32).reshape(-1, 4)
    return np.concatenate([r[:, :2], r[:, :2] + r[:, 2:]], axis=1)


def _iou_matrix(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    lt = np.maximum(a[:, None, :2], b[None, :, :2])
    rb = np.minimum(a[:, None, 2:], b[None, :, 2:])
    inter = np.prod(np.clip(rb - lt, 0, None), axis=2)
    area_a = np.prod(a[:, 2:] - a[:, :2], axis=1)
    area_b = np.prod(b[:, 2:] - b[:, :2], axis=1)
    return inter / np.maximum(area_a[:, None] + area_b[None, :] - inter, 1e-6)


class FacesProcessor(Processor[FacesSettings, Faces]):
    name = "faces"
    settings_type = FacesSettings

    def __init__(self, settings: FacesSettings | None = None, **overrides: object) -> None:
        super().__init__(settings, **overrides)
        # cv2.CascadeClassifier keeps scratch buffers inside: one per thread, never shared.
        self._local = threading.local()
        self._generation = 0

    # --- classifiers, one set per thread -------------------------------------------
    def _classifier(self, filename: str) -> cv2.CascadeClassifier:
        loc = self._local
        if getattr(loc, "generation", None) != self._generation:
            loc.generation, loc.cache = self._generation, {}
        clf = loc.cache.get(filename)
        if clf is None:
            clf = loc.cache[filename] = load_cascade(cascade_path(filename))
        return clf

    def _load(self) -> None:
        self._generation += 1  # every thread reloads its own classifiers on next use
        self._classifier(CASCADE_FILES[self._settings.cascade])
        if self._settings.eyes:
            self._classifier(EYE_FILE)

    def close(self) -> None:
        self._generation += 1
        self._local = threading.local()
        super().close()

    def concurrent_ok(self) -> bool:
        return True  # each thread gets its own CascadeClassifier

    @property
    def provider(self) -> str:
        return "OpenCV"

    @property
    def precision(self) -> str:
        return ""  # not an onnxruntime model

    # --- the pipeline -----------------------------------------------------------------
    # Settings are passed down rather than re-read from self, so one frame uses one set of settings even
    # when another thread applies a change in the middle of it.
    @staticmethod
    def detect_scale_for(width: int, s: FacesSettings) -> float:
        """The scale detection runs at for a frame this wide: detect_scale, capped by max_detect_width."""
        scale = float(s.detect_scale)
        if s.max_detect_width > 0 and width > 0:
            scale = min(scale, s.max_detect_width / width)
        return scale

    @classmethod
    def _prepare(cls, image: np.ndarray, s: FacesSettings) -> tuple[np.ndarray, float, float, int]:
        """Grayscale, downscaled, equalized frame + the x/y factors back to the original + min window."""
        h, w = image.shape[:2]
        gray = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
        scale = cls.detect_scale_for(w, s)
        if scale < 1.0:
            sw, sh = max(1, round(w * scale)), max(1, round(h * scale))
            gray = cv2.resize(gray, (sw, sh), interpolation=cv2.INTER_AREA)  # area: no aliasing
        if s.equalize:
            gray = cv2.equalizeHist(gray)
        fx, fy = w / gray.shape[1], h / gray.shape[0]
        min_px = max(1, round(s.min_size / max(fx, fy)))
        return gray, fx, fy, min_px

    @staticmethod
    def _orientations(s: FacesSettings) -> list[bool]:
        """False = the image as is; True = mirrored (the profile cascade only knows one side)."""
        return [False, True] if s.cascade == "profile" else [False]

    @staticmethod
    def _detect(clf: cv2.CascadeClassifier, gray: np.ndarray, min_px: int,
                s: FacesSettings) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Grouped boxes (x y w h), their neighbour counts, and the raw windows (teaching only)."""
        size = (min_px, min_px)
        if not s.teaching:
            rects, counts = clf.detectMultiScale2(gray, s.scale_factor, s.min_neighbors, minSize=size)
            return np.asarray(rects, np.int32).reshape(-1, 4), np.asarray(counts, np.int32).reshape(-1), \
                np.zeros((0, 4), np.int32)
        # One scan with no grouping, then the same grouping detectMultiScale does inside (same result).
        raw = np.asarray(clf.detectMultiScale(gray, s.scale_factor, 0, minSize=size), np.int32).reshape(-1, 4)
        if s.min_neighbors == 0 or len(raw) == 0:
            return raw, np.ones(len(raw), np.int32), raw
        rects, counts = cv2.groupRectangles(raw.tolist(), s.min_neighbors, GROUP_EPS)
        return np.asarray(rects, np.int32).reshape(-1, 4), np.asarray(counts, np.int32).reshape(-1), raw

    def _process(self, image: np.ndarray) -> Faces:
        s = self._settings
        gray, fx, fy, min_px = self._prepare(image, s)
        clf = self._classifier(CASCADE_FILES[s.cascade])
        gw = gray.shape[1]
        boxes, counts, cands = [], [], []
        for mirrored in self._orientations(s):
            g = cv2.flip(gray, 1) if mirrored else gray
            rects, n, raw = self._detect(clf, g, min_px, s)
            for arr, out in ((rects, boxes), (raw, cands)):
                xyxy = _xywh_to_xyxy(arr)
                if mirrored:  # x -> width - x, so x1 and x2 swap
                    xyxy[:, [0, 2]] = gw - xyxy[:, [2, 0]]
                out.append(xyxy)
            counts.append(n)
        scale = np.array([fx, fy, fx, fy], np.float32)
        faces = np.concatenate(boxes) * scale
        votes = np.concatenate(counts)
        if len(boxes) > 1 and len(faces) > 1:
            keep = self._merge(faces, votes)
            faces, votes = faces[keep], votes[keep]
        order = np.argsort(-(faces[:, 2] - faces[:, 0]), kind="stable")  # largest face first
        faces = faces[order]
        eyes = [self._find_eyes(image, box) for box in faces] if s.eyes else []
        candidates = np.concatenate(cands) * scale if s.teaching else np.zeros((0, 4), np.float32)
        return Faces(faces, eyes=eyes, candidates=candidates, cascade=s.cascade)

    @staticmethod
    def _merge(boxes: np.ndarray, votes: np.ndarray) -> np.ndarray:
        """Indices to keep when the same face was found in both orientations: the one with more votes."""
        order = np.argsort(-votes, kind="stable")
        iou = _iou_matrix(boxes[order], boxes[order])
        keep: list[int] = []
        for i in range(len(order)):
            if all(iou[i, j] < PROFILE_MERGE_IOU for j in keep):
                keep.append(i)
        return order[keep]

    def _find_eyes(self, image: np.ndarray, box: np.ndarray) -> np.ndarray:
        """Up to two eye boxes (x1 y1 x2 y2, frame pixels) inside the upper band of one face box."""
        h_img, w_img = image.shape[:2]
        x1, y1, x2, y2 = box
        fw, fh = x2 - x1, y2 - y1
        rx1, rx2 = int(max(0, x1)), int(min(w_img, x2))
        ry1, ry2 = int(max(0, y1 + EYE_REGION[0] * fh)), int(min(h_img, y1 + EYE_REGION[1] * fh))
        if rx2 - rx1 < 8 or ry2 - ry1 < 8:
            return np.zeros((0, 4), np.float32)
        roi = cv2.cvtColor(image[ry1:ry2, rx1:rx2], cv2.COLOR_BGR2GRAY)
        k = EYE_FACE_WIDTH / fw  # normalise the face width so eye sizes are predictable
        interp = cv2.INTER_AREA if k < 1 else cv2.INTER_LINEAR
        roi = cv2.resize(roi, (max(1, round(roi.shape[1] * k)), max(1, round(roi.shape[0] * k))),
                         interpolation=interp)
        roi = cv2.equalizeHist(roi)
        lo, hi = max(EYE_WINDOW, round(0.12 * EYE_FACE_WIDTH)), round(0.4 * EYE_FACE_WIDTH)
        rects, counts = self._classifier(EYE_FILE).detectMultiScale2(roi, 1.1, 3, minSize=(lo, lo),
                                                                      maxSize=(hi, hi))
        rects = np.asarray(rects, np.float32).reshape(-1, 4)
        if len(rects) == 0:
            return np.zeros((0, 4), np.float32)
        counts = np.asarray(counts).reshape(-1)
        eyes = _xywh_to_xyxy(rects)
        keep: list[int] = []  # the two strongest that do not overlap (an eye is often found twice)
        for i in np.argsort(-counts, kind="stable"):
            if len(keep) < 2 and all(_iou_matrix(eyes[[i]], eyes[[j]])[0, 0] == 0 for j in keep):
                keep.append(int(i))
        eyes = eyes[keep] / k + np.array([rx1, ry1, rx1, ry1], np.float32)
        return eyes[np.argsort(eyes[:, 0])]

    # --- benchmarks ---------------------------------------------------------------------
    def core_call(self, image: np.ndarray) -> Callable[[], object]:
        """The bare detectMultiScale call(s) on the already prepared grayscale frame."""
        self._ready()  # measure the settings the next frame would use
        s = self._settings
        gray, _, _, min_px = self._prepare(image, s)
        clf = self._classifier(CASCADE_FILES[s.cascade])
        inputs = [cv2.flip(gray, 1) if m else gray for m in self._orientations(s)]
        mn = 0 if s.teaching else s.min_neighbors

        def run() -> object:
            return [clf.detectMultiScale2(g, s.scale_factor, mn, minSize=(min_px, min_px)) for g in inputs]

        return run
