"""A batch that never replaces, destroys or loses: the defects of issue 20 (1-4 and 8-11), one test each.

Real clips cut from the sample clip, real models (objects: the fastest). Most
checks are refusals made before any work, so they cost no processing.
"""
from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import cv2
import pytest

from robust_inputs import models_with, text_named_mp4
from test_batch import CLIP_FRAMES, batch, cut_clip, manifest_of, records
from vision_desk.batch import inputs as batch_inputs
from vision_desk.batch.manifest import LOCK_NAME, MANIFEST_NAME
from vision_desk.cli import main


@pytest.fixture(scope="module")
def two_clips(tmp_path_factory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("two")
    return cut_clip(root / "a.mp4", 0, CLIP_FRAMES), cut_clip(root / "b.mp4", 60, CLIP_FRAMES)


def copy(src: Path, dst: Path) -> Path:
    dst.parent.mkdir(parents=True, exist_ok=True)
    return Path(shutil.copy(src, dst))


# --- 1: symbolic links --------------------------------------------------------------------------
def test_symlinked_files_and_folders_are_followed_under_the_links_own_name(two_clips, tmp_path, capsys):
    a, b = two_clips
    elsewhere = tmp_path / "elsewhere"
    copy(b, elsewhere / "b.mp4")
    copy(a, elsewhere / "week2" / "c.mp4")
    inp = tmp_path / "in"
    copy(a, inp / "a.mp4")
    (inp / "link.mp4").symlink_to(elsewhere / "b.mp4")
    (inp / "week2").symlink_to(elsewhere / "week2", target_is_directory=True)
    (inp / "week2" / "loop").symlink_to(inp, target_is_directory=True)  # a cycle back to the input folder
    (inp / "gone.mp4").symlink_to(tmp_path / "nothing.mp4")  # a broken link
    out = tmp_path / "out"
    code, stdout, err = batch(capsys, str(inp), "-p", "objects", "--json", str(out))
    assert code == 0, err
    assert "3 processed" in stdout
    for rel in ("a", "link", "week2/c"):
        assert len(records(out / f"{rel}.jsonl")) == CLIP_FRAMES
    assert "leads to a folder already searched" in err and "gone.mp4" in err
    # One link named on its own, as a single input of a batch.
    code, stdout, err = batch(capsys, str(inp / "link.mp4"), "-p", "objects", "--json", str(tmp_path / "o2"),
                              "--jobs", "1")
    assert code == 0, err
    assert len(records(tmp_path / "o2" / "link.jsonl")) == CLIP_FRAMES


# --- 2: another input's results -----------------------------------------------------------------
def test_a_batch_never_replaces_the_results_of_another_input(two_clips, tmp_path, capsys):
    a, b = two_clips
    copy(a, tmp_path / "term1" / "week3.mp4")
    copy(b, tmp_path / "term2" / "week3.mp4")
    out = tmp_path / "out"
    assert batch(capsys, str(tmp_path / "term1"), "-p", "objects", "--json", str(out))[0] == 0
    kept = (out / "week3.jsonl").read_bytes()
    code, _, err = batch(capsys, str(tmp_path / "term2"), "-p", "objects", "--json", str(out))
    assert code == 2 and len(err.strip().splitlines()) == 1, err
    assert str(tmp_path / "term1" / "week3.mp4") in err and str(tmp_path / "term2" / "week3.mp4") in err
    assert "one batch" in err and "--overwrite" in err
    assert (out / "week3.jsonl").read_bytes() == kept
    assert manifest_of(out)["week3"]["input"] == str(tmp_path / "term1" / "week3.mp4")
    # Both folders in one batch keep both; --overwrite replaces, as asked.
    code, _, err = batch(capsys, str(tmp_path / "term1"), str(tmp_path / "term2"), "-p", "objects",
                         "--json", str(tmp_path / "both"))
    assert code == 0 and (tmp_path / "both" / "term1" / "week3.jsonl").exists(), err
    code, _, err = batch(capsys, str(tmp_path / "term2"), "-p", "objects", "--json", str(out), "--overwrite")
    assert code == 0, err
    assert manifest_of(out)["week3"]["input"] == str(tmp_path / "term2" / "week3.mp4")


# --- 3: an output that is another job's input -------------------------------------------------
def test_no_output_is_ever_an_input_even_with_overwrite(two_clips, tmp_path, capsys):
    a, b = two_clips
    inp = tmp_path / "in"
    mkv = inp / "a.mkv"
    mkv.parent.mkdir(parents=True)
    cut_clip(mkv, 0, CLIP_FRAMES)
    victim = copy(b, inp / "out" / "a.mp4")
    before = victim.read_bytes()
    code, _, err = batch(capsys, str(mkv), str(victim), "-p", "objects", "-o", str(inp / "out"), "--overwrite")
    assert code == 2 and len(err.strip().splitlines()) == 1, err
    assert f"the output {victim} of {mkv} is another input of this batch" in err
    assert victim.read_bytes() == before
    # The same through a hard link to an input.
    os.link(victim, tmp_path / "hard.mp4")
    (tmp_path / "o").mkdir()
    os.link(victim, tmp_path / "o" / "hard.mp4")
    code, _, err = batch(capsys, str(tmp_path / "hard.mp4"), str(mkv), "-p", "objects", "-o", str(tmp_path / "o"),
                         "--overwrite")
    assert code == 2 and "is its own input" in err
    assert victim.read_bytes() == before


# --- 4: the output folder is the input folder ---------------------------------------------------
def test_an_output_folder_equal_to_the_input_folder_never_reads_its_outputs_back(tmp_path, capsys):
    clips = tmp_path / "clips"
    clips.mkdir()
    cut_clip(clips / "week1.mkv", 0, CLIP_FRAMES)
    cut_clip(clips / "week2.mkv", 60, CLIP_FRAMES)
    code, stdout, err = batch(capsys, str(clips), "-p", "objects", "-o", str(clips))
    assert code == 0 and "2 processed" in stdout, err
    code, stdout, err = batch(capsys, str(clips), "-p", "objects", "-o", str(clips))
    assert code == 0 and "0 processed, 2 done earlier" in stdout, err  # week1.mp4 is an output, not an input
    # .mp4 inputs into their own folder: the message says what is really wrong, and nothing is left behind.
    mp4s = tmp_path / "mp4s"
    cut_clip(mp4s / "a.mp4", 0, CLIP_FRAMES)
    code, _, err = batch(capsys, str(mp4s), "-p", "objects", "-o", str(mp4s))
    assert code == 2 and "is its own input" in err and "outside the input folders" in err
    assert sorted(p.name for p in mp4s.iterdir()) == ["a.mp4"]  # no lock file, no manifest


def test_a_refused_batch_leaves_no_lock_file_or_folder(two_clips, tmp_path, capsys):
    a, _ = two_clips
    out = tmp_path / "out"
    out.mkdir()
    (out / "a.jsonl").write_text("mine\n")
    code, _, err = batch(capsys, str(a), str(a.parent / "b.mp4"), "--json", str(out))
    assert code == 2 and "was not written by a batch" in err
    assert not (out / LOCK_NAME).exists()
    code, _, _ = batch(capsys, str(a), str(tmp_path / "missing.mp4"), "--json", str(tmp_path / "new"))
    assert code == 2 and not (tmp_path / "new").exists()


# --- 8: a hand-edited manifest --------------------------------------------------------------------
@pytest.mark.parametrize("edit", [
    lambda e: "done", lambda e: [1, 2], lambda e: {**e, "outputs": {"json": "x"}},
    lambda e: {**e, "expected": ["x"]}, lambda e: {**e, "frames": "lots"}, lambda e: {**e, "frames": None},
], ids=["string", "list", "output-string", "expected-list", "frames-string", "frames-null"])
def test_a_manifest_entry_of_the_wrong_type_means_redo_that_file(two_clips, tmp_path, capsys, edit):
    a, b = two_clips
    out = tmp_path / "out"
    assert batch(capsys, str(a), str(b), "-p", "objects", "--json", str(out))[0] == 0
    doc = json.loads((out / MANIFEST_NAME).read_text())
    doc["files"]["a"] = edit(doc["files"]["a"])
    (out / MANIFEST_NAME).write_text(json.dumps(doc))
    code, stdout, err = batch(capsys, str(a), str(b), "-p", "objects", "--json", str(out))
    assert code == 0, err
    assert "1 processed, 1 done earlier" in stdout
    warnings = [line for line in err.splitlines() if "cannot be trusted" in line]
    assert len(warnings) == 1 and "'a'" in warnings[0]
    assert manifest_of(out)["a"]["state"] == "done" and len(records(out / "a.jsonl")) == CLIP_FRAMES


def test_a_manifest_that_cannot_be_read_is_one_line(two_clips, tmp_path, capsys):
    out = tmp_path / "out"
    out.mkdir()
    (out / MANIFEST_NAME).write_text("[1, 2")
    code, _, err = batch(capsys, str(two_clips[0]), str(two_clips[1]), "--json", str(out))
    assert code == 2 and len(err.strip().splitlines()) == 1 and "cannot be read" in err


# --- 9: failed files leave nothing; a damaged model is found once --------------------------------
def test_failed_files_leave_no_empty_outputs(two_clips, tmp_path, capsys):
    inp = tmp_path / "in"
    copy(two_clips[0], inp / "a.mp4")
    text_named_mp4(inp)
    out = tmp_path / "out"
    code, _, err = batch(capsys, str(inp), "-p", "objects", "-o", str(out), "--json", str(out))
    assert code == 1 and "notes.mp4" in err
    assert not (out / "notes.mp4").exists() and not (out / "notes.jsonl").exists()
    assert (out / "a.mp4").stat().st_size > 0


def test_a_damaged_model_is_refused_once_before_any_file(two_clips, tmp_path, capsys):
    from vision_desk import model_store

    models = models_with(tmp_path, "checksum", model_store.entry("objects-ssdlite-mobilenetv2-coco").file)
    out = tmp_path / "out"
    try:
        code, stdout, err = batch(capsys, "--models-dir", str(models), str(two_clips[0]), str(two_clips[1]),
                                  "-p", "objects", "--precision", "fp32", "--json", str(out))
    finally:
        model_store.set_models_dir(None)  # (--models-dir is kept for the process, as the command means it)
    assert code == 2 and len(err.strip().splitlines()) == 1 and "does not match its checksum" in err, err
    assert "total:" not in stdout and not out.exists()


# --- 10: pictures and a stray video ----------------------------------------------------------------
def test_a_folder_of_pictures_with_a_stray_video_stays_a_picture_input(two_clips, tmp_path, capsys, astronaut):
    photos = tmp_path / "photos"
    photos.mkdir()
    for i in range(5):
        cv2.imwrite(str(photos / f"p{i}.jpg"), astronaut)
    copy(two_clips[0], photos / "clip.mp4")
    assert not batch_inputs.names_several_videos(str(photos))
    code, stdout, err = batch(capsys, str(photos), "-p", "objects", "-o", str(tmp_path / "out"))
    assert code == 0, err
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [f"p{i}.png" for i in range(5)]
    assert "clip.mp4" in err  # the skipped video is named
    # A folder of videos with a stray picture: a batch that names the picture it skips.
    videos = tmp_path / "videos"
    copy(two_clips[0], videos / "a.mp4")
    copy(two_clips[1], videos / "b.mp4")
    cv2.imwrite(str(videos / "cover.jpg"), astronaut)
    notes: list[str] = []
    jobs = batch_inputs.collect_jobs([str(videos)], None, str(tmp_path / "j"), notes=notes)
    assert [j.rel for j in jobs] == ["a", "b"] and any("cover.jpg" in n for n in notes)


# --- 11: the smaller ones ------------------------------------------------------------------------------
def test_a_list_saved_with_a_byte_order_mark_reads_its_first_line(two_clips, tmp_path):
    listing = tmp_path / "todo.txt"
    listing.write_text(f"{two_clips[0]}\r\n{two_clips[1]}\r\n", encoding="utf-8-sig")
    jobs = batch_inputs.collect_jobs([str(listing)], None, str(tmp_path / "out"))
    assert [j.rel for j in jobs] == ["a", "b"]


def test_a_file_name_with_a_newline_keeps_its_table_row_on_one_line(two_clips, tmp_path, capsys):
    inp = tmp_path / "in"
    copy(two_clips[0], inp / "two\nlines.mp4")
    copy(two_clips[1], inp / "b.mp4")
    code, stdout, err = batch(capsys, str(inp), "-p", "objects", "--json", str(tmp_path / "out"))
    assert code == 0, err
    rows = stdout.splitlines()
    assert any(r.startswith("two\\nlines ") for r in rows) and not any(r.startswith("lines") for r in rows)
