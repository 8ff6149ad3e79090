"""Draws the cnn processor's views: the top-5 classes, a layer's feature-map grid, and the activation map.

Made to be read from the back of a classroom: text is 1.5x the other
overlays' size, the grid takes the right 60 % of the frame with few, large
cells, and maps are enlarged with nearest-neighbour so a 7 x 7 layer shows as
7 x 7 blocks (the loss of resolution from stem to head is the point). The
square the network sees is outlined, so the class is never taken for a
verdict on the whole frame.
"""
from __future__ import annotations

import math

import cv2
import numpy as np

from vision_desk.annotate import draw
from vision_desk.i18n import translate_label
from vision_desk.results import LAYER_TITLES, Classification, LayerView

PANEL_FRACTION = 0.6  # of the frame's width, for the grid
TEXT_SCALE = 1.5  # relative to the other overlays
COLORMAP = cv2.COLORMAP_VIRIDIS  # perceptually even: bright = strong activation, also for colour-blind viewers
_COLOURS = cv2.applyColorMap(np.arange(256, dtype=np.uint8).reshape(256, 1), COLORMAP).reshape(256, 3)
BAR: draw.Color = (80, 200, 255)
PANEL: draw.Color = (25, 25, 25)


def layer_title(layer: LayerView) -> str:
    """'stage 4 · 240 channels · 28 x 28' in the window's language (the command line stays English)."""
    c, h, w = layer.shape
    name = translate_label(LAYER_TITLES.get(layer.name, layer.name))
    return translate_label("{layer} · {c} channels · {h} x {w}").format(layer=name, c=c, h=h, w=w)


def class_name(label: str) -> str:
    """An ImageNet class name as the window shows it (Japanese names from vision_desk.i18n.ja_imagenet)."""
    return translate_label(label, domain="imagenet")


def big_style(image: np.ndarray) -> draw.Style:
    st = draw.style_for(image)
    return draw.Style(st.line, st.font_scale * TEXT_SCALE, st.text + 1, st.pad + 2, st.radius)


def colour_map(values: np.ndarray, width: int, height: int) -> np.ndarray:
    """0-1 map -> BGR, enlarged with nearest-neighbour (blocks stay blocks)."""
    u8 = (np.clip(values, 0, 1) * 255 + 0.5).astype(np.uint8)
    # Colour the small map, then enlarge (nearest-neighbour: the same picture). The colour table is made once:
    # cv2.applyColorMap rebuilds it on every call (~0.7 ms each, 16 calls a frame).
    return cv2.resize(_COLOURS[u8], (width, height), interpolation=cv2.INTER_NEAREST)


def grid_shape(count: int, width: int, height: int) -> tuple[int, int]:
    """Columns and rows for ``count`` square cells that fill a width x height area best."""
    best = (count, 1)
    best_side = 0.0
    for cols in range(1, count + 1):
        rows = math.ceil(count / cols)
        side = min(width / cols, height / rows)
        if side > best_side:
            best, best_side = (cols, rows), side
    return best


class CnnAnnotator:
    """``annotate(image, classification)`` draws IN PLACE on the BGR uint8 frame and returns it."""

    def annotate(self, image: np.ndarray, result: Classification) -> np.ndarray:
        st = big_style(image)
        x1, y1, x2, y2 = result.crop
        if result.cam is not None:
            self._draw_cam(image, result, st)
        cv2.rectangle(image, (x1, y1), (x2 - 1, y2 - 1), (255, 255, 255), max(1, st.line // 2), cv2.LINE_AA)
        if result.layer is not None:
            self._draw_layer(image, result.layer, st)
        self._draw_classes(image, result, st)
        return image

    def _draw_classes(self, image: np.ndarray, result: Classification, st: draw.Style) -> None:
        """Top 5 at the top left: the name, the probability in %, and a bar as long as the probability."""
        h, w = image.shape[:2]
        limit = int(w * (1 - PANEL_FRACTION)) if result.layer is not None else w
        _, th, base = draw.text_size("Ag", st)
        line = th + base + 2 * st.pad
        bar_max = max(20, min(limit - 3 * st.pad, int(w * 0.35)))
        y = st.pad
        shown = 3 if result.cam is not None else len(result.labels)  # leave the map visible
        for label, score in zip(result.labels[:shown], result.scores[:shown]):
            name, percent = class_name(label), f" {100 * float(score):.0f}%"
            text = name + percent
            while len(name) > 1 and draw.text_size(draw.renderable(text), st)[0] > limit - 2 * st.pad:
                name = name[:-1]  # a long class name on a narrow frame: shorten the name, keep the figure
                text = name + "…" + percent
            cv2.rectangle(image, (st.pad, y), (st.pad + bar_max, y + line), PANEL, cv2.FILLED)
            cv2.rectangle(image, (st.pad, y), (st.pad + max(2, int(bar_max * float(score))), y + line), BAR,
                          cv2.FILLED)
            # White with a black outline: legible on the dark panel and on the bright bar alike.
            draw.draw_outlined_text(image, text, 2 * st.pad, y + st.pad + th, st)
            y += line + 2

    def _draw_layer(self, image: np.ndarray, layer: LayerView, st: draw.Style) -> None:
        h, w = image.shape[:2]
        px = int(w * (1 - PANEL_FRACTION))
        cv2.rectangle(image, (px, 0), (w, h), PANEL, cv2.FILLED)
        _, th, base = draw.text_size("Ag", st)
        title_h = th + base + 2 * st.pad
        title = layer_title(layer)  # smaller on a narrow frame, never cut off
        draw.draw_outlined_text(image, title, px + st.pad, st.pad + th, draw.fitted(title, st, w - px - 2 * st.pad))
        area_x, area_y, area_w, area_h = px + st.pad, title_h + st.pad, w - px - 2 * st.pad, h - title_h - 2 * st.pad
        if layer.enlarged is not None:  # grid on the left half of the panel, the enlarged channel on the right
            half = area_w // 2
            self._draw_map(image, layer.enlarged, translate_label("channel {n}").format(n=layer.enlarged_id), area_x + half + st.pad, area_y,
                           half - st.pad, area_h, st)
            area_w = half - st.pad
        if len(layer.maps) == 0 or area_w < 8 or area_h < 8:
            return
        cols, rows = grid_shape(len(layer.maps), area_w, area_h)
        gap = max(1, st.pad // 2)
        cell = max(2, min((area_w - gap * (cols - 1)) // cols, (area_h - gap * (rows - 1)) // rows))
        small = draw.Style(st.line, st.font_scale * 0.45, 1, 2, st.radius)
        for i, (cid, values) in enumerate(zip(layer.channel_ids, layer.maps)):
            r, c = divmod(i, cols)
            cx, cy = area_x + c * (cell + gap), area_y + r * (cell + gap)
            image[cy:cy + cell, cx:cx + cell] = colour_map(values, cell, cell)
            if cell >= 40:
                draw.draw_label(image, str(int(cid)), cx, cy, (0, 0, 0), small, above=False)

    def _draw_map(self, image: np.ndarray, values: np.ndarray, label: str, x: int, y: int, width: int, height: int,
                  st: draw.Style) -> None:
        side = max(2, min(width, height))
        image[y:y + side, x:x + side] = colour_map(values, side, side)
        draw.draw_label(image, label, x, y, (0, 0, 0), st, above=False)

    def _draw_cam(self, image: np.ndarray, result: Classification, st: draw.Style) -> None:
        """The map blended over the crop, more opaque where it is strong; a ring on its peak."""
        assert result.cam is not None
        x1, y1, x2, y2 = result.crop
        region = image[y1:y2, x1:x2]
        smooth = cv2.resize(result.cam, (x2 - x1, y2 - y1), interpolation=cv2.INTER_CUBIC)
        smooth = np.clip(smooth, 0, 1)
        coloured = cv2.applyColorMap((smooth * 255 + 0.5).astype(np.uint8), cv2.COLORMAP_JET)
        weight = (0.15 + 0.5 * smooth).astype(np.float32)
        region[...] = cv2.blendLinear(region, coloured, 1.0 - weight, weight)
        peak = result.cam_peak()
        if peak is not None:
            centre = (int(peak[0]), int(peak[1]))
            radius = max(6, (x2 - x1) // 14)
            cv2.circle(image, centre, radius, (255, 255, 255), st.line + 1, cv2.LINE_AA)
            cv2.circle(image, centre, radius, (0, 0, 0), max(1, st.line - 1), cv2.LINE_AA)
        h = image.shape[0]
        text = (translate_label("where it looks for '{label}'").format(label=class_name(result.labels[0]))
                if result.labels else translate_label("where it looks"))
        draw.draw_label(image, text, st.pad, h - st.pad, (40, 40, 40), st, above=True)
