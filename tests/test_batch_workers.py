"""`--jobs N` worker processes as they really fail: killed with SIGKILL, orphaned by a killed driver, stopped
by SIGTERM with a file still queued (issue 20: defects 5, 6 and 11). Real subprocesses, real signals; every
wait is on a condition (a process holding an output file open, a manifest entry), bounded by a deadline.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from robust_inputs import truncated_clip
from test_batch import CLIP_FRAMES, batch, cut_clip, manifest_of, records
from vision_desk.batch.manifest import MANIFEST_NAME

pytestmark = pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="finds worker processes in /proc")

LONG = 200  # frames: long enough to be running when the test acts
CLI = [sys.executable, "-c", "import sys; from vision_desk.cli import main; sys.exit(main(sys.argv[1:]))"]


def holders(path: Path, among: set[int] | None = None) -> set[int]:
    """Processes that have ``path`` open (a worker writing that output)."""
    found = set()
    for pid in os.listdir("/proc"):
        if not pid.isdigit() or (among is not None and int(pid) not in among):
            continue
        try:
            fds = os.listdir(f"/proc/{pid}/fd")
            if any(os.readlink(f"/proc/{pid}/fd/{fd}") == str(path) for fd in fds):
                found.add(int(pid))
        except OSError:
            continue
    return found


def alive(pid: int) -> bool:
    """Running (a zombie, dead but not yet reaped by whoever adopted it, has ended)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def wait_for(condition, timeout: float = 120.0, what: str = "", proc: subprocess.Popen | None = None) -> None:
    """Until ``condition()``; fails after ``timeout`` s, or at once when ``proc`` (the driver) has ended."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        if proc is not None and proc.poll() is not None:
            pytest.fail(f"the driver ended (exit {proc.returncode}) before {what}: {proc.communicate()[1][-2000:]}")
        time.sleep(0.02)  # polling interval of the condition, not a wait for time to pass


def busy(out: Path, *rels: str):
    """A condition: each of ``rels`` has its JSON lines open in some process (a worker is on it)."""
    return lambda: all(holders(out / f"{rel}.jsonl") for rel in rels)


def kill_each_run(proc: subprocess.Popen, out: Path, rel: str, times: int, while_busy: tuple[str, ...] = ()) -> None:
    """SIGKILL the process writing ``rel``, ``times`` times, each time the fresh one that retries it; with
    ``while_busy``, only once processes not killed are writing those files too."""
    killed: set[int] = set()
    for attempt in range(1, times + 1):
        def running() -> bool:
            return all(holders(out / f"{r}.jsonl") - killed for r in (rel, *while_busy))
        wait_for(running, what=f"{rel} running (attempt {attempt})", proc=proc)
        pid = (holders(out / f"{rel}.jsonl") - killed).pop()
        os.kill(pid, signal.SIGKILL)
        killed.add(pid)


def argv(folder: Path, out: Path) -> list[str]:
    return [*CLI, "process", str(folder), "-p", "objects", "--json", str(out), "--no-progress", "--jobs", "2",
            "--threads", "1"]


def start(folder: Path, out: Path) -> subprocess.Popen:
    return subprocess.Popen(argv(folder, out), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


@pytest.fixture
def three(tmp_path) -> Path:
    folder = tmp_path / "in"
    cut_clip(folder / "s1.mp4", 0, LONG)
    cut_clip(folder / "s2.mp4", 0, LONG)
    cut_clip(folder / "s3.mp4", 100, CLIP_FRAMES)
    return folder


@pytest.mark.slow
def test_a_dying_worker_charges_only_its_own_file(three, tmp_path):
    out = tmp_path / "out"
    proc = start(three, out)
    try:
        kill_each_run(proc, out, "s1", 2, while_busy=("s2",))  # s2's worker never dies
        stdout, stderr = proc.communicate(timeout=300)
    finally:
        proc.kill()
    assert proc.returncode == 1, stderr
    assert "1 of 3 files failed" in stderr and "s1.mp4" in stderr and "s2.mp4" not in stderr, stderr
    assert "the worker process died while processing it (2 attempts)" in stderr
    assert "2 processed, 0 done earlier, 1 failed" in stdout
    assert [r["frame"] for r in records(out / "s2.jsonl")] == list(range(LONG))


@pytest.mark.slow
def test_a_killed_driver_takes_its_workers_with_it_and_the_rerun_succeeds_at_once(three, tmp_path):
    out = tmp_path / "out"
    proc = start(three, out)
    try:
        wait_for(busy(out, "s1", "s2"), what="both workers busy", proc=proc)
        workers = holders(out / "s1.jsonl") | holders(out / "s2.jsonl")
        proc.kill()  # SIGKILL: no handler runs in the driver
        proc.wait(timeout=30)
    finally:
        proc.kill()
    wait_for(lambda: not any(alive(p) for p in workers), timeout=30, what="the orphaned workers to end")
    again = subprocess.run(argv(three, out), capture_output=True, text=True, timeout=300)
    assert again.returncode == 0, again.stderr
    for rel in ("s1", "s2"):
        assert [r["frame"] for r in records(out / f"{rel}.jsonl")] == list(range(LONG))
    assert all(e["state"] == "done" for e in manifest_of(out).values())


@pytest.mark.slow
def test_sigterm_starts_no_queued_file_and_the_table_lists_every_file(three, tmp_path):
    out = tmp_path / "out"
    proc = start(three, out)
    try:
        wait_for(busy(out, "s1", "s2"), what="both workers busy", proc=proc)
        proc.send_signal(signal.SIGTERM)
        stdout, stderr = proc.communicate(timeout=120)
    finally:
        proc.kill()
    assert proc.returncode == 143, stderr
    assert not (out / "s3.jsonl").exists()  # queued when SIGTERM came: never started
    assert "total: 3 files: 0 processed, 0 done earlier, 0 failed, 3 not finished" in stdout
    assert "3 file(s) not finished" in stderr
    assert (out / MANIFEST_NAME).exists()


def test_a_file_truncated_in_place_reports_its_missing_frames_as_damaged(tmp_path, capsys):
    folder = tmp_path / "in"
    folder.mkdir()
    cut = truncated_clip(folder)  # the sample clip cut in half in place: its header still promises 400 frames
    cut_clip(folder / "b.mp4", 0, CLIP_FRAMES)
    code, stdout, err = batch(capsys, str(folder), "-p", "objects", "--json", str(tmp_path / "out"))
    assert code == 0, err
    row = next(line for line in stdout.splitlines() if line.startswith("cut "))
    frames, damaged = int(row.split()[1]), int(row.split()[3])
    assert 0 < frames < 400 and damaged == 400 - frames, row
    assert cut.exists()
