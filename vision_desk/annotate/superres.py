"""Draws the superres comparison: bicubic and the GAN side by side (and the real region in check mode).

The comparison fills the view (a dark sheet laid out at the size shown,
annotate/layout.py), because from the back of a classroom only a large picture
shows hair, fur and letter edges; a small picture in the bottom band shows the
whole frame with the region outlined, so the class knows where the zoom is.
Enlargements are shown with nearest-neighbour when scaled up further, so the
display adds no smoothing of its own.
"""
from __future__ import annotations

import cv2
import numpy as np

from vision_desk.annotate import draw, layout
from vision_desk.i18n import translate_label
from vision_desk.results import SuperResolved

SHEET: draw.Color = (20, 20, 20)
REGION: draw.Color = (0, 220, 255)
INSET_FRACTION = 0.22
TEXT_SCALE = 1.5


def inset_geometry(width: int, height: int, frame_w: int | None = None, frame_h: int | None = None
                   ) -> tuple[int, int, int, int]:
    """Where the small whole-frame picture sits on a ``width`` x ``height`` sheet: x, y, width, height.

    It fills the bottom band's right end, with the frame's aspect ratio (``frame_w`` x ``frame_h``, the
    sheet's own when not given). The window maps a drag inside it back to frame pixels, so the region
    can be chosen on the sheet.
    """
    frame_w, frame_h = frame_w or width, frame_h or height
    small = draw.style_for_height(height)
    pad = small.pad + 2
    band = max(int(height * INSET_FRACTION), 2 * layout.line_height(_hint_style(small)) + 2 * pad)
    iw, ih = layout.fit_into(frame_w, frame_h, int(width * 0.45), band - pad)
    return width - iw - pad, height - ih - pad, iw, ih


def _hint_style(small: draw.Style) -> draw.Style:
    """The bottom band's text (the hint, the mode): a little larger than the other overlays."""
    return draw.Style(small.line, small.font_scale * 1.2, small.text, small.pad, small.radius)


class SuperresAnnotator(layout.LectureView[SuperResolved]):
    """Composes the comparison sheet on a canvas of its own (:meth:`compose`); ``annotate`` composes it at
    the frame's size (recordings, the command line).

    Bands from the top: the titles, the pictures, two lines of figures under each picture (sharpness, PSNR:
    the lesson's numbers, never covered), and the bottom band with the mode and the "drag here" hint on the
    left and the whole frame on the right.
    """

    BACKGROUND = SHEET

    def lay_out(self, canvas: np.ndarray, sheet: layout.Sheet, picture: np.ndarray, result: SuperResolved) -> None:
        h, w = canvas.shape[:2]
        fh, fw = picture.shape[:2]
        small = draw.style_for_height(h)
        st = layout.lecture_style(h, TEXT_SCALE)
        line = layout.line_height(st)
        panels: list[tuple[str, np.ndarray, list[str]]] = []
        if result.reference is not None:
            panels.append((translate_label("real (the answer)"), result.reference, []))
        compared = ((translate_label("bicubic x4"), result.bicubic, result.sharpness_bicubic, result.psnr_bicubic),
                    (translate_label("GAN x4"), result.gan, result.sharpness_gan, result.psnr_gan))
        for title, pic, sharp, score in compared:
            notes = [translate_label("sharpness {value:.0f}").format(value=sharp)]
            if score is not None:
                notes.append(translate_label("PSNR {value:.1f} dB").format(value=score))
            panels.append((title, pic, notes))
        ix, iy, iw, ih = inset_geometry(w, h, fw, fh)
        gap = st.pad * 2
        band_top = iy - st.pad
        notes_h = max(len(notes) for _, _, notes in panels) * (line + st.pad // 2)
        # Side by side in one row, or in two columns when that gives larger pictures (a tall, narrow view:
        # the right half with B).
        cols = max((len(panels), 2) if len(panels) > 2 else (len(panels),),
                   key=lambda c: self._side(c, len(panels), w, band_top, gap, line, notes_h, st.pad))
        n_rows = -(-len(panels) // cols)
        col_w = (w - gap * (cols + 1)) // cols
        cell_h = (band_top - st.pad) // n_rows
        avail_h = cell_h - (line + st.pad) - notes_h - 2 * st.pad
        for i, (title, pic, notes) in enumerate(panels):
            r, c = divmod(i, cols)
            x, y0 = gap + c * (col_w + gap), st.pad + r * cell_h
            layout.put_text(sheet, canvas, f"title {i}", title, x, y0, st, col_w)  # never into the next column
            pw, ph = layout.fit_into(pic.shape[1], pic.shape[0], col_w, max(8, avail_h))
            box = sheet.add("picture", f"picture {i}", layout.Box(x, y0 + line + st.pad, pw, ph))
            layout.place(canvas, pic, box, smooth=False)
            y = box.bottom + st.pad
            for k, note in enumerate(notes):
                y = layout.put_text(sheet, canvas, f"note {i}.{k}", note, x, y, st, col_w).bottom + st.pad // 2
        inset = self._inset(picture, result, iw, ih, small)
        canvas[iy:iy + ih, ix:ix + iw] = inset
        sheet.add("picture", "inset", layout.Box(ix, iy, iw, ih))
        room = ix - 2 * small.pad - st.pad
        hint_st = _hint_style(small)
        # The hint beside the frame it points at, right-aligned to it; the mode below it, at the left.
        layout.put_text(sheet, canvas, "hint", translate_label("drag here: region"), st.pad, iy, hint_st, room,
                        right_align=True)
        mode = translate_label("zoom: the GAN invents detail" if result.mode == "zoom"
                               else "check: shrunk x4, enlarged back")
        layout.put_text(sheet, canvas, "mode", mode, st.pad, h - small.pad - layout.line_height(hint_st), hint_st,
                        room)

    @staticmethod
    def _side(cols: int, count: int, width: int, height: int, gap: int, line: int, notes_h: int, pad: int) -> int:
        """The side of a square picture with ``count`` panels in ``cols`` columns on ``width`` x ``height``."""
        rows = -(-count // cols)
        return min((width - gap * (cols + 1)) // cols, (height - pad) // rows - line - notes_h - 3 * pad)

    def _inset(self, picture: np.ndarray, result: SuperResolved, iw: int, ih: int, st: draw.Style) -> np.ndarray:
        """The whole frame, small, with the region outlined."""
        h, w = picture.shape[:2]
        small = cv2.resize(picture, (iw, ih), interpolation=cv2.INTER_AREA if iw < w else cv2.INTER_LINEAR)
        rx1, ry1, rx2, ry2 = result.region
        x1, x2 = int(rx1 * iw / w), int(rx2 * iw / w)
        y1, y2 = int(ry1 * ih / h), int(ry2 * ih / h)
        cv2.rectangle(small, (x1, y1), (max(x1 + 2, x2), max(y1 + 2, y2)), REGION, max(2, st.line // 2))
        return small
