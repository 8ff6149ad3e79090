"""Draws body poses: a skeleton with one colour per limb, the keypoints, and the teaching view.

Colours follow OpenPose's own habit, a rainbow along the limb order (neck to
shoulders red/orange, arms yellow/green, legs cyan/blue, head purple/pink), so
that left and right limbs differ and a viewer who has seen OpenPose output
reads it at once. The teaching view (a heatmap or a limb field picked in the
pose settings) is laid under the skeleton as a colour map.
"""
from __future__ import annotations

import colorsys

import cv2
import numpy as np

from vision_desk.annotate import draw
from vision_desk.i18n import language, pose_channel_name
from vision_desk.results import NUM_KEYPOINTS, Poses
from vision_desk.vision.paf_decoder import DRAWN_LIMBS, LIMBS


def _rainbow(n: int) -> tuple[draw.Color, ...]:
    """n saturated BGR colours from red through violet."""
    out = []
    for i in range(n):
        r, g, b = colorsys.hsv_to_rgb(0.85 * i / max(n - 1, 1), 1.0, 1.0)
        out.append((int(b * 255), int(g * 255), int(r * 255)))
    return tuple(out)


LIMB_COLORS: dict[int, draw.Color] = dict(zip(DRAWN_LIMBS, _rainbow(len(DRAWN_LIMBS))))
KEYPOINT_COLORS: tuple[draw.Color, ...] = _rainbow(NUM_KEYPOINTS)
OUTLINE: draw.Color = (30, 30, 30)


class PoseAnnotator:
    """``annotate(image, poses)`` draws IN PLACE on the BGR uint8 image and returns it."""

    def __init__(self, *, overlay_alpha: float = 0.7, colormap: int = cv2.COLORMAP_JET,
                 keypoints: bool = True, caption: bool = True) -> None:
        self.overlay_alpha = overlay_alpha  # weight of the colour-mapped teaching view
        self.colormap = colormap
        self.keypoints = keypoints
        self.caption = caption  # name the teaching-view channel in a corner

    def annotate(self, image: np.ndarray, result: Poses) -> np.ndarray:
        if result.overlay is not None:
            self._blend_overlay(image, result.overlay)
        st = draw.style_for(image)
        present = result.present()
        for person, found in zip(result.keypoints, present):
            self._draw_person(image, person, found, st)
        if result.overlay is not None and self.caption and result.overlay_name:
            draw.draw_caption(image, channel_caption(result.overlay_name), "bottom-left", style=st)
        return image

    def _draw_person(self, image: np.ndarray, person: np.ndarray, found: np.ndarray, st: draw.Style) -> None:
        # Floor: keypoints are continuous coordinates, pixel i spans [i, i+1).
        pts = np.where(found[:, None], person[:, :2], 0).astype(np.int32)
        for limb in DRAWN_LIMBS:
            a, b = LIMBS[limb]
            if found[a] and found[b]:
                cv2.line(image, tuple(int(v) for v in pts[a]), tuple(int(v) for v in pts[b]),
                         LIMB_COLORS[limb], st.line, cv2.LINE_AA)
        if not self.keypoints:
            return
        r = st.radius + 1
        for k in np.flatnonzero(found):
            c = (int(pts[k][0]), int(pts[k][1]))
            cv2.circle(image, c, r, KEYPOINT_COLORS[k], cv2.FILLED, cv2.LINE_AA)
            cv2.circle(image, c, r, OUTLINE, 1, cv2.LINE_AA)

    def _blend_overlay(self, image: np.ndarray, overlay: np.ndarray) -> None:
        """Colour-map the channel and lay it over the frame, more opaque where the map is strong.

        A constant opacity would tint the whole frame with the colour map's "zero" colour;
        weighting by the value keeps the frame readable where the network sees nothing and
        shows the map solidly where it fires.
        """
        h, w = image.shape[:2]
        if overlay.shape[:2] != (h, w):  # e.g. drawn on a resized copy of the frame
            overlay = cv2.resize(overlay, (w, h), interpolation=cv2.INTER_LINEAR)
        value = np.clip(overlay, 0.0, 1.0).astype(np.float32)
        colored = cv2.applyColorMap((value * 255.0 + 0.5).astype(np.uint8), self.colormap)
        weight = self.overlay_alpha * (0.3 + 0.7 * value)
        image[...] = cv2.blendLinear(image, colored, 1.0 - weight, weight)


def channel_caption(overlay_name: str) -> str:
    """The pose processor's channel title ("heatmap: r_wrist", "limb field (PAF): neck-r_hip") said the way
    people name body parts, in the window's language ("heatmap: right wrist", "PAF: neck -> right hip")."""
    for prefix in ("heatmap: ", "limb field (PAF): "):
        if overlay_name.startswith(prefix):
            return pose_channel_name(overlay_name[len(prefix):], language())
    return overlay_name
