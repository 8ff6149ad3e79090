"""Letterbox: aspect-preserving resize + padding, and mapping points back exactly."""
from __future__ import annotations

import numpy as np
import pytest

from vision_desk.vision.letterbox import fit_size, letterbox, letterbox_meta, round_up


@pytest.mark.parametrize("src, dst, center", [
    ((640, 480), (496, 368), False),
    ((640, 480), (496, 368), True),
    ((480, 640), (320, 320), True),
    ((1536, 512), (1104, 368), False),
    ((37, 91), (64, 64), True),
])
def test_round_trip_maps_points_back_exactly(src, dst, center):
    meta = letterbox_meta(src, dst, center=center)
    rng = np.random.default_rng(0)
    pts = rng.uniform(0, 1, (50, 2)) * np.array(src)
    back = meta.to_source(meta.to_network(pts))
    np.testing.assert_allclose(back, pts, rtol=0, atol=1e-3)
    # Corners of the source land on the content rectangle inside the canvas.
    corners = meta.to_network(np.array([[0, 0], src], np.float32))
    np.testing.assert_allclose(corners[0], meta.pad, atol=1e-4)
    np.testing.assert_allclose(corners[1], np.add(meta.pad, meta.content_size), atol=0.5)


def test_nan_points_stay_nan():
    meta = letterbox_meta((640, 480), (496, 368))
    out = meta.to_source(np.array([[np.nan, np.nan], [10.0, 20.0]]))
    assert np.isnan(out[0]).all() and not np.isnan(out[1]).any()


@pytest.mark.parametrize("center", [False, True])
def test_image_content_lands_where_the_meta_says(center):
    """A bright square's centroid moves to exactly to_network(centroid) (within the resize's blur)."""
    src = np.zeros((300, 500, 3), np.uint8)
    src[100:140, 320:380] = 255  # centre (350, 120) in continuous pixels
    out, meta = letterbox(src, (256, 256), center=center, pad_value=0)
    assert out.shape == (256, 256, 3)
    ys, xs = np.nonzero(out[:, :, 0] > 0)
    w = out[ys, xs, 0].astype(np.float64)
    centroid = np.array([(np.sum((xs + 0.5) * w)), np.sum((ys + 0.5) * w)]) / w.sum()
    np.testing.assert_allclose(centroid, meta.to_network(np.array([350.0, 120.0])), atol=0.3)
    np.testing.assert_allclose(meta.to_source(centroid), [350.0, 120.0], atol=0.6)


def test_padding_uses_the_pad_value_and_keeps_the_aspect():
    src = np.full((100, 200, 3), 50, np.uint8)
    out, meta = letterbox(src, (128, 128), center=True, pad_value=128)
    assert meta.content_size == (128, 64) and meta.pad == (0, 32)
    assert meta.scale == pytest.approx(0.64)
    assert (out[:32] == 128).all() and (out[96:] == 128).all()
    assert (out[32:96] == 50).all()
    top_left, _ = letterbox(src, (128, 128), center=False, pad_value=7)
    assert (top_left[:64] == 50).all() and (top_left[64:] == 7).all()


def test_same_size_is_passed_through():
    src = np.random.default_rng(1).integers(0, 255, (64, 96, 3), dtype=np.uint8)
    out, meta = letterbox(src, (96, 64))
    assert np.array_equal(out, src) and meta.scale == 1.0 and meta.pad == (0, 0)


@pytest.mark.parametrize("src, height, expected", [
    ((640, 480), 368, (496, 368)),  # 490.7 rounded up to a multiple of 8
    ((512, 512), 368, (368, 368)),
    ((480, 640), 256, (192, 256)),
    ((4000, 500), 256, (1024, 256)),  # capped at 4x the height
    ((10, 1000), 256, (8, 256)),  # never narrower than one stride
])
def test_fit_size(src, height, expected):
    assert fit_size(*src, height) == expected
    w, h = expected
    assert w % 8 == 0 and h % 8 == 0


def test_bad_sizes_raise():
    with pytest.raises(ValueError):
        fit_size(0, 10, 256)
    with pytest.raises(ValueError):
        letterbox_meta((10, 10), (0, 10))


def test_round_up():
    # Float noise (8 + 1e-12) does not add a whole stride.
    assert [round_up(v, 8) for v in (1, 8, 8 + 1e-12, 8.01, 16)] == [8, 8, 8, 16, 16]
