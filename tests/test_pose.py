"""Pose processor on real photos with the real OpenPose MobileNet-thin model, its settings and its annotator."""
from __future__ import annotations

import cv2
import numpy as np
import pytest

from conftest import expected_provider
from vision_desk import registry
from vision_desk.annotate.pose import PoseAnnotator
from vision_desk.errors import SettingsError
from vision_desk.processors.pose import VIEW_CHOICES, PoseProcessor, PoseSettings
from vision_desk.results import KEYPOINT_NAMES, NUM_KEYPOINTS, Poses

KP = {name: i for i, name in enumerate(KEYPOINT_NAMES)}
FACE = [KP[n] for n in ("nose", "r_eye", "l_eye")]


@pytest.fixture(scope="module")
def pose() -> PoseProcessor:
    proc = PoseProcessor()
    proc.load()
    return proc


@pytest.fixture()
def fresh() -> PoseProcessor:
    """A processor of its own, for tests that change settings."""
    proc = PoseProcessor()
    proc.load()
    return proc


@pytest.fixture(scope="module")
def astronaut_poses(pose, astronaut) -> Poses:
    return pose.process(astronaut)


def xy(poses: Poses, name: str, person: int = 0) -> np.ndarray:
    return poses.keypoints[person, KP[name], :2]


# --- real photos ----------------------------------------------------------------------------------
def test_astronaut_is_one_person_with_head_and_shoulders_in_place(astronaut_poses):
    p = astronaut_poses
    assert len(p) == 1
    found = p.present()[0]
    for name in ("nose", "neck", "r_shoulder", "l_shoulder", "r_eye", "l_eye"):
        assert found[KP[name]], f"{name} not found"
    nose, neck = xy(p, "nose"), xy(p, "neck")
    # The face of the 512x512 astronaut photo spans about x 170-290, y 60-180.
    assert 190 < nose[0] < 260 and 90 < nose[1] < 160
    assert xy(p, "r_eye")[0] < nose[0] < xy(p, "l_eye")[0]  # facing the camera: her right is image left
    assert xy(p, "r_eye")[1] < nose[1] and xy(p, "l_eye")[1] < nose[1]
    # By looking: her neck is hidden by a black collar inside the helmet ring, below her chin (y ~178), above
    # the ring's lower edge (y ~257), and within the width of her neck (x ~190-260). The neck keypoint
    # (the base of the neck, between the shoulders) must lie in there.
    assert 190 < neck[0] < 260 and 178 < neck[1] < 257, neck
    r_sh, l_sh = xy(p, "r_shoulder"), xy(p, "l_shoulder")
    assert r_sh[0] < neck[0] < l_sh[0]
    assert nose[1] < r_sh[1] < 380 and nose[1] < l_sh[1] < 380
    assert (p.keypoints[0, found, 2] > 0.1).all()
    # Scores say how clearly a part is seen: her face (frontal, sharp, lit) scores above her shoulders and
    # elbows, which are hidden under the bulky suit; the person's score is the mean of its keypoints' and
    # limbs' scores, so it lies between those of the hidden parts and the face.
    face = p.keypoints[0, [KP[n] for n in ("nose", "r_eye", "l_eye")], 2]
    body = p.keypoints[0, [i for i in (KP["r_shoulder"], KP["l_shoulder"], KP["r_elbow"], KP["l_elbow"])
                           if found[i]], 2]
    assert len(body) >= 2 and face.min() > body.max(), (face, body)
    assert body.max() < p.scores[0] < face.min(), p.scores[0]


def test_camera_man_is_one_person_with_eight_keypoints_or_more(pose, camera_man):
    p = pose.process(camera_man)
    assert len(p) == 1
    assert p.present()[0].sum() >= 8
    kp = p.keypoints[0][p.present()[0]]
    assert (kp[:, 0] >= 0).all() and (kp[:, 0] <= 512).all() and (kp[:, 1] >= 0).all() and (kp[:, 1] <= 512).all()


def test_three_photos_side_by_side_give_three_people_one_per_panel(pose, astronaut, camera_man):
    panels = [astronaut, cv2.resize(camera_man, (512, 512)), cv2.flip(astronaut, 1)]
    collage = np.hstack(panels)
    p = pose.process(collage)
    assert len(p) == 3, f"expected 3 people, got {len(p)}"
    panel_of = []
    for person, found in zip(p.keypoints, p.present()):
        cols = np.floor(person[found, 0] / 512).astype(int)
        assert len(set(cols.tolist())) == 1, "one person's keypoints span two photos (merged)"
        panel_of.append(int(cols[0]))
    assert sorted(panel_of) == [0, 1, 2], "a photo with two people and one with none (split)"
    # The mirrored astronaut is found at the mirrored place, with left and right swapped.
    left = p.keypoints[panel_of.index(0)]
    right = p.keypoints[panel_of.index(2)]
    np.testing.assert_allclose(3 * 512 - right[KP["nose"], 0], left[KP["nose"], 0], atol=4)
    np.testing.assert_allclose(3 * 512 - right[KP["l_eye"], 0], left[KP["r_eye"], 0], atol=4)


def test_no_people_in_photos_without_people(pose, coffee, rocket):
    assert pose.process(coffee).is_empty()
    assert pose.process(rocket).is_empty()


# --- geometry: any size and aspect ratio ----------------------------------------------------------
def test_stretched_photo_gives_keypoints_in_the_right_place(pose, astronaut, astronaut_poses):
    ref = astronaut_poses.keypoints[0]
    stretched = cv2.resize(astronaut, (800, 400))  # 1.56x wider, 0.78x as tall
    p = pose.process(stretched)
    assert len(p) == 1
    back = p.keypoints[0, :, :2] * np.float32([512 / 800, 512 / 400])
    err = np.linalg.norm(back - ref[:, :2], axis=1)
    assert (err[FACE] < 5).all(), f"face keypoints off by {err[FACE]}"
    assert err[KP["neck"]] < 20


def test_photo_padded_into_a_wider_canvas_gives_keypoints_in_the_right_place(pose, astronaut, astronaut_poses):
    ref = astronaut_poses.keypoints[0]
    canvas = np.full((512, 1400, 3), 90, np.uint8)
    canvas[:, 800:1312] = astronaut
    p = pose.process(canvas)
    assert len(p) == 1
    back = p.keypoints[0, :, :2] - np.float32([800, 0])
    err = np.linalg.norm(back - ref[:, :2], axis=1)
    both = ~np.isnan(err)
    assert both.sum() >= 7
    assert (err[FACE] < 3).all(), f"face keypoints off by {err[FACE]}"
    assert (err[both] < 15).all(), f"keypoints off by {np.round(err, 1)}"


@pytest.mark.parametrize("shape", [(480, 640), (640, 360), (97, 131), (1080, 1920)])
def test_any_frame_size_runs(pose, astronaut, shape):
    img = cv2.resize(astronaut, shape[::-1])
    p = pose.process(img)
    assert p.keypoints.shape[1:] == (NUM_KEYPOINTS, 3)
    kp = p.keypoints[p.present()]
    assert ((kp[:, 0] >= 0) & (kp[:, 0] <= shape[1]) & (kp[:, 1] >= 0) & (kp[:, 1] <= shape[0])).all()


# --- settings ------------------------------------------------------------------------------------
@pytest.mark.parametrize("changes, words", [
    ({"input_height": 300}, ["input_height", "256, 368, 432"]),
    ({"keypoint_threshold": 2.0}, ["keypoint_threshold", "0.01 to 1"]),
    ({"limb_threshold": -0.1}, ["limb_threshold", "0 to 1"]),
    ({"min_keypoints": 0}, ["min_keypoints", "1 to 18"]),
    ({"view": "elbow"}, ["view", "nose", "background", "neck-r_shoulder"]),
])
def test_invalid_settings_name_the_valid_values(changes, words):
    with pytest.raises(SettingsError) as info:
        PoseProcessor(**changes)
    for w in words:
        assert w in str(info.value)
    with pytest.raises(SettingsError):
        PoseProcessor().update_settings(**changes)


def test_created_through_the_registry():
    proc = registry.create("pose", input_height=256)
    assert isinstance(proc, PoseProcessor) and proc.settings.input_height == 256
    assert isinstance(registry.annotator_for("pose"), PoseAnnotator)
    assert PoseSettings().view == "off" and len(VIEW_CHOICES) == 1 + 18 + 1 + 19


def test_settings_change_between_frames_without_reload(fresh, astronaut):
    session = fresh._session
    before = fresh.process(astronaut)
    fresh.update_settings(keypoint_threshold=0.95)  # above every heatmap peak of this photo
    assert fresh.process(astronaut).is_empty()
    fresh.update_settings(keypoint_threshold=0.1, min_keypoints=18)
    assert fresh.process(astronaut).is_empty()
    fresh.update_settings(min_keypoints=4, input_height=256)
    small = fresh.process(astronaut)
    assert len(small) == 1 and np.linalg.norm(xy(small, "nose") - xy(before, "nose")) < 8
    fresh.update_settings(input_height=368)
    again = fresh.process(astronaut)
    np.testing.assert_array_equal(again.keypoints, before.keypoints)
    assert fresh._session is session, "no setting of the pose processor needs a new session"
    assert fresh.provider == expected_provider()


def test_teaching_overlay_has_the_frame_size_and_values_in_0_1(fresh, astronaut):
    frame = cv2.resize(astronaut, (640, 480))
    assert fresh.process(frame).overlay is None
    fresh.update_settings(view="nose")
    p = fresh.process(frame)
    assert p.overlay is not None and p.overlay.shape == (480, 640) and p.overlay.dtype == np.float32
    assert p.overlay.min() >= 0.0 and p.overlay.max() <= 1.0 and "nose" in p.overlay_name
    # The nose heatmap is hottest at the nose that was found.
    hot = np.array(np.unravel_index(np.argmax(p.overlay), p.overlay.shape)[::-1]) + 0.5
    assert np.linalg.norm(hot - xy(p, "nose")) < 12
    fresh.update_settings(view="neck-r_shoulder")
    p = fresh.process(frame)
    assert p.overlay.shape == (480, 640) and 0.0 <= p.overlay.min() and p.overlay.max() <= 1.0
    mid = ((xy(p, "neck") + xy(p, "r_shoulder")) / 2).astype(int)
    assert p.overlay[mid[1], mid[0]] > 0.3 > np.median(p.overlay), "the limb field lies along that limb"
    assert "PAF" in p.overlay_name
    fresh.update_settings(view="background")
    p = fresh.process(frame)
    assert p.overlay[5, 5] > 0.8 and p.overlay[int(xy(p, "nose")[1]), int(xy(p, "nose")[0])] < 0.5


def test_core_call_runs_the_bare_model(pose):
    frame = np.zeros((480, 640, 3), np.uint8)
    out = pose.core_call(frame)()
    assert out.shape == (368 // 8, 496 // 8, 57)


def test_wrong_image_type_is_a_settings_error(pose):
    with pytest.raises(SettingsError, match="BGR uint8"):
        pose.process(np.zeros((48, 64), np.uint8))


def test_json_form(astronaut_poses):
    js = astronaut_poses.to_json()
    assert len(js) == 1 and len(js[0]["keypoints"]) == 18
    assert js[0]["keypoints"][KP["nose"]] is not None and js[0]["keypoints"][KP["l_ankle"]] is None


# --- annotator -----------------------------------------------------------------------------------
def test_annotator_draws_the_skeleton_in_place(astronaut, astronaut_poses):
    img = astronaut.copy()
    out = PoseAnnotator().annotate(img, astronaut_poses)
    assert out is img
    changed = np.any(img != astronaut, axis=2)
    for name in ("nose", "neck", "r_shoulder", "l_shoulder"):
        x, y = xy(astronaut_poses, name).astype(int)
        assert changed[y - 2:y + 3, x - 2:x + 3].any(), f"nothing drawn at the {name}"
    # Drawing stays near the person: the corners of the photo are untouched.
    assert not changed[:40, :40].any() and not changed[-40:, -40:].any()
    # The neck-to-nose limb is drawn along its whole length.
    a, b = xy(astronaut_poses, "neck"), xy(astronaut_poses, "nose")
    for t in (0.25, 0.5, 0.75):
        x, y = (a + t * (b - a)).astype(int)
        assert changed[y - 2:y + 3, x - 2:x + 3].any()


def test_annotator_draws_nothing_for_empty_results(astronaut):
    img = astronaut.copy()
    PoseAnnotator().annotate(img, Poses.empty())
    assert np.array_equal(img, astronaut)


def test_annotator_blends_the_overlay():
    frame = np.full((120, 160, 3), 100, np.uint8)
    overlay = np.zeros((120, 160), np.float32)
    overlay[40:80, 60:100] = 1.0
    poses = Poses.empty()
    poses.overlay, poses.overlay_name = overlay, "heatmap: nose"
    out = PoseAnnotator(caption=False).annotate(frame.copy(), poses)
    hot_change = np.abs(out[50:70, 70:90].astype(int) - 100).mean()
    cold_change = np.abs(out[:20, :20].astype(int) - 100).mean()
    assert hot_change > 3 * cold_change and hot_change > 40
    # Where the map is 0 the frame stays recognisable (tinted, not replaced).
    assert cold_change < 40
    # An overlay of another size (a frame resized before drawing) is fitted to the image.
    small = PoseAnnotator(caption=False).annotate(np.full((60, 80, 3), 100, np.uint8), poses)
    assert np.abs(small[25:35, 35:45].astype(int) - 100).mean() > 40
    # With a caption, the channel's name is written in a corner.
    captioned = PoseAnnotator().annotate(frame.copy(), poses)
    assert np.any(captioned[-30:, :80] != out[-30:, :80])
