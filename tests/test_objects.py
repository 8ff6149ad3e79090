"""Objects processor: the real SSDLite model on real photos, settings, geometry and NMS."""
from __future__ import annotations

import cv2
import numpy as np
import pytest

from vision_desk.errors import SettingsError
from vision_desk.registry import create
from vision_desk.runtime import RuntimeConfig
from vision_desk.processors.objects import ObjectsProcessor, ObjectsSettings, batched_nms
from vision_desk.vision.coco_labels import COCO_LABELS, COCO_NAMES, label_for, parse_class_filter


@pytest.fixture(scope="module")
def objects() -> ObjectsProcessor:
    proc = ObjectsProcessor()
    # The FP32 model: these tests hold its boxes to tight tolerances; the INT8 files have their own accuracy
    # gate (tests/test_precision.py), and auto would pick one on CPUs with 8-bit dot products.
    proc.runtime_config = RuntimeConfig("auto", None, "fp32")
    proc.load()
    return proc


@pytest.fixture(autouse=True)
def _defaults(objects: ObjectsProcessor):
    objects.update_settings(**vars(ObjectsSettings()))
    yield


def labels(result) -> list[str]:
    return list(result.labels)


def iou(a: np.ndarray, b: np.ndarray) -> float:
    lt, rb = np.maximum(a[:2], b[:2]), np.minimum(a[2:], b[2:])
    inter = float(np.prod(np.clip(rb - lt, 0, None)))
    return inter / (float(np.prod(a[2:] - a[:2])) + float(np.prod(b[2:] - b[:2])) - inter)


# --- what it finds on real photos ------------------------------------------------------------
@pytest.mark.parametrize("photo, label", [
    ("astronaut", "person"), ("chelsea", "cat"), ("coffee", "cup"), ("motorcycle", "motorcycle"),
])
def test_finds_the_main_object(objects: ObjectsProcessor, photo: str, label: str,
                               request: pytest.FixtureRequest) -> None:
    result = objects.process(request.getfixturevalue(photo))
    assert label in labels(result), result.to_json()
    assert np.all(np.diff(result.scores) <= 0), "best first"
    assert np.all(result.scores >= 0.5)


def test_boxes_are_where_the_objects_are(objects: ObjectsProcessor, coffee: np.ndarray, chelsea: np.ndarray) -> None:
    cup = objects.process(coffee)
    box = cup.boxes[labels(cup).index("cup")]
    # By looking: the cup (rim to handle, without the saucer) spans about x 172..410, y 18..300 of the
    # 600x400 photo; the saucer spans x 75..480. The model's box is a bit short at the bottom.
    assert iou(box, np.array([172, 18, 410, 300], np.float32)) > 0.6, box
    assert box[2] - box[0] < 300, "that is the saucer, not the cup"
    cat = objects.process(chelsea)
    assert cat.class_ids[labels(cat).index("cat")] == 17  # COCO's 90-id numbering


def test_rocket_has_no_person(objects: ObjectsProcessor, rocket: np.ndarray) -> None:
    assert "person" not in labels(objects.process(rocket))


def test_class_filter_keeps_only_those_classes(objects: ObjectsProcessor, coffee: np.ndarray,
                                               astronaut: np.ndarray) -> None:
    objects.update_settings(classes="person")
    assert all(lab == "person" for lab in labels(objects.process(coffee)))
    assert labels(objects.process(astronaut)) == ["person"]
    objects.update_settings(classes=" Dining Table ,CUP")
    assert objects.settings.classes == "dining table,cup"
    # By looking: a cup (on a saucer) standing on a wooden table that fills the photo, all but its dark
    # top-left corner. Both are COCO classes, so the filtered result is exactly these two, each where it is.
    found = objects.process(coffee)
    assert sorted(labels(found)) == ["cup", "dining table"]
    table = found.boxes[labels(found).index("dining table")]
    h, w = coffee.shape[:2]
    assert iou(table, np.array([0, 0, w, h], np.float32)) > 0.85, table  # the table is the whole scene
    cup = found.boxes[labels(found).index("cup")]
    assert iou(cup, np.array([172, 18, 410, 300], np.float32)) > 0.6, cup


def test_settings_change_between_frames_without_reload(objects: ObjectsProcessor, coffee: np.ndarray) -> None:
    found = objects.process(coffee)
    session = objects._session
    assert len(found) >= 2 and np.all(found.scores >= 0.5)  # at least the cup and the table (see above)
    # A threshold between the two best scores keeps only the best one.
    objects.update_settings(score_threshold=round(float(found.scores[:2].mean()), 2))
    assert labels(objects.process(coffee)) == labels(found)[:1]
    objects.update_settings(score_threshold=0.99)
    assert objects.process(coffee).is_empty()
    assert objects._session is session


def test_max_detections_caps_the_count(objects: ObjectsProcessor, coffee: np.ndarray) -> None:
    everything = objects.process(coffee)
    assert len(everything) >= 2
    objects.update_settings(max_detections=1)
    assert labels(objects.process(coffee)) == labels(everything)[:1]  # the best one (results are best first)


def test_lower_nms_iou_never_keeps_more(objects: ObjectsProcessor, astronaut: np.ndarray) -> None:
    objects.update_settings(score_threshold=0.1, nms_iou=1.0)
    loose = len(objects.process(astronaut))  # 1.0 = no suppression: overlapping duplicates stay
    objects.update_settings(nms_iou=0.5)
    tight = len(objects.process(astronaut))
    assert loose > tight >= 1


def test_bad_threshold_names_the_valid_range(objects: ObjectsProcessor) -> None:
    with pytest.raises(SettingsError, match="0.01 to 1"):
        objects.update_settings(score_threshold=2.0)
    assert objects.settings.score_threshold == 0.5  # unchanged


def test_unknown_class_name_lists_the_valid_names(objects: ObjectsProcessor) -> None:
    with pytest.raises(SettingsError,
                       match="objects.classes: unknown COCO class name.*'persn'.*valid names: person, bicycle"):
        objects.update_settings(classes="persn,cup")
    with pytest.raises(SettingsError, match="toothbrush"):
        create("objects", classes="dragon")


def test_registry_and_provider() -> None:
    proc = create("objects", score_threshold=0.3)
    assert isinstance(proc, ObjectsProcessor) and proc.settings.score_threshold == 0.3
    proc.load()
    assert proc.provider in ("CPU", "CUDA")
    assert proc.concurrent_ok()


# --- geometry: boxes in the given frame's pixels whatever its size ---------------------------
@pytest.mark.parametrize("photo, label", [("astronaut", "person"), ("motorcycle", "motorcycle")])
def test_stretched_frame_gives_stretched_boxes(objects: ObjectsProcessor, photo: str, label: str,
                                               request: pytest.FixtureRequest) -> None:
    """The photo resized to 1280x720 (a 16:9 stretch): its box is the original box stretched the same way."""
    image = request.getfixturevalue(photo)
    ref = objects.process(image)
    ref_box = ref.boxes[labels(ref).index(label)]
    h, w = image.shape[:2]
    size = (1280, 720)
    result = objects.process(cv2.resize(image, size, interpolation=cv2.INTER_AREA))
    box = result.boxes[labels(result).index(label)]
    expected = ref_box * [size[0] / w, size[1] / h, size[0] / w, size[1] / h]
    np.testing.assert_allclose(box, expected, atol=0.03 * size[0])


@pytest.mark.parametrize("photo, label, offset", [
    ("coffee", "cup", (250, 50)), ("astronaut", "person", (600, 100)),
])
def test_padded_frame_gives_shifted_boxes(objects: ObjectsProcessor, photo: str, label: str,
                                          offset: tuple[int, int], request: pytest.FixtureRequest) -> None:
    """The photo pasted into a wider grey canvas: the box moves by the paste offset."""
    image = request.getfixturevalue(photo)
    ref = objects.process(image)
    ref_box = ref.boxes[labels(ref).index(label)]
    h, w = image.shape[:2]
    dx, dy = offset
    canvas = np.full((h + 2 * dy, w + 2 * dx, 3), 114, np.uint8)
    canvas[dy:dy + h, dx:dx + w] = image
    result = objects.process(canvas)
    assert label in labels(result)
    box = result.boxes[labels(result).index(label)]
    assert iou(box, ref_box + [dx, dy, dx, dy]) > 0.8, (box, ref_box)


def test_core_call_runs_the_bare_session(objects: ObjectsProcessor, astronaut: np.ndarray) -> None:
    scores, boxes = objects.core_call(astronaut)()
    assert scores.shape == (1, 1917, 90) and boxes.shape == (1, 1917, 1, 4)


def test_a_blank_frame_gives_nothing(objects: ObjectsProcessor) -> None:
    result = objects.process(np.zeros((480, 640, 3), np.uint8))
    assert result.is_empty() and result.to_json() == []


# --- labels --------------------------------------------------------------------------------------
def test_coco_labels_use_the_90_id_numbering() -> None:
    assert len(COCO_NAMES) == 80 and len(set(COCO_NAMES)) == 80
    assert (label_for(1), label_for(17), label_for(47), label_for(90)) == ("person", "cat", "cup", "toothbrush")
    assert 12 not in COCO_LABELS and label_for(12) == "class 12"
    assert parse_class_filter("") == () and parse_class_filter("Cup, person, cup") == (47, 1)


# --- NMS (OpenCV's NMSBoxesBatched, wrapped) -----------------------------------------------------
@pytest.mark.parametrize("boxes, scores, classes, iou_thr, expected", [
    # overlapping same-class boxes: the better one wins
    ([[0, 0, 10, 10], [1, 0, 11, 10]], [0.6, 0.9], [1, 1], 0.5, [1]),
    # the same boxes in different classes are both kept
    ([[0, 0, 10, 10], [1, 0, 11, 10]], [0.6, 0.9], [1, 2], 0.5, [1, 0]),
    # a tie in score keeps the earlier box
    ([[0, 0, 10, 10], [0, 0, 10, 10]], [0.8, 0.8], [3, 3], 0.5, [0]),
    # IoU exactly at the threshold is kept (suppress only above it): IoU([0,0,10,10],[0,0,10,5]) = 0.5
    ([[0, 0, 10, 10], [0, 0, 10, 5]], [0.9, 0.8], [1, 1], 0.5, [0, 1]),
    ([[0, 0, 10, 10], [0, 0, 10, 5]], [0.9, 0.8], [1, 1], 0.49, [0]),
    # disjoint boxes, best first
    ([[0, 0, 1, 1], [5, 5, 6, 6], [9, 9, 10, 10]], [0.2, 0.7, 0.5], [1, 1, 1], 0.5, [1, 2, 0]),
    # sub-pixel (normalized) coordinates are not rounded to integers
    ([[0, 0, 0.5, 0.5], [0.3, 0.3, 0.8, 0.8]], [0.9, 0.8], [1, 1], 0.5, [0, 1]),
    # nothing in, nothing out
    (np.zeros((0, 4)), [], [], 0.5, []),
])
def test_batched_nms(boxes, scores, classes, iou_thr, expected) -> None:
    keep = batched_nms(np.asarray(boxes, np.float32).reshape(-1, 4), np.asarray(scores, np.float32),
                       np.asarray(classes, np.int32), iou_thr, 100)
    assert keep.tolist() == expected


def test_batched_nms_top_k() -> None:
    boxes = np.array([[i * 10, 0, i * 10 + 5, 5] for i in range(5)], np.float32)
    keep = batched_nms(boxes, np.array([0.1, 0.5, 0.3, 0.9, 0.7], np.float32), np.ones(5, np.int32), 0.5, 2)
    assert keep.tolist() == [3, 4]
