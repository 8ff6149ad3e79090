"""digits: real handwritten digits on a photographed-paper sheet, MNIST-style crops, the pooling layers, the view.

tests/data/digit_sheet.jpg holds 24 real handwritten digits (20 from MNIST via
OpenCV's digits.png, 4 USPS digits from the ccexam wheel) on a page made to
look like a phone photo; tests/data/make_digit_sheets.py says how.
"""
from __future__ import annotations

import json
from pathlib import Path

import cv2
import numpy as np
import pytest

from vision_desk.annotate.digits import DigitsAnnotator
from vision_desk.errors import SettingsError
from vision_desk.processors.digits import DigitsProcessor, DigitsResult
from vision_desk.vision import digit_page

DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture(scope="module")
def sheet() -> tuple[np.ndarray, list[int]]:
    labels = json.loads((DATA / "digit_sheet_labels.json").read_text())["digit_sheet.jpg"]
    return cv2.imread(str(DATA / "digit_sheet.jpg")), [d for row in labels for d in row]


@pytest.fixture(scope="module")
def digits():
    p = DigitsProcessor()
    p.load()
    yield p
    p.close()


def read(proc: DigitsProcessor, image: np.ndarray, **settings) -> DigitsResult:
    defaults = {"ink": "dark on light", "min_score": 0.6, "sensitivity": 0.5, "chosen": 0, "view": True}
    proc.update_settings(**{**defaults, **settings})
    return proc.process(image)


def right(result: DigitsResult, expected: list[int]) -> int:
    return sum(a == b for a, b in zip([d.digit for d in result.digits], expected))


@pytest.mark.parametrize("size", [None, (640, 480)], ids=["photo", "camera-640x480"])
def test_reads_the_handwritten_sheet_in_reading_order(digits, sheet, size):
    image, expected = sheet
    if size is not None:
        image = cv2.resize(image, size, interpolation=cv2.INTER_AREA)
    result = read(digits, image)
    assert len(result.digits) == len(expected)
    assert right(result, expected) >= 22, (result.text(), expected)  # goal: 8 of 10; measured 24 of 24
    first = result.to_json()[0]
    assert set(first) == {"digit", "score", "box"} and 0.6 <= first["score"] <= 1
    x1, y1, x2, y2 = first["box"]
    assert x1 < x2 and y1 < y2 and x2 <= image.shape[1] and y2 <= image.shape[0]
    json.dumps(result.to_json())


def test_chalk_on_a_blackboard_needs_the_light_on_dark_setting(digits, sheet):
    image, expected = sheet
    board = cv2.bitwise_not(image)
    assert right(read(digits, board, ink="light on dark"), expected) >= 22
    assert right(read(digits, board), expected) < 12  # read as dark ink, the strokes are the paper


def test_photos_without_digits_give_almost_none(digits):
    from conftest import photo

    found = {name: read(digits, photo(name)).text() for name in
             ("astronaut", "chelsea", "coffee", "camera", "rocket", "stereo_motorcycle")}
    assert sum(len(t) for t in found.values()) <= 2, found  # measured: one "1" on the astronaut's suit


def test_mnist_crop_fits_20x20_and_centres_by_mass():
    ink = np.zeros((200, 200), np.uint8)
    cv2.line(ink, (30, 20), (30, 80), 255, 6)  # a tall "1" with a foot to the right: mass left of the box centre
    cv2.line(ink, (30, 80), (60, 80), 255, 6)
    mask = (ink > 0).astype(np.uint8) * 255
    box = digit_page.find_boxes(mask)[0]
    field = digit_page.mnist_crop(ink, mask, box, 0.0, 255.0).astype(np.float64)
    ys, xs = np.nonzero(field)
    assert max(ys.max() - ys.min(), xs.max() - xs.min()) + 1 <= 21  # the long side scaled to 20
    cy, cx = (np.indices(field.shape) * field).reshape(2, -1).sum(axis=1) / field.sum()
    assert abs(cy - 14) <= 1 and abs(cx - 14) <= 1


def test_pooling_halves_the_maps_and_keeps_each_blocks_maximum(digits, sheet):
    result = read(digits, sheet[0], chosen=3)
    assert result.chosen == 3 and result.layers is not None
    maps = result.layers.maps
    assert {k: v.shape for k, v in maps.items()} == {"relu1": (32, 28, 28), "pool1": (32, 14, 14),
                                                    "relu2": (64, 14, 14), "pool2": (64, 7, 7)}
    for before, after in (("relu1", "pool1"), ("relu2", "pool2")):
        c, h, w = maps[before].shape
        pooled = maps[before].reshape(c, h // 2, 2, w // 2, 2).max(axis=(2, 4))
        np.testing.assert_allclose(maps[after], pooled, atol=1e-5)
    assert int(np.argmax(result.layers.probabilities)) == result.digits[3].digit
    assert abs(float(result.layers.probabilities.sum()) - 1) < 1e-4
    assert result.layers.field.shape == (28, 28)


def test_view_draws_the_strip_and_the_boxes(digits, sheet):
    image = cv2.resize(sheet[0], (640, 480), interpolation=cv2.INTER_AREA)
    result = read(digits, image)
    drawn = DigitsAnnotator().annotate(image.copy(), result)
    strip = drawn[int(480 * 0.6):]
    assert strip.mean() < image[int(480 * 0.6):].mean() - 60  # the dark teaching strip
    assert np.abs(drawn[:int(480 * 0.6)].astype(int) - image[:int(480 * 0.6)]).sum() > 0  # boxes and labels
    bare = read(digits, image, view=False)
    assert bare.layers is None and bare.text() == result.text()
    DigitsAnnotator().annotate(np.zeros((120, 160, 3), np.uint8), DigitsResult())  # nothing found: no error


def test_bad_settings_say_what_is_allowed(digits):
    with pytest.raises(SettingsError, match="light on dark"):
        digits.update_settings(ink="chalk")
    with pytest.raises(SettingsError, match="range"):
        digits.update_settings(min_score=2)
