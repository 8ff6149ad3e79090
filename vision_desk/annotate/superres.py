"""Draws the superres comparison: bicubic and the GAN side by side (and the real region in check mode).

The comparison fills the frame (a dark sheet), because from the back of a
classroom only a large picture shows hair, fur and letter edges; a small
inset in the corner shows the whole frame with the region outlined, so the
class knows where the zoom is. Enlargements are shown with nearest-neighbour
when scaled up further, so the display adds no smoothing of its own.
"""
from __future__ import annotations

import cv2
import numpy as np

from vision_desk.annotate import draw
from vision_desk.i18n import translate_label
from vision_desk.results import SuperResolved

SHEET: draw.Color = (20, 20, 20)
REGION: draw.Color = (0, 220, 255)
INSET_FRACTION = 0.22
TEXT_SCALE = 1.5


def inset_geometry(width: int, height: int) -> tuple[int, int, int, int]:
    """Where the small whole-frame picture sits on the sheet: x, y, width, height (bottom-right corner).

    The window maps a drag inside it back to frame pixels, so the region can be chosen on the sheet.
    """
    pad = draw.style_for_height(height).pad + 2
    w, h = max(1, int(width * INSET_FRACTION)), max(1, int(height * INSET_FRACTION))
    return width - w - pad, height - h - pad, w, h


def _fit(picture: np.ndarray, width: int, height: int) -> np.ndarray:
    h, w = picture.shape[:2]
    k = min(width / w, height / h)
    size = (max(1, int(w * k)), max(1, int(h * k)))
    return cv2.resize(picture, size, interpolation=cv2.INTER_AREA if k < 1 else cv2.INTER_NEAREST)


def _put(image: np.ndarray, text: str, x: int, y: int, st: draw.Style) -> None:
    """White text with a black outline, its baseline at y, in the window's language (Qt's font engine
    there; Hershey and English on the command line)."""
    draw.draw_outlined_text(image, text, x, y, st)


class SuperresAnnotator:
    """``annotate(image, result)`` draws IN PLACE on the BGR uint8 frame and returns it."""

    def annotate(self, image: np.ndarray, result: SuperResolved) -> np.ndarray:
        h, w = image.shape[:2]
        base = draw.style_for(image)
        st = draw.Style(base.line, base.font_scale * TEXT_SCALE, base.text + 1, base.pad + 2, base.radius)
        inset = self._inset(image, result, base)
        image[:] = SHEET
        _, th, tb = draw.text_size("Ag", st)
        line = th + tb + st.pad
        panels: list[tuple[str, np.ndarray, list[str]]] = []
        if result.reference is not None:
            panels.append((translate_label("real (the answer)"), result.reference, ["", ""]))
        compared = ((translate_label("bicubic x4"), result.bicubic, result.sharpness_bicubic, result.psnr_bicubic),
                    (translate_label("GAN x4"), result.gan, result.sharpness_gan, result.psnr_gan))
        for title, picture, sharp, score in compared:
            notes = [translate_label("sharpness {value:.0f}").format(value=sharp),
                     translate_label("PSNR {value:.1f} dB").format(value=score) if score is not None else ""]
            panels.append((title, picture, notes))
        gap = st.pad * 2
        top = st.pad + line  # titles above the pictures; the inset sits in the bottom-right corner
        col_w = (w - gap * (len(panels) + 1)) // len(panels)
        avail_h = h - top - 2 * line - inset.shape[0] - 2 * st.pad
        for i, (title, picture, notes) in enumerate(panels):
            x = gap + i * (col_w + gap)
            shown = _fit(picture, col_w, max(8, avail_h))
            image[top:top + shown.shape[0], x:x + shown.shape[1]] = shown
            _put(image, title, x, top - st.pad, draw.fitted(title, st, col_w))  # never into the next column
            for k, note in enumerate(n for n in notes if n):
                _put(image, note, x, top + shown.shape[0] + (k + 1) * line, draw.fitted(note, st, col_w))
        ix, iy, iw, ih = inset_geometry(w, h)
        image[iy:iy + ih, ix:ix + iw] = inset
        small = draw.Style(base.line, base.font_scale, base.text, base.pad, base.radius)
        hint = translate_label("drag here: region")
        hint_x = max(base.pad, min(ix, w - draw.text_size(draw.renderable(hint), small)[0] - base.pad))
        _put(image, hint, hint_x, iy - base.pad, small)  # the window maps a drag on the inset
        mode = translate_label("zoom: the GAN invents detail" if result.mode == "zoom"
                               else "check: shrunk x4, enlarged back")
        _put(image, mode, st.pad, h - st.pad, draw.Style(st.line, st.font_scale * 0.75, st.text, st.pad, st.radius))
        return image

    def _inset(self, image: np.ndarray, result: SuperResolved, st: draw.Style) -> np.ndarray:
        """The whole frame, small, with the region outlined."""
        h, w = image.shape[:2]
        _, _, iw, ih = inset_geometry(w, h)
        small = cv2.resize(image, (iw, ih), interpolation=cv2.INTER_AREA)
        rx1, ry1, rx2, ry2 = result.region
        x1, x2 = int(rx1 * iw / w), int(rx2 * iw / w)
        y1, y2 = int(ry1 * ih / h), int(ry2 * ih / h)
        cv2.rectangle(small, (x1, y1), (max(x1 + 2, x2), max(y1 + 2, y2)), REGION, max(1, st.line // 2))
        return small
