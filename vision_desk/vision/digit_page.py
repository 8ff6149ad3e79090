"""Finding handwritten digits on a page and cutting them out the way MNIST was made.

MNIST's digits were size-normalised to fit a 20 x 20 box (keeping their
aspect ratio, anti-aliased) and then placed in a 28 x 28 field so that their
centre of mass is at the centre (LeCun et al., the MNIST page). A network
trained on that sees a digit cut any other way (touching the border, centred
by its box, thin binary strokes) as a slightly different picture and errs
more often, so :func:`mnist_crop` repeats those steps.

Finding the digits is classic image processing, fast enough for every frame:
an adaptive threshold (ink is darker than the paper *around it*, so uneven
light and shadows on the sheet do not matter), a small closing that joins
strokes a thin pen broke, then connected components filtered by size and ink
density. Everything here is numpy/OpenCV on one frame; no state.
"""
from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

FIELD = 28  # MNIST's picture
BOX = 20  # the box MNIST's digits were scaled into
MIN_HEIGHT_FRACTION = 0.025  # of the frame's height: smaller marks are dust, dots, noise
MAX_HEIGHT_FRACTION = 0.6
MAX_DIGITS = 40  # the largest ones, so a page full of text cannot stall the frame
# A digit on paper has paper around it: in a ring half its size wide, hardly any other ink, an even background,
# and strokes clearly darker than it. Marks in a photo's texture (fur, leaves, a face) fail all three; the
# network would otherwise read them as digits with high confidence (a softmax always picks one of ten).
MAX_RING_INK = 0.08  # share of the ring's pixels that are ink
MAX_PAPER_NOISE = 0.2  # the paper's standard deviation, relative to the ink's contrast with it
MIN_CONTRAST = 40.0  # grey levels between the paper and the strokes


@dataclass(frozen=True)
class Candidate:
    """One mark that may be a digit: its box in frame pixels and its 28 x 28 MNIST-style picture."""

    box: tuple[int, int, int, int]  # x1 y1 x2 y2, x2/y2 exclusive
    field: np.ndarray  # 28 x 28 uint8, white digit on black


def ink_image(gray: np.ndarray, dark_on_light: bool) -> np.ndarray:
    """The ink as bright on dark, whatever the page: paper 0, strokes up to 255."""
    return cv2.bitwise_not(gray) if dark_on_light else gray


def ink_mask(ink: np.ndarray, sensitivity: float) -> np.ndarray:
    """Pixels clearly brighter (more ink) than their neighbourhood. ``sensitivity`` 0-1: higher finds fainter ink."""
    h = ink.shape[0]
    block = max(15, (h // 12) | 1)  # wider than a stroke, narrower than the light's fall-off across the page
    offset = -(4 + 26 * (1 - sensitivity))  # ink must exceed the local mean by this much (0-255 scale)
    mask = cv2.adaptiveThreshold(ink, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY, block, offset)
    return cv2.morphologyEx(mask, cv2.MORPH_CLOSE, np.ones((3, 3), np.uint8))


def find_boxes(mask: np.ndarray) -> list[tuple[int, int, int, int]]:
    """Connected marks of a digit's size and shape: x1 y1 x2 y2 (exclusive), largest first, at most MAX_DIGITS."""
    h, w = mask.shape
    count, _, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    boxes = []
    for x, y, bw, bh, area in stats[1:count]:
        if not (MIN_HEIGHT_FRACTION * h <= bh <= MAX_HEIGHT_FRACTION * h):
            continue
        if bw > 1.6 * bh:  # wider than any digit: a line, an underline, a word
            continue
        fill = area / float(bw * bh)
        if fill > 0.75 and bw > 0.4 * bh:  # a solid blob (a shadow, a dark object), not pen strokes
            continue
        if x == 0 or y == 0 or x + bw >= w or y + bh >= h:  # cut by the frame's edge: not a whole digit
            continue
        boxes.append((int(x), int(y), int(x + bw), int(y + bh), int(area)))
    boxes.sort(key=lambda b: -(b[3] - b[1]))
    return [b[:4] for b in boxes[:MAX_DIGITS]]


def _quantile(values: np.ndarray, q: float) -> float:
    """The q-quantile by partial sort (np.percentile's bookkeeping costs more than the sort on small arrays)."""
    k = int(q * (values.size - 1))
    return float(np.partition(values, k)[k])


def paper_and_ink(ink: np.ndarray, mask: np.ndarray,
                  box: tuple[int, int, int, int]) -> tuple[float, float] | None:
    """The paper's and the strokes' ink levels around the mark in ``box``, or None when the mark does not
    stand alone on an even background (see :data:`MAX_RING_INK`): then it is not a digit on paper."""
    x1, y1, x2, y2 = box
    h, w = mask.shape
    m = max(x2 - x1, y2 - y1) // 2
    X1, Y1, X2, Y2 = max(0, x1 - m), max(0, y1 - m), min(w, x2 + m), min(h, y2 + m)
    around = mask[Y1:Y2, X1:X2] > 0
    ring = np.ones(around.shape, bool)
    ring[y1 - Y1:y2 - Y1, x1 - X1:x2 - X1] = False
    if not ring.any() or around[ring].mean() > MAX_RING_INK:
        return None
    grey = ink[Y1:Y2, X1:X2]
    paper = grey[ring & ~around]
    strokes = grey[~ring & around]
    if paper.size == 0 or strokes.size == 0:
        return None
    paper_level, stroke_level = _quantile(paper, 0.5), _quantile(strokes, 0.9)
    contrast = stroke_level - paper_level
    if contrast < MIN_CONTRAST or float(paper.std()) > MAX_PAPER_NOISE * contrast:
        return None
    return paper_level, stroke_level


def mnist_crop(ink: np.ndarray, mask: np.ndarray, box: tuple[int, int, int, int], paper: float,
               stroke: float) -> np.ndarray:
    """The mark in ``box`` as MNIST drew its digits: grey strokes scaled into 20 x 20, centred by mass in 28 x 28.

    ``paper`` and ``stroke``: the ink levels of the paper and of the strokes (:func:`paper_and_ink`); the
    picture is stretched between them, so a faint pencil and a dark marker give the network the same contrast."""
    x1, y1, x2, y2 = box
    piece = ink[y1:y2, x1:x2].astype(np.float32)
    inside = mask[y1:y2, x1:x2] > 0
    grey = np.clip((piece - paper) / max(stroke - paper, 1.0), 0, 1)
    grey[~cv2.dilate(inside.astype(np.uint8), np.ones((3, 3), np.uint8)).astype(bool)] = 0  # neighbours' ink
    bh, bw = grey.shape
    scale = BOX / max(bh, bw)
    nw, nh = max(1, round(bw * scale)), max(1, round(bh * scale))
    small = cv2.resize(grey, (nw, nh), interpolation=cv2.INTER_AREA if scale < 1 else cv2.INTER_LINEAR)
    total = float(small.sum())
    if total <= 0:
        cy, cx = nh / 2, nw / 2
    else:
        cy = float(small.sum(axis=1) @ np.arange(nh)) / total
        cx = float(small.sum(axis=0) @ np.arange(nw)) / total
    # Place it so that its centre of mass lands on the field's centre, kept inside the field.
    top = int(round(min(max(FIELD / 2 - cy, 0), FIELD - nh)))
    left = int(round(min(max(FIELD / 2 - cx, 0), FIELD - nw)))
    field = np.zeros((FIELD, FIELD), np.float32)
    field[top:top + nh, left:left + nw] = small
    return (field * 255 + 0.5).astype(np.uint8)


def reading_order(boxes: list[tuple[int, int, int, int]]) -> list[int]:
    """Indices of ``boxes`` in reading order: lines top to bottom (a box joins a line it overlaps vertically
    by half its height), left to right within a line."""
    lines: list[list[int]] = []
    spans: list[tuple[float, float]] = []
    for i in sorted(range(len(boxes)), key=lambda k: (boxes[k][1] + boxes[k][3]) / 2):
        x1, y1, x2, y2 = boxes[i]
        for k, (top, bottom) in enumerate(spans):
            if min(y2, bottom) - max(y1, top) >= 0.5 * min(y2 - y1, bottom - top):
                lines[k].append(i)
                spans[k] = (min(top, y1), max(bottom, y2))  # the line grows with a lower or taller digit
                break
        else:
            lines.append([i])
            spans.append((y1, y2))
    return [i for line in lines for i in sorted(line, key=lambda k: boxes[k][0])]


def find_digits(image: np.ndarray, dark_on_light: bool = True, sensitivity: float = 0.5) -> list[Candidate]:
    """Every digit-like mark of a BGR frame, in reading order, each with its MNIST-style 28 x 28 picture."""
    gray = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    ink = ink_image(gray, dark_on_light)
    mask = ink_mask(ink, sensitivity)
    found = [(b, levels) for b in find_boxes(mask) if (levels := paper_and_ink(ink, mask, b)) is not None]
    boxes = [b for b, _ in found]
    return [Candidate(boxes[i], mnist_crop(ink, mask, boxes[i], *found[i][1])) for i in reading_order(boxes)]
