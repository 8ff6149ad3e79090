"""segment: MediaPipe's person segmentation on real photos and the sample clip, its views and smoothing."""
from __future__ import annotations

import json
from pathlib import Path

import cv2
import numpy as np
import pytest

from vision_desk.annotate.segment import SegmentAnnotator
from vision_desk.errors import SettingsError
from vision_desk.registry import create
from vision_desk.processors.segment import SegmentProcessor, Segmentation

SAMPLE = Path(__file__).resolve().parent.parent / "resources" / "sample.mp4"


@pytest.fixture(scope="module")
def segment():
    p = SegmentProcessor(temporal_smoothing=0.0, edge_smoothing=0.0)
    p.load()
    yield p
    p.close()


@pytest.fixture(scope="module")
def person_boxes():
    # At 0.3: the collage clip's small astronauts are missed at the default 0.5, and a person the detector
    # misses would count the segmenter's right answer as wrong.
    detector = create("objects", score_threshold=0.3)

    def boxes(image: np.ndarray) -> list:
        found = detector.process(image)
        return [b for b, label in zip(found.boxes, found.labels) if label == "person"]

    yield boxes
    detector.close()


def share_in_boxes(mask: np.ndarray, boxes: list) -> tuple[int, int]:
    """(mask pixels inside any box, mask pixels)."""
    inside = np.zeros_like(mask)
    for x1, y1, x2, y2 in boxes:
        inside[int(max(0, y1)):int(y2), int(max(0, x1)):int(x2)] = True
    return int((mask & inside).sum()), int(mask.sum())


def frames(step: int):
    cap = cv2.VideoCapture(str(SAMPLE))
    i = 0
    while True:
        ok, frame = cap.read()
        if not ok:
            break
        if i % step == 0:
            yield i, frame
        i += 1
    cap.release()


def test_the_mask_lies_inside_the_people_the_detector_finds(segment, person_boxes, camera_man, astronaut):
    """Goal: >= 85 % of the mask inside the person boxes. Measured: sample clip (every 10th frame with a
    person) 0.95 of all mask pixels (21 of 22 frames >= 0.85), camera 0.99; astronaut 0.77 (the helmet beside her is
    taken for part of her, and the detector's box ends at her shoulder)."""
    inside = total = 0
    per_frame = []
    for _, frame in frames(10):
        boxes = person_boxes(frame)
        if boxes:
            a, b = share_in_boxes(segment.process(frame).mask(frame.shape[1], frame.shape[0]), boxes)
            inside, total = inside + a, total + b
            per_frame.append(a / max(b, 1))
    assert len(per_frame) >= 15 and inside / total >= 0.85, (inside / total, per_frame)
    assert sum(f >= 0.85 for f in per_frame) >= 0.85 * len(per_frame), per_frame
    a, b = share_in_boxes(segment.process(camera_man).mask(512, 512), person_boxes(camera_man))
    assert b > 0.2 * 512 * 512 and a / b >= 0.9
    a, b = share_in_boxes(segment.process(astronaut).mask(512, 512), person_boxes(astronaut))
    assert a / b >= 0.7


def test_frames_without_people_are_mostly_background(segment, coffee, rocket):
    assert segment.process(rocket).foreground < 0.1
    result = segment.process(coffee)
    assert result.foreground < 0.3
    assert json.loads(json.dumps(result.to_json())) == {"foreground": round(result.foreground, 4)}


def test_views_show_the_person_and_change_only_the_background(segment, camera_man, chelsea, tmp_path):
    result = segment.process(camera_man)
    person = result.mask(512, 512)
    annotator = SegmentAnnotator()
    drawn = {}
    for view in ("mask", "cutout", "blur", "replace"):
        result.view = view
        drawn[view] = annotator.annotate(camera_man.copy(), result)
    caption = np.zeros_like(person)
    caption[-40:] = True  # the caption line at the bottom left
    body, back = person & ~caption, ~person & ~caption
    assert drawn["mask"][body].min() >= 127 and np.median(drawn["mask"][back]) == 0
    assert np.median(drawn["cutout"][back]) == 0
    sure = body & result.mask(512, 512, 0.99)  # the person's inside: the frame's own pixels
    assert np.abs(drawn["cutout"][sure].astype(int) - camera_man[sure]).max() <= 3
    for view in ("blur", "replace"):
        assert np.abs(drawn[view][back].astype(int) - camera_man[back]).mean() > 8, view
    picture = tmp_path / "cat.png"
    cv2.imwrite(str(picture), chelsea)
    segment.update_settings(view="replace", background=str(picture))
    with_cat = annotator.annotate(camera_man.copy(), segment.process(camera_man))
    segment.update_settings(view="blur", background="")
    cat = cv2.resize(chelsea, (int(chelsea.shape[1] * 512 / chelsea.shape[0]), 512))
    left = (cat.shape[1] - 512) // 2
    assert np.abs(with_cat[back].astype(int) - cat[:, left:left + 512][back]).mean() < 30


def test_temporal_smoothing_steadies_the_edge(camera_man):
    """Sensor noise on a still picture: the smoothed mask changes less from frame to frame than the raw one."""
    rng = np.random.default_rng(0)
    noisy = [np.clip(camera_man + rng.normal(0, 12, camera_man.shape), 0, 255).astype(np.uint8) for _ in range(8)]
    changes = {}
    for strength in (0.0, 0.7):
        p = SegmentProcessor(temporal_smoothing=strength, edge_smoothing=0.0)
        alphas = [p.process(f).alpha for f in noisy]
        changes[strength] = float(np.mean([np.abs(a - b).mean() for a, b in zip(alphas[3:], alphas[4:])]))
        assert p.concurrent_ok() == (strength == 0.0)
        p.reset()
        p.close()
    assert changes[0.7] < 0.6 * changes[0.0], changes


def test_edge_smoothing_softens_the_matte(segment, astronaut):
    segment.update_settings(edge_smoothing=0.0)
    hard = segment.process(astronaut).alpha
    segment.update_settings(edge_smoothing=1.0)
    soft = segment.process(astronaut).alpha
    segment.update_settings(edge_smoothing=0.0)
    between = lambda a: int(((a > 0.05) & (a < 0.95)).sum())  # noqa: E731
    assert between(soft) > 2 * between(hard)


def test_bad_settings_say_what_to_do(segment, tmp_path):
    with pytest.raises(SettingsError, match="segment.background: .* not a picture file"):
        segment.update_settings(background=str(tmp_path / "missing.jpg"))
    with pytest.raises(SettingsError, match="mask, cutout, blur, replace"):
        segment.update_settings(view="green screen")
    empty = Segmentation(np.zeros((256, 256), np.float32), 0.0, "cutout")
    assert empty.is_empty()
    SegmentAnnotator().annotate(np.zeros((90, 160, 3), np.uint8), empty)


def test_the_other_processors_overlays_stay_visible_over_the_mask(tmp_path, astronaut, capsys):
    """The mask view paints the picture grey: a coloured pixel in the output is an overlay drawn after it
    (objects' boxes and labels; registry order puts objects first in the chain)."""
    from vision_desk.cli import main

    photo = tmp_path / "astronaut.png"
    cv2.imwrite(str(photo), astronaut)
    out = tmp_path / "out"
    assert main(["process", str(photo), "-p", "objects,segment", "--segment-view", "mask", "--precision", "fp32",
                 "-o", str(out)]) == 0
    image = cv2.imread(str(next(out.glob("*.png"))))
    spread = image.max(axis=2).astype(int) - image.min(axis=2)
    assert (spread > 60).sum() > 200, "no coloured overlay left on the mask view"
