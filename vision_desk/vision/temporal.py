"""Temporal consistency for per-frame image transforms (flicker reduction).

A feed-forward style network stylizes every frame on its own, so tiny input
changes (sensor noise, compression, a one-pixel camera shake) become large
changes in brush strokes: the video "boils". This module makes the output of
frame t lean on the output of frame t-1 wherever the *input* says nothing
really changed there.

Method (the cheap end of the "blind video temporal consistency" family, Lai et
al. 2018, and of the flow-warped previous frame used by Ruder et al. 2016):

1. Optical flow from the current input to the previous input (OpenCV's DIS,
   ultrafast preset, computed on a small grey copy: ~1 ms).
2. The previous *output* is warped along that flow, so a panning or shaking
   camera still lines up with the new frame; plain "blend where the input did
   not change" would give up exactly when the camera moves.
3. A per-pixel confidence comes from the warping error of the *input*: where
   the warped previous input matches the current input (below
   ``still_level`` grey levels) the pixel is trusted fully; above
   ``moving_level`` (occlusions, new objects, flow failures) the new output is
   kept as it is. Pixels that the flow brings in from outside the frame are
   new content and are not trusted either.
4. output = new + strength * confidence * (warped previous output - new): an
   exponential moving average along motion trajectories, so the state is one
   float image.
5. When most of the frame fails the check (a cut, a new source), the state is
   dropped, so the old scene is never smeared into the new one.

Pure numpy/cv2 and stateful: one instance per video stream, fed in order.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import cv2
import numpy as np


@dataclass
class FlickerReducer:
    """Blend each new output with the motion-compensated previous output where the input is unchanged.

    ``strength`` is the weight of the previous output at a fully trusted pixel
    (0 = off; 0.7 keeps about the last three frames in play). ``motion_compensation``
    False skips the flow (cheaper, but every camera move then counts as change).
    """

    strength: float = 0.7
    motion_compensation: bool = True
    flow_side: int = 256  # long side of the grey images the flow and the confidence are computed on
    still_level: float = 6.0  # grey-level input error treated as noise (fully trusted)
    moving_level: float = 24.0  # grey-level input error treated as real change (not trusted)
    scene_cut: float = 0.5  # fraction of changed pixels that means "new scene": drop the state
    _prev_grey: np.ndarray | None = field(default=None, init=False, repr=False)
    _prev_out: np.ndarray | None = field(default=None, init=False, repr=False)
    _dis: cv2.DISOpticalFlow | None = field(default=None, init=False, repr=False)
    cuts: int = field(default=0, init=False)  # scene changes seen since creation (for tests and stats)

    def __post_init__(self) -> None:
        if not 0.0 <= self.strength < 1.0:
            raise ValueError(f"FlickerReducer.strength must be in [0, 1), got {self.strength}")
        if not 0 <= self.still_level < self.moving_level:
            raise ValueError("FlickerReducer: need 0 <= still_level < moving_level")

    def reset(self) -> None:
        """Forget the previous frame (call on a style change, a seek or a new source)."""
        self._prev_grey = None
        self._prev_out = None

    def apply(self, frame: np.ndarray, output: np.ndarray) -> np.ndarray:
        """Return a temporally smoothed copy of ``output`` (BGR uint8), the transform of ``frame``.

        ``frame`` and ``output`` must have the same height and width; ``frame`` is
        the input the transform saw (its changes decide where to smooth).
        """
        if frame.shape[:2] != output.shape[:2]:
            raise ValueError(f"FlickerReducer: frame {frame.shape[:2]} and output {output.shape[:2]} differ in size")
        grey = self._small_grey(frame)
        prev_grey, prev_out = self._prev_grey, self._prev_out
        if (self.strength <= 0 or prev_grey is None or prev_out is None
                or prev_grey.shape != grey.shape or prev_out.shape != output.shape):
            return self._restart(grey, output)

        flow = self._flow(grey, prev_grey)
        if flow is not None:
            sample_x, sample_y = _sampling_maps(flow)
            prev_seen = cv2.remap(prev_grey, sample_x, sample_y, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
            error = cv2.absdiff(grey, prev_seen).astype(np.float32)
            # Content that enters across the border has no past: treat it as changed.
            h, w = grey.shape
            outside = (sample_x < 0) | (sample_x > w - 1) | (sample_y < 0) | (sample_y > h - 1)
            error[outside] = 255.0
        else:
            error = cv2.absdiff(grey, prev_grey).astype(np.float32)

        changed = float(np.count_nonzero(error > self.moving_level)) / error.size
        if changed > self.scene_cut:
            self.cuts += 1
            return self._restart(grey, output)

        # Confidence 1 below still_level, 0 above moving_level; eroded so that a moving
        # edge does not drag the previous output's strokes one pixel along with it.
        span = self.moving_level - self.still_level
        confidence = np.clip((self.moving_level - error) * (1.0 / span), 0.0, 1.0)
        confidence = cv2.erode(confidence, np.ones((3, 3), np.uint8))

        oh, ow = output.shape[:2]
        weight = cv2.resize(confidence, (ow, oh), interpolation=cv2.INTER_LINEAR)
        weight *= np.float32(self.strength)
        if flow is not None:
            big = cv2.resize(flow, (ow, oh), interpolation=cv2.INTER_LINEAR)
            big[..., 0] *= ow / grey.shape[1]
            big[..., 1] *= oh / grey.shape[0]
            map_x, map_y = _sampling_maps(big)
            prev_out = cv2.remap(prev_out, map_x, map_y, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)

        new = output.astype(np.float32)
        # new + weight * (prev - new), in place: one temporary, three channels at once.
        np.subtract(prev_out, new, out=prev_out)
        np.multiply(prev_out, weight[:, :, None], out=prev_out)
        np.add(prev_out, new, out=prev_out)
        self._prev_out = prev_out
        self._prev_grey = grey
        return np.clip(prev_out + 0.5, 0, 255).astype(np.uint8)

    # --- helpers ---------------------------------------------------------------------
    def _restart(self, grey: np.ndarray, output: np.ndarray) -> np.ndarray:
        self._prev_grey = grey
        self._prev_out = output.astype(np.float32)
        return output

    def _small_grey(self, frame: np.ndarray) -> np.ndarray:
        h, w = frame.shape[:2]
        scale = min(1.0, self.flow_side / max(h, w))
        small = frame
        if scale < 1.0:
            # INTER_AREA averages neighbouring pixels: it also takes out most of the sensor noise.
            size = (max(8, round(w * scale)), max(8, round(h * scale)))
            small = cv2.resize(frame, size, interpolation=cv2.INTER_AREA)
        return cv2.cvtColor(small, cv2.COLOR_BGR2GRAY) if small.ndim == 3 else small

    def _flow(self, grey: np.ndarray, prev_grey: np.ndarray) -> np.ndarray | None:
        """Flow from the current to the previous frame: current(p) ~ previous(p + flow(p))."""
        if not self.motion_compensation:
            return None
        if self._dis is None:
            self._dis = cv2.DISOpticalFlow_create(cv2.DISOPTICAL_FLOW_PRESET_ULTRAFAST)
        return self._dis.calc(grey, prev_grey, None)


def _sampling_maps(flow: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """cv2.remap maps that read the previous image at p + flow(p)."""
    h, w = flow.shape[:2]
    map_x = flow[..., 0] + np.arange(w, dtype=np.float32)[None, :]
    map_y = flow[..., 1] + np.arange(h, dtype=np.float32)[:, None]
    return map_x, map_y


def mean_abs_step(frames: list[np.ndarray]) -> float:
    """Mean absolute difference between consecutive frames (grey levels): the plain flicker figure."""
    if len(frames) < 2:
        return 0.0
    return float(np.mean([cv2.absdiff(a, b).mean() for a, b in zip(frames, frames[1:])]))
