"""The OpenPose decoder on synthetic heatmaps and Part Affinity Fields built here from known skeletons."""
from __future__ import annotations

import numpy as np
import pytest

from vision_desk.results import KEYPOINT_NAMES, NUM_KEYPOINTS
from vision_desk.vision.paf_decoder import (
    LIMB_NAMES,
    LIMB_PAF_CHANNELS,
    LIMBS,
    NUM_PAF_CHANNELS,
    PafDecoder,
    greedy_match,
)

STRIDE = 8
MAP_H, MAP_W = 64, 96  # a 768 x 512 network input
KP = {name: i for i, name in enumerate(KEYPOINT_NAMES)}

# A standing, frontal person, offsets from the neck in network pixels.
TEMPLATE = {
    "nose": (0, -50), "neck": (0, 0), "r_shoulder": (-40, 0), "r_elbow": (-60, 60), "r_wrist": (-70, 120),
    "l_shoulder": (40, 0), "l_elbow": (60, 60), "l_wrist": (70, 120), "r_hip": (-25, 120),
    "r_knee": (-30, 200), "r_ankle": (-30, 270), "l_hip": (25, 120), "l_knee": (30, 200), "l_ankle": (30, 270),
    "r_eye": (-10, -60), "l_eye": (10, -60), "r_ear": (-22, -55), "l_ear": (22, -55),
}


def person(neck_x: float, neck_y: float, **overrides: tuple[float, float]) -> np.ndarray:
    """18 x 2 keypoints (network pixels) from the template; overrides are absolute positions."""
    pts = np.array([TEMPLATE[n] for n in KEYPOINT_NAMES], np.float32) + np.float32([neck_x, neck_y])
    for name, xy in overrides.items():
        pts[KP[name]] = xy
    return pts


def render(people: list[np.ndarray], *, paf: bool = True, amplitude: float = 1.0,
           sigma: float = 7.0, width: float = 8.0) -> tuple[np.ndarray, np.ndarray]:
    """Heatmaps (h x w x 19: Gaussian peaks + background) and PAFs (h x w x 38: unit vectors along each limb).

    Like the training targets of the paper: PAF cells within ``width`` of a limb hold its unit
    direction, averaged where limbs of different people overlap.
    """
    ys, xs = np.mgrid[0:MAP_H, 0:MAP_W].astype(np.float32)
    centres = np.stack([(xs + 0.5) * STRIDE, (ys + 0.5) * STRIDE], axis=-1)  # cell centres, network px
    hm = np.zeros((MAP_H, MAP_W, NUM_KEYPOINTS + 1), np.float32)
    pafs = np.zeros((MAP_H, MAP_W, NUM_PAF_CHANNELS), np.float32)
    for pts in people:
        for k, xy in enumerate(pts):
            d2 = np.sum((centres - xy) ** 2, axis=-1)
            hm[:, :, k] = np.maximum(hm[:, :, k], amplitude * np.exp(-d2 / (2 * sigma**2)))
    hm[:, :, NUM_KEYPOINTS] = 1.0 - hm[:, :, :NUM_KEYPOINTS].max(axis=2)
    if not paf:
        return hm, pafs
    for (a, b), (cx, cy) in zip(LIMBS, LIMB_PAF_CHANNELS):
        total = np.zeros((MAP_H, MAP_W, 2), np.float32)
        count = np.zeros((MAP_H, MAP_W), np.float32)
        for pts in people:
            seg = pts[b] - pts[a]
            length = float(np.linalg.norm(seg))
            u = seg / length
            rel = centres - pts[a]
            along = rel @ u
            across = np.abs(rel[..., 0] * u[1] - rel[..., 1] * u[0])
            on = (along >= -width / 2) & (along <= length + width / 2) & (across <= width)
            total[on] += u
            count[on] += 1
        has = count > 0
        pafs[has, cx] = total[has, 0] / count[has]
        pafs[has, cy] = total[has, 1] / count[has]
    return hm, pafs


def segments_cross(p1, p2, q1, q2) -> bool:
    def orient(a, b, c):
        return np.sign((b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0]))
    return orient(p1, p2, q1) != orient(p1, p2, q2) and orient(q1, q2, p1) != orient(q1, q2, p2)


def match_people(found: np.ndarray, truth: list[np.ndarray]) -> list[int]:
    """For each decoded person, the index of the true person its neck belongs to."""
    necks = np.array([t[KP["neck"]] for t in truth])
    return [int(np.argmin(np.linalg.norm(necks - p[KP["neck"], :2], axis=1))) for p in found]


def test_tables_are_consistent():
    assert len(LIMBS) == len(LIMB_PAF_CHANNELS) == len(LIMB_NAMES) == 19
    channels = sorted(c for pair in LIMB_PAF_CHANNELS for c in pair)
    assert channels == list(range(NUM_PAF_CHANNELS))  # every PAF channel used exactly once
    assert all(x % 2 == 0 and y == x + 1 for x, y in LIMB_PAF_CHANNELS)  # (x, y) pairs
    assert len(set(LIMB_NAMES)) == 19
    # The skeleton is a tree from the neck (plus two shoulder-ear loops), visited parent first.
    seen = {KP["neck"]}
    for a, b in LIMBS[:17]:
        assert a in seen, f"limb {KEYPOINT_NAMES[a]}-{KEYPOINT_NAMES[b]} starts from an unvisited keypoint"
        seen.add(b)
    assert seen == set(range(NUM_KEYPOINTS))


def test_two_people_with_crossing_forearms_are_assembled_correctly():
    # A's left forearm and B's right forearm cross; each wrist is nearer the OTHER person's elbow
    # than its own, so only the limb fields can tell which wrist goes with which arm.
    a = person(300, 150, l_elbow=(370, 200), l_wrist=(470, 250))
    b = person(480, 150, r_elbow=(450, 200), r_wrist=(350, 250))
    assert segments_cross(a[KP["l_elbow"]], a[KP["l_wrist"]], b[KP["r_elbow"]], b[KP["r_wrist"]])
    assert np.linalg.norm(a[KP["l_wrist"]] - b[KP["r_elbow"]]) < np.linalg.norm(a[KP["l_wrist"]] - a[KP["l_elbow"]])
    hm, pafs = render([a, b])
    kps, scores = PafDecoder()(hm, pafs, STRIDE)
    assert kps.shape == (2, NUM_KEYPOINTS, 3) and scores.shape == (2,)
    assert sorted(match_people(kps, [a, b])) == [0, 1]
    for found, idx in zip(kps, match_people(kps, [a, b])):
        truth = (a, b)[idx]
        assert not np.isnan(found[:, 0]).any(), "every keypoint was rendered, so every one must be found"
        err = np.linalg.norm(found[:, :2] - truth, axis=1)
        assert err.max() < 3.0, f"keypoints of person {idx} off by {err.max():.1f} px (wrong owner?)"
        assert (found[:, 2] > 0.5).all()


def test_three_people_in_a_row_neither_split_nor_merged():
    truth = [person(x, 150) for x in (150, 380, 610)]
    kps, scores = PafDecoder()(*render(truth), STRIDE)
    assert len(kps) == 3 and sorted(match_people(kps, truth)) == [0, 1, 2]
    assert (~np.isnan(kps[:, :, 0])).sum(axis=1).tolist() == [18, 18, 18]
    assert np.all(np.diff(scores) <= 0)  # best first
    assert np.all((scores > 0.5) & (scores <= 1.0))


def test_empty_maps_give_no_people():
    hm = np.zeros((MAP_H, MAP_W, 19), np.float32)
    hm[:, :, 18] = 1.0
    kps, scores = PafDecoder()(hm, np.zeros((MAP_H, MAP_W, 38), np.float32), STRIDE)
    assert kps.shape == (0, NUM_KEYPOINTS, 3) and scores.shape == (0,)


def test_keypoints_without_limb_fields_give_no_limbs_and_no_people():
    hm, pafs = render([person(380, 150)], paf=False)
    dec = PafDecoder()
    up_hm, up_paf, cell = dec.prepare(hm, pafs, STRIDE)
    peaks = dec.find_peaks(up_hm, cell)
    assert sorted(peaks.part.tolist()) == list(range(NUM_KEYPOINTS))  # the keypoints are there...
    connections = dec.connect(peaks, up_paf, cell, image_height=MAP_H * STRIDE)
    assert [len(c) for c in connections] == [0] * len(LIMBS)  # ...but nothing links them
    kps, _ = dec.assemble(peaks, connections)
    assert len(kps) == 0


def test_peaks_are_found_to_sub_pixel_precision():
    truth = person(377.3, 161.7)
    hm, pafs = render([truth], paf=False)
    dec = PafDecoder()
    peaks = dec.find_peaks(*dec.prepare(hm, pafs, STRIDE)[::2])
    assert len(peaks) == NUM_KEYPOINTS
    err = np.linalg.norm(peaks.xy - truth[peaks.part], axis=1)
    assert err.max() < 1.0, f"peak error up to {err.max():.2f} network px (a map cell is {STRIDE})"
    np.testing.assert_allclose(peaks.score, 1.0, atol=0.1)


def test_a_peak_on_the_maps_edge_keeps_its_cell_centre_while_an_interior_peak_is_refined():
    """A border peak has no neighbour outside the map: it must not be pulled onto the edge."""
    cell = 8.0
    hm = np.zeros((24, 40, NUM_KEYPOINTS), np.float32)

    def peak(part: int, y: int, x: int, left: float, right: float, up: float, down: float) -> None:
        hm[y, x, part] = 1.0
        for (dy, dx), v in (((0, -1), left), ((0, 1), right), ((-1, 0), up), ((1, 0), down)):
            if 0 <= y + dy < hm.shape[0] and 0 <= x + dx < hm.shape[1]:
                hm[y + dy, x + dx, part] = v

    def vertex(left: float, right: float) -> float:  # the parabola through (left, 1, right)
        return 0.5 * (left - right) / (left - 2.0 + right)

    peak(0, 10, 0, left=0.0, right=0.5, up=0.7, down=0.5)  # left edge; rows either side differ
    peak(1, 12, 39, left=0.6, right=0.0, up=0.5, down=0.5)  # right edge
    peak(2, 0, 20, left=0.5, right=0.7, up=0.0, down=0.5)  # top edge
    peak(3, 23, 0, left=0.0, right=0.5, up=0.5, down=0.0)  # bottom-left corner
    peak(4, 15, 30, left=0.5, right=0.8, up=0.6, down=0.6)  # interior
    peaks = PafDecoder(smooth_sigma=0.0).find_peaks(hm, cell)
    at = {int(p): xy for p, xy in zip(peaks.part, peaks.xy)}
    assert sorted(at) == [0, 1, 2, 3, 4]
    np.testing.assert_allclose(at[0], [0.5 * cell, (10.5 + vertex(0.7, 0.5)) * cell], atol=1e-4)
    np.testing.assert_allclose(at[1], [39.5 * cell, 12.5 * cell], atol=1e-4)
    np.testing.assert_allclose(at[2], [(20.5 + vertex(0.5, 0.7)) * cell, 0.5 * cell], atol=1e-4)
    np.testing.assert_allclose(at[3], [0.5 * cell, 23.5 * cell], atol=1e-4)
    # The interior peak still gets its sub-cell offset (here to the right, towards the larger neighbour).
    np.testing.assert_allclose(at[4], [(30.5 + vertex(0.5, 0.8)) * cell, 15.5 * cell], atol=1e-4)
    assert vertex(0.5, 0.8) > 0.1


@pytest.mark.parametrize("upsample", [1, 2, 4])
def test_every_upsampling_factor_decodes_the_same_person(upsample):
    truth = person(380, 150)
    kps, _ = PafDecoder(upsample=upsample)(*render([truth]), STRIDE)
    assert len(kps) == 1
    assert np.linalg.norm(kps[0, :, :2] - truth, axis=1).max() < 3.0


def test_thresholds_apply_between_calls():
    hm, pafs = render([person(380, 150)], amplitude=0.3)
    dec = PafDecoder(keypoint_threshold=0.1)
    assert len(dec(hm, pafs, STRIDE)[0]) == 1
    dec.keypoint_threshold = 0.5  # above every peak
    assert len(dec(hm, pafs, STRIDE)[0]) == 0
    dec.keypoint_threshold, dec.limb_threshold = 0.1, 1.5  # no PAF sample can exceed 1.5
    assert len(dec(hm, pafs, STRIDE)[0]) == 0


def test_people_with_too_few_keypoints_are_dropped():
    truth = person(380, 150)
    # Only a head: nose, eyes, ears (5 keypoints) and their limbs; the rest of the maps empty.
    head = [KP[n] for n in ("nose", "r_eye", "l_eye", "r_ear", "l_ear")]
    hm, pafs = render([truth])
    body = [k for k in range(NUM_KEYPOINTS) if k not in head]
    hm[:, :, body] = 0.0
    kps, _ = PafDecoder(min_keypoints=5)(hm, pafs, STRIDE)
    assert len(kps) == 1 and (~np.isnan(kps[0, :, 0])).sum() == 5
    assert np.isnan(kps[0, body, :2]).all() and (kps[0, body, 2] == 0).all()
    assert len(PafDecoder(min_keypoints=6)(hm, pafs, STRIDE)[0]) == 0


@pytest.mark.parametrize("ga, gb, score, expected", [
    # The best pair wins and blocks its two keypoints; the next free pair follows.
    ([0, 0, 1, 1], [2, 3, 2, 3], [0.9, 0.8, 0.7, 0.1], [(0, 2), (1, 3)]),
    # Greedy, not optimal: taking 0.9 first leaves only 0.1 for the other (the paper's choice too).
    ([0, 0, 1], [2, 3, 2], [0.9, 0.85, 0.8], [(0, 2)]),
    # Ties keep the input order (stable sort).
    ([0, 1], [2, 2], [0.5, 0.5], [(0, 2)]),
    ([], [], [], []),
])
def test_greedy_match(ga, gb, score, expected):
    out = greedy_match(np.array(ga, np.int64), np.array(gb, np.int64), np.array(score, np.float32))
    assert [(int(r[0]), int(r[1])) for r in out] == expected


def test_bad_map_shapes_raise():
    dec = PafDecoder()
    with pytest.raises(ValueError, match="pafs"):
        dec(np.zeros((8, 8, 19), np.float32), np.zeros((8, 8, 19), np.float32))
    with pytest.raises(ValueError, match="heatmaps"):
        dec(np.zeros((8, 8, 5), np.float32), np.zeros((8, 8, 38), np.float32))
