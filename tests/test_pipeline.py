"""Pipeline mechanics: order, drops, live changes, errors, stopping. Fake processors (see pipeline_fakes.py)."""
from __future__ import annotations

import json
import statistics
import threading
import time

import pytest

from pipeline_fakes import FileLikeSource, PacedLiveSource, Recorder, fake_registry, read_stamp, video_stamps
from vision_desk.errors import SettingsError, SourceError
from vision_desk.pipeline.events import EventKind as ev
from vision_desk.pipeline.pipeline import Mode, Pipeline
from vision_desk.pipeline.sinks import JsonlSink, RecordingSink, VideoSink
from vision_desk.sources.base import Source, SourceInfo


@pytest.fixture
def no_leftover_threads():
    before = set(threading.enumerate())
    yield
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        extra = [t for t in threading.enumerate() if t not in before and t.name.startswith("vd-")]
        if not extra:
            return
        time.sleep(0.05)
    pytest.fail(f"pipeline threads left behind: {[t.name for t in extra]}")


def make(source: Source, names, rec: Recorder, **kw) -> Pipeline:
    kw.setdefault("registry", fake_registry())
    return Pipeline(source, names, on_result=rec.on_result, on_event=rec.on_event, **kw)


def test_lossless_every_frame_once_in_order_with_frames_in_flight(tmp_path, no_leftover_threads):
    """Three frames in flight finish out of order (jitter); video, JSON and on_result are still in order."""
    rec = Recorder()
    n = 90
    video, log = tmp_path / "out.mp4", tmp_path / "out.jsonl"
    p = make(FileLikeSource(n), ["alpha", "gamma"], rec, inflight=3,
             settings={"alpha": {"delay_ms": 2, "jitter_ms": 12}},
             sinks=[RecordingSink(VideoSink(video, backend="opencv"), JsonlSink(log))])
    p.start()
    assert p.wait(60)
    alpha, gamma = p.processor_instance("alpha"), p.processor_instance("gamma")
    p.stop()
    assert p.state == "finished"
    assert [r.frame.index for r in rec.results] == list(range(n))
    assert [read_stamp(r.image) for r in rec.results] == list(range(n))
    # Frames really overlapped in the concurrent analyzer, and did not in the stateful transform.
    assert alpha.max_active >= 2
    assert sorted(alpha.seen) == list(range(n))
    assert gamma.seen == list(range(n)) and gamma.max_active == 1
    assert video_stamps(video) == list(range(n))
    lines = log.read_text().splitlines()
    assert [json.loads(line)["frame"] for line in lines] == list(range(n))
    rec0 = json.loads(lines[0])
    assert rec0["alpha"] == {"seen": 0} and rec0["gamma"] == {"style": "seen 0"}
    assert {"read", "alpha", "gamma", "draw", "write"} <= set(rec0["timings_ms"])
    assert rec.threads == {"vd-output"}  # on_result runs on the pipeline's output thread
    summary = p.summary()
    assert summary.frames_output == n and summary.dropped == 0 and summary.errors == 0
    assert rec.kinds()[-2:] == [ev.SOURCE_ENDED, ev.STOPPED]


def test_a_processor_that_becomes_stateful_mid_stream_then_sees_frames_one_at_a_time_in_order():
    rec = Recorder()
    p = make(FileLikeSource(80), ["alpha"], rec, inflight=3, settings={"alpha": {"delay_ms": 3, "jitter_ms": 9}})
    p.start()
    assert rec.wait_for(lambda: len(rec.results) >= 20)
    p.change_settings("alpha", stateful=True)
    assert p.wait(60)
    alpha = p.processor_instance("alpha")
    p.stop()
    calls = sorted(alpha.calls, key=lambda c: c[1])
    first = min(i for i, c in enumerate(calls) if c[3])
    assert calls[first][0] < 79, "the switch happened mid-stream"
    concurrent = calls[:first]
    assert any(b[1] < a[2] for a, b in zip(concurrent, concurrent[1:])), "frames overlapped before the switch"
    for i in range(first, len(calls)):
        assert calls[i][1] >= max(c[2] for c in calls[:i]), "no overlap with any earlier frame"
    assert [c[0] for c in calls[first:]] == list(range(calls[first][0], 80))


def test_analyzers_see_the_original_and_the_transform_output_is_delivered():
    rec = Recorder()
    p = make(FileLikeSource(5), ["gamma", "alpha"], rec)
    p.start()
    assert p.wait(30)
    p.stop()
    assert p.processors == ["alpha", "gamma"]  # analyzers first, whatever order they were asked in
    for r in rec.results:
        assert r.results["alpha"].index == r.frame.index
        original_body = r.frame.image[20:, :]
        assert (r.image[20:, :] == 255 - original_body).all()  # the fake transform's output


def test_live_drops_old_frames_and_latency_stays_bounded(no_leftover_threads):
    """A 60 fps camera and a 100 ms processor (3 staggered in flight: ~30 frames/s): frames are dropped, and
    the delay does not pile up."""
    rec = Recorder()
    p = make(PacedLiveSource(fps=60), ["alpha"], rec, inflight=3, live_inflight=3,
             settings={"alpha": {"delay_ms": 100}})
    p.start()
    assert rec.wait_for(lambda: len(rec.results) >= 45, timeout=30)
    p.stop()
    assert p.mode == Mode.LIVE
    lat = [r.stats.latency_ms for r in rec.results]
    early, late = statistics.median(lat[3:13]), statistics.median(lat[-10:])
    # A lossless queue would be ~1.5 s behind by now; newest-wins keeps it near one frame + one processing time.
    assert late < 400, (early, late)
    assert late < early + 150, (early, late)
    idx = [r.frame.index for r in rec.results]
    assert idx == sorted(idx) and len(set(idx)) == len(idx)
    gaps = sum(b - a - 1 for a, b in zip(idx, idx[1:]))
    assert gaps > 0 and rec.results[-1].stats.dropped > 0
    # Every frame the pipeline received was processed or counted as dropped (but the one or two in hand at stop).
    summary = p.summary()
    assert summary.frames_captured - summary.frames_processed <= summary.dropped + 2


def test_live_frames_flow_while_loading_unless_asked_to_wait_for_the_models():
    slow = type("SlowLoad", (fake_registry()["alpha"],), {"load_s": 0.3})
    for wait, expect_all in ((None, False), (True, True)):
        rec = Recorder()
        p = make(PacedLiveSource(fps=100), ["alpha"], rec, registry=fake_registry(alpha=slow), wait_for_models=wait)
        p.start()
        assert rec.wait_for(lambda: any("alpha" in r.results for r in rec.results[-1:]))
        p.stop()
        assert all("alpha" in r.results for r in rec.results) == expect_all


def test_live_mode_keeps_one_frame_in_flight_when_asked():
    rec = Recorder()
    p = make(PacedLiveSource(fps=100), ["alpha"], rec, inflight=3, live_inflight=1,
             settings={"alpha": {"delay_ms": 15}})
    p.start()
    assert rec.wait_for(lambda: len(rec.results) >= 15)
    inst = p.processor_instance("alpha")
    p.stop()
    assert inst.max_active == 1


@pytest.mark.parametrize("cores", [2, 4])
def test_a_live_source_runs_one_frame_on_every_cores_threads_by_default(monkeypatch, cores):
    """Threads per mode: a camera's sessions get a thread per core and one frame is in flight; a file keeps
    the file defaults (cores - 1 threads a session, frames in flight); ``--threads`` chosen keeps live frames
    staggered on the threads the user gave."""
    import os

    from pipeline_fakes import FileLikeSource
    from vision_desk.runtime import RuntimeConfig

    monkeypatch.setattr(os, "cpu_count", lambda: cores)

    def served(source, **kw):
        rec = Recorder()
        p = make(source, ["alpha"], rec, settings={"alpha": {"delay_ms": 30}}, **kw)
        p.start()
        assert rec.wait_for(lambda: len(rec.results) >= 12, timeout=30)
        inst = p.processor_instance("alpha")
        p.stop()
        return inst.runtime_config.intra_threads, inst.max_active

    assert served(PacedLiveSource(fps=100)) == (cores, 1)
    assert served(FileLikeSource(40))[0] == cores - 1
    threads, most_at_once = served(PacedLiveSource(fps=100), runtime_config=RuntimeConfig("cpu", threads=1))
    assert threads == 1 and most_at_once >= 2  # staggered: how many overlap depends on the camera's ticks


def test_live_frames_in_flight_are_staggered_newest_first_and_in_order():
    """Two frames in flight on a live source: both threads busy, but the starts are spread over the
    processing time (not two neighbouring camera frames started together and finished together)."""
    rec = Recorder()
    p = make(PacedLiveSource(fps=100), ["alpha"], rec, inflight=2, live_inflight=2,
             settings={"alpha": {"delay_ms": 60}})
    p.start()
    assert rec.wait_for(lambda: len(rec.results) >= 30, timeout=30)
    inst = p.processor_instance("alpha")
    p.stop()
    assert inst.max_active == 2
    idx = [r.frame.index for r in rec.results[4:]]
    assert idx == sorted(idx) and len(set(idx)) == len(idx)
    # Staggered: each start waits half a processing time (>= 30 ms) after the one before; unstaggered,
    # the second thread starts on the next camera frame (10 ms) and the two drift at random.
    starts = sorted(c[1] for c in inst.calls)[3:]
    close = sum(b - a < 0.02 for a, b in zip(starts, starts[1:])) / (len(starts) - 1)
    assert close < 0.1, [round((b - a) * 1000) for a, b in zip(starts, starts[1:])]


def test_live_with_the_synthetic_camera_counts_source_drops():
    from vision_desk.sources.synthetic import SyntheticSource

    rec = Recorder()
    p = make(SyntheticSource(fps=60, width=320, height=240), ["alpha"], rec, settings={"alpha": {"delay_ms": 50}})
    p.start()
    assert rec.wait_for(lambda: len(rec.results) >= 12, timeout=30)
    p.stop()
    assert rec.results[-1].stats.dropped > 0


def test_a_processor_failing_on_one_frame_is_counted_and_the_stream_goes_on(no_leftover_threads):
    rec = Recorder()
    p = make(FileLikeSource(20), ["alpha", "beta"], rec, settings={"alpha": {"fail_on": 5}})
    p.start()
    assert p.wait(30)
    p.stop()
    assert len(rec.results) == 20
    bad = rec.results[5]
    assert "alpha" in bad.errors and "fake failure on frame 5" in str(bad.errors["alpha"])
    assert isinstance(bad.errors["alpha"], RuntimeError)  # the exception itself; JSON lines show its one line
    assert bad.to_json()["errors"]["alpha"] == "RuntimeError: fake failure on frame 5"
    assert "beta" in bad.results  # the other processor still ran on that frame
    assert all(not r.errors for i, r in enumerate(rec.results) if i != 5)
    assert rec.results[-1].stats.errors == 1 and p.summary().errors == 1
    errs = [e for e in rec.events if e.kind == ev.PROCESSOR_ERROR]
    assert len(errs) == 1 and errs[0].processor == "alpha"
    assert "errors" in bad.to_json()


def test_add_remove_and_configure_while_running(no_leftover_threads):
    slow = type("SlowLoad", (fake_registry()["beta"],), {"load_s": 0.4})
    rec = Recorder()
    p = make(PacedLiveSource(fps=100), ["alpha"], rec, registry=fake_registry(beta=slow))
    p.start()
    assert rec.wait_for(lambda: len(rec.results) >= 5)

    p.set_processors(["alpha", "beta"])
    n_at_add = len(rec.results)
    assert rec.wait_for(lambda: ev.LOADED in rec.kinds() and any("beta" in r.results for r in rec.results[-3:]))
    loaded_at = next(i for i, r in enumerate(rec.results) if "beta" in r.results)
    assert loaded_at - n_at_add >= 5, "frames kept flowing (skipping beta) while its model loaded"

    # A setting that needs a new model: loaded beside the old one, then swapped in.
    old = p.processor_instance("alpha")
    p.change_settings("alpha", model="b")
    assert rec.wait_for(lambda: p.processor_instance("alpha") is not old)
    assert p.processor_instance("alpha").loaded_model == "b"
    assert p.processor_settings("alpha").model == "b"
    # A cheap setting applies between frames on the same instance.
    inst = p.processor_instance("alpha")
    p.change_settings("alpha", fail_on=4095)
    assert p.processor_instance("alpha") is inst
    assert rec.wait_for(lambda: inst.settings.fail_on == 4095)

    with pytest.raises(SettingsError, match="out of range"):
        p.change_settings("alpha", delay_ms=-1)
    with pytest.raises(SettingsError, match="valid values: a, b"):
        p.change_settings("alpha", model="zzz")
    with pytest.raises(SettingsError, match="unknown processor"):
        p.set_processors(["alpha", "nope"])

    p.set_processors(["alpha"])
    mark = len(rec.results)
    assert rec.wait_for(lambda: len(rec.results) >= mark + 5)
    assert all("beta" not in r.results for r in rec.results[mark + 2:])
    # Switching it back on is instant: the parked instance is reused, no second load.
    p.set_processors(["alpha", "beta"])
    assert p.processor_instance("beta") is not None and p.processor_instance("beta").loads == 1
    p.stop()
    assert p.state == "stopped"


def test_stop_is_prompt_even_while_a_model_is_loading(no_leftover_threads):
    gate = threading.Event()
    blocked = type("Blocked", (fake_registry()["alpha"],), {"load_gate": gate})
    rec = Recorder()
    p = make(PacedLiveSource(fps=30), ["alpha"], rec, registry=fake_registry(alpha=blocked))
    p.start()
    assert rec.wait_for(lambda: ev.LOADING in rec.kinds())
    t0 = time.monotonic()
    p.stop(timeout=1.0)
    assert time.monotonic() - t0 < 1.5
    assert p.state == "stopped"
    gate.set()  # the load returns; the loader thread then ends by itself (checked by the fixture)


def test_source_lost_mid_stream_finalizes_outputs(tmp_path, no_leftover_threads):
    rec = Recorder()
    video, log = tmp_path / "lost.mp4", tmp_path / "lost.jsonl"
    p = make(FileLikeSource(50, fail_after=12), ["alpha"], rec,
             sinks=[RecordingSink(VideoSink(video, backend="opencv"), JsonlSink(log))])
    p.start()
    assert p.wait(30)
    p.stop()
    assert p.state == "faulted"
    lost = [e for e in rec.events if e.kind == ev.SOURCE_LOST]
    assert lost and "unplugged" in lost[0].message
    assert isinstance(p.error, SourceError)
    assert video_stamps(video) == list(range(12))
    assert len(log.read_text().splitlines()) == 12


class _Unopenable(FileLikeSource):
    def open(self) -> SourceInfo:
        raise SourceError("no such camera: 7")


def test_a_source_that_cannot_open_faults_with_its_message(no_leftover_threads):
    rec = Recorder()
    p = make(_Unopenable(1), ["alpha"], rec)
    p.start()
    assert p.wait(10)
    p.stop()
    assert p.state == "faulted" and "no such camera" in str(p.error)
    assert any(e.kind == ev.ERROR and "no such camera" in e.message for e in rec.events)


def test_a_model_that_fails_to_load_ends_a_file_run_before_any_frame(no_leftover_threads):
    broken = type("Broken", (fake_registry()["alpha"],), {"fail_load": True})
    rec = Recorder()
    p = make(FileLikeSource(10), ["alpha"], rec, registry=fake_registry(alpha=broken))
    p.start()
    assert p.wait(10)
    p.stop()
    assert p.state == "faulted" and "damaged" in str(p.error)
    assert rec.results == []


def test_a_pipeline_started_paused_at_frame_n_shows_frame_n_first_and_holds(no_leftover_threads):
    """The window reopens a file where it was: the start frame and the paused state are the pipeline's own
    from the start (no seek or pause from an event callback on the capture thread)."""
    rec = Recorder()
    p = make(FileLikeSource(300, fps=50), ["alpha"], rec, file_mode=Mode.REALTIME, start_at=120, paused=True)
    p.start()
    assert rec.wait_for(lambda: len(rec.results) >= 1)
    assert p.mode == Mode.REALTIME and p.state == "paused"
    time.sleep(0.4)
    assert [r.frame.index for r in rec.results] == [120]  # frame N first, and nothing after it while paused
    p.set_paused(False)
    assert rec.wait_for(lambda: rec.results[-1].frame.index >= 125)
    indices = [r.frame.index for r in rec.results]
    assert indices == sorted(indices) and min(indices) == 120
    p.stop()


def test_start_arguments_do_not_seek_a_live_source(no_leftover_threads):
    rec = Recorder()
    p = make(PacedLiveSource(fps=100), [], rec, start_at=50, paused=True)
    p.start()
    assert rec.wait_for(lambda: len(rec.results) >= 3)  # a camera cannot start at frame 50 or stay paused
    assert p.mode == Mode.LIVE and p.state == "running"
    p.stop()


def test_pause_step_and_seek_on_a_file():
    rec = Recorder()
    p = make(FileLikeSource(300, fps=50), ["alpha"], rec, mode=Mode.REALTIME)
    p.start()
    assert rec.wait_for(lambda: len(rec.results) >= 3)
    p.set_paused(True)
    assert p.state == "paused"
    time.sleep(0.3)
    n = len(rec.results)
    time.sleep(0.3)
    assert len(rec.results) == n  # nothing moves while paused
    p.step()
    assert rec.wait_for(lambda: len(rec.results) == n + 1)
    p.seek(200)
    assert rec.wait_for(lambda: rec.results[-1].frame.index == 200)
    p.set_paused(False)
    assert rec.wait_for(lambda: rec.results[-1].frame.index >= 205)
    p.stop()


def test_realtime_mode_paces_a_file_at_its_frame_rate():
    rec = Recorder()
    p = make(FileLikeSource(1000, fps=20), [], rec, mode=Mode.REALTIME)
    p.start()
    time.sleep(0.5)
    p.stop()
    # As fast as possible this would be hundreds of frames; at 20 fps about 10.
    assert 3 <= len(rec.results) <= 20


def test_loop_restarts_a_file():
    rec = Recorder()
    p = make(FileLikeSource(5), [], rec, loop=True)
    p.start()
    assert rec.wait_for(lambda: len(rec.results) >= 12)
    p.stop()
    assert [r.frame.index for r in rec.results[:12]] == [0, 1, 2, 3, 4] * 2 + [0, 1]


def test_sinks_can_be_added_and_removed_while_running(tmp_path):
    rec = Recorder()
    p = make(PacedLiveSource(fps=100), [], rec)
    p.start()
    assert rec.wait_for(lambda: len(rec.results) >= 3)
    log = JsonlSink(tmp_path / "rec.jsonl")
    p.add_sink(log)
    assert rec.wait_for(lambda: log.written >= 5)
    p.remove_sink(log)
    written = log.written
    time.sleep(0.2)
    p.stop()
    assert log.written == written
    assert len((tmp_path / "rec.jsonl").read_text().splitlines()) == written


def test_hud_is_drawn_only_on_the_annotated_image():
    rec = Recorder()
    p = make(FileLikeSource(3), ["alpha"], rec, hud=True)
    p.start()
    assert p.wait(10)
    p.set_hud(False)
    p.stop()
    r = rec.results[-1]
    assert read_stamp(r.image) == 2
    assert (r.annotated != r.image).any()
    assert r.stats.provider and r.stats.frames >= 1


def test_stop_before_start_and_twice_is_harmless():
    p = Pipeline(FileLikeSource(3), [], registry=fake_registry())
    p.stop()
    assert p.state == "stopped"
    p2 = Pipeline(FileLikeSource(3), [], registry=fake_registry())
    p2.start()
    p2.wait(10)
    p2.stop()
    p2.stop()


class _CountingSource(FileLikeSource):
    """Knows how many frames were read, so a test can see how far reading runs ahead of the picture."""

    def __init__(self, *a, **kw) -> None:
        super().__init__(*a, **kw)
        self.read_count = 0

    def read(self):
        frame = super().read()
        if frame is not None:
            self.read_count += 1
        return frame


def test_realtime_reads_no_further_ahead_than_the_frames_in_flight():
    """Processing slower than the file: the queue must not fill up (each queued frame is latency on screen)."""
    src = _CountingSource(200, fps=200)
    ahead: list[int] = []
    rec = Recorder()

    def on_result(r) -> None:
        ahead.append(src.read_count - 1 - r.frame.index)
        rec.on_result(r)

    p = Pipeline(src, ["alpha"], mode=Mode.REALTIME, inflight=2, registry=fake_registry(),
                 settings={"alpha": {"delay_ms": 40}}, on_result=on_result, on_event=rec.on_event)
    p.start()
    assert rec.wait_for(lambda: len(rec.results) >= 16, timeout=30)
    p.stop()
    # Frames are read when a thread is free for one: at most the frames in flight are ahead of the picture
    # (a lossless queue would add 8 more, each a processing time of lag on screen).
    assert max(ahead[4:]) <= 3, ahead  # 2 in flight, +1 when they finish out of order
    assert [r.frame.index for r in rec.results] == list(range(len(rec.results)))  # still lossless


@pytest.mark.parametrize("mode", [Mode.REALTIME, Mode.LOSSLESS])
def test_pause_stops_after_the_frames_in_flight_and_resume_loses_no_frame(mode):
    rec = Recorder()
    p = make(FileLikeSource(300, fps=200), ["alpha"], rec, mode=mode, inflight=2,
             settings={"alpha": {"delay_ms": 40}})
    p.start()
    assert rec.wait_for(lambda: len(rec.results) >= 6, timeout=30)
    p.set_paused(True)
    n = len(rec.results)
    time.sleep(0.4)  # ten processing times: a full queue would have delivered 8 more frames by now
    paused_at = len(rec.results)
    assert paused_at - n <= 2, "only the frames already inside the processors finish"
    p.step()
    assert rec.wait_for(lambda: len(rec.results) == paused_at + 1)
    settled = len(rec.results)
    time.sleep(0.2)
    assert len(rec.results) == settled, "one step, one frame"
    p.set_paused(False)
    assert rec.wait_for(lambda: len(rec.results) >= settled + 10, timeout=30)
    p.stop()
    # The frames held back at the pause come after it, in order: none lost, none twice.
    idx = [r.frame.index for r in rec.results]
    assert idx == list(range(len(idx)))


def test_a_change_while_paused_runs_the_chain_again_on_the_frame_shown(tmp_path):
    rec = Recorder()
    log = JsonlSink(tmp_path / "paused.jsonl")
    p = make(FileLikeSource(300, fps=50), ["alpha"], rec, mode=Mode.REALTIME, sinks=[log])
    p.start()
    assert rec.wait_for(lambda: len(rec.results) >= 3)
    p.set_paused(True)
    time.sleep(0.3)
    n = len(rec.results)
    shown = rec.results[-1].frame.index

    p.change_settings("alpha", fail_on=shown)  # a setting whose effect is visible on this very frame
    assert rec.wait_for(lambda: len(rec.results) > n)
    again = rec.results[-1]
    assert again.frame.index == shown and "alpha" in again.errors

    n = len(rec.results)
    p.set_processors(["alpha", "beta"])  # a processor switched on: shown once its model is ready
    assert rec.wait_for(lambda: "beta" in rec.results[-1].results)
    assert all(r.frame.index == shown for r in rec.results[n:])
    time.sleep(0.3)
    assert all(r.frame.index == shown for r in rec.results[n:]), "still paused"

    p.set_paused(False)
    assert rec.wait_for(lambda: rec.results[-1].frame.index >= shown + 3)
    p.stop()
    # A re-run is shown, not recorded: the recording has every frame once.
    written = [json.loads(line)["frame"] for line in (tmp_path / "paused.jsonl").read_text().splitlines()]
    assert written == list(range(len(written))) and shown + 3 <= written[-1] + 1


def test_redo_requests_while_playing_change_nothing():
    rec = Recorder()
    p = make(FileLikeSource(40), ["alpha"], rec)
    p.start()
    for _ in range(5):
        p.change_settings("alpha", delay_ms=1)
    assert p.wait(30)
    p.stop()
    assert [r.frame.index for r in rec.results] == list(range(40))


class _TruncatedSource(FileLikeSource):
    """Ends early, and says so the way VideoSource does."""

    def read(self):
        frame = super().read()
        if frame is None and not getattr(self, "_warnings", None):
            self._warnings = [f"fake.mp4 ended after {self.n} of {self.n * 2} frames: the file is truncated"]
        return frame


def test_a_source_warning_reaches_the_owner_once():
    rec = Recorder()
    p = make(_TruncatedSource(6), ["alpha"], rec)
    p.start()
    assert p.wait(30)
    p.stop()
    warnings = [e for e in rec.events if e.kind == ev.WARNING]
    assert len(warnings) == 1 and "ended after 6 of 12 frames" in warnings[0].message
    ended = [e for e in rec.events if e.kind == ev.SOURCE_ENDED]
    assert ended and "truncated" in ended[0].message
    assert rec.kinds().index(ev.WARNING) < rec.kinds().index(ev.SOURCE_ENDED)


def test_a_looping_truncated_source_warns_once():
    rec = Recorder()
    p = make(_TruncatedSource(4), [], rec, loop=True)
    p.start()
    assert rec.wait_for(lambda: len(rec.results) >= 14)
    p.stop()
    assert rec.kinds().count(ev.WARNING) == 1


def test_seek_right_after_pause_shows_the_frame_sought_not_one_read_before():
    rec = Recorder()
    p = make(FileLikeSource(300, fps=200), ["alpha"], rec, mode=Mode.REALTIME, inflight=2,
             settings={"alpha": {"delay_ms": 15}})
    p.start()
    for target in (150, 40, 220):
        assert rec.wait_for(lambda: len(rec.results) >= 3)
        p.set_paused(True)
        p.seek(target)  # frames read before the seek may be on their way to a thread right now
        assert rec.wait_for(lambda: rec.results[-1].frame.index == target)
        time.sleep(0.15)
        assert rec.results[-1].frame.index == target, "nothing read before the seek comes after it"
        p.set_paused(False)
        assert rec.wait_for(lambda: rec.results[-1].frame.index > target + 2)
        assert [r.frame.index for r in rec.results[-3:]] == list(range(rec.results[-3].frame.index,
                                                                       rec.results[-3].frame.index + 3))
        rec.results.clear()
    p.stop()


def test_switching_between_lossless_and_realtime_keeps_every_frame_once_in_order():
    """What the window's Real-time button does mid-file; the read-ahead shrinks back when real time returns."""
    src = _CountingSource(400, fps=400)
    ahead: list[int] = []
    rec = Recorder()

    def on_result(r) -> None:
        ahead.append(src.read_count - 1 - r.frame.index)
        rec.on_result(r)

    p = Pipeline(src, ["alpha"], mode=Mode.LOSSLESS, inflight=2, registry=fake_registry(),
                 settings={"alpha": {"delay_ms": 10}}, on_result=on_result, on_event=rec.on_event)
    p.start()
    for mode, until in ((Mode.REALTIME, 40), (Mode.LOSSLESS, 80), (Mode.REALTIME, 120)):
        assert rec.wait_for(lambda: len(rec.results) >= until - 20, timeout=30)
        p.set_mode(mode)
        assert rec.wait_for(lambda: len(rec.results) >= until, timeout=30), f"stalled after switching to {mode}"
    p.stop()
    assert max(ahead[5:18]) >= 8  # lossless (before the first switch) reads ahead into its queue
    assert max(ahead[-10:]) <= 3  # real time again: no further ahead than the frames in flight
    assert [r.frame.index for r in rec.results] == list(range(len(rec.results)))


def test_realtime_with_skipping_keeps_the_files_clock_and_counts_the_skipped_frames():
    """Processing at ~1/4 of the file's rate: the video still advances at the file's speed (frames are
    skipped and counted as dropped) instead of turning into slow motion."""
    rec = Recorder()
    p = make(FileLikeSource(2000, fps=100), ["alpha"], rec, mode=Mode.REALTIME, inflight=1,
             settings={"alpha": {"delay_ms": 40}})
    p.skip_late_frames = True
    p.start()
    assert rec.wait_for(lambda: len(rec.results) >= 3)
    t0, first = time.perf_counter(), rec.results[-1].frame.index
    assert rec.wait_for(lambda: len(rec.results) >= 12, timeout=30)
    elapsed, last = time.perf_counter() - t0, rec.results[-1].frame.index
    p.stop()
    # The file's clock: ~100 frames per second of wall time (slow motion would be ~25, one per 40 ms).
    assert (last - first) / elapsed > 50
    assert rec.results[-1].stats.dropped > 0
    idx = [r.frame.index for r in rec.results]
    assert idx == sorted(set(idx))


def test_event_kinds_and_states_read_as_their_values_in_logs_and_json():
    """Enums inside; outside (messages, logs, JSON) the same words as the strings they replaced."""
    from vision_desk.pipeline.events import PipelineState

    assert f"{ev.SOURCE_OPENED}" == "source_opened" and str(PipelineState.FINISHED) == "finished"
    assert json.dumps({"kind": ev.PROCESSOR_ERROR, "state": PipelineState.FAULTED}) == \
        '{"kind": "processor_error", "state": "faulted"}'
    assert PipelineState("paused") is PipelineState.PAUSED and ev("loaded") is ev.LOADED
