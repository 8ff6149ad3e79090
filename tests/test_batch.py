"""Batches: several clips cut from the sample clip, through `vision-desk process` with several inputs.

The clips are real video (frames of resources/sample.mp4 re-encoded), the
models are the real ones; clips are a few frames long so the whole file stays
fast. What is checked: a batch's JSON lines equal single-file runs (timings
aside), resume redoes only what is unfinished, a corrupt file fails alone,
changed settings or inputs are redone, worker processes and Ray actors give
the same results.
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import cv2
import pytest

from robust_inputs import text_named_mp4
from vision_desk.batch import inputs as batch_inputs
from vision_desk.batch.file_run import BatchSettings, run_file
from vision_desk.batch.inputs import FileJob
from vision_desk.batch.manifest import MANIFEST_NAME, Manifest, checksum
from vision_desk.batch.warm import WarmPool
from vision_desk.cli import main
from vision_desk.sources import SAMPLE_CLIP

CLIP_FRAMES = 6
LONG = 120  # frames of the clip that is running when Ctrl-C comes
PROCS = "objects,faces"
TIMING_KEYS = ("timings_ms", "latency_ms")  # measured, so different in every run


def cut_clip(path: Path, start: int, frames: int, size: tuple[int, int] = (320, 180)) -> Path:
    """``frames`` frames of the sample clip from ``start``, downscaled, as an mp4 (OpenCV's mp4v)."""
    cap = cv2.VideoCapture(str(SAMPLE_CLIP))
    cap.set(cv2.CAP_PROP_POS_FRAMES, start)
    path.parent.mkdir(parents=True, exist_ok=True)
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), 25.0, size)
    for _ in range(frames):
        ok, frame = cap.read()
        assert ok
        writer.write(cv2.resize(frame, size, interpolation=cv2.INTER_AREA))
    writer.release()
    cap.release()
    return path


@pytest.fixture(scope="module")
def clips(tmp_path_factory) -> Path:
    """lectures/a.mp4, lectures/b.mp4 (a face, a group) and lectures/week2/c.mp4 (the cat)."""
    root = tmp_path_factory.mktemp("clips") / "lectures"
    cut_clip(root / "a.mp4", 0, CLIP_FRAMES)
    cut_clip(root / "b.mp4", 60, CLIP_FRAMES)
    cut_clip(root / "week2" / "c.mp4", 300, CLIP_FRAMES)
    return root


@pytest.fixture
def lectures(clips, tmp_path) -> Path:
    """A fresh copy per test (tests change inputs and outputs)."""
    import shutil

    return Path(shutil.copytree(clips, tmp_path / "lectures"))


RELS = ["a", "b", "week2/c"]


def records(path: Path) -> list[dict]:
    text = path.read_text()
    assert text.endswith("\n")
    return [{k: v for k, v in json.loads(line).items() if k not in TIMING_KEYS} for line in text.splitlines()]


def manifest_of(folder: Path) -> dict:
    return json.loads((folder / MANIFEST_NAME).read_text())["files"]


def batch(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(["process", *argv, "--no-progress"])
    out, err = capsys.readouterr()
    assert "Traceback" not in err, err
    return code, out, err


@pytest.fixture(scope="module")
def single_runs(clips, tmp_path_factory) -> dict[str, list[dict]]:
    """What `vision-desk process CLIP --json X` gives for each clip alone: the reference for batches."""
    folder = tmp_path_factory.mktemp("single")
    runs = {}
    for rel in RELS:
        log = folder / f"{rel.replace('/', '_')}.jsonl"
        assert main(["process", str(clips / f"{rel}.mp4"), "-p", PROCS, "--json", str(log), "--no-progress"]) == 0
        runs[rel] = records(log)
    return runs


def test_batch_gives_the_json_lines_of_single_file_runs_and_a_manifest(lectures, tmp_path, capsys, single_runs):
    out = tmp_path / "out"
    code, stdout, err = batch(capsys, str(lectures), "-p", PROCS, "-o", str(out), "--json", str(out))
    assert code == 0, err
    for rel in RELS:
        got = records(out / f"{rel}.jsonl")
        assert [r["frame"] for r in got] == list(range(CLIP_FRAMES))
        assert got == single_runs[rel]
        assert (out / f"{rel}.mp4").stat().st_size > 0
    assert any(r["faces"] for r in records(out / "a.jsonl"))
    assert any(o["label"] == "cat" for r in records(out / "week2/c.jsonl") for o in r["objects"])
    entries = manifest_of(out)
    assert sorted(entries) == RELS
    for rel, entry in entries.items():
        assert entry["state"] == "done" and entry["frames"] == CLIP_FRAMES
        assert entry["input"] == str((lectures / f"{rel}.mp4").resolve())
        assert entry["size"] == (lectures / f"{rel}.mp4").stat().st_size
        for kind, suffix in (("video", ".mp4"), ("json", ".jsonl")):
            assert entry["outputs"][kind] == checksum(str(out / f"{rel}{suffix}"))
    # The table: one row per file and a total.
    assert "week2/c" in stdout and "total: 3 files: 3 processed, 0 done earlier, 0 failed" in stdout


def test_models_load_once_per_worker_and_state_does_not_cross_files(lectures, tmp_path):
    pool = WarmPool()
    settings = BatchSettings(("objects", "style"), {"style": {"flicker_reduction": True, "size": 128}},
                             inflight=2, threads=1)
    try:
        first = None
        for rel in RELS:
            job = FileJob(str(lectures / f"{rel}.mp4"), rel, None, str(tmp_path / f"{rel.replace('/', '_')}.jsonl"))
            outcome = run_file(job, settings, pool)
            assert outcome.ok, outcome.error
            style = pool._instances["style"]
            first = first or style
            assert style is first  # one processor (and model) serves every file
            assert style._flicker._prev_out is None  # flicker state forgotten when a file ends
        assert pool.loads == 2  # objects and style, once each, for three files
    finally:
        pool.close()


def test_resume_after_an_interruption_redoes_only_unfinished_files(lectures, tmp_path, capsys):
    out = tmp_path / "out"
    assert batch(capsys, str(lectures), "-p", PROCS, "--json", str(out))[0] == 0
    before = {rel: (out / f"{rel}.jsonl").stat().st_mtime_ns for rel in RELS}
    # What an interruption leaves: b was running (recorded as started) and its JSON lines are half written.
    entries = json.loads((out / MANIFEST_NAME).read_text())
    entries["files"]["b"] = {"state": "started", "input": entries["files"]["b"]["input"],
                             "settings": entries["files"]["b"]["settings"],
                             "expected": {"json": str(out / "b.jsonl")}}
    (out / MANIFEST_NAME).write_text(json.dumps(entries))
    text = (out / "b.jsonl").read_text()
    (out / "b.jsonl").write_text(text[: len(text) // 2])
    code, stdout, _ = batch(capsys, str(lectures), "-p", PROCS, "--json", str(out))
    assert code == 0
    assert "1 processed, 2 done earlier" in stdout
    assert (out / "a.jsonl").stat().st_mtime_ns == before["a"]
    assert (out / "week2/c.jsonl").stat().st_mtime_ns == before["week2/c"]
    assert [r["frame"] for r in records(out / "b.jsonl")] == list(range(CLIP_FRAMES))
    assert manifest_of(out)["b"]["state"] == "done"


def test_ctrl_c_stops_the_batch_and_the_next_run_does_the_rest(clips, tmp_path):
    """A real SIGINT in the middle of a batch (a subprocess), then the same command again."""
    folder = tmp_path / "in"
    for name, start in (("1", 0), ("2", 100)):
        cut_clip(folder / f"{name}.mp4", start, CLIP_FRAMES)
    cut_clip(folder / "3.mp4", 200, LONG)  # long enough to be running when the signal comes
    out = tmp_path / "out"
    argv = [sys.executable, "-c", "import sys; from vision_desk.cli import main; sys.exit(main(sys.argv[1:]))",
            "process", str(folder), "-p", "objects", "--json", str(out), "--no-progress", "--jobs", "1"]
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:
        done = [k for k, e in (manifest_of(out) if (out / MANIFEST_NAME).exists() else {}).items()
                if e["state"] == "done"]
        if len(done) == 2 and (out / "3.jsonl").exists() and (out / "3.jsonl").stat().st_size > 0:
            break  # 1 and 2 finished, 3 half way
        time.sleep(0.02)
    proc.send_signal(signal.SIGINT)
    stdout, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 130, stderr
    assert "interrupted by SIGINT; 1 file(s) not finished" in stderr and "Traceback" not in stderr
    entries = manifest_of(out)
    assert entries["3"]["state"] == "started" and entries["1"]["state"] == entries["2"]["state"] == "done"
    # What 3 had written is whole lines (the pipeline stops cleanly), but it is not counted as finished.
    partial = records(out / "3.jsonl")
    assert 0 < len(partial) < LONG
    again = subprocess.run(argv, capture_output=True, text=True, timeout=180)
    assert again.returncode == 0, again.stderr
    assert "1 processed, 2 done earlier" in again.stdout
    assert [r["frame"] for r in records(out / "3.jsonl")] == list(range(LONG))


def test_worker_processes_give_the_same_results_and_a_corrupt_file_fails_alone(lectures, tmp_path, capsys,
                                                                              single_runs):
    bad = text_named_mp4(lectures)
    out = tmp_path / "out"
    code, stdout, err = batch(capsys, str(lectures), "-p", PROCS, "--json", str(out), "--jobs", "2")
    assert code == 1
    lines = err.strip().splitlines()
    assert lines[0] == "vision-desk: error: 1 of 4 files failed:"
    assert len(lines) == 2 and str(bad) in lines[1] and "not a video" in lines[1]
    assert "FAILED" in stdout and "3 processed, 0 done earlier, 1 failed" in stdout
    for rel in RELS:
        assert records(out / f"{rel}.jsonl") == single_runs[rel]
    entries = manifest_of(out)
    assert [rel for rel, e in entries.items() if e["state"] == "done"] == RELS
    assert entries["notes"]["state"] == "started"  # not finished: tried again by the next run


def test_changed_settings_or_a_changed_input_are_redone(lectures, tmp_path, capsys):
    out = tmp_path / "out"
    common = (str(lectures / "a.mp4"), str(lectures / "b.mp4"), "-p", "objects", "--json", str(out))
    assert batch(capsys, *common, "--objects-score-threshold", "0.5")[0] == 0
    code, stdout, _ = batch(capsys, *common, "--objects-score-threshold", "0.5")
    assert code == 0 and "0 processed, 2 done earlier" in stdout
    code, stdout, _ = batch(capsys, *common, "--objects-score-threshold", "0.3")
    assert code == 0 and "2 processed, 0 done earlier" in stdout
    low = records(out / "a.jsonl")
    assert all(o["score"] >= 0.3 for r in low for o in r["objects"])
    os.utime(lectures / "b.mp4", ns=(time.time_ns(), time.time_ns()))  # the input changed (a new mtime)
    code, stdout, _ = batch(capsys, *common, "--objects-score-threshold", "0.3")
    assert code == 0 and "1 processed, 1 done earlier" in stdout
    (out / "a.jsonl").unlink()  # an output that went missing
    code, stdout, _ = batch(capsys, *common, "--objects-score-threshold", "0.3")
    assert code == 0 and "1 processed, 1 done earlier" in stdout and (out / "a.jsonl").exists()


def test_the_precision_asked_for_is_what_the_workers_run_and_a_change_is_redone(lectures, tmp_path, capsys):
    out = tmp_path / "out"
    common = (str(lectures / "a.mp4"), str(lectures / "b.mp4"), "-p", "objects", "--json", str(out), "--jobs", "1")
    assert batch(capsys, *common, "--precision", "fp32")[0] == 0
    fp32 = records(out / "b.jsonl")
    code, stdout, _ = batch(capsys, *common, "--precision", "int8")
    assert code == 0 and "2 processed, 0 done earlier" in stdout  # INT8 results are other results
    int8 = records(out / "b.jsonl")
    scores = [[round(o["score"], 4) for o in r["objects"]] for r in fp32]
    assert scores != [[round(o["score"], 4) for o in r["objects"]] for r in int8]  # the INT8 model really ran
    assert BatchSettings((), {}, precision="int8").runtime_config().precision == "int8"


def test_outputs_it_did_not_write_are_kept_unless_overwrite(lectures, tmp_path, capsys):
    out = tmp_path / "out"
    out.mkdir()
    (out / "a.jsonl").write_text("someone's own notes\n")
    code, _, err = batch(capsys, str(lectures), "-p", "objects", "--json", str(out))
    assert code == 2 and "a.jsonl exists and was not written by a batch" in err and "--overwrite" in err
    assert (out / "a.jsonl").read_text() == "someone's own notes\n"
    code, _, err = batch(capsys, str(lectures), "-p", "objects", "--json", str(out), "--overwrite")
    assert code == 0, err
    assert len(records(out / "a.jsonl")) == CLIP_FRAMES


def test_two_batches_into_one_folder_cannot_run_at_once(lectures, tmp_path, capsys):
    out = tmp_path / "out"
    with Manifest(out):  # as a running batch holds it
        code, _, err = batch(capsys, str(lectures), "-p", "objects", "--json", str(out))
    assert code == 2
    assert err.strip() == (f"vision-desk: error: another batch is writing into {out} (it holds "
                           "vision-desk-batch.lock); wait for it to finish or choose another output folder")


def test_inputs_from_a_list_file_and_patterns_keep_their_relative_names(lectures, tmp_path):
    listing = tmp_path / "todo.txt"
    listing.write_text(f"# this term\n{lectures / 'a.mp4'}\n\nlectures/week2/*.mp4\n")
    out = tmp_path / "out"
    jobs = batch_inputs.collect_jobs([str(listing)], str(out), None)
    assert [j.rel for j in jobs] == ["a", "week2/c"]
    assert jobs[1].output == str(out.resolve() / "week2" / "c.mp4")
    # An output folder inside the input folder is never read back as input.
    inside = lectures / "annotated"
    cut_clip(inside / "old.mp4", 0, 2)
    assert [j.rel for j in batch_inputs.collect_jobs([str(lectures)], str(inside), None)] == RELS


@pytest.mark.parametrize("argv, message", [
    (["{lectures}", "-p", "objects"], "a batch needs somewhere to write: -o FOLDER"),
    (["{lectures}", "-o", "{tmp}/x.mp4"], "with several inputs this names a folder"),
    (["{lectures}/a.mp4", "{tmp}/nothing.mp4", "--json", "{tmp}/o"], "nothing.mp4 does not exist"),
    (["{lectures}", "--json", "{tmp}/o", "--duration", "3"], "--duration applies to a camera or stream"),
    (["{lectures}", "--json", "{tmp}/o", "--jobs", "0"], "--jobs must be between 1 and 256"),
])
def test_batch_mistakes_get_one_line(lectures, tmp_path, capsys, argv, message):
    argv = [a.format(lectures=lectures, tmp=tmp_path) for a in argv]
    code, _, err = batch(capsys, *argv)
    assert code == 2 and len(err.strip().splitlines()) == 1 and message in err, err


def test_same_output_name_twice_is_refused_before_any_work(lectures, tmp_path, capsys):
    cut_clip(lectures / "a.mkv", 0, 2)
    code, _, err = batch(capsys, str(lectures), "--json", str(tmp_path / "o"))
    assert code == 2 and "would write the same outputs (a.*)" in err


def test_ray_missing_says_how_to_install(lectures, tmp_path, capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "ray", None)  # as if Ray were not installed
    code, _, err = batch(capsys, str(lectures), "--json", str(tmp_path / "o"), "--ray", "auto")
    assert code == 2 and "pip install 'vision-desk[cluster]'" in err


# --- Ray: one local instance (2 CPUs) for the tests below ---------------------------------------
@pytest.fixture(scope="module")
def ray_local():
    ray = pytest.importorskip("ray", reason="the cluster extra is not installed (pip install -e '.[cluster]')")
    os.environ["RAY_USAGE_STATS_ENABLED"] = "0"
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, configure_logging=False)
    yield ray
    ray.shutdown()


def test_ray_actors_give_the_same_results_and_a_corrupt_file_fails_alone(ray_local, lectures, tmp_path, capsys,
                                                                         single_runs):
    bad = text_named_mp4(lectures)
    out = tmp_path / "out"
    code, stdout, err = batch(capsys, str(lectures), "-p", PROCS, "-o", str(out), "--json", str(out),
                              "--ray", "auto", "--jobs", "2")
    assert code == 1 and str(bad) in err
    assert "3 processed, 0 done earlier, 1 failed" in stdout
    for rel in RELS:
        assert records(out / f"{rel}.jsonl") == single_runs[rel]
        assert manifest_of(out)[rel]["outputs"]["video"] == checksum(str(out / f"{rel}.mp4"))
    # Resume on Ray: only the file that failed is tried again.
    code, stdout, err = batch(capsys, str(lectures), "-p", PROCS, "-o", str(out), "--json", str(out),
                              "--ray", "auto")
    assert code == 1 and "0 processed, 3 done earlier, 1 failed" in stdout
    assert ray_local.is_initialized()  # joined the running instance, left it running
