"""A batch on a Ray cluster as clusters really fail (issue 20: defects 7 and 12-19).

One ``ray.cluster_utils.Cluster`` on loopback for the module: a head with no CPU
and two 1-CPU worker nodes, so each of the two actors runs on its own node.
Faults are injected by the test: an actor's process killed (SIGKILL), a node
removed without notice, a node's raylet killed (the node cut off while its
worker lives on), the driver sent SIGTERM/SIGINT. Drivers that get signals are
subprocesses; every wait is on a condition (a process holding an output open,
a process gone), bounded by a deadline.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from robust_inputs import count_frames_cv2, models_with
from test_batch import CLIP_FRAMES, batch, cut_clip, manifest_of, records
from test_batch_workers import alive, busy, holders, kill_each_run, wait_for

ray = pytest.importorskip("ray", reason="the cluster extra is not installed (pip install -e '.[cluster]')")

pytestmark = pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="finds worker processes in /proc")

LONG = 120
CLI = [sys.executable, "-c", "import sys; from vision_desk.cli import main; sys.exit(main(sys.argv[1:]))"]


@pytest.fixture(scope="module")
def cluster():
    from ray.cluster_utils import Cluster

    os.environ["RAY_USAGE_STATS_ENABLED"] = "0"
    # Its own Ray folder (short: Ray's socket paths must fit 107 bytes), so no other Ray on this machine
    # sees this cluster's address file, and this cluster sees none of theirs.
    saved = os.environ.get("RAY_TMPDIR")
    os.environ["RAY_TMPDIR"] = tempfile.mkdtemp(prefix="vdray")
    c = Cluster(initialize_head=True, head_node_args={"num_cpus": 0, "include_dashboard": False})
    c.workers = [c.add_node(num_cpus=1), c.add_node(num_cpus=1)]
    c.wait_for_nodes()
    yield c
    ray.shutdown()
    c.shutdown()
    if saved is None:
        os.environ.pop("RAY_TMPDIR", None)
    else:
        os.environ["RAY_TMPDIR"] = saved


def replace_worker(cluster, node) -> None:
    """Put the cluster back to two 1-CPU worker nodes after a test took one away."""
    try:
        cluster.remove_node(node, allow_graceful=False)
    except Exception:  # already gone (its raylet was killed)
        pass
    cluster.workers = [n for n in cluster.workers if n is not node] + [cluster.add_node(num_cpus=1)]
    cluster.wait_for_nodes()


def raylet_pid(node) -> int:
    return node.all_processes["raylet"][0].process.pid


def ppid(pid: int) -> int:
    with open(f"/proc/{pid}/stat") as f:
        return int(f.read().rsplit(")", 1)[1].split()[1])


def node_of(cluster, pid: int):
    parent = ppid(pid)
    return next(n for n in cluster.workers if raylet_pid(n) == parent)


@pytest.fixture(scope="module")
def clips(tmp_path_factory) -> Path:
    """l1, l2: long enough to be running when a fault comes; s3, s4: short."""
    folder = tmp_path_factory.mktemp("clips") / "in"
    cut_clip(folder / "l1.mp4", 0, LONG)
    cut_clip(folder / "l2.mp4", 100, LONG)
    cut_clip(folder / "s3.mp4", 200, CLIP_FRAMES)
    cut_clip(folder / "s4.mp4", 300, CLIP_FRAMES)
    return folder


FRAMES = {"l1": LONG, "l2": LONG, "s3": CLIP_FRAMES, "s4": CLIP_FRAMES}


def argv(cluster, folder: Path, out: Path, *extra: str) -> list[str]:
    return [*CLI, "process", str(folder), "-p", "objects", "--json", str(out), "--no-progress",
            "--ray", cluster.address, "--jobs", "2", *extra]


def driver(cluster, folder: Path, out: Path, *extra: str) -> subprocess.Popen:
    return subprocess.Popen(argv(cluster, folder, out, *extra), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)


def rerun(cluster, folder: Path, out: Path, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run(argv(cluster, folder, out, *extra), capture_output=True, text=True, timeout=240)


def assert_all_whole(out: Path) -> None:
    """Every output's frames = its JSON lines = the manifest's count, and the precision it ran at is recorded.

    With ``--precision auto`` that precision is what each actor measured faster on this machine (the CPU
    class alone does not say it: a VISION_DESK_CPU_FLAGS class still times the real CPU, and each actor
    times for itself), so the test asks that it is recorded; the forced case is tested exactly below."""
    entries = manifest_of(out)
    for rel, entry in entries.items():
        assert entry["state"] == "done", rel
        assert [r["frame"] for r in records(out / f"{rel}.jsonl")] == list(range(FRAMES[rel]))
        assert entry["frames"] == FRAMES[rel]
        assert entry["precision"]["objects"] in ("INT8", "FP32"), entry["precision"]


# --- 7: an address that cannot be reached ----------------------------------------------------------------
@pytest.mark.parametrize("address", ["127.0.0.1:1", "no.such.host.invalid:6379"])
def test_an_unreachable_cluster_is_one_line_and_leaves_nothing(clips, tmp_path, address):
    out = tmp_path / "out"
    run = subprocess.run([*CLI, "process", str(clips / "s3.mp4"), str(clips / "s4.mp4"), "--json", str(out),
                          "--no-progress", "--ray", address], capture_output=True, text=True, timeout=60)
    assert run.returncode == 2
    assert run.stderr.strip().splitlines() == [run.stderr.strip()]
    assert run.stderr.startswith(f"vision-desk: error: cannot reach a Ray cluster at {address}")
    assert not out.exists()


# --- 12: a node lost mid-file ----------------------------------------------------------------------------
@pytest.mark.slow
def test_a_lost_node_costs_only_the_file_it_was_running(cluster, clips, tmp_path):
    out = tmp_path / "out"
    proc = driver(cluster, clips, out)
    try:
        wait_for(busy(out, "l1", "l2"), what="both actors busy", proc=proc)
        lost = node_of(cluster, holders(out / "l1.jsonl").pop())
        cluster.remove_node(lost, allow_graceful=False)
        stdout, stderr = proc.communicate(timeout=240)
    finally:
        proc.kill()
        replace_worker(cluster, lost)
    assert proc.returncode == 0, stderr
    assert "4 processed, 0 done earlier, 0 failed" in stdout
    assert_all_whole(out)
    assert len(stderr.splitlines()) <= 2, stderr  # (19) no raylet state dump without --debug


# --- the actor killed: once is redone, three times fails only its file ------------------------------------
@pytest.mark.slow
def test_an_actor_killed_three_times_fails_only_its_file_and_the_rerun_redoes_only_it(cluster, clips, tmp_path):
    out = tmp_path / "out"
    proc = driver(cluster, clips, out)
    try:
        kill_each_run(proc, out, "l1", 3)
        stdout, stderr = proc.communicate(timeout=240)
    finally:
        proc.kill()
    assert proc.returncode == 1, stderr
    assert "1 of 4 files failed" in stderr and "l1.mp4" in stderr and "died 3 times" in stderr
    assert "3 processed, 0 done earlier, 1 failed" in stdout
    again = rerun(cluster, clips, out)
    assert again.returncode == 0, again.stderr
    assert "1 processed, 3 done earlier" in again.stdout
    assert_all_whole(out)


# --- 13: a node cut off (its raylet killed) ----------------------------------------------------------------
@pytest.mark.slow
def test_a_worker_cut_off_from_its_node_stops_and_its_file_is_redone(cluster, clips, tmp_path):
    out = tmp_path / "out"
    proc = driver(cluster, clips, out)
    try:
        wait_for(busy(out, "l1", "l2"), what="both actors busy", proc=proc)
        orphan = holders(out / "l1.jsonl").pop()
        cut = node_of(cluster, orphan)
        os.kill(raylet_pid(cut), signal.SIGKILL)
        wait_for(lambda: not alive(orphan), timeout=30, what="the orphaned actor to end")
        stdout, stderr = proc.communicate(timeout=240)
    finally:
        proc.kill()
        replace_worker(cluster, cut)
    assert proc.returncode == 0, stderr
    assert "4 processed" in stdout
    assert_all_whole(out)


# --- 14, 19: the driver stopped by SIGTERM / SIGINT ---------------------------------------------------------
@pytest.mark.slow
@pytest.mark.parametrize("sig, status", [(signal.SIGTERM, 143), (signal.SIGINT, 130)])
def test_a_signal_stops_a_ray_batch_cleanly_and_the_rerun_does_the_rest(cluster, clips, tmp_path, sig, status):
    out = tmp_path / "out"
    proc = driver(cluster, clips, out, "-o", str(out))

    def both_writing() -> bool:
        return all(holders(out / f"{rel}.jsonl") and (out / f"{rel}.jsonl").stat().st_size > 0
                   for rel in ("l1", "l2"))
    try:
        wait_for(both_writing, what="both actors writing frames", proc=proc)
        proc.send_signal(sig)
        stdout, stderr = proc.communicate(timeout=60)
    finally:
        proc.kill()
    assert proc.returncode == status, stderr
    assert "total: 4 files" in stdout and "not finished;" in stdout  # every file has its row, finished or not
    assert "retries remaining" not in stderr and "Traceback" not in stderr
    assert f"interrupted by {signal.Signals(sig).name}" in stderr
    # The files in progress were stopped cleanly: whole JSON lines, a playable video is the pipeline's job.
    for rel in ("l1", "l2"):
        assert 0 < len(records(out / f"{rel}.jsonl")) < LONG
        assert count_frames_cv2(out / f"{rel}.mp4") > 0  # (19) a playable partial video, not a killed one
    again = rerun(cluster, clips, out, "-o", str(out))
    assert again.returncode == 0, again.stderr
    assert_all_whole(out)


# --- 15: --ray auto with a stale address file --------------------------------------------------------------
@pytest.mark.slow
def test_ray_auto_with_a_stale_address_file_starts_a_local_instance(clips, tmp_path):
    raydir = Path(tempfile.mkdtemp(prefix="vdstale")) / "ray"
    raydir.mkdir()
    (raydir / "ray_current_cluster").write_text("127.0.0.1:1\n")  # an instance gone without `ray stop`
    env = {**os.environ, "RAY_TMPDIR": str(raydir.parent), "RAY_USAGE_STATS_ENABLED": "0"}
    env.pop("RAY_ADDRESS", None)
    run = subprocess.run([*CLI, "process", str(clips / "s3.mp4"), str(clips / "s4.mp4"), "-p", "objects",
                          "--json", str(tmp_path / "out"), "--no-progress", "--ray", "auto", "--jobs", "1"],
                         capture_output=True, text=True, timeout=240, env=env)
    assert run.returncode == 0, run.stderr
    assert "2 processed" in run.stdout


# --- 16: a cluster with token authentication ------------------------------------------------------------------
TOKEN_HEAD = """
import os, sys, tempfile
os.environ["RAY_TMPDIR"] = tempfile.mkdtemp(prefix="vdauth")
from ray.cluster_utils import Cluster
c = Cluster(initialize_head=True, head_node_args={"num_cpus": 1, "include_dashboard": False})
print(c.address, flush=True)
sys.stdin.read()  # until the test closes it
c.shutdown()
"""


@pytest.mark.slow
def test_a_cluster_that_wants_a_token_says_exactly_what_to_do_and_the_recipe_works(clips, tmp_path):
    token = "0123456789abcdef0123456789abcdef"
    env = {**os.environ, "RAY_USAGE_STATS_ENABLED": "0", "HOME": str(tmp_path)}  # (no ~/.ray/auth_token here)
    head = subprocess.Popen([sys.executable, "-c", TOKEN_HEAD], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            text=True, env={**env, "RAY_AUTH_MODE": "token", "RAY_AUTH_TOKEN": token})
    try:
        address = head.stdout.readline().strip()
        assert address, "the token cluster did not start"
        argv = [*CLI, "process", str(clips / "s3.mp4"), str(clips / "s4.mp4"), "-p", "objects", "--no-progress",
                "--ray", address]
        env.pop("RAY_AUTH_MODE", None)
        refused = subprocess.run([*argv, "--json", str(tmp_path / "o1")], capture_output=True, text=True,
                                 timeout=120, env=env)
        assert refused.returncode == 2
        assert refused.stderr.strip().splitlines() == [refused.stderr.strip()]  # one line, no Ray warnings
        assert "RAY_AUTH_MODE=token" in refused.stderr and "auth_token" in refused.stderr
        assert not (tmp_path / "o1").exists()
        # What the line says to do, done: the driver with the head's token.
        works = subprocess.run([*argv, "--json", str(tmp_path / "o2")], capture_output=True, text=True,
                               timeout=240, env={**env, "RAY_AUTH_MODE": "token", "RAY_AUTH_TOKEN": token})
        assert works.returncode == 0, works.stderr
    finally:
        head.stdin.close()
        head.wait(timeout=60)


# --- 17, 18: every node computes the same thing ---------------------------------------------------------------
@pytest.fixture
def damaged_node(cluster, tmp_path):
    """A third worker node whose VISION_DESK_MODELS names a models folder with the objects model damaged."""
    from vision_desk import model_store

    damaged = models_with(tmp_path, "checksum", model_store.entry("objects-ssdlite-mobilenetv2-coco").file)
    node = cluster.add_node(num_cpus=1, env_vars={"VISION_DESK_MODELS": str(damaged)})
    cluster.wait_for_nodes()
    yield node
    cluster.remove_node(node, allow_graceful=False)


@pytest.fixture
def three_short(tmp_path) -> Path:
    folder = tmp_path / "three"
    for i in range(3):
        cut_clip(folder / f"c{i}.mp4", 60 * i, CLIP_FRAMES)
    return folder


def test_an_actor_whose_models_differ_is_refused_naming_its_node(cluster, damaged_node, three_short, tmp_path,
                                                                  capsys, monkeypatch):
    monkeypatch.delenv("VISION_DESK_MODELS", raising=False)
    code, stdout, err = batch(capsys, str(three_short), "-p", "objects", "--precision", "fp32",
                              "--json", str(tmp_path / "out"), "--ray", cluster.address, "--jobs", "3")
    assert code == 2, err
    assert "fail their checksums" in err and "objects-ssdlite-mobilenetv2-coco" in err
    assert damaged_node.node_id[:12] in err


def test_vision_desk_models_reaches_every_actor(cluster, damaged_node, three_short, tmp_path, capsys,
                                                monkeypatch):
    from vision_desk import model_store

    good = tmp_path / "good-models"
    good.mkdir()
    for entry in model_store.load_manifest():
        os.symlink(model_store.bundled_dir() / entry.file, good / entry.file)
    monkeypatch.setenv("VISION_DESK_MODELS", str(good))
    code, stdout, err = batch(capsys, str(three_short), "-p", "objects", "--precision", "fp32",
                              "--json", str(tmp_path / "out"), "--ray", cluster.address, "--jobs", "3")
    assert code == 0, err
    entries = manifest_of(tmp_path / "out")
    assert all(e["precision"] == {"objects": "FP32"} for e in entries.values())
    assert len({e["worker"] for e in entries.values()}) >= 2  # (the files really were spread over the nodes)


def test_an_actor_with_another_version_or_model_manifest_is_refused():
    """The comparison the driver makes with each actor's answer to ready() (the damaged-models case above runs
    it on a real node; another installed version cannot be made on one machine)."""
    from vision_desk.batch.file_run import BatchSettings
    from vision_desk.batch.ray_runner import _refusal, fingerprint

    mine = fingerprint(BatchSettings(("objects",), {}))
    node = {**mine, "node": "gpu7 (node id 0123456789ab)"}
    assert _refusal(mine, node) is None
    older = _refusal(mine, {**node, "version": "0.0.1"})
    assert older and "gpu7" in older and "0.0.1" in older and "same version" in older
    other = _refusal(mine, {**node, "models": "0" * 16})
    assert other and "gpu7" in other and "model checksums" in other
