"""The JSON lines `vision-desk process --json` really writes, field by field, against docs/jsonl-schema.md.

Every run here is the real command (``vision_desk.cli.main``, in this process so that models load
once per run and a failure can be injected) on real pictures: a short clip filmed from
scikit-image's astronaut photo (one face, one person, one pose) and the synthetic camera
(a live source). The field names are also read from that file's example, so a field
documented and never written, or written and never documented, fails.
"""
from __future__ import annotations

import math
import re
import time
from pathlib import Path

import cv2
import numpy as np
import pytest
from robust_inputs import fail_faces_once, json_lines

from vision_desk.cli import main
from vision_desk.results import NUM_KEYPOINTS
from vision_desk.vision.coco_labels import label_for

SCHEMA = Path(__file__).resolve().parents[1] / "docs" / "jsonl-schema.md"
CLIP_FPS = 10.0
CLIP_FRAMES = 3


def readme_fields() -> set[str]:
    """Every "name": in the JSON-lines example of docs/jsonl-schema.md."""
    text = SCHEMA.read_text(encoding="utf-8").split("## The record", 1)[1]
    example = re.search(r"```json\n(.*?)```", text, re.S)
    assert example, "docs/jsonl-schema.md: no ```json example under '## The record'"
    return set(re.findall(r'"(\w+)"\s*:', example.group(1)))


def keys_in(value, out: set[str] | None = None) -> set[str]:
    out = set() if out is None else out
    if isinstance(value, dict):
        for k, v in value.items():
            out.add(k)
            keys_in(v, out)
    elif isinstance(value, list):
        for v in value:
            keys_in(v, out)
    return out


@pytest.fixture(scope="module")
def astronaut_clip(tmp_path_factory) -> Path:
    from conftest import photo

    path = tmp_path_factory.mktemp("clip") / "astronaut.mp4"
    image = cv2.resize(photo("astronaut"), (384, 384), interpolation=cv2.INTER_AREA)
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), CLIP_FPS, (384, 384))
    for _ in range(CLIP_FRAMES):
        writer.write(image)
    writer.release()
    return path


def process(tmp_path: Path, *args: str) -> list[dict]:
    log = tmp_path / f"run{len(list(tmp_path.glob('*.jsonl')))}.jsonl"
    assert main(["process", *args, "--json", str(log), "--no-progress", "--device", "cpu"]) == 0
    return json_lines(log)


def astronaut_frame(clip: Path, tmp_path: Path) -> Path:
    """The clip's first frame as a PNG file."""
    ok, frame = cv2.VideoCapture(str(clip)).read()
    assert ok
    path = tmp_path / "frame.png"
    cv2.imwrite(str(path), frame)
    return path


def is_box(box) -> bool:
    return (isinstance(box, list) and len(box) == 4 and all(isinstance(v, (int, float)) for v in box)
            and box[0] < box[2] and box[1] < box[3])


@pytest.fixture(scope="module")
def all_on(astronaut_clip, tmp_path_factory) -> list[dict]:
    """All four processors, eyes on (small network sizes: the schema, not the quality, is tested here)."""
    return process(tmp_path_factory.mktemp("all"), str(astronaut_clip), "-p", "faces,objects,pose,style",
                   "--faces-eyes", "--pose-input-height", "256", "--style-size", "192", "--style-style", "7")


def test_every_documented_field_is_written_and_every_written_field_is_documented(all_on, astronaut_clip,
                                                                                   tmp_path, monkeypatch):
    from conftest import photo

    fail_faces_once(monkeypatch, on_call=2)
    failed = process(tmp_path, str(astronaut_clip), "-p", "faces")
    # The lecture processors (small sizes: the schema is tested here) and a folder of pictures (`source`).
    lecture = [*process(tmp_path, str(astronaut_clip), "-p", "cnn,superres", "--max-frames", "1"),
               *process(tmp_path, str(astronaut_clip), "-p", "cnn,superres", "--max-frames", "1",
                        "--cnn-view", "cam", "--superres-mode", "check")]
    # The recognition processors on a sheet of handwritten digits, teach with a folder of two classes.
    examples = tmp_path / "examples"
    for label, name in (("cup", "coffee"), ("cat", "chelsea")):
        (examples / label).mkdir(parents=True)
        cv2.imwrite(str(examples / label / "a.png"), photo(name))
    sheet = Path(__file__).resolve().parent / "data" / "digit_sheet.jpg"
    recognition = process(tmp_path, str(sheet), "-p", "digits,segment,teach", "--teach-examples", str(examples))
    assert recognition[0]["digits"] and set(recognition[0]["teach"]) == {"label", "score"}
    pictures = tmp_path / "pictures"
    pictures.mkdir()
    cv2.imwrite(str(pictures / "astronaut.png"), cv2.imread(str(astronaut_frame(astronaut_clip, tmp_path))))
    from_pictures = process(tmp_path, str(pictures), "-p", "faces")
    assert [r["source"] for r in from_pictures] == ["astronaut.png"]
    written = keys_in(all_on) | keys_in(failed) | keys_in(lecture) | keys_in(from_pictures) | keys_in(recognition)
    documented = readme_fields()
    assert documented - written == set(), f"documented in docs/jsonl-schema.md, never written: {documented - written}"
    assert written - documented == set(), f"written, not documented in docs/jsonl-schema.md: {written - documented}"


def test_a_file_run_with_every_processor(all_on):
    assert [r["frame"] for r in all_on] == list(range(CLIP_FRAMES))
    # time_ms: the frame's position in the file (10 fps: 100 ms apart), not the wall clock.
    assert [r["time_ms"] for r in all_on] == pytest.approx([i * 1000 / CLIP_FPS for i in range(CLIP_FRAMES)])
    for r in all_on:
        assert set(r) == {"frame", "time_ms", "size", "faces", "objects", "pose", "style", "timings_ms", "latency_ms"}
        face, = r["faces"]  # one face in the photo, with its eyes (the option is on)
        assert is_box(face["box"]) and len(face["eyes"]) == 2 and all(is_box(e) for e in face["eyes"])
        fx1, fy1, fx2, fy2 = face["box"]
        assert all(fx1 <= e[0] and e[2] <= fx2 and fy1 <= e[1] and e[3] <= fy2 for e in face["eyes"])
        assert r["objects"], "the astronaut is a person"
        for obj in r["objects"]:
            assert set(obj) == {"label", "class_id", "score", "box"} and is_box(obj["box"])
            assert obj["label"] == label_for(obj["class_id"]) and 0 < obj["score"] <= 1
        assert "person" in [o["label"] for o in r["objects"]]
        assert [o["class_id"] for o in r["objects"] if o["label"] == "person"][0] == 1  # 90-id numbering
        person, = r["pose"]
        assert set(person) == {"score", "keypoints"} and 0 < person["score"] <= 1
        assert len(person["keypoints"]) == NUM_KEYPOINTS
        found = [k for k in person["keypoints"] if k is not None]
        assert len(found) >= 4 and all(len(k) == 3 and 0 < k[2] <= 1 for k in found)
        nose = person["keypoints"][0]  # OpenPose order: nose first, inside the face box
        assert nose is not None and fx1 < nose[0] < fx2 and fy1 < nose[1] < fy2
        assert r["style"] == {"style": r["style"]["style"]} and r["style"]["style"].startswith("7: ")
        assert {"read", "faces", "objects", "pose", "style"} <= set(r["timings_ms"])
        assert all(isinstance(v, (int, float)) and v >= 0 for v in r["timings_ms"].values())
        assert isinstance(r["latency_ms"], (int, float)) and r["latency_ms"] > 0
        assert math.isfinite(r["latency_ms"])


def test_a_processor_that_was_off_has_no_key_and_eyes_need_the_option(astronaut_clip, tmp_path):
    recs = process(tmp_path, str(astronaut_clip), "-p", "faces")
    assert len(recs) == CLIP_FRAMES
    for r in recs:
        assert not {"objects", "pose", "style", "errors"} & set(r)
        face, = r["faces"]
        assert set(face) == {"box"}  # no "eyes" without --faces-eyes


def test_errors_appear_only_on_the_frame_where_a_processor_raised(astronaut_clip, tmp_path, monkeypatch):
    fail_faces_once(monkeypatch, on_call=2)
    recs = process(tmp_path, str(astronaut_clip), "-p", "faces")
    assert [("errors" in r) for r in recs] == [False, True, False]
    assert recs[1]["errors"] == {"faces": "RuntimeError: simulated failure on one frame"}
    assert "faces" not in recs[1] and all("faces" in r for r in (recs[0], recs[2]))


def test_a_live_source_stamps_time_since_start(tmp_path):
    t0 = time.monotonic()
    recs = process(tmp_path, "synthetic:fps=20,size=160x120", "-p", "faces", "--max-frames", "5")
    elapsed_ms = (time.monotonic() - t0) * 1000
    assert len(recs) == 5
    times = [r["time_ms"] for r in recs]
    # A live frame's time is counted from the start of the run: increasing, and never beyond the run's length.
    assert 0 <= times[0] and np.all(np.diff(times) > 0) and times[-1] <= elapsed_ms, (times, elapsed_ms)
    assert all(r["latency_ms"] > 0 and "faces" in r for r in recs)
    frames = [r["frame"] for r in recs]
    assert frames == sorted(frames) and len(set(frames)) == 5
