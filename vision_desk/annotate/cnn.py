"""Draws the cnn processor's views: the top-5 classes, a layer's feature-map grid, and the activation map.

Made to be read from the back of a classroom, and laid out at the size it is
shown (annotate/layout.py): the frame on the left with the square the network
sees outlined (so the class is never taken for a verdict on the whole frame),
the top 5 under it, the layer's title and grid in the right half with few,
large cells. Text is 1.5x the other overlays' size; maps are enlarged with
nearest-neighbour so a 7 x 7 layer shows as 7 x 7 blocks (the loss of
resolution from stem to head is the point).
"""
from __future__ import annotations

import math

import cv2
import numpy as np

from vision_desk.annotate import draw, layout
from vision_desk.i18n import translate_label
from vision_desk.results import LAYER_TITLES, Classification, LayerView

PANEL_FRACTION = 0.5  # of the canvas's width, for the layer's title and grid
TEXT_SCALE = 1.5  # relative to the other overlays
COLORMAP = cv2.COLORMAP_VIRIDIS  # perceptually even: bright = strong activation, also for colour-blind viewers
_COLOURS = cv2.applyColorMap(np.arange(256, dtype=np.uint8).reshape(256, 1), COLORMAP).reshape(256, 3)
BAR: draw.Color = (80, 200, 255)
PANEL: draw.Color = (25, 25, 25)


# What EfficientNet-Lite0's stages put out. The maps shown are the activations inside each stage's last
# block, after its expansion (6x wider, MODEL_SOURCES.md section 5), so "stage 3 · 240 channels" must say
# that the stage itself outputs 40: otherwise the class reads 240 as the stage's width.
STAGE_OUTPUTS = {"stage1": 16, "stage2": 24, "stage3": 40, "stage4": 80, "stage5": 112, "stage6": 192,
                 "stage7": 320}


def layer_title(layer: LayerView) -> str:
    """'stage 3 · 240 channels · 28 x 28', and for a stage's expanded maps which tensor that is:
    'stage 3 · inside its last block: 240 channels (the stage outputs 40) · 28 x 28', in the window's
    language (the command line stays English)."""
    c, h, w = layer.shape
    name = translate_label(LAYER_TITLES.get(layer.name, layer.name))
    out = STAGE_OUTPUTS.get(layer.name)
    if out is not None and out != c:
        return translate_label("{layer} · inside its last block: {c} channels (the stage outputs {out}) · {h} x {w}"
                               ).format(layer=name, c=c, out=out, h=h, w=w)
    return translate_label("{layer} · {c} channels · {h} x {w}").format(layer=name, c=c, h=h, w=w)


def class_name(label: str) -> str:
    """An ImageNet class name as the window shows it (Japanese names from vision_desk.i18n.ja_imagenet)."""
    return translate_label(label, domain="imagenet")


def big_style(height: int) -> draw.Style:
    """The lecture views' text: 1.5x the other overlays' at this canvas height (and the text-size setting)."""
    return layout.lecture_style(height, TEXT_SCALE)


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


class CnnAnnotator(layout.LectureView[Classification]):
    """Composes the cnn lecture view on a canvas of its own (:meth:`compose`); ``annotate`` composes it at
    the frame's size (recordings, the command line).

    The layout gives each element its own place: the frame (with the square the network sees, and the
    activation map in the cam view) at the top left, the top-5 bars under it, the layer's title and grid
    in the right column. Nothing is drawn over another element, at any size or text scale.
    """

    BACKGROUND = PANEL

    def lay_out(self, canvas: np.ndarray, sheet: layout.Sheet, picture: np.ndarray, result: Classification) -> None:
        height, width = canvas.shape[:2]
        st = big_style(height)
        frame = picture.copy()
        fst = draw.style_for(frame)
        if result.cam is not None:
            self._draw_cam(frame, result, fst)
        x1, y1, x2, y2 = result.crop
        cv2.rectangle(frame, (x1, y1), (x2 - 1, y2 - 1), (255, 255, 255), max(2, fst.line), cv2.LINE_AA)
        left_w = int(width * (1 - PANEL_FRACTION)) if result.layer is not None else width
        line = layout.line_height(st) + st.pad
        shown = 3 if result.cam is not None else 5
        below = min(len(result.labels), shown) * line + (line if result.cam is not None else 0)
        fw, fh = layout.fit_into(frame.shape[1], frame.shape[0], left_w - 2 * st.pad,
                                 height - below - 3 * st.pad)
        box = layout.Box(st.pad + (left_w - 2 * st.pad - fw) // 2, st.pad, fw, fh)
        layout.place(canvas, frame, sheet.add("picture", "frame", box))
        y = box.bottom + st.pad
        if result.cam is not None:
            text = (translate_label("where it looks for '{label}'").format(label=class_name(result.labels[0]))
                    if result.labels else translate_label("where it looks"))
            y = layout.put_text(sheet, canvas, "cam caption", text, st.pad, y, st, left_w - 2 * st.pad).bottom
            y += st.pad
        self._draw_classes(canvas, sheet, result, st, st.pad, y, left_w - 2 * st.pad, shown, line)
        if result.layer is not None:
            self._draw_layer(canvas, sheet, result.layer, st, left_w, width - left_w - st.pad)

    def _draw_classes(self, canvas: np.ndarray, sheet: layout.Sheet, result: Classification, st: draw.Style,
                      x: int, y: int, room: int, shown: int, line: int) -> None:
        """The top classes: the name, the probability in %, and a bar as long as the probability."""
        bar_h = line - st.pad
        for label, score in zip(result.labels[:shown], result.scores[:shown]):
            if y + bar_h > canvas.shape[0]:
                break
            name, percent = class_name(label), f" {100 * float(score):.0f}%"
            text = name + percent
            while len(name) > 1 and draw.text_size(draw.renderable(text), st)[0] > room - 2 * st.pad:
                name = name[:-1]  # a long class name on a narrow canvas: shorten the name, keep the figure
                text = name + "…" + percent
            cv2.rectangle(canvas, (x, y), (x + room, y + bar_h), (50, 50, 50), cv2.FILLED)
            cv2.rectangle(canvas, (x, y), (x + max(2, int(room * float(score))), y + bar_h), BAR, cv2.FILLED)
            # White with a black outline: legible on the dark panel and on the bright bar alike.
            layout.put_text(sheet, canvas, f"class {label}", text, x + st.pad, y + st.pad // 2, st,
                            room - 2 * st.pad)
            y += line

    def _draw_layer(self, canvas: np.ndarray, sheet: layout.Sheet, layer: LayerView, st: draw.Style,
                    px: int, room: int) -> None:
        h = canvas.shape[0]
        title = layout.put_wrapped(sheet, canvas, "layer title", layer_title(layer), px, st.pad, st, room, 3)
        area_x, area_y, area_w = px, title.bottom + st.pad, room
        area_h = h - area_y - st.pad
        if layer.enlarged is not None:  # grid on the left half of the column, the enlarged channel on the right
            half = (area_w - st.pad) // 2
            label = layout.put_text(sheet, canvas, "channel title",
                                    translate_label("channel {n}").format(n=layer.enlarged_id),
                                    area_x + half + st.pad, area_y, st, half)
            side = max(2, min(half, h - label.bottom - 2 * st.pad))
            big = sheet.add("picture", "channel", layout.Box(area_x + half + st.pad, label.bottom + st.pad, side, side))
            canvas[big.y:big.bottom, big.x:big.right] = colour_map(layer.enlarged, side, side)
            area_w = half
        if len(layer.maps) == 0 or area_w < 8 or area_h < 8:
            return
        small = draw.Style(st.line, st.font_scale * 0.45, 1, 2, st.radius)
        label_h = layout.line_height(small)
        cols, rows = grid_shape(len(layer.maps), area_w, area_h)
        gap = max(2, st.pad // 2)
        cell = max(2, min((area_w - gap * (cols - 1)) // cols, (area_h - (gap + label_h) * rows) // rows))
        labelled = cell >= 40  # a channel's number under its cell, where the cells are large enough
        for i, (cid, values) in enumerate(zip(layer.channel_ids, layer.maps)):
            r, c = divmod(i, cols)
            cx, cy = area_x + c * (cell + gap), area_y + r * (cell + gap + (label_h if labelled else 0))
            box = sheet.add("picture", f"map {int(cid)}", layout.Box(cx, cy, cell, cell))
            canvas[box.y:box.bottom, box.x:box.right] = colour_map(values, cell, cell)
            if labelled:
                layout.put_text(sheet, canvas, f"map label {int(cid)}", str(int(cid)), cx, box.bottom + 1, small,
                                cell)

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
