"""The heads-up display: what the pipeline is doing, drawn on the frame itself.

Four short lines in a darkened box at the bottom-left (box labels sit at the top):

    FPS  capture 30.0  processed 24.8  output 24.8
    ms   objects 15.2  style 61.0  read 2.1  draw 0.8  write 3.0
    latency 45 ms  dropped 12  errors 0
    CPU (1 thread) - CUDA not used: ...

Why on the frame: a teacher projecting the window, or someone watching a
recorded video, sees the cost of each model next to its effect. Sizes follow
:func:`vision_desk.annotate.draw.style_for` (legible at 480p, not huge at
1080p); a line too long for the frame is wrapped once, then cut with "..."
rather than running off the edge. In the window's language (Japanese through
the label tables, drawn by Qt's font engine); on the command line OpenCV's
Hershey fonts draw ASCII only, so other characters (the em dash in the
provider line) are replaced.
"""
from __future__ import annotations

from collections.abc import Sequence

import cv2
import numpy as np

from vision_desk.annotate import text as text_render
from vision_desk.annotate.draw import Style, style_for, text_size
from vision_desk.frame_stats import Stats
from vision_desk.i18n import language, translate_label, translate_message

_ASCII = str.maketrans({"\u2014": "-", "\u2013": "-", "\u2026": "...", "\u00d7": "x", "\u2019": "'"})
# Stages that are not processors, shown after the processors in this order.
_FIXED_STAGES = ("read", "draw", "write")
_MIN_FONT_SCALE = 0.45  # below this, Hershey text at 1 px stops being readable on a projector


def ascii_text(text: str) -> str:
    return text.translate(_ASCII).encode("ascii", "replace").decode("ascii")


def hud_lines(stats: Stats, processors: Sequence[str] | None = None) -> list[str]:
    """The HUD's text in the labels' language (English on the command line), also handy for logs and tests."""
    def t(text: str) -> str:
        return translate_label(text, domain="hud")

    med = stats.stage_median_ms or stats.stage_ms
    names = list(processors) if processors is not None else [k for k in med if k not in _FIXED_STAGES]
    stages = [n for n in names if n in med] + [n for n in _FIXED_STAGES if n in med]
    ms = "  ".join(f"{t(n)} {med[n]:.1f}" for n in stages) or "-"
    lines = [
        t("FPS  capture {capture:.1f}  processed {processed:.1f}  output {output:.1f}").format(
            capture=stats.capture_fps, processed=stats.processed_fps, output=stats.output_fps),
        t("ms   {stages}").format(stages=ms),
        t("latency {latency:.0f} ms  dropped {dropped}  errors {errors}").format(
            latency=stats.latency_p50_ms or stats.latency_ms, dropped=stats.dropped, errors=stats.errors),
    ]
    if stats.provider:
        # Why CUDA is not used, as the README promises: the cause (up to the first ";"), without the remedy,
        # which the stats panel and `vision-desk info` give; a line too wide for the frame is wrapped.
        head, sep, tail = stats.provider.partition(" \u2014 ")
        if language() == "en":
            lines.append(head + (" - " + tail.split(";")[0] if sep else ""))
        else:
            lines.append(translate_message(head + (" \u2014 " + tail.split(";")[0] if sep else "")))
    return [ascii_text(line) for line in lines] if language() == "en" else lines


def _fit(text: str, max_width: int, style: Style) -> str:
    """``text`` cut with '...' so that it is at most ``max_width`` pixels wide."""
    if text_size(text, style)[0] <= max_width:
        return text
    return text[:_fitting(text, max_width, style, "...")] + "..."


def _fitting(text: str, max_width: int, style: Style, tail: str = "") -> int:
    """The length of the longest prefix of ``text`` that, with ``tail``, is at most ``max_width`` wide."""
    lo, hi = 0, len(text)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if text_size(text[:mid] + tail, style)[0] <= max_width:
            lo = mid
        else:
            hi = mid - 1
    return lo


def _wrap(text: str, max_width: int, style: Style, lines: int = 3) -> list[str]:
    """``text`` on up to ``lines`` lines (broken at a space or after Japanese punctuation), the last cut if
    need be: the device line's reason used to end in '...' on a small frame."""
    if text_size(text, style)[0] <= max_width:
        return [text]
    n = _fitting(text, max_width, style)
    breaks = [i + 1 for i, ch in enumerate(text[:n]) if ch in " 、。）—"]
    # Japanese may break between any two characters: only a late break point is worth a shorter line.
    late = 3 * n // 4 if not text.isascii() else n // 2
    cut = breaks[-1] if breaks and breaks[-1] > late else n
    rest = text[cut:].lstrip()
    tail = _wrap(rest, max_width, style, lines - 1) if lines > 2 else [_fit(rest, max_width, style)]
    return [text[:cut].rstrip(), *tail]


class HudAnnotator:
    """Draws :func:`hud_lines` in place; ``annotate(image, stats)`` returns the same image."""

    def __init__(self, corner: str = "bottom-left", opacity: float = 0.6) -> None:
        self.corner = corner
        self.opacity = opacity

    def annotate(self, image: np.ndarray, stats: Stats, processors: Sequence[str] | None = None) -> np.ndarray:
        base = style_for(image)
        st = Style(base.line, max(base.font_scale * 0.85, _MIN_FONT_SCALE), base.text, base.pad, base.radius)
        h_img, w_img = image.shape[:2]
        margin = st.pad
        # At most 60% of the width: the bottom-right corner is the teaching views' (the Haar count caption).
        max_w = max(10, int(w_img * 0.6) - 2 * margin - 2 * st.pad)
        lines = [part for line in hud_lines(stats, processors) for part in _wrap(line, max_w, st)]
        sizes = [text_size(line, st) for line in lines]
        line_h = max(h + b for _, h, b in sizes) + st.pad
        box_w = min(w_img - 2 * margin, max(w for w, _, _ in sizes) + 2 * st.pad)
        box_h = min(h_img - 2 * margin, line_h * len(lines) + st.pad)
        x0 = margin if self.corner.endswith("left") else w_img - box_w - margin
        y0 = margin if self.corner.startswith("top") else h_img - box_h - margin
        if box_w <= 0 or box_h <= 0:
            return image
        roi = image[y0:y0 + box_h, x0:x0 + box_w]
        roi[...] = cv2.convertScaleAbs(roi, alpha=1.0 - self.opacity)
        y = y0 + st.pad
        for line, (_, th, base_d) in zip(lines, sizes):
            y_text = y + th
            if y_text + base_d > y0 + box_h:
                break
            text_render.renderer().put(image, line, x0 + st.pad, y_text, (255, 255, 255), st.font_scale, st.text)
            y += line_h
        return image
