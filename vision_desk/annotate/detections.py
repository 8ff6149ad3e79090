"""Annotators for the box-shaped results: objects (Detections) and faces (Faces).

Both draw IN PLACE on the BGR image they are given and return it, so the
pipeline can chain annotators without copies. Sizes come from
:mod:`vision_desk.annotate.draw` and scale with the image height.

Where the labels go, so that processors do not hide each other's: an object's
label sits on its box's outer top-left corner (above the box); a face's label
sits INSIDE the top of its box. A face is inside its person's box, so with
both on, "person 0.56" above the person and "face" inside the face can never
cover each other (the face label used to sit above the face box, right where
the person's label is drawn when the face is near the top of the person).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from vision_desk.annotate import draw
from vision_desk.i18n import language, translate_label
from vision_desk.results import Detections, Faces

# Teaching view: raw windows coloured by size (small to large), high-contrast on any picture and none of
# them the faces' green: cyan, yellow, magenta, orange (BGR).
SCALE_COLORS: tuple[draw.Color, ...] = ((255, 255, 0), (0, 255, 255), (255, 0, 255), (0, 140, 255))
CAPTION_GROWTH = 1.6  # the count is the point of the slide: larger than the other labels


@dataclass(kw_only=True, eq=False)  # compared by identity, as before
class DetectionsAnnotator:
    """Boxes with a "label score" tag, one stable colour per class."""

    show_labels: bool = True
    show_scores: bool = True
    thickness: int | None = None  # None = scale with the image height
    legend_box: tuple[int, int, int, int] | None = None  # x1 y1 x2 y2 of the last legend drawn

    def text_for(self, label: str, score: float) -> str:
        return f"{label} {score:.2f}" if self.show_scores else label

    def annotate(self, image: np.ndarray, result: Detections) -> np.ndarray:
        if result is None or len(result) == 0:
            return image
        st = draw.style_for(image)
        line = self.thickness or st.line
        # Weakest first, so the best detection's box and label end up on top where they overlap.
        for i in np.argsort(result.scores, kind="stable"):
            color = draw.color_for(int(result.class_ids[i]))
            box = result.boxes[i]
            draw.draw_box(image, box, color, line, outline=True)
            if self.show_labels:
                label = result.labels[i] if i < len(result.labels) else str(int(result.class_ids[i]))
                label = translate_label(label)  # the window's language (the command line stays English)
                # Anchor on the box's outer top-left corner, so the tag sits on the line, not inside the object.
                draw.draw_label(image, self.text_for(label, float(result.scores[i])),
                                box[0] - line / 2, box[1] - line / 2, color, st)
        return image


@dataclass(kw_only=True, eq=False)  # compared by identity, as before
class FacesAnnotator:
    """Face boxes (+ eyes); in teaching mode every raw cascade window behind them, coloured by size.

    The teaching view is made to be projected: each raw window is drawn with a
    line as thick as the face boxes' and a faint fill, both translucent so that
    overlaps add up (a real face, found at many shifts and scales, glows; a false
    alarm stays a lone outline); its colour says its size (a one-line legend at
    the top edge, where it covers no face, with the size range of each colour), and the count
    "raw windows N -> faces M" is written large at the bottom right.
    """

    FACE_COLOR: ClassVar[draw.Color] = (80, 220, 60)  # green
    EYE_COLOR: ClassVar[draw.Color] = (255, 200, 0)  # light blue

    LABEL: ClassVar[str] = "face"

    show_eyes: bool = True
    show_candidates: bool = True
    candidate_alpha: float = 0.55
    fill_alpha: float = 0.03
    show_labels: bool = True
    thickness: int | None = None  # None = scale with the image height
    legend_box: tuple[int, int, int, int] | None = None  # x1 y1 x2 y2 of the last legend drawn

    def annotate(self, image: np.ndarray, result: Faces) -> np.ndarray:
        if result is None:
            return image
        teaching = self.show_candidates and len(result.candidates) > 0
        if len(result) == 0 and not teaching:
            return image
        st = draw.style_for(image)
        line = self.thickness or st.line
        if teaching:
            bins = self._draw_candidates(image, result, line, st)
        label = translate_label(self.LABEL)
        for i, box in enumerate(result.boxes):
            draw.draw_box(image, box, self.FACE_COLOR, line, outline=True)
            if self.show_eyes and i < len(result.eyes):
                for eye in result.eyes[i]:
                    draw.draw_box(image, eye, self.EYE_COLOR, max(1, line // 2))
            if self.show_labels:  # last, so an eye box never crosses the text
                self._label(image, box, line, st, label)
        if teaching:  # after the faces, in the top corner where it covers none of them (or the least)
            self._legend(image, bins, st, result.boxes, result.candidates)
        return image

    def _draw_candidates(self, image: np.ndarray, result: Faces, line: int, st: draw.Style
                         ) -> list[tuple[np.ndarray, float, float]]:
        cands = result.candidates
        bins = size_bins(cands[:, 2] - cands[:, 0], len(SCALE_COLORS))
        # One faint white fill for all (where windows pile up, the picture brightens), then the outlines in
        # the colour of their size: each pass touches only the pixels it must (thin outlines are sparse).
        draw.fill_boxes(image, cands, (255, 255, 255), self.fill_alpha, max_opacity=0.35)
        for b, (members, _lo, _hi) in enumerate(bins):
            draw.blend_boxes(image, cands[members], SCALE_COLORS[b], self.candidate_alpha, thickness=line)
        big = draw.Style(st.line, st.font_scale * CAPTION_GROWTH, max(st.text, round(st.text * CAPTION_GROWTH)),
                         st.pad * 2, st.radius)
        # Bottom-right: the bottom-left corner belongs to the HUD and the pose view's caption.
        draw.draw_caption(image, caption_text(len(cands), len(result)), "bottom-right", style=big)
        return bins

    def _legend(self, image: np.ndarray, bins: list[tuple[np.ndarray, float, float]], st: draw.Style,
                faces: np.ndarray, candidates: np.ndarray) -> None:
        """"window size" and one swatch per colour with its size range, on one line at the top edge: left,
        middle or right, wherever it covers the least of the faces and then of the raw windows (a column in
        a fixed corner hid a face, or had one drawn over it)."""
        rows = [(SCALE_COLORS[b], f"{lo:.0f}-{hi:.0f}" if round(lo) != round(hi) else f"{lo:.0f}")
                for b, (members, lo, hi) in enumerate(bins) if len(members)]
        title = translate_label("window size")
        _, th, base = draw.text_size(title, st)
        row_h = th + base + 2 * st.pad
        sw = row_h - 2 * st.pad
        items = [(None, title)] + rows + [(None, "px")]
        widths = [draw.text_size(t, st)[0] + 2 * st.pad + (sw + st.pad if c is not None else 0) for c, t in items]
        width, height = sum(widths) + st.pad, row_h
        h_img, w_img = image.shape[:2]
        y = st.pad
        spots = [max(0, w_img - width - st.pad), st.pad, max(0, (w_img - width) // 2)]

        def cost(x: int) -> tuple[float, float]:
            area = (x, y, x + width, y + height)
            return _covered(faces, area), _covered(candidates, area)

        x = min(spots, key=cost)
        self.legend_box = (x, y, x + width, y + height)  # (where it went: tests check it covers no face)
        roi = image[y:y + height, x:x + width]
        roi[...] = (roi * 0.3).astype(np.uint8)  # darken: the legend must read on a bright wall
        for (color, text), w in zip(items, widths):
            if color is not None:
                image[y + st.pad:y + st.pad + sw, x + st.pad:x + st.pad + sw] = color
                draw.draw_label(image, text, x + sw + st.pad, y, (30, 30, 30), st, above=False)
            else:
                draw.draw_label(image, text, x, y, (30, 30, 30), st, above=False)
            x += w

    def _label(self, image: np.ndarray, box: np.ndarray, line: int, st: draw.Style, label: str) -> None:
        """Inside the top-left corner of the box; inside its bottom when the box touches the top of the image
        (another processor's label pushed down into the picture sits there); below a box too small to hold it."""
        tw, th, base = draw.text_size(label, st)
        lw, lh = tw + 2 * st.pad, th + base + 2 * st.pad
        x1, y1, x2, y2 = (float(v) for v in box)
        inner = line / 2
        if x2 - x1 - 2 * inner >= lw and y2 - y1 - 2 * inner >= 2.5 * lh:
            if y1 >= lh:
                draw.draw_label(image, label, x1 + inner, y1 + inner, self.FACE_COLOR, st, above=False)
            else:
                draw.draw_label(image, label, x1 + inner, y2 - inner, self.FACE_COLOR, st, above=True)
        else:
            draw.draw_label(image, label, x1 - inner, y2 + inner, self.FACE_COLOR, st, above=False)


def _covered(boxes: np.ndarray, area: tuple[float, float, float, float]) -> float:
    """How many pixels of ``boxes`` (x1 y1 x2 y2 each) lie inside ``area``."""
    b = np.asarray(boxes, np.float64).reshape(-1, 4)
    w = np.clip(np.minimum(b[:, 2], area[2]) - np.maximum(b[:, 0], area[0]), 0, None)
    h = np.clip(np.minimum(b[:, 3], area[3]) - np.maximum(b[:, 1], area[1]), 0, None)
    return float((w * h).sum())


def caption_text(windows: int, faces: int) -> str:
    """"raw windows 26 -> faces 2" (in the window's language)."""
    arrow = "->" if language() == "en" else "→"
    return f"{translate_label('raw windows')} {windows} {arrow} {translate_label('faces')} {faces}"


def size_bins(widths: np.ndarray, n: int) -> list[tuple[np.ndarray, float, float]]:
    """Split window widths into ``n`` size classes, equal steps on a log scale from the smallest to the
    largest (the cascade's pyramid is geometric): (member indices, smallest, largest width) per class."""
    widths = np.asarray(widths, np.float64)
    if len(widths) == 0:
        return []
    lo, hi = float(widths.min()), float(widths.max())
    if hi <= lo * 1.0001:
        return [(np.arange(len(widths)), lo, hi)] + [(np.zeros(0, np.int64), lo, hi)] * (n - 1)
    edges = np.exp(np.linspace(np.log(lo), np.log(hi), n + 1))
    which = np.clip(np.searchsorted(edges, widths, side="right") - 1, 0, n - 1)
    out = []
    for b in range(n):
        members = np.flatnonzero(which == b)
        if len(members):
            out.append((members, float(widths[members].min()), float(widths[members].max())))
        else:
            out.append((members, float(edges[b]), float(edges[b + 1])))
    return out
