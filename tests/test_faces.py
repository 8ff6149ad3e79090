"""Faces processor on real photos with OpenCV's real Haar cascades."""
from __future__ import annotations

import threading

import cv2
import numpy as np
import pytest

from vision_desk.errors import ModelError, SettingsError
from vision_desk.registry import create
from vision_desk.processors.faces import FacesProcessor, FacesSettings, load_cascade

# The astronaut's face (512x512 photo), found by looking: eyes at about (200, 112) and (245, 112),
# mouth at about (222, 147). Any box on her face must contain this region.
FACE_CORE = (200, 105, 245, 147)
# The camera man's face (512x512), three-quarter profile, facing right.
CAMERA_MAN_FACE_CENTRE = (226, 152)


@pytest.fixture(scope="module")
def faces() -> FacesProcessor:
    proc = FacesProcessor()
    proc.load()
    return proc


@pytest.fixture(autouse=True)
def _defaults(faces: FacesProcessor):
    """Every test starts from the default settings (tests may configure the shared processor)."""
    faces.update_settings(**vars(FacesSettings()))
    yield


def contains(box: np.ndarray, region: tuple[float, float, float, float]) -> bool:
    x1, y1, x2, y2 = box
    return x1 <= region[0] and y1 <= region[1] and x2 >= region[2] and y2 >= region[3]


def test_registry_creates_it() -> None:
    proc = create("faces", min_neighbors=3)
    assert isinstance(proc, FacesProcessor)
    assert proc.settings.min_neighbors == 3
    assert proc.provider == "OpenCV"
    assert proc.concurrent_ok()


def test_astronaut_has_exactly_one_face_on_her_face(faces: FacesProcessor, astronaut: np.ndarray) -> None:
    result = faces.process(astronaut)
    assert len(result) == 1
    box = result.boxes[0]
    assert contains(box, FACE_CORE), box
    assert box[2] - box[0] < 160 and box[3] - box[1] < 160, "box is much larger than her face"
    assert result.cascade == "frontal"
    assert len(result.candidates) == 0  # teaching mode is off


@pytest.mark.parametrize("cascade", ["frontal", "frontal_alt2"])
@pytest.mark.parametrize("photo", ["coffee", "chelsea", "rocket"])
def test_no_face_in_photos_without_people(faces: FacesProcessor, cascade: str, photo: str,
                                          request: pytest.FixtureRequest) -> None:
    faces.update_settings(cascade=cascade)
    result = faces.process(request.getfixturevalue(photo))
    assert result.is_empty(), result.boxes
    assert result.to_json() == []


def test_alt2_cascade_also_finds_her(faces: FacesProcessor, astronaut: np.ndarray) -> None:
    faces.update_settings(cascade="frontal_alt2")
    result = faces.process(astronaut)
    assert len(result) == 1 and contains(result.boxes[0], FACE_CORE)
    assert result.cascade == "frontal_alt2"


def test_teaching_mode_returns_many_raw_windows_for_a_real_face(faces: FacesProcessor,
                                                                astronaut: np.ndarray) -> None:
    faces.update_settings(teaching=True)
    result = faces.process(astronaut)
    assert len(result) == 1 and contains(result.boxes[0], FACE_CORE)
    assert len(result.candidates) >= 10 * len(result)
    # The raw windows cluster on the face: most of them overlap the face core.
    cx = (result.candidates[:, 0] + result.candidates[:, 2]) / 2
    cy = (result.candidates[:, 1] + result.candidates[:, 3]) / 2
    on_face = (cx > 180) & (cx < 265) & (cy > 85) & (cy < 170)
    assert on_face.mean() > 0.8


def test_teaching_mode_groups_exactly_like_detect_multiscale(faces: FacesProcessor, astronaut: np.ndarray) -> None:
    plain = faces.process(astronaut)
    faces.update_settings(teaching=True)
    taught = faces.process(astronaut)
    np.testing.assert_array_equal(plain.boxes, taught.boxes)


def test_higher_min_neighbors_never_finds_more(faces: FacesProcessor, astronaut: np.ndarray) -> None:
    faces.update_settings(min_neighbors=0, teaching=True)
    everything = faces.process(astronaut)
    assert len(everything) == len(everything.candidates)  # 0 = every raw window is a "face"
    faces.update_settings(min_neighbors=50)
    assert len(faces.process(astronaut)) == 0


def test_eyes_are_inside_the_face(faces: FacesProcessor, astronaut: np.ndarray) -> None:
    faces.update_settings(eyes=True)
    result = faces.process(astronaut)
    assert len(result) == 1 and len(result.eyes) == 1
    eyes = result.eyes[0]
    assert len(eyes) == 2
    fx1, fy1, fx2, fy2 = result.boxes[0]
    for x1, y1, x2, y2 in eyes:
        assert fx1 <= x1 < x2 <= fx2 and fy1 <= y1 < y2 <= fy1 + 0.7 * (fy2 - fy1)
    # Left-to-right: her right eye (image left, ~x=200) then her left eye (~x=245).
    centres = (eyes[:, 0] + eyes[:, 2]) / 2
    assert 185 < centres[0] < 215 and 230 < centres[1] < 260
    assert "eyes" in result.to_json()[0]


def test_profile_cascade_finds_the_camera_man_both_ways(faces: FacesProcessor, camera_man: np.ndarray) -> None:
    faces.update_settings(cascade="profile")
    faces.process(camera_man)  # runs at the defaults without error
    faces.update_settings(detect_scale=0.75)
    result = faces.process(camera_man)
    assert len(result) == 1
    x1, y1, x2, y2 = result.boxes[0]
    assert x1 < CAMERA_MAN_FACE_CENTRE[0] < x2 and y1 < CAMERA_MAN_FACE_CENTRE[1] < y2
    # The mirrored photo: the cascade only knows one side, the mirrored pass must find him and map back.
    mirrored = faces.process(np.ascontiguousarray(camera_man[:, ::-1]))
    assert len(mirrored) == 1
    w = camera_man.shape[1]
    np.testing.assert_allclose(mirrored.boxes[0], [w - x2, y1, w - x1, y2], atol=2)


@pytest.mark.parametrize("size", [(768, 768), (384, 384), (640, 480), (1280, 1080)])
def test_boxes_are_in_frame_pixels_for_any_size_and_aspect(faces: FacesProcessor, astronaut: np.ndarray,
                                                           size: tuple[int, int]) -> None:
    """A resized copy: boxes come back in the new frame's pixels, near the original box mapped by the resize.

    (Haar cascades only know upright, undistorted faces, so the stretch stays mild: 512x512 -> 640x480
    squeezes her face by 1.25. A 16:9 stretch of a square photo makes her face too wide to be found.)
    """
    ref = faces.process(astronaut).boxes[0]
    sx, sy = size[0] / astronaut.shape[1], size[1] / astronaut.shape[0]
    expected = ref * [sx, sy, sx, sy]
    result = faces.process(cv2.resize(astronaut, size, interpolation=cv2.INTER_AREA))
    assert len(result) == 1
    box = result.boxes[0]
    centre, want = (box[:2] + box[2:]) / 2, (expected[:2] + expected[2:]) / 2
    assert np.all(np.abs(centre - want) < 0.1 * (expected[2:] - expected[:2])), (box, expected)
    assert contains(box, np.array(FACE_CORE) * [sx, sy, sx, sy])


def test_boxes_follow_padding(faces: FacesProcessor, astronaut: np.ndarray) -> None:
    """The photo pasted into a wider canvas at (300, 40): the face box moves by that, to within one step of
    the cascade's scan grid. (detectMultiScale slides its 24x24 window in steps of one scaled pixel at this
    face size, and the canvas is scaled to slightly different sizes than the photo, so the windows it tries
    can sit up to one step apart: at detect scale 0.5 that is box width / 24 frame pixels, ~4.4 px here.)"""
    ref = faces.process(astronaut).boxes[0]
    canvas = np.full((600, 1100, 3), 127, np.uint8)
    canvas[40:40 + 512, 300:300 + 512] = astronaut  # even offsets: the same pixels at detect scale 0.5
    result = faces.process(canvas)
    assert len(result) == 1
    step = (ref[2] - ref[0]) / 24
    np.testing.assert_allclose(result.boxes[0], ref + [300, 40, 300, 40], atol=step)


def test_detection_width_is_capped_on_large_frames() -> None:
    s = FacesSettings()
    assert s.max_detect_width == 640
    assert FacesProcessor.detect_scale_for(640, s) == 0.5  # a webcam frame: detect_scale as before
    assert FacesProcessor.detect_scale_for(1280, s) == 0.5
    assert FacesProcessor.detect_scale_for(1920, s) == pytest.approx(1 / 3)  # 1080p: 640x360, not 960x540
    assert FacesProcessor.detect_scale_for(3840, s) == pytest.approx(1 / 6)
    assert FacesProcessor.detect_scale_for(1920, FacesSettings(max_detect_width=0)) == 0.5  # 0 = no cap
    assert FacesProcessor.detect_scale_for(1920, FacesSettings(detect_scale=0.25)) == 0.25  # the smaller wins


def test_capped_detection_on_a_1080p_frame_lands_on_her_face(faces: FacesProcessor, astronaut: np.ndarray) -> None:
    """The photo upscaled to 1080x1080 in a 1920x1080 frame: detected at 640x360, the box maps back exactly."""
    ref = faces.process(astronaut).boxes[0]
    k, x0 = 1080 / 512, 420
    frame = np.zeros((1080, 1920, 3), np.uint8)
    frame[:, x0:x0 + 1080] = cv2.resize(astronaut, (1080, 1080), interpolation=cv2.INTER_CUBIC)
    gray, fx, fy, min_px = faces._prepare(frame, faces.settings)
    assert gray.shape == (360, 640) and fx == fy == 3.0
    result = faces.process(frame)
    assert len(result) == 1
    box = result.boxes[0]
    expected = ref * k + [x0, 0, x0, 0]
    assert contains(box, np.array(FACE_CORE) * k + [x0, 0, x0, 0]), box
    np.testing.assert_allclose(box, expected, atol=0.08 * (expected[2] - expected[0]))
    uncapped = FacesProcessor(max_detect_width=0)
    np.testing.assert_allclose(box, uncapped.process(frame).boxes[0], atol=0.08 * (expected[2] - expected[0]))


def test_settings_change_between_frames_without_reload(faces: FacesProcessor, astronaut: np.ndarray) -> None:
    faces.process(astronaut)
    generation = faces._generation
    faces.update_settings(min_neighbors=50)
    assert faces.process(astronaut).is_empty()
    faces.update_settings(min_neighbors=5)
    assert len(faces.process(astronaut)) == 1
    assert faces._generation == generation  # no reload for a threshold
    faces.update_settings(cascade="frontal_alt2")
    faces.process(astronaut)
    assert faces._generation == generation + 1  # a different cascade is a reload


@pytest.mark.parametrize("change, words", [
    ({"scale_factor": 1.0}, "1.01 to 2"),
    ({"min_neighbors": -1}, "0 to 50"),
    ({"detect_scale": 0}, "0.1 to 1"),
    ({"cascade": "cat"}, "frontal, frontal_alt2, profile"),
])
def test_bad_settings_name_the_valid_values(faces: FacesProcessor, change: dict, words: str) -> None:
    with pytest.raises(SettingsError, match=words):
        faces.update_settings(**change)


def test_a_broken_cascade_file_is_a_model_error_naming_it(tmp_path) -> None:
    bad = tmp_path / "haarcascade_broken.xml"
    bad.write_text("<opencv_storage><nonsense/></opencv_storage>")
    with pytest.raises(ModelError, match="haarcascade_broken.xml"):
        load_cascade(bad)
    with pytest.raises(ModelError, match="missing"):
        load_cascade(tmp_path / "nothing.xml")


def test_each_thread_gets_its_own_classifier(faces: FacesProcessor, astronaut: np.ndarray) -> None:
    results, classifiers = [], []

    def work() -> None:
        results.append(faces.process(astronaut))
        classifiers.append(faces._classifier("haarcascade_frontalface_default.xml"))

    threads = [threading.Thread(target=work) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(len(r) == 1 for r in results)
    assert len({id(c) for c in classifiers}) == 3


def test_core_call_runs_the_bare_cascade(faces: FacesProcessor, astronaut: np.ndarray) -> None:
    rects, counts = faces.core_call(astronaut)()[0]
    assert len(rects) == 1  # detectMultiScale on the half-size frame: one face


def test_tiny_and_grey_frames_give_no_face(faces: FacesProcessor) -> None:
    assert faces.process(np.zeros((10, 10, 3), np.uint8)).is_empty()
    assert faces.process(np.full((480, 640, 3), 128, np.uint8)).is_empty()


def test_sample_clip_opening_has_no_false_face() -> None:
    """The first thing a class sees: the clip's first 3 s (the astronaut) with the default settings has
    her face on every frame and nothing on the blank wall to her left (x > 340 px) in the first second."""
    from vision_desk.sources import open_source

    proc = create("faces")
    source = open_source("sample")
    source.open()
    try:
        for index in range(75):
            frame = source.read()
            assert frame is not None
            boxes = proc.process(frame.image).boxes
            assert any(b[0] < 340 for b in boxes), f"frame {index}: her face was missed"
            if index < 25:
                assert not [b for b in boxes if b[0] > 340], f"frame {index}: a false face on the wall"
    finally:
        source.close()


@pytest.mark.parametrize("flip", [False, True])
def test_the_teaching_legend_never_covers_a_face_found(faces: FacesProcessor, astronaut: np.ndarray,
                                                       flip: bool) -> None:
    """Issue 22: the size legend sat in a fixed corner, over a face there (or had the face drawn over it)."""
    from vision_desk.annotate.detections import FacesAnnotator

    wide = np.full((360, 640, 3), 128, np.uint8)
    wide[:300, 340:] = cv2.resize(cv2.flip(astronaut, 1), (300, 300))  # her face at the top right corner
    wide = cv2.flip(wide, 1) if flip else wide  # then near the top left
    faces.update_settings(teaching=True)
    result = faces.process(wide)
    assert len(result) >= 1 and len(result.candidates) > 0
    ann = FacesAnnotator()
    ann.annotate(wide.copy(), result)
    x1, y1, x2, y2 = ann.legend_box
    for fx1, fy1, fx2, fy2 in result.boxes:
        assert fx2 <= x1 or fx1 >= x2 or fy2 <= y1 or fy1 >= y2, "the legend covers a face"
