"""Draws the digits processor's view: each digit's box and reading, and one digit's trip through the network.

The strip along the bottom is the lecture's "before and after pooling" slide:
the 28 x 28 input, then the same four channels after the first convolution
(28 x 28) and after max pooling (14 x 14), the same after the second
convolution (14 x 14) and its pooling (7 x 7), each with its size, and the 10
probabilities as bars. Showing the *same* channels on both sides of a pooling
layer makes the halving visible: each 2 x 2 block becomes one cell with the
block's largest value. Maps are enlarged nearest-neighbour, so 7 x 7 stays 7
x 7 blocks.
"""
from __future__ import annotations

import cv2
import numpy as np

from vision_desk.annotate import draw
from vision_desk.annotate import text as text_render
from vision_desk.annotate.cnn import colour_map
from vision_desk.i18n import translate_label
from vision_desk.results import DigitsResult, LayerMaps
from vision_desk.vision.tensors import normalise_maps

STRIP_FRACTION = 0.4  # of the frame's height
CHANNELS_SHOWN = 4  # per layer: a 2 x 2 grid, large enough to see from the back of the room
PANEL: draw.Color = (25, 25, 25)
BOX: draw.Color = (60, 200, 60)
CHOSEN: draw.Color = (0, 200, 255)
BAR: draw.Color = (80, 200, 255)
# (layer, caption template): the caption gets the map's size; pooled layers say what pooling did.
COLUMNS = (
    ("relu1", "conv1 + ReLU"),
    ("pool1", "max pool 2x2"),
    ("relu2", "conv2 + ReLU"),
    ("pool2", "max pool 2x2"),
)


def size_text(maps: np.ndarray) -> str:
    """'28 x 28 x 32': height x width x channels, as the lecture writes a layer's size."""
    c, h, w = maps.shape
    return f"{h} x {w} x {c}"


def _plain(image: np.ndarray, text: str, x: int, baseline_y: int, st: draw.Style) -> None:
    """White text without an outline: the strip is dark already (half the cost of an outlined label)."""
    text_render.renderer().put(image, draw.renderable(text), x, baseline_y, (255, 255, 255), st.font_scale, st.text)


def strongest(maps: np.ndarray, count: int) -> np.ndarray:
    """The ``count`` channels with the highest mean activation, strongest first."""
    means = maps.reshape(len(maps), -1).mean(axis=1)
    return np.argsort(-means, kind="stable")[:count]


class DigitsAnnotator:
    """``annotate(image, result)`` draws IN PLACE on the BGR uint8 frame and returns it."""

    def annotate(self, image: np.ndarray, result: DigitsResult) -> np.ndarray:
        st = draw.style_for(image)
        for i, d in enumerate(result.digits):
            colour = CHOSEN if i == result.chosen and result.layers is not None else BOX
            x1, y1, x2, y2 = d.box  # a thin box a little outside the strokes: the digit stays visible
            draw.draw_box(image, (x1 - 2, y1 - 2, x2 + 1, y2 + 1), colour, max(1, st.line // 2), outline=True)
            draw.draw_label(image, str(d.digit), d.box[0], d.box[1], colour, st)
        if result.layers is not None:
            self._draw_strip(image, result.layers, st)
        text = translate_label("read: {digits}").format(digits=result.text()) if result.digits else \
            translate_label("no digits found")
        draw.draw_caption(image, text, "top-left", style=st)
        return image

    def _draw_strip(self, image: np.ndarray, layers: LayerMaps, st: draw.Style) -> None:
        h, w = image.shape[:2]
        top = int(h * (1 - STRIP_FRACTION))
        strip = image[top:]
        cv2.convertScaleAbs(strip, strip, 0.25, 0.75 * PANEL[0])  # the frame dimly behind (PANEL is grey)
        small = draw.Style(st.line, st.font_scale * 0.8, max(1, st.text - 1), st.pad, st.radius)
        _, th, base = draw.text_size("Ag", small)
        line = th + base + small.pad
        columns = 2 + len(COLUMNS)  # input, four layers, probabilities
        gap = max(4, w // 100)
        col_w = (w - gap * (columns + 1)) // columns
        area_top = top + 2 * line + small.pad
        side = max(8, min(col_w, h - area_top - small.pad))
        x = gap
        self._column(image, translate_label("input"), "28 x 28 x 1", x, top, col_w, small)
        image[area_top:area_top + side, x:x + side] = cv2.cvtColor(
            cv2.resize(layers.field, (side, side), interpolation=cv2.INTER_NEAREST), cv2.COLOR_GRAY2BGR)
        # The same channels before and after each pooling: those the convolution fired most on.
        shown = {name: strongest(layers.maps[name], CHANNELS_SHOWN) for name in ("relu1", "relu2")}
        for k, (name, title) in enumerate(COLUMNS):
            x += col_w + gap
            maps = layers.maps[name]
            ids = shown["relu1" if name in ("relu1", "pool1") else "relu2"]
            self._column(image, translate_label(title), size_text(maps), x, top, col_w, small)
            self._grid(image, normalise_maps(maps[ids]), x, area_top, side)
            if k % 2 == 1:  # an arrow into each pooled column: "this halves"
                self._arrow(image, x - gap, area_top + side // 2, gap)
        x += col_w + gap
        self._bars(image, layers.probabilities, x, area_top - line, col_w, h - area_top + line - small.pad, small)

    @staticmethod
    def _column(image: np.ndarray, title: str, size: str, x: int, top: int, width: int, st: draw.Style) -> None:
        _, th, base = draw.text_size("Ag", st)
        for row, text in enumerate((title, size)):
            _plain(image, text, x, top + st.pad + th + row * (th + base + st.pad), draw.fitted(text, st, width))

    @staticmethod
    def _grid(image: np.ndarray, maps: np.ndarray, x: int, y: int, side: int) -> None:
        """Up to four maps in a 2 x 2 grid filling a side x side square."""
        gap = max(1, side // 40)
        cell = (side - gap) // 2
        for i, values in enumerate(maps[:4]):
            r, c = divmod(i, 2)
            cx, cy = x + c * (cell + gap), y + r * (cell + gap)
            image[cy:cy + cell, cx:cx + cell] = colour_map(values, cell, cell)

    @staticmethod
    def _arrow(image: np.ndarray, x: int, y: int, length: int) -> None:
        cv2.arrowedLine(image, (x - length // 2, y), (x + length // 2 + 1, y), (255, 255, 255), 1, cv2.LINE_AA,
                        tipLength=0.6)

    @staticmethod
    def _bars(image: np.ndarray, probs: np.ndarray, x: int, y: int, width: int, height: int,
              st: draw.Style) -> None:
        """The 10 probabilities, one bar a digit, the most likely one highlighted."""
        row = max(4, height // 10)
        digit_w = draw.text_size("0", st)[0] + st.pad
        best = int(np.argmax(probs))
        for d, p in enumerate(probs):
            ry = y + d * row
            _plain(image, str(d), x, ry + row - max(1, row // 5), st)
            length = int((width - digit_w) * float(p))
            colour = CHOSEN if d == best else BAR
            cv2.rectangle(image, (x + digit_w, ry + 1), (x + digit_w + max(1, length), ry + row - 2), colour,
                          cv2.FILLED)
