"""teach: a new class from a few examples, with image embeddings (the lecture's transfer-learning slide).

No new model: EfficientNet-Lite0 (the cnn processor's network, MODEL_SOURCES.md
section 5) turns the picture into its head's 1280 feature maps; their average
over the 7 x 7 positions, the vector the ImageNet classifier reads, is the
embedding. A handful of examples per class then suffice: each frame is
classified by its nearest examples (k-NN, cosine) or by a small logistic
regression fitted to them (:mod:`vision_desk.vision.few_shot`). A 2-D PCA map
of the examples, with the frame as a moving dot, shows why it works: the
classes form clusters.

The examples live in a folder of pictures (:mod:`teach_examples`); the
processor rereads it when it changes (at most twice a second), embedding only
the pictures it has not seen.
"""
from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from vision_desk import runtime
from vision_desk.processors import teach_examples
from vision_desk.processors.base import Processor
from vision_desk.processors.cnn import centre_crop, to_input
from vision_desk.processors.settings import setting
from vision_desk.results import TeachResult
from vision_desk.vision import few_shot

MODEL_ID = "cnn-efficientnet-lite0"
METHODS = ("nearest", "logistic")
RESCAN_S = 0.5  # how often the folder is checked for new or removed pictures


def parse_region(text: str) -> tuple[int, int, int, int] | None:
    """'x,y,w,h' in frame pixels (what a drag in the window gives, as for superres) -> a tuple; '' -> None."""
    from vision_desk.processors.superres import parse_region as parse

    return parse(text, owner="teach.region")


@dataclass(frozen=True)
class TeachSettings:
    examples: str = setting("", label="examples folder",
                            help="a folder with one sub-folder of example pictures per class (the folder names "
                                 "are the labels); the window's Ctrl+1..5 add the frame to it")
    method: str = setting("nearest", choices=METHODS,
                          help="nearest = the k most similar examples vote; logistic = a small new last layer "
                               "fitted to the examples")
    k: int = setting(3, range=(1, 15), step=1, help="nearest: how many of the most similar examples vote")
    region: str = setting("", help="the part of the frame the network sees, 'x,y,width,height' in frame pixels "
                                   "(drag a box in the window); empty = the centre square")
    show_map: bool = setting(True, label="map", help="draw the 2-D map of the examples with the frame as a dot")

    def __post_init__(self) -> None:
        if self.examples:
            teach_examples.check_folder(str(self.examples))
        parse_region(str(self.region))


@dataclass(frozen=True)
class TaughtModel:
    """What the examples give: their embeddings, class of each, labels, the fitted head and the map."""

    labels: tuple[str, ...]
    embeddings: np.ndarray  # N x 1280, normalised
    classes: np.ndarray  # N, index into labels
    pca: few_shot.Pca2 | None
    head: few_shot.LogisticHead | None
    points: np.ndarray  # N x 2, the examples on the map

    @property
    def counts(self) -> list[int]:
        return [int((self.classes == i).sum()) for i in range(len(self.labels))]


EMPTY = TaughtModel((), np.zeros((0, 1280), np.float32), np.zeros(0, np.int64), None, None,
                    np.zeros((0, 2), np.float32))


def crop_box(width: int, height: int, region: tuple[int, int, int, int] | None) -> tuple[int, int, int, int]:
    """x1 y1 x2 y2 of what the network sees: the region clipped to the frame, else the centre square."""
    if region is not None:
        x, y, w, h = region
        x1, y1, x2, y2 = min(x, width), min(y, height), min(x + w, width), min(y + h, height)
        if x2 - x1 >= 8 and y2 - y1 >= 8:
            return x1, y1, x2, y2
    return centre_crop(width, height)


class TeachProcessor(Processor[TeachSettings, TeachResult]):
    name = "teach"
    settings_type = TeachSettings

    def __init__(self, settings: TeachSettings | None = None, **overrides: object) -> None:
        super().__init__(settings, **overrides)
        self._session: runtime.ModelSession | None = None
        self._cache: dict[tuple[str, int, int], np.ndarray] = {}  # picture (path, size, mtime) -> embedding
        self._model = EMPTY
        self._signature: tuple | None = None
        self._method_built: tuple[str, tuple] | None = None
        self._checked = 0.0
        self._refresh_lock = threading.Lock()

    def _load(self) -> None:
        self._session = runtime.create_session(MODEL_ID, config=self.runtime_config)
        self._signature = None
        self._refresh(force=True)

    def close(self) -> None:
        self._cache.clear()
        self._model = EMPTY
        self._signature = None
        super().close()

    def _settings_changed(self, old: TeachSettings, new: TeachSettings) -> None:
        if (old.examples, old.method) != (new.examples, new.method):
            self._refresh(force=True)

    # --- embeddings -----------------------------------------------------------------------------
    def embed(self, image: np.ndarray, crop: tuple[int, int, int, int] | None = None) -> np.ndarray:
        """The normalised 1280-d embedding of a BGR picture (its centre square, or ``crop``)."""
        self._ready()
        return self._embed(image, crop)

    def _embed(self, image: np.ndarray, crop: tuple[int, int, int, int] | None = None) -> np.ndarray:
        assert self._session is not None
        h, w = image.shape[:2]
        head = self._session.run({"image": to_input(image, crop or centre_crop(w, h))}, ["head"])[0]
        return few_shot.normalise(head.mean(axis=(2, 3))[0])

    def _embed_file(self, path: Path) -> np.ndarray | None:
        try:
            st = path.stat()
            key = (str(path), st.st_size, st.st_mtime_ns)
        except OSError:
            return None
        vector = self._cache.get(key)
        if vector is None:
            picture = cv2.imdecode(np.fromfile(str(path), np.uint8), cv2.IMREAD_COLOR)
            if picture is None:  # not a picture after all (a half-written file): skipped until it changes
                return None
            vector = self._cache[key] = self._embed(picture)
        return vector

    # --- the examples ---------------------------------------------------------------------------
    def _refresh(self, force: bool = False) -> None:
        """Reread the examples folder if it changed (at most every RESCAN_S unless forced)."""
        now = time.monotonic()
        if not force and now - self._checked < RESCAN_S:
            return
        with self._refresh_lock:
            self._checked = now
            s = self._settings
            root = Path(s.examples).expanduser() if s.examples else None
            sig = teach_examples.signature(root) if root is not None else ()
            if not force and sig == self._signature:
                return
            labels, vectors, classes = [], [], []
            for cls in teach_examples.classes(root) if root is not None else []:
                found = [v for v in (self._embed_file(p) for p in cls.pictures) if v is not None]
                if not found:
                    continue
                labels.append(cls.label)
                vectors.extend(found)
                classes.extend([len(labels) - 1] * len(found))
            self._signature = sig
            if not vectors:
                self._model = EMPTY
                return
            emb = np.stack(vectors)
            cls_arr = np.array(classes, np.int64)
            pca = few_shot.Pca2.fit(emb)
            head = (few_shot.LogisticHead.fit(emb, cls_arr, len(labels))
                    if s.method == "logistic" and len(labels) > 1 else None)
            self._model = TaughtModel(tuple(labels), emb, cls_arr, pca, head, pca.project(emb))

    @property
    def taught(self) -> TaughtModel:
        """The examples in use now (after the last refresh)."""
        return self._model

    def classify(self, vector: np.ndarray, model: TaughtModel | None = None) -> np.ndarray:
        """Per-class scores of a normalised embedding (the current settings' method)."""
        m = model or self._model
        if m.head is not None:
            return m.head.scores(vector)
        return few_shot.knn_scores(m.embeddings, m.classes, vector, len(m.labels), self._settings.k)

    def _process(self, image: np.ndarray) -> TeachResult:
        self._refresh()
        s, m = self._settings, self._model
        h, w = image.shape[:2]
        crop = crop_box(w, h, parse_region(s.region))
        vector = self._embed(image, crop)
        if not m.labels:
            return TeachResult(None, 0.0, crop)
        scores = self.classify(vector, m)
        best = int(np.argmax(scores))
        result = TeachResult(m.labels[best], float(scores[best]), crop, m.labels, scores, m.counts)
        if s.show_map and m.pca is not None:
            result.points, result.point_classes = m.points, m.classes
            result.frame_point = m.pca.project(vector)
        return result

    def core_call(self, image: np.ndarray) -> Callable[[], object]:
        """The bare ``session.run`` of the embedding (the head's maps) on this frame's input."""
        self._ready()
        assert self._session is not None
        h, w = image.shape[:2]
        session = self._session
        feeds = {"image": to_input(image, crop_box(w, h, parse_region(self._settings.region)))}
        return lambda: session.run(feeds, ["head"])


