"""teach: new classes from five examples each, recognised on new pictures (the sample clip, unseen crops)."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import cv2
import numpy as np
import pytest

from vision_desk.annotate.teach import TeachAnnotator
from vision_desk.errors import SettingsError
from vision_desk.processors import teach as teach_mod
from vision_desk.processors import teach_examples
from vision_desk.processors.teach import TeachProcessor

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "resources" / "sample.mp4"
sys.path.insert(0, str(ROOT / "tools"))

import make_sample_clip  # noqa: E402  (the clip's shot list: which photo each frame shows)

SHOT_CLASS = {"astronaut": "person", "group": "person", "camera": "person", "coffee": "cup", "chelsea": "cat",
              "rocket": "rocket"}


def random_crops(image: np.ndarray, n: int, rng: np.random.Generator) -> list[np.ndarray]:
    """``n`` crops of 55-90 % of the picture's size at random places."""
    h, w = image.shape[:2]
    out = []
    for _ in range(n):
        s = rng.uniform(0.55, 0.9)
        ch, cw = int(h * s), int(w * s)
        y, x = int(rng.integers(0, h - ch + 1)), int(rng.integers(0, w - cw + 1))
        out.append(np.ascontiguousarray(image[y:y + ch, x:x + cw]))
    return out


def teach_folder(root: Path, examples: dict[str, list[np.ndarray]]) -> Path:
    for number, (label, pictures) in enumerate(examples.items(), 1):
        for picture in pictures:
            teach_examples.add_picture(root, number, picture)
        teach_examples.rename_class(root, number, label)
    return root


def shot_of_each_frame(fps: float = 25.0, seconds: float = 16.0) -> list[str]:
    """The photo each frame of resources/sample.mp4 shows (cut on whole frames, as make_sample_clip does)."""
    total = sum(s.seconds for s in make_sample_clip.SHOTS)
    out: list[str] = []
    elapsed = 0.0
    for shot in make_sample_clip.SHOTS:
        elapsed += shot.seconds * seconds / total
        out += [shot.photo] * max(2, round(elapsed * fps) - len(out))
    return out


@pytest.fixture(scope="module")
def clip_classes(tmp_path_factory):
    """Five examples per class, all crops of scikit-image photos (none is a frame of the clip)."""
    from conftest import photo

    rng = np.random.default_rng(5)
    person = random_crops(photo("astronaut"), 3, rng) + random_crops(photo("camera"), 2, rng)
    return teach_folder(tmp_path_factory.mktemp("teach"), {
        "person": person, "cup": random_crops(photo("coffee"), 5, rng),
        "cat": random_crops(photo("chelsea"), 5, rng), "rocket": random_crops(photo("rocket"), 5, rng)})


@pytest.mark.parametrize("method", ["nearest", "logistic"])
def test_five_examples_a_class_recognise_the_sample_clip(clip_classes, method):
    """Goal: >= 90 % right on new pictures. Measured: 80 of 80 frames (every 5th) with either method."""
    truth = shot_of_each_frame()
    proc = TeachProcessor(examples=str(clip_classes), method=method)
    cap = cv2.VideoCapture(str(SAMPLE))
    right = total = 0
    index = 0
    while True:
        ok, frame = cap.read()
        if not ok:
            break
        if index % 5 == 0:
            result = proc.process(frame)
            right += result.label == SHOT_CLASS[truth[index]]
            total += 1
        index += 1
    cap.release()
    assert total >= 70 and right >= 0.9 * total, (right, total)
    assert proc.taught.labels == ("person", "cup", "cat", "rocket") and proc.taught.counts == [5, 5, 5, 5]
    proc.close()


def test_textures_taught_on_one_half_are_recognised_on_the_other(tmp_path):
    from conftest import photo

    rng = np.random.default_rng(9)
    textures = {name: photo(name) for name in ("brick", "grass", "gravel")}
    half = {name: (img[:, :img.shape[1] // 2], img[:, img.shape[1] // 2:]) for name, img in textures.items()}
    root = teach_folder(tmp_path, {name: random_crops(left, 5, rng) for name, (left, _) in half.items()})
    proc = TeachProcessor(examples=str(root))
    tests = [(name, crop) for name, (_, right) in half.items() for crop in random_crops(right, 10, rng)]
    right = sum(proc.process(crop).label == name for name, crop in tests)
    assert right >= 0.9 * len(tests), (right, len(tests))  # measured 30 of 30


def test_the_map_puts_the_frame_among_its_own_class(clip_classes, coffee):
    proc = TeachProcessor(examples=str(clip_classes))
    result = proc.process(coffee)
    assert result.to_json() == {"label": "cup", "score": round(result.score, 4)} and result.score > 0.6
    json.dumps(result.to_json())
    assert result.points is not None and result.points.shape == (20, 2) and np.abs(result.points).max() <= 1.0001
    centres = [result.points[result.point_classes == i].mean(axis=0) for i in range(4)]
    distances = [float(np.linalg.norm(result.frame_point - c)) for c in centres]
    assert int(np.argmin(distances)) == 1, distances  # class 1 = cup
    drawn = TeachAnnotator().annotate(coffee.copy(), result)
    side = int(coffee.shape[0] * 0.42)
    assert np.abs(drawn[-side:, -side:].astype(int) - coffee[-side:, -side:]).mean() > 20  # the map's panel


def test_examples_are_a_folder_that_is_reread_when_it_changes(tmp_path, monkeypatch, chelsea, coffee, rocket):
    monkeypatch.setattr(teach_mod, "RESCAN_S", 0.0)
    (tmp_path / "classes").mkdir()
    proc = TeachProcessor(examples=str(tmp_path / "classes"))
    first = proc.process(coffee)
    assert first.label is None and first.to_json() == {"label": None, "score": 0.0}
    TeachAnnotator().annotate(coffee.copy(), first)  # the "how to add examples" line, no error
    root = tmp_path / "classes"
    rng = np.random.default_rng(2)
    for picture in random_crops(coffee, 5, rng):
        teach_examples.add_picture(root, 1, picture)
    for picture in random_crops(chelsea, 5, rng):
        teach_examples.add_picture(root, 2, picture)
    assert proc.process(chelsea).label == "class 2"  # picked up while running: no reload, no restart
    teach_examples.rename_class(root, 2, "Chelsea the cat")
    assert sorted(p.name for p in root.iterdir()) == ["1 class 1", "2 Chelsea the cat"]
    assert proc.process(chelsea).label == "Chelsea the cat"
    (root / "1 class 1" / "notes.txt").write_text("mine")
    assert teach_examples.clear(root) == 5  # the folder with the user's note is kept
    assert [c.label for c in teach_examples.classes(root)] == ["class 1"]
    assert proc.process(rocket).label == "class 1"
    with pytest.raises(SettingsError, match="cannot be a class name"):
        teach_examples.rename_class(root, 1, "a/b")


def test_plain_folder_names_are_the_labels(tmp_path, coffee, chelsea):
    rng = np.random.default_rng(3)
    for name, img in (("mug", coffee), ("kitten", chelsea)):
        (tmp_path / name).mkdir()
        for i, crop in enumerate(random_crops(img, 3, rng)):
            cv2.imwrite(str(tmp_path / name / f"{i}.png"), crop)
    (tmp_path / "kitten" / "broken.jpg").write_bytes(b"not a picture")  # skipped, not fatal
    proc = TeachProcessor(examples=str(tmp_path))
    assert proc.process(chelsea).label == "kitten" and proc.taught.labels == ("kitten", "mug")


def test_region_and_bad_settings(tmp_path, coffee):
    proc = TeachProcessor()
    proc.update_settings(region="100,50,300,200")
    assert proc.process(coffee).crop == (100, 50, 400, 250)
    proc.update_settings(region="500,300,400,400")  # clipped to the 600 x 400 frame
    assert proc.process(coffee).crop == (500, 300, 600, 400)
    with pytest.raises(SettingsError, match="teach.region: cannot read"):
        proc.update_settings(region="middle")
    picture = tmp_path / "a.jpg"
    picture.write_bytes(b"x")
    with pytest.raises(SettingsError, match="is a file; give a folder"):
        proc.update_settings(examples=str(picture))
    with pytest.raises(SettingsError, match="does not exist; give a folder"):
        proc.update_settings(examples=str(tmp_path / "typo"))
