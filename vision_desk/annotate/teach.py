"""Draws the teach processor's view: the class and its score, every class's bar, and the map of the examples.

The map (bottom right) is the PCA of the examples' embeddings: each example a
dot in its class's colour, the live frame a white ring that moves as the
camera sees something else. When the ring sits inside a cluster the label
above says that cluster's class: the classroom sees nearest-neighbour
classification happen. The square the network sees is outlined, as in cnn.
"""
from __future__ import annotations

import cv2
import numpy as np

from vision_desk.annotate import draw
from vision_desk.i18n import translate_label
from vision_desk.results import TeachResult

MAP_FRACTION = 0.42  # of the frame's height: the map's side
PANEL: draw.Color = (25, 25, 25)


class TeachAnnotator:
    """``annotate(image, result)`` draws IN PLACE on the BGR uint8 frame and returns it."""

    def annotate(self, image: np.ndarray, result: TeachResult) -> np.ndarray:
        st = draw.style_for(image)
        x1, y1, x2, y2 = result.crop
        cv2.rectangle(image, (x1, y1), (x2 - 1, y2 - 1), (255, 255, 255), max(1, st.line // 2), cv2.LINE_AA)
        if result.label is None:
            draw.draw_caption(image, translate_label("teach: Ctrl+1, Ctrl+2, ... add this picture to class 1, 2, ..."),
                              "top-left", style=st)
            return image
        big = draw.Style(st.line, st.font_scale * 1.6, st.text + 1, st.pad + 2, st.radius)
        best = int(np.argmax(result.scores))
        title = f"{result.label} {100 * result.score:.0f}%"
        x, y, _, y = draw.draw_label(image, title, st.pad, st.pad, draw.color_for(best), big, above=False)
        self._bars(image, result, st, y + st.pad)
        if result.points is not None and result.frame_point is not None:
            self._map(image, result, st)
        return image

    @staticmethod
    def _bars(image: np.ndarray, result: TeachResult, st: draw.Style, top: int) -> None:
        """One bar a class: its score, its label and how many examples it has."""
        _, th, base = draw.text_size("Ag", st)
        row = th + base + 2 * st.pad
        width = max(60, image.shape[1] // 4)
        for i, (label, score, count) in enumerate(zip(result.labels, result.scores, result.counts)):
            y = top + i * (row + 2)
            cv2.rectangle(image, (st.pad, y), (st.pad + width, y + row), PANEL, cv2.FILLED)
            cv2.rectangle(image, (st.pad, y), (st.pad + max(2, int(width * float(score))), y + row),
                          draw.color_for(i), cv2.FILLED)
            text = (translate_label("{label} (1 example)") if count == 1
                    else translate_label("{label} ({n} examples)")).format(label=label, n=count)
            draw.draw_outlined_text(image, text, 2 * st.pad, y + st.pad + th, draw.fitted(text, st, width))

    @staticmethod
    def _map(image: np.ndarray, result: TeachResult, st: draw.Style) -> None:
        assert result.points is not None and result.point_classes is not None and result.frame_point is not None
        h, w = image.shape[:2]
        side = int(h * MAP_FRACTION)
        x0, y0 = w - side - st.pad, h - side - st.pad
        area = image[y0:y0 + side, x0:x0 + side]
        cv2.convertScaleAbs(area, area, 0.25, 0.75 * PANEL[0])  # the frame dimly behind (PANEL is grey)
        margin = max(6, side // 10)

        def to_px(p: np.ndarray) -> tuple[int, int]:
            q = np.clip(p, -1.15, 1.15)  # a frame far from every example stays on the map's edge
            return (int(x0 + side / 2 + q[0] * (side / 2 - margin)), int(y0 + side / 2 - q[1] * (side / 2 - margin)))

        radius = max(2, st.radius)
        for p, c in zip(result.points, result.point_classes):
            cv2.circle(image, to_px(p), radius, draw.color_for(int(c)), cv2.FILLED, cv2.LINE_AA)
        centre = to_px(result.frame_point)
        cv2.circle(image, centre, radius * 3, (0, 0, 0), st.line + 2, cv2.LINE_AA)
        cv2.circle(image, centre, radius * 3, (255, 255, 255), st.line, cv2.LINE_AA)
        small = draw.Style(st.line, st.font_scale * 0.8, max(1, st.text - 1), st.pad, st.radius)
        caption = translate_label("map of the examples (PCA)")
        draw.draw_outlined_text(image, caption, x0 + st.pad, y0 + st.pad + draw.text_size("Ag", small)[1],
                                draw.fitted(caption, small, side - 2 * st.pad))
