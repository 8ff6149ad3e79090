"""Small drawing helpers shared by every annotator.

Why a module of its own: every overlay (boxes, faces, skeletons, the HUD) must
be legible on a 480p webcam frame and on a 1080p video alike, and the same
class must keep the same colour from frame to frame and from run to run. These
helpers put those two rules in one place. All of them draw IN PLACE on a BGR
uint8 image and clip to its borders, so a box half outside the frame is fine.
"""
from __future__ import annotations

import colorsys
import functools
from dataclasses import dataclass

import cv2
import numpy as np

from vision_desk.annotate import text as text_render

Color = tuple[int, int, int]  # B, G, R

FONT = cv2.FONT_HERSHEY_SIMPLEX
# Height at which sizes are "1x": lines 2 px, text ~0.6 font scale. A 480p frame gets about 0.67x, 1080p 1.5x.
_REFERENCE_HEIGHT = 720.0


@dataclass(frozen=True)
class Style:
    """Sizes for one image height: line thickness, font scale and text thickness, padding around labels."""

    line: int
    font_scale: float
    text: int
    pad: int
    radius: int  # for keypoints / dots


_text_scale = 1.0  # the window's UI scale (View > Text size): overlay text grows with the panels' text


def set_text_scale(scale: float) -> None:
    """Labels and captions drawn from now on are ``scale`` times their normal size (1.0-2.0)."""
    global _text_scale
    _text_scale = min(max(float(scale), 0.5), 3.0)


def text_scale() -> float:
    return _text_scale


# Text drawn on a frame is at most this fraction of its height, above its 100% size: on a small frame
# (360p) shown large, 200% used to make labels cover the subject. The panels' text grows in full.
_MAX_TEXT_FRACTION = 1 / 16


@functools.lru_cache(maxsize=64)
def _style(height: int, text_k: float) -> Style:
    k = max(int(height), 1) / _REFERENCE_HEIGHT
    normal = max(0.45, 0.6 * k)
    cap = max(normal, max(int(height), 1) * _MAX_TEXT_FRACTION / text_render.PIXELS_PER_SCALE)
    return Style(
        line=max(2, round(2.5 * k)),
        font_scale=min(normal * text_k, cap),
        text=max(1, round(1.6 * k * text_k)),
        pad=max(2, round(4 * k * text_k)),
        radius=max(2, round(4 * k)),
    )


def style_for_height(height: int) -> Style:
    """Sizes that grow with the image height, with minimums that keep 240p-480p text readable."""
    return _style(int(height), _text_scale)


def style_for(image: np.ndarray) -> Style:
    """:func:`style_for_height` for this image."""
    return style_for_height(int(image.shape[0]))


@functools.lru_cache(maxsize=512)
def color_for(class_id: int) -> Color:
    """A stable, distinct BGR colour for a class id (or a person/track index).

    Hues step by the golden ratio, so neighbouring ids land far apart on the
    colour wheel; saturation/value alternate a little so ids 0 and ~13 (close
    hues) still differ. Deterministic: no random state, same colour every run.
    """
    hue = (int(class_id) * 0.618033988749895) % 1.0
    sat = 0.9 if class_id % 2 == 0 else 0.75
    val = 1.0 if (class_id // 2) % 2 == 0 else 0.85
    r, g, b = colorsys.hsv_to_rgb(hue, sat, val)
    return int(b * 255), int(g * 255), int(r * 255)


def text_color_on(background: Color) -> Color:
    """Black or white, whichever reads better on ``background`` (perceived luminance)."""
    b, g, r = background
    return (0, 0, 0) if 0.299 * r + 0.587 * g + 0.114 * b > 150 else (255, 255, 255)


def _int_box(box: np.ndarray | tuple[float, float, float, float]) -> tuple[int, int, int, int]:
    x1, y1, x2, y2 = (int(round(float(v))) for v in box)
    return x1, y1, x2, y2


OUTLINE: Color = (20, 20, 20)


def draw_box(image: np.ndarray, box: np.ndarray | tuple[float, float, float, float], color: Color,
             thickness: int | None = None, outline: bool = False) -> None:
    """A rectangle for an x1 y1 x2 y2 box; thickness defaults to the image's line size.

    ``outline`` first lays a dark line one pixel wider on each side, so the box
    stays visible on a background of its own colour (a red class on a red cup).
    """
    x1, y1, x2, y2 = _int_box(box)
    t = thickness or style_for(image).line
    if outline:
        cv2.rectangle(image, (x1, y1), (x2, y2), OUTLINE, t + 2, cv2.LINE_AA)
    cv2.rectangle(image, (x1, y1), (x2, y2), color, t, cv2.LINE_AA)


def text_size(text: str, style: Style) -> tuple[int, int, int]:
    """Width, height (above the baseline) and baseline depth of ``text`` in this style.

    Measured by the current text renderer (:mod:`vision_desk.annotate.text`): Hershey on the command line,
    Qt's font engine in the window (any script)."""
    return text_render.renderer().size(text, style.font_scale, style.text)


def draw_label(image: np.ndarray, text: str, x: float, y: float, color: Color,
               style: Style | None = None, above: bool = True) -> tuple[int, int, int, int]:
    """Text on a filled background of ``color``, its bottom-left at (x, y) (or top-left when ``above`` is False).

    The label is moved inside the image when it would stick out (a box at the top
    edge gets its label just inside instead of cut off). Returns the label's
    x1 y1 x2 y2 so callers can stack labels.
    """
    st = style or style_for(image)
    h_img, w_img = image.shape[:2]
    tw, th, base = text_size(text, st)
    lw, lh = tw + 2 * st.pad, th + base + 2 * st.pad
    x1 = int(round(x))
    y1 = int(round(y)) - lh if above else int(round(y))
    if above and y1 < 0:  # no room above: put it just below the anchor
        y1 = int(round(y))
    x1 = min(max(x1, 0), max(w_img - lw, 0))
    y1 = min(max(y1, 0), max(h_img - lh, 0))
    cv2.rectangle(image, (x1, y1), (x1 + lw, y1 + lh), color, cv2.FILLED)
    text_render.renderer().put(image, text, x1 + st.pad, y1 + st.pad + th, text_color_on(color),
                               st.font_scale, st.text)
    return x1, y1, x1 + lw, y1 + lh


def renderable(text: str) -> str:
    """``text`` as the current renderer can draw it: Hershey (ASCII only) gets '|' for '·' and '...' for '…'."""
    if text_render.renderer().name != "hershey":
        return text
    return text.replace("·", "|").replace("…", "...").replace("×", "x")


def fitted(text: str, style: Style, room: int) -> Style:
    """``style``, made smaller when ``text`` would be wider than ``room`` pixels (a longer, translated title
    on a narrow frame shrinks instead of running into its neighbour or off the edge)."""
    width = text_size(renderable(text), style)[0]
    if width <= room or room <= 0:
        return style
    k = room / width
    return Style(style.line, style.font_scale * k, max(1, round(style.text * k)), style.pad, style.radius)


def draw_outlined_text(image: np.ndarray, text: str, x: int, baseline_y: int, style: Style,
                       color: Color = (255, 255, 255), outline: Color = (0, 0, 0)) -> None:
    """Text with a dark outline, its baseline's left end at (x, baseline_y): legible on any picture.

    Hershey draws the outline as a thicker pass; Qt's text mask is dilated into a ring (cached per label),
    so the outline costs one more blend, not another render."""
    r = text_render.renderer()
    text = renderable(text)
    if isinstance(r, text_render.OutlinedText):
        r.put_outlined(image, text, x, baseline_y, color, outline, style.font_scale, max(1, (style.text + 1) // 2))
        return
    r.put(image, text, x, baseline_y, outline, style.font_scale, style.text + 2)  # Hershey: a thicker pass
    r.put(image, text, x, baseline_y, color, style.font_scale, style.text)


def draw_caption(image: np.ndarray, text: str, corner: str = "bottom-left",
                 color: Color = (40, 40, 40), style: Style | None = None) -> tuple[int, int, int, int]:
    """A label pinned to a corner of the image ("top-left", "top-right", "bottom-left", "bottom-right")."""
    st = style or style_for(image)
    h_img, w_img = image.shape[:2]
    tw, th, base = text_size(text, st)
    lw, lh = tw + 2 * st.pad, th + base + 2 * st.pad
    margin = st.pad
    x = margin if corner.endswith("left") else w_img - lw - margin
    y = margin if corner.startswith("top") else h_img - lh - margin
    return draw_label(image, text, x, y, color, st, above=False)


def blend_boxes(image: np.ndarray, boxes: np.ndarray, color: Color, alpha: float,
                thickness: int = 1) -> None:
    """Many thin box outlines drawn translucently, where overlaps add up.

    Each outline is laid with opacity ``alpha``; where k outlines overlap the
    opacity is 1 - (1 - alpha)^k, so a spot that many boxes agree on (a real
    face found at many scales and shifts) shows up solid while a lone box stays
    faint. Only the region the boxes cover is touched, and the outlines are
    counted with numpy slices rather than drawn one by one on a copy, so
    hundreds of boxes on a 1080p frame stay cheap.
    """
    boxes = np.asarray(boxes, dtype=np.float32).reshape(-1, 4)
    alpha = float(min(alpha, 1.0))
    if len(boxes) == 0 or alpha <= 0:
        return
    h_img, w_img = image.shape[:2]
    t = max(1, int(thickness))
    ib = np.round(boxes).astype(np.int64)
    ib[:, [0, 2]] = np.clip(ib[:, [0, 2]], 0, w_img - 1)
    ib[:, [1, 3]] = np.clip(ib[:, [1, 3]], 0, h_img - 1)
    ib = ib[(ib[:, 2] > ib[:, 0]) & (ib[:, 3] > ib[:, 1])]
    if len(ib) == 0:
        return
    x0, y0 = int(ib[:, 0].min()), int(ib[:, 1].min())
    x1, y1 = int(ib[:, 2].max()) + 1, int(ib[:, 3].max()) + 1
    count = np.zeros((y1 - y0, x1 - x0), np.uint16)
    for bx1, by1, bx2, by2 in ib - np.array([x0, y0, x0, y0]):
        inner_top, inner_bottom = by1 + t, max(by2 - t + 1, by1 + t)
        count[by1:inner_top, bx1:bx2 + 1] += 1  # top edge
        count[inner_bottom:by2 + 1, bx1:bx2 + 1] += 1  # bottom edge
        count[inner_top:inner_bottom, bx1:bx1 + t] += 1  # left edge
        count[inner_top:inner_bottom, max(bx2 - t + 1, bx1 + t):bx2 + 1] += 1  # right edge
    table = _opacity_table(alpha)
    roi = image[y0:y1, x0:x1]
    ys, xs = np.nonzero(count)
    if len(ys) < count.size // 4:  # the usual case: thin outlines are sparse, blend only their pixels
        opacity = table[np.minimum(count[ys, xs], 255)][:, None]
        mixed = roi[ys, xs].astype(np.float32) * (1.0 - opacity) + np.float32(color) * opacity
        roi[ys, xs] = (mixed + 0.5).astype(np.uint8)
    else:  # dense: per-pixel weights over the whole region, blended in C by OpenCV
        opacity = table[np.minimum(count, 255)]
        solid = np.empty_like(roi)
        solid[:] = color
        roi[...] = cv2.blendLinear(roi, solid, 1.0 - opacity, opacity)


def fill_boxes(image: np.ndarray, boxes: np.ndarray, color: Color, alpha: float, max_opacity: float = 0.3) -> None:
    """Fill boxes translucently, overlaps adding up (1 - (1 - alpha)^k, at most ``max_opacity``).

    Counted with a 2-D difference array (four writes per box, then two cumulative sums), so hundreds of
    boxes cost about as much as one pass over the region they cover.
    """
    boxes = np.asarray(boxes, dtype=np.float32).reshape(-1, 4)
    if len(boxes) == 0 or alpha <= 0:
        return
    h_img, w_img = image.shape[:2]
    ib = np.round(boxes).astype(np.int64)
    ib[:, [0, 2]] = np.clip(ib[:, [0, 2]], 0, w_img)
    ib[:, [1, 3]] = np.clip(ib[:, [1, 3]], 0, h_img)
    ib = ib[(ib[:, 2] > ib[:, 0]) & (ib[:, 3] > ib[:, 1])]
    if len(ib) == 0:
        return
    x0, y0, x1, y1 = int(ib[:, 0].min()), int(ib[:, 1].min()), int(ib[:, 2].max()), int(ib[:, 3].max())
    diff = np.zeros((y1 - y0 + 1, x1 - x0 + 1), np.int32)
    rel = ib - np.array([x0, y0, x0, y0])
    np.add.at(diff, (rel[:, 1], rel[:, 0]), 1)
    np.add.at(diff, (rel[:, 1], rel[:, 2]), -1)
    np.add.at(diff, (rel[:, 3], rel[:, 0]), -1)
    np.add.at(diff, (rel[:, 3], rel[:, 2]), 1)
    count = diff.cumsum(0).cumsum(1)[:-1, :-1]
    opacity = np.minimum(_opacity_table(float(min(alpha, 1.0)))[np.minimum(count, 255)], max_opacity)
    roi = image[y0:y1, x0:x1]
    solid = np.empty_like(roi)
    solid[:] = color
    roi[...] = cv2.blendLinear(roi, solid, (1.0 - opacity).astype(np.float32), opacity.astype(np.float32))


@functools.lru_cache(maxsize=16)
def _opacity_table(alpha: float) -> np.ndarray:
    """Opacity after k overlapping layers of ``alpha``, for k = 0..255."""
    return (1.0 - np.power(1.0 - alpha, np.arange(256, dtype=np.float32))).astype(np.float32)
