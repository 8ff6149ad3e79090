"""digits: handwritten digits read off a page, and max pooling seen layer by layer.

The network is the small MNIST CNN of PyPI ``ccexam`` (MODEL_SOURCES.md
section 8): conv 3x3 (32) - ReLU - max pool 2 -> conv 3x3 (64) - ReLU - max
pool 2 -> 128 -> 10. It was exported with every layer as an extra output, so
one ``session.run`` on all the digits of a frame gives their probabilities and
the maps of each layer, and the view shows the lecture's "before and after
pooling": 28 x 28 x 32 -> 14 x 14 x 32, 14 x 14 x 64 -> 7 x 7 x 64.

Finding the digits and cutting them out the way MNIST was made is in
:mod:`vision_desk.vision.digit_page`. The maps of only the chosen digit are
kept: the view shows one digit's layers.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from vision_desk import runtime
from vision_desk.processors.base import Processor
from vision_desk.processors.settings import setting
from vision_desk.results import Digit, DigitsResult, LayerMaps
from vision_desk.vision import digit_page

MODEL_ID = "digits-mnist-cnn"
MEAN, STD = 0.1307, 0.3081  # MNIST's, as the network was trained
# The activated maps the view shows (after ReLU: what the next layer and the pooling see) and the pooled ones.
LAYERS = ("relu1", "pool1", "relu2", "pool2")
INKS = ("dark on light", "light on dark")


@dataclass(frozen=True)
class DigitsSettings:
    ink: str = setting("dark on light", choices=INKS,
                       help="dark on light = pen or pencil on paper; light on dark = chalk on a blackboard, "
                            "or a digit drawn white on black as MNIST stores them")
    min_score: float = setting(0.6, range=(0.0, 1.0), step=0.05, label="min score",
                               help="marks the network is less sure of than this are not reported as digits")
    sensitivity: float = setting(0.5, range=(0.0, 1.0), step=0.05,
                                 help="how faint a stroke still counts as ink (higher finds pencil, "
                                      "and more dirt)")
    chosen: int = setting(0, range=(0, 39), step=1,
                          help="which digit the teaching view opens up, in reading order (0 = the first)")
    view: bool = setting(True, label="layers view",
                         help="show the chosen digit's 28 x 28 input, its layers before and after pooling, and "
                              "the 10 probabilities")


def to_input(fields: np.ndarray) -> np.ndarray:
    """N x 28 x 28 uint8 (white on black) -> N x 1 x 28 x 28 float32 normalised as MNIST was trained."""
    return ((fields.astype(np.float32) * np.float32(1 / 255) - np.float32(MEAN)) / np.float32(STD))[:, None]


class DigitsProcessor(Processor[DigitsSettings, DigitsResult]):
    name = "digits"
    settings_type = DigitsSettings

    def __init__(self, settings: DigitsSettings | None = None, **overrides: object) -> None:
        super().__init__(settings, **overrides)
        self._session: runtime.ModelSession | None = None

    def _load(self) -> None:
        self._session = runtime.create_session(MODEL_ID, config=self.runtime_config)

    def classify(self, fields: np.ndarray, with_layers: bool = False) -> dict[str, np.ndarray]:
        """Probabilities (N x 10) for N x 28 x 28 MNIST-style pictures; with ``with_layers`` the maps too."""
        self._ready()
        return self._run(fields, with_layers)

    def _run(self, fields: np.ndarray, with_layers: bool) -> dict[str, np.ndarray]:
        assert self._session is not None
        names = ["probabilities", *LAYERS] if with_layers else ["probabilities"]
        return dict(zip(names, self._session.run({"image": to_input(fields)}, names)))

    def _process(self, image: np.ndarray) -> DigitsResult:
        assert self._session is not None
        s = self._settings
        marks = digit_page.find_digits(image, s.ink == "dark on light", s.sensitivity)
        if not marks:
            return DigitsResult()
        fields = np.stack([m.field for m in marks])
        probs = self._run(fields, False)["probabilities"]
        best = probs.argmax(axis=1)
        keep = [i for i in range(len(marks)) if probs[i, best[i]] >= s.min_score]
        result = DigitsResult([Digit(int(best[i]), float(probs[i, best[i]]), marks[i].box) for i in keep])
        if s.view and keep:
            # The layers of the chosen digit only: a second, one-digit run costs less than copying every
            # digit's maps out of the first (24 digits: 7 ms against 2).
            pick = keep[min(s.chosen, len(keep) - 1)]
            outs = self._run(fields[pick:pick + 1], True)
            result.chosen = keep.index(pick)
            result.layers = LayerMaps(fields[pick], {name: outs[name][0] for name in LAYERS}, probs[pick])
        return result

    def core_call(self, image: np.ndarray) -> Callable[[], object]:
        """The bare model calls of this frame: probabilities of every digit, and the layers of one when viewed."""
        self._ready()
        assert self._session is not None
        s = self._settings
        marks = digit_page.find_digits(image, s.ink == "dark on light", s.sensitivity)
        fields = np.stack([m.field for m in marks]) if marks else np.zeros((1, 28, 28), np.uint8)
        every, one = {"image": to_input(fields)}, {"image": to_input(fields[:1])}
        session, view = self._session, s.view

        def call() -> object:
            out = session.run(every, ["probabilities"])
            return (out, session.run(one, ["probabilities", *LAYERS])) if view else out

        return call
