"""Where each element of a lecture view goes: boxes that never overlap, laid out at the size shown.

Why: the lecture views (cnn's grid and bars, superres's panels and labels) used to be drawn into the
source frame's pixels (640 x 360 for the sample clip), so text, pictures and labels competed for a small
canvas and a larger text size shrank the pictures under the labels. A lecture view is now *composed* on
a canvas of the size it is shown (the window's view in its own pixels; the frame's size for recordings
and the command line), and each element gets a place of its own from the bands below. Every element
drawn is recorded in a :class:`Sheet`, so tests can check the rule itself (no text over another text or
over a lesson's picture) at any size, text scale and language.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Generic, TypeVar

import cv2
import numpy as np

from vision_desk.annotate import draw


SMALLEST = 48  # pixels: a canvas narrower or lower than this shows the picture alone


@dataclass(frozen=True)
class Box:
    """An axis-aligned rectangle in canvas pixels: x, y of the top-left corner, width, height."""

    x: int
    y: int
    w: int
    h: int

    @property
    def right(self) -> int:
        return self.x + self.w

    @property
    def bottom(self) -> int:
        return self.y + self.h

    def intersects(self, other: Box) -> bool:
        return (self.w > 0 and self.h > 0 and other.w > 0 and other.h > 0 and self.x < other.right
                and other.x < self.right and self.y < other.bottom and other.y < self.bottom)

    def inside(self, width: int, height: int) -> bool:
        return self.x >= 0 and self.y >= 0 and self.right <= width and self.bottom <= height


@dataclass
class Sheet:
    """What a lecture view drew where: ("text" | "picture", name, box) for each element."""

    width: int
    height: int
    elements: list[tuple[str, str, Box]] = field(default_factory=list)

    def add(self, kind: str, name: str, box: Box) -> Box:
        self.elements.append((kind, name, box))
        return box

    def boxes(self, kind: str) -> list[tuple[str, Box]]:
        return [(name, box) for k, name, box in self.elements if k == kind]

    def collisions(self) -> list[tuple[str, str]]:
        """Pairs of elements that overlap where they must not: text on text, or text on a picture."""
        texts = self.boxes("text")
        found = [(a, b) for i, (a, ba) in enumerate(texts) for b, bb in texts[i + 1:] if ba.intersects(bb)]
        found += [(t, p) for t, bt in texts for p, bp in self.boxes("picture") if bt.intersects(bp)]
        return found

    def outside(self) -> list[str]:
        return [name for _, name, box in self.elements if not box.inside(self.width, self.height)]


R = TypeVar("R")


class LectureView(Generic[R]):
    """What the lecture views share: ``compose`` lays the view out on a new canvas of any size (the window's
    view), ``annotate`` at the frame's own size (recordings, the command line); subclasses fill the canvas in
    ``lay_out`` and record each element in the sheet (kept as ``last_sheet`` for tests)."""

    BACKGROUND: tuple[int, int, int] = (20, 20, 20)

    def __init__(self) -> None:
        self.last_sheet: Sheet | None = None

    def annotate(self, image: np.ndarray, result: R) -> np.ndarray:
        h, w = image.shape[:2]
        return self.compose(image, result, (w, h))

    def compose(self, picture: np.ndarray, result: R, size: tuple[int, int]) -> np.ndarray:
        """The view at ``size`` (width, height) from ``picture`` (the frame with the other overlays)."""
        width, height = max(1, int(size[0])), max(1, int(size[1]))
        if min(width, height) < SMALLEST:  # no room for a lecture view: the picture alone
            return cv2.resize(picture, (width, height), interpolation=cv2.INTER_AREA)
        canvas = np.empty((height, width, 3), np.uint8)
        # (OpenCV's fill: numpy broadcasting a 3-value colour over a 1500 x 850 canvas took ~30 ms)
        cv2.rectangle(canvas, (0, 0), (width - 1, height - 1), self.BACKGROUND, cv2.FILLED)
        sheet = Sheet(width, height)
        self.lay_out(canvas, sheet, picture, result)
        self.last_sheet = sheet
        return canvas

    def lay_out(self, canvas: np.ndarray, sheet: Sheet, picture: np.ndarray, result: R) -> None:
        raise NotImplementedError


def fit_into(width: int, height: int, room_w: int, room_h: int) -> tuple[int, int]:
    """The largest size with ``width``:``height``'s aspect ratio that fits ``room_w`` x ``room_h``."""
    if width <= 0 or height <= 0 or room_w <= 0 or room_h <= 0:
        return 0, 0
    k = min(room_w / width, room_h / height)
    return max(1, int(width * k)), max(1, int(height * k))


def place(canvas: np.ndarray, picture: np.ndarray, box: Box, smooth: bool = True) -> None:
    """``picture`` resized to ``box`` and copied there (INTER_AREA to shrink; to enlarge, linear for a
    photo, nearest-neighbour for a model's output, so the view adds no smoothing of its own)."""
    if box.w <= 0 or box.h <= 0:
        return
    h, w = picture.shape[:2]
    shrink = box.w < w or box.h < h
    mode = cv2.INTER_AREA if shrink else (cv2.INTER_LINEAR if smooth else cv2.INTER_NEAREST)
    canvas[box.y:box.bottom, box.x:box.right] = cv2.resize(picture, (box.w, box.h), interpolation=mode)


# The lecture views' text is at most this fraction of the canvas height: a larger text size grows the
# text until then, and the pictures keep their room (200% must enlarge the text, not shrink the lesson).
MAX_TEXT_FRACTION = 1 / 18


def lecture_style(height: int, k: float = 1.5) -> draw.Style:
    """Text ``k`` times the other overlays' at this canvas height and text size, capped (MAX_TEXT_FRACTION)."""
    st = draw.style_for_height(height)
    scale = min(st.font_scale * k, height * MAX_TEXT_FRACTION / draw.text_render.PIXELS_PER_SCALE)
    return draw.Style(st.line, scale, st.text + 1, st.pad + 2, st.radius)


def line_height(style: draw.Style) -> int:
    """One line of text in ``style`` with its padding (Qt's ascent + descent: the same for every script)."""
    _, th, base = draw.text_size("Ag", style)
    return th + base + style.pad


def put_text(sheet: Sheet, canvas: np.ndarray, name: str, text: str, x: int, top: int, style: draw.Style,
             room: int, right_align: bool = False) -> Box:
    """White outlined ``text`` with its top at ``top``, made smaller if wider than ``room`` (never cut);
    recorded in ``sheet`` as a text box."""
    st = draw.fitted(text, style, room)
    tw, th, base = draw.text_size(draw.renderable(text), st)
    while tw > room and len(text) > 1:  # at the smallest legible size and still too wide: cut, visibly
        text = text[:-2] + "…"
        tw = draw.text_size(draw.renderable(text), st)[0]
    if right_align:
        x = x + room - tw
    draw.draw_outlined_text(canvas, text, x, top + th, st)
    return sheet.add("text", name, Box(x, top, tw, th + base))


def put_wrapped(sheet: Sheet, canvas: np.ndarray, name: str, text: str, x: int, top: int, style: draw.Style,
                room: int, max_lines: int = 2) -> Box:
    """``text`` on up to ``max_lines`` lines, broken between its parts (" · ", "・", "（"), at full size where
    that fits (a long title is wrapped, not shrunk to a size nobody at the back can read); the last line is
    shrunk if it must be. Returns the box around all the lines."""
    parts = [p for p in re.split(r"(?<= · )|(?<=・)|(?=（)", text) if p]
    lines: list[str] = []
    for part in parts:
        if lines and len(lines) < max_lines and \
                draw.text_size(draw.renderable(lines[-1] + part), style)[0] > room:
            lines.append(part)
        elif lines:
            lines[-1] += part
        else:
            lines.append(part)
    boxes = [put_text(sheet, canvas, f"{name} {i}" if i else name, line.strip(" ·・"), x,
                      top + i * line_height(style), style, room) for i, line in enumerate(lines)]
    return Box(x, top, max(b.w for b in boxes), boxes[-1].bottom - top)
