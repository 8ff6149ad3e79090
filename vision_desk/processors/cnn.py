"""cnn: how a convolutional network sees. ImageNet top-5, one layer's feature maps, and where it looks.

The network is EfficientNet-Lite0 (MODEL_SOURCES.md section 5), exported with
the activated output of its stem, of each of its 7 stages and of its head as
extra graph outputs, so one ``session.run`` gives the classes and any layer.
Stepping from ``stem`` to ``head`` shows the lecture's point: the first maps
are the picture's edges and textures at 112 x 112, the last ones 7 x 7 coarse
maps of object parts.

The class activation map (CAM; Zhou et al., CVPR 2016) is exact for this
network: its head is followed only by a global average pool and one linear
layer, so the top class's logit is the mean over the 7 x 7 positions of
``weight[class] . head[:, y, x]``; that sum per position is the map.

The picture the network sees is the centre square of the frame (87.5 % of the
short side, ImageNet's usual crop), scaled to 224 x 224; the view draws that
square so the class never comes from something outside it.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import cv2
import numpy as np

from vision_desk import runtime
from vision_desk.processors.base import Processor
from vision_desk.processors.settings import setting
from vision_desk.results import LAYERS, Classification, LayerView
from vision_desk.vision.imagenet_labels import short_label
from vision_desk.vision.tensors import normalise_maps

MODEL_ID = "cnn-efficientnet-lite0"
SIDE = 224
CROP_FRACTION = 0.875  # 224 of 256: the crop ImageNet classifiers are evaluated with
TOP_K = 5
VIEWS = ("layers", "cam", "classes")
GRID_ORDERS = ("most active", "in order")


@dataclass(frozen=True)
class CnnSettings:
    view: str = setting("layers", choices=VIEWS,
                        help="layers = a grid of one layer's feature maps; cam = where the network looks for "
                             "its top class (class activation map); classes = the top 5 only")
    layer: str = setting("stage3", choices=LAYERS,
                         help="which layer's feature maps to show, from the stem (edges, textures) to the head "
                              "(parts of objects)")
    channels: int = setting(16, range=(1, 64), step=1, help="how many of the layer's channels the grid shows")
    grid_order: str = setting("most active", choices=GRID_ORDERS, label="grid order",
                              help="most active = the channels that fire most on this frame; in order = all "
                                   "channels, a page at a time")
    page: int = setting(0, range=(0, 1279), step=1,
                        help="with 'in order': which page of channels (page 1 starts after the first grid)")
    channel: int = setting(-1, range=(-1, 1279), step=1,
                           help="one channel of the layer shown enlarged beside the grid; -1 = none")


def centre_crop(width: int, height: int) -> tuple[int, int, int, int]:
    """The square the network sees: 87.5 % of the short side, centred."""
    side = max(1, round(min(width, height) * CROP_FRACTION))
    x1, y1 = (width - side) // 2, (height - side) // 2
    return x1, y1, x1 + side, y1 + side


def to_input(image: np.ndarray, crop: tuple[int, int, int, int]) -> np.ndarray:
    """BGR frame -> the network's 1x3x224x224 RGB (x - 127) / 128 input."""
    x1, y1, x2, y2 = crop
    square = cv2.resize(image[y1:y2, x1:x2], (SIDE, SIDE),
                        interpolation=cv2.INTER_AREA if x2 - x1 > SIDE else cv2.INTER_LINEAR)
    rgb = square[:, :, ::-1].transpose(2, 0, 1)
    out = np.empty((1, 3, SIDE, SIDE), np.float32)
    np.subtract(rgb, np.float32(127), out=out[0], casting="unsafe")
    out *= np.float32(1 / 128)
    return out


def softmax(logits: np.ndarray) -> np.ndarray:
    e = np.exp(logits - logits.max())
    return e / e.sum()


def pick_channels(layer: np.ndarray, s: CnnSettings) -> np.ndarray:
    """Which channels the grid shows: the most active on this frame (mean activation) or a page in order."""
    count = layer.shape[0]
    n = min(s.channels, count)
    if s.grid_order == "in order":
        start = min(s.page * n, max(0, count - n))
        return np.arange(start, start + n)
    means = layer.reshape(count, -1).mean(axis=1)
    best = np.argpartition(-means, n - 1)[:n] if n < count else np.arange(count)
    return best[np.argsort(-means[best], kind="stable")]


def class_activation_map(head: np.ndarray, weight: np.ndarray, class_id: int) -> np.ndarray:
    """weight[class] . head per position (1280 x 7 x 7 -> 7 x 7), negatives cut, scaled to 0-1."""
    c, h, w = head.shape
    cam = (weight[class_id] @ head.reshape(c, h * w)).reshape(h, w)
    cam = np.maximum(cam, 0)
    peak = float(cam.max())
    return (cam / peak if peak > 0 else cam).astype(np.float32)


class CnnProcessor(Processor[CnnSettings, Classification]):
    name = "cnn"
    settings_type = CnnSettings

    def __init__(self, settings: CnnSettings | None = None, **overrides: object) -> None:
        super().__init__(settings, **overrides)
        self._session: runtime.ModelSession | None = None
        self._weight: np.ndarray | None = None

    def _load(self) -> None:
        self._session = runtime.create_session(MODEL_ID, config=self.runtime_config)
        # The classifier's weights, for the CAM: an output of the graph that needs no input work (a constant).
        feeds = {"image": np.zeros((1, 3, SIDE, SIDE), np.float32)}
        self._weight = self._session.run(feeds, ["classifier_weight"])[0]

    def close(self) -> None:
        self._weight = None
        super().close()

    def layer_shapes(self) -> dict[str, tuple[int, int, int]]:
        """Every layer's channels x height x width (from the model file, so they cannot drift)."""
        self._ready()
        assert self._session is not None
        return {o.name: tuple(o.shape[1:]) for o in self._session.session.get_outputs() if o.name in LAYERS}

    def _outputs(self, s: CnnSettings) -> list[str]:
        names = ["logits"]
        if s.view == "layers":
            names.append(s.layer)
        if s.view == "cam" and "head" not in names:
            names.append("head")
        return names

    def _process(self, image: np.ndarray) -> Classification:
        assert self._session is not None and self._weight is not None
        s = self._settings  # read once: one frame, one set of settings
        h, w = image.shape[:2]
        crop = centre_crop(w, h)
        names = self._outputs(s)
        outs = dict(zip(names, self._session.run({"image": to_input(image, crop)}, names)))
        probs = softmax(outs["logits"][0])
        top = np.argsort(-probs, kind="stable")[:TOP_K]
        result = Classification(top, probs[top], [short_label(int(i)) for i in top], crop, s.view)
        if s.view == "layers":
            layer = outs[s.layer][0]
            ids = pick_channels(layer, s)
            view = LayerView(s.layer, tuple(layer.shape), ids, normalise_maps(layer[ids]))
            if s.channel >= 0:
                cid = min(s.channel, layer.shape[0] - 1)
                view.enlarged, view.enlarged_id = normalise_maps(layer[cid:cid + 1])[0], cid
            result.layer = view
        elif s.view == "cam":
            result.cam = class_activation_map(outs["head"][0], self._weight, int(top[0]))
        return result

    def core_call(self, image: np.ndarray) -> Callable[[], object]:
        """The bare ``session.run`` (logits and the outputs the current view needs) on this frame's input."""
        self._ready()
        assert self._session is not None
        session, names = self._session, self._outputs(self._settings)
        h, w = image.shape[:2]
        feeds = {"image": to_input(image, centre_crop(w, h))}
        return lambda: session.run(feeds, names)
