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

import numpy as np

from vision_desk.annotate import draw
from vision_desk.results import Detections, Faces


class DetectionsAnnotator:
    """Boxes with a "label score" tag, one stable colour per class."""

    def __init__(self, *, show_labels: bool = True, show_scores: bool = True,
                 thickness: int | None = None) -> None:
        self.show_labels = show_labels
        self.show_scores = show_scores
        self.thickness = thickness  # None = scale with the image height

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
                # Anchor on the box's outer top-left corner, so the tag sits on the line, not inside the object.
                draw.draw_label(image, self.text_for(label, float(result.scores[i])),
                                box[0] - line / 2, box[1] - line / 2, color, st)
        return image


class FacesAnnotator:
    """Face boxes (+ eyes); in teaching mode the raw cascade windows drawn faintly behind them, with a caption."""

    FACE_COLOR: draw.Color = (80, 220, 60)  # green
    EYE_COLOR: draw.Color = (255, 200, 0)  # light blue
    CANDIDATE_COLOR: draw.Color = (0, 215, 255)  # amber

    LABEL = "face"

    def __init__(self, *, show_eyes: bool = True, show_candidates: bool = True, candidate_alpha: float = 0.25,
                 show_labels: bool = True, thickness: int | None = None) -> None:
        self.show_eyes = show_eyes
        self.show_candidates = show_candidates
        self.candidate_alpha = candidate_alpha
        self.show_labels = show_labels
        self.thickness = thickness

    def annotate(self, image: np.ndarray, result: Faces) -> np.ndarray:
        if result is None:
            return image
        teaching = self.show_candidates and len(result.candidates) > 0
        if len(result) == 0 and not teaching:
            return image
        st = draw.style_for(image)
        line = self.thickness or st.line
        if teaching:
            # Overlaps add up: a real face, found at many shifts and scales, glows; a false alarm stays faint.
            draw.blend_boxes(image, result.candidates, self.CANDIDATE_COLOR, self.candidate_alpha)
            # Bottom-right: the bottom-left corner belongs to the HUD and the pose view's caption.
            draw.draw_caption(image, f"raw windows {len(result.candidates)} -> faces {len(result)}",
                              "bottom-right", style=st)
        for i, box in enumerate(result.boxes):
            draw.draw_box(image, box, self.FACE_COLOR, line, outline=True)
            if self.show_eyes and i < len(result.eyes):
                for eye in result.eyes[i]:
                    draw.draw_box(image, eye, self.EYE_COLOR, max(1, line // 2))
            if self.show_labels:  # last, so an eye box never crosses the text
                self._label(image, box, line, st)
        return image

    def _label(self, image: np.ndarray, box: np.ndarray, line: int, st: draw.Style) -> None:
        """Inside the top-left corner of the box; inside its bottom when the box touches the top of the image
        (another processor's label pushed down into the picture sits there); below a box too small to hold it."""
        tw, th, base = draw.text_size(self.LABEL, st)
        lw, lh = tw + 2 * st.pad, th + base + 2 * st.pad
        x1, y1, x2, y2 = (float(v) for v in box)
        inner = line / 2
        if x2 - x1 - 2 * inner >= lw and y2 - y1 - 2 * inner >= 2.5 * lh:
            if y1 >= lh:
                draw.draw_label(image, self.LABEL, x1 + inner, y1 + inner, self.FACE_COLOR, st, above=False)
            else:
                draw.draw_label(image, self.LABEL, x1 + inner, y2 - inner, self.FACE_COLOR, st, above=True)
        else:
            draw.draw_label(image, self.LABEL, x1 - inner, y2 + inner, self.FACE_COLOR, st, above=False)
