"""Draws the segment processor's views: the mask, the cut-out person, a blurred or replaced background.

Unlike the other overlays these views change the picture itself (a video
call's background effects), but they stay an annotation: the processor
reports the matte and the share of the frame, and the frame it was computed
on is untouched. A small caption names the view and the share, so the
classroom sees that the network's answer is a number per pixel.
"""
from __future__ import annotations

import numpy as np

from vision_desk.annotate import draw
from vision_desk.i18n import translate_label
from vision_desk.results import Segmentation
from vision_desk.vision import matte

CAPTIONS = {"mask": "person mask", "cutout": "person cut out", "blur": "background blurred",
            "replace": "background replaced"}


class SegmentAnnotator:
    """``annotate(image, result)`` draws IN PLACE on the BGR uint8 frame and returns it."""

    repaints = True  # drawn before the other processors' overlays (pipeline/output.py)

    def __init__(self) -> None:
        self._backdrop: tuple[tuple[int, int, int], np.ndarray] | None = None  # (id, w, h) -> scaled picture

    def _back_picture(self, result: Segmentation, width: int, height: int) -> np.ndarray:
        import cv2

        key = (id(result.background), width, height)
        if self._backdrop is None or self._backdrop[0] != key:
            if result.background is None:
                picture = matte.backdrop(width, height)
            else:  # cover the frame (crop the picture's overhang), as a desktop wallpaper does
                bh, bw = result.background.shape[:2]
                scale = max(width / bw, height / bh)
                big = cv2.resize(result.background, (max(width, round(bw * scale)), max(height, round(bh * scale))),
                                 interpolation=cv2.INTER_AREA if scale < 1 else cv2.INTER_LINEAR)
                top, left = (big.shape[0] - height) // 2, (big.shape[1] - width) // 2
                picture = np.ascontiguousarray(big[top:top + height, left:left + width])
            self._backdrop = (key, picture)
        return self._backdrop[1]

    def annotate(self, image: np.ndarray, result: Segmentation) -> np.ndarray:
        h, w = image.shape[:2]
        alpha = result.alpha_at(w, h)
        if result.view == "mask":
            image[...] = (alpha * 255 + 0.5).astype(np.uint8)[:, :, None]
        elif result.view == "cutout":
            image[...] = matte.composite(image, np.zeros_like(image), alpha)
        elif result.view == "blur":
            image[...] = matte.composite(image, matte.blurred(image, result.blur), alpha)
        else:
            image[...] = matte.composite(image, self._back_picture(result, w, h), alpha)
        text = translate_label("{view} · person {percent}% of the frame").format(
            view=translate_label(CAPTIONS[result.view]), percent=round(100 * result.foreground))
        draw.draw_caption(image, draw.renderable(text), "bottom-left")
        return image
