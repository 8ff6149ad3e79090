"""Drawing boxes, labels, faces, eyes and raw cascade windows: in place, legible, never crashing on nothing."""
from __future__ import annotations

import numpy as np
import pytest

from vision_desk.annotate import draw
from vision_desk.annotate.base import Annotator
from vision_desk.annotate.detections import DetectionsAnnotator, FacesAnnotator
from vision_desk.annotate.hud import HudAnnotator
from vision_desk.registry import PROCESSOR_NAMES, annotator_for
from vision_desk.results import Detections, Faces


def grey(h: int, w: int) -> np.ndarray:
    return np.full((h, w, 3), 128, np.uint8)


def dets(boxes, scores, ids, labels) -> Detections:
    return Detections(np.array(boxes, np.float32), np.array(scores), np.array(ids), list(labels))


def changed(before: np.ndarray, after: np.ndarray) -> np.ndarray:
    return np.any(before != after, axis=2)


def test_registry_gives_these_annotators() -> None:
    assert isinstance(annotator_for("objects"), DetectionsAnnotator)
    assert isinstance(annotator_for("faces"), FacesAnnotator)


def test_every_annotator_has_the_annotator_shape() -> None:
    drawn = [annotator_for(name) for name in PROCESSOR_NAMES]
    assert sum(a is not None for a in drawn) == len(PROCESSOR_NAMES) - 1  # style transforms, draws nothing
    assert all(isinstance(a, Annotator) for a in [*drawn, HudAnnotator()] if a is not None)


def test_detections_are_drawn_in_place_on_the_box() -> None:
    img = grey(480, 640)
    before = img.copy()
    out = DetectionsAnnotator().annotate(img, dets([[100, 120, 300, 400]], [0.87], [1], ["person"]))
    assert out is img
    diff = changed(before, img)
    assert diff.any()
    ys, xs = np.nonzero(diff)
    # Everything drawn hugs the box: its outline and its label just above it.
    assert xs.min() >= 95 and xs.max() <= 305 + 150 and ys.min() >= 120 - 40 and ys.max() <= 405
    assert diff[120, 100:300].all() and diff[120:400, 100].all()  # the outline itself
    assert not diff[200:350, 150:250].any()  # the inside of the box is left alone


@pytest.mark.parametrize("annotator, empty", [
    (DetectionsAnnotator(), Detections.empty()),
    (FacesAnnotator(), Faces.empty()),
])
def test_empty_results_change_nothing(annotator, empty) -> None:
    img = grey(480, 640)
    before = img.copy()
    assert annotator.annotate(img, empty) is img
    np.testing.assert_array_equal(img, before)


def test_boxes_outside_the_frame_do_not_crash() -> None:
    img = grey(240, 320)
    DetectionsAnnotator().annotate(img, dets([[-50, -50, 10, 10], [300, 200, 900, 900], [0, 0, 0, 0]],
                                             [0.9, 0.8, 0.7], [1, 2, 3], ["a", "b", "c"]))
    FacesAnnotator().annotate(img, Faces(np.array([[-20, 230, 30, 300]], np.float32),
                                         candidates=np.array([[-5, -5, 400, 400]], np.float32)))


def test_label_text_and_colour_per_class() -> None:
    img = grey(480, 640)
    DetectionsAnnotator().annotate(img, dets([[100, 100, 300, 300]], [0.5], [17], ["cat"]))
    assert DetectionsAnnotator().text_for("cat", 0.934) == "cat 0.93"
    assert DetectionsAnnotator(show_scores=False).text_for("cat", 0.934) == "cat"
    colour = draw.color_for(17)
    assert tuple(img[200, 100]) == colour  # the box's left edge in the class colour


def test_colours_are_stable_and_distinct() -> None:
    colours = [draw.color_for(i) for i in range(1, 91)]
    assert colours == [draw.color_for(i) for i in range(1, 91)]
    assert len(set(colours)) == 90
    # Neighbouring ids (often related classes) look clearly different.
    for a, b in zip(colours, colours[1:]):
        assert np.abs(np.subtract(a, b)).sum() > 60


def test_text_and_lines_grow_with_the_image_height() -> None:
    small, large = draw.style_for_height(480), draw.style_for_height(1080)
    assert large.font_scale > small.font_scale and large.text > small.text and large.line > small.line
    assert small.font_scale >= 0.45 and small.text >= 1 and small.line >= 2  # still legible at 480p
    # And on real drawings: the same relative box gets a taller label on a 1080p frame.
    heights = []
    for h, w in ((480, 640), (1080, 1920)):
        img = grey(h, w)
        before = img.copy()
        DetectionsAnnotator().annotate(img, dets([[w * 0.3, h * 0.5, w * 0.6, h * 0.9]], [0.9], [1], ["person"]))
        rows = np.nonzero(changed(before, img)[: int(h * 0.5) - 2].any(axis=1))[0]  # the label above the box
        heights.append(rows.max() - rows.min() + 1)
    assert heights[1] > 1.5 * heights[0]


def test_faces_with_eyes() -> None:
    img = grey(480, 640)
    before = img.copy()
    face = np.array([[200, 100, 320, 220]], np.float32)
    eyes = [np.array([[220, 130, 250, 150], [270, 130, 300, 150]], np.float32)]
    FacesAnnotator().annotate(img, Faces(face, eyes=eyes))
    diff = changed(before, img)
    assert diff[100:220, 200].all()  # face outline
    assert diff[130:150, 220].all() and diff[130:150, 300].all()  # both eyes
    img2 = grey(480, 640)
    FacesAnnotator(show_eyes=False).annotate(img2, Faces(face, eyes=eyes))
    assert not changed(before, img2)[130:150, 220].any()


def test_teaching_view_draws_raw_windows_faintly_with_a_caption() -> None:
    img = grey(480, 640)
    before = img.copy()
    rng = np.random.default_rng(0)
    jitter = rng.integers(-6, 7, size=(40, 4)).astype(np.float32)
    cands = np.array([200, 100, 320, 220], np.float32) + jitter
    lone = np.array([[450, 300, 500, 350]], np.float32)  # a false alarm: one window
    result = Faces(np.zeros((0, 4), np.float32), candidates=np.concatenate([cands, lone]))
    FacesAnnotator().annotate(img, result)
    diff = changed(before, img)
    # The lone window is faint (translucent), the stack of 40 windows is much stronger.
    lone_edge = np.abs(img[300, 455:495].astype(int) - 128).sum(axis=1).max()
    stack_edge = np.abs(img[95:225, 190:330].astype(int) - 128).sum(axis=2).max()
    assert 0 < lone_edge < stack_edge
    # The caption sits in the bottom-right corner (bottom-left is the HUD's and the pose view caption's).
    assert diff[440:, 440:].any() and not diff[440:, :200].any()


def test_caption_counts(monkeypatch) -> None:
    seen = []
    monkeypatch.setattr(draw, "draw_caption", lambda image, text, *a, **k: seen.append(text))
    result = Faces(np.array([[10, 10, 50, 50]], np.float32), candidates=np.tile([10, 10, 50, 50], (57, 1)))
    FacesAnnotator().annotate(grey(240, 320), result)
    assert seen == ["raw windows 57 -> faces 1"]
    seen.clear()
    FacesAnnotator(show_candidates=False).annotate(grey(240, 320), result)
    assert seen == []


def _face_label_pixels(img_shape, face: np.ndarray) -> np.ndarray:
    """Where the "face" tag is: pixels that change when labels are on, compared with labels off."""
    with_label, without = grey(*img_shape), grey(*img_shape)
    FacesAnnotator().annotate(with_label, Faces(face))
    FacesAnnotator(show_labels=False).annotate(without, Faces(face))
    return changed(without, with_label)


@pytest.mark.parametrize("height", [360, 480, 1080])
def test_a_face_label_is_not_hidden_by_the_label_of_its_person(height: int) -> None:
    """Face near the top of its person box (hair cropped): both labels fully visible, drawn in pipeline order."""
    k = height / 480
    person = dets([[100 * k, 40 * k, 400 * k, 470 * k]], [0.56], [0], ["person"])
    face = np.array([[150 * k, 52 * k, 270 * k, 172 * k]], np.float32)
    shape = (height, int(640 * k))
    tag = _face_label_pixels(shape, face)
    assert tag.any()
    alone, both = grey(*shape), grey(*shape)
    FacesAnnotator().annotate(alone, Faces(face))
    FacesAnnotator().annotate(both, Faces(face))  # faces come before objects in the chain
    DetectionsAnnotator().annotate(both, person)
    assert (alone[tag] == both[tag]).all(), "the person's label covers the face's"
    ys, xs = np.nonzero(tag)
    x1, y1, x2, y2 = face[0]
    assert x1 <= xs.min() and xs.max() <= x2 and y1 <= ys.min() and ys.max() <= y2, "inside the face box"
    assert ys.min() - y1 < 0.2 * (y2 - y1), "at its top"


def test_face_label_moves_for_a_box_at_the_top_edge_or_too_small() -> None:
    at_top = np.array([[200, 2, 320, 122]], np.float32)  # labels pushed into the picture sit at the top
    ys, _ = np.nonzero(_face_label_pixels((480, 640), at_top))
    assert ys.min() > 122 - 40 and ys.max() <= 122, "inside the bottom of the box"
    tiny = np.array([[300, 200, 326, 226]], np.float32)  # no room inside: under the box
    ys, _ = np.nonzero(_face_label_pixels((480, 640), tiny))
    assert ys.min() >= 226
