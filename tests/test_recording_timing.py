"""Recordings play in real time: frames are shown at their own timestamps (capture time, or the source's)."""
from __future__ import annotations

import time
from fractions import Fraction

import av
import pytest
from media_makers import make_clip
from pipeline_fakes import PacedLiveSource, Recorder, fake_registry

from vision_desk.pipeline.pipeline import Mode, Pipeline
from vision_desk.pipeline.sinks import VideoSink
from vision_desk.pipeline.video_backends import pyav_available
from vision_desk.sources.video import VideoSource

pytestmark = pytest.mark.skipif(not pyav_available(), reason="variable frame rate needs PyAV")


def frame_times(path) -> list[float]:
    """Presentation time of every frame, in seconds, in display order."""
    with av.open(str(path)) as c:
        return sorted(float(f.pts * f.time_base) for f in c.decode(video=0))


def test_a_slow_processor_on_a_live_source_still_records_real_time(tmp_path):
    """30 fps camera, ~8 frames/s processing: the video lasts as long as the capture did."""
    out = tmp_path / "live.mp4"
    rec = Recorder()
    # live_inflight=1: one frame at a time, so 12 frames take ~1.4 s (with frames in flight, what a live source
    # gets with --threads chosen, they take half that and the "longer than 30 fps" check below could not tell
    # the two apart).
    pipe = Pipeline(PacedLiveSource(fps=30), ["alpha"], mode=Mode.LIVE, registry=fake_registry(),
                    settings={"alpha": {"delay_ms": 120.0}}, sinks=[VideoSink(out)], on_result=rec.on_result,
                    on_event=rec.on_event, live_inflight=1)
    pipe.start()
    assert rec.wait_for(lambda: len(rec.results) >= 12, timeout=20)
    pipe.stop()
    captured = [r.frame.pts_ms / 1000 for r in rec.results]
    times = frame_times(out)
    assert len(times) == len(captured)
    played = times[-1] - times[0]
    assert played == pytest.approx(captured[-1] - captured[0], abs=1 / 30)
    # ~8 frames/s one at a time: at a fixed 30 fps the same frames
    # would play in (n - 1) / 30 s, at least twice too fast.
    assert played > 1.5 * (len(times) - 1) / 30


def test_a_variable_frame_rate_file_keeps_its_timestamps(tmp_path):
    """25 frames at 25 fps, then 10 at 5 fps: the copy shows every frame at the time the source does."""
    pts = [i * 40 for i in range(25)] + [1000 + i * 200 for i in range(10)]
    clip = make_clip(tmp_path / "vfr.mp4", n=len(pts), pts=pts, time_base=Fraction(1, 1000))
    src_times = frame_times(clip)
    out = tmp_path / "copy.mp4"
    pipe = Pipeline(VideoSource(clip), [], mode=Mode.LOSSLESS, sinks=[VideoSink(out)])
    pipe.start()
    assert pipe.wait(30)
    pipe.stop()
    out_times = frame_times(out)
    assert len(out_times) == len(src_times)
    rel_src = [t - src_times[0] for t in src_times]
    rel_out = [t - out_times[0] for t in out_times]
    assert rel_out == pytest.approx(rel_src, abs=0.002)
    assert rel_out[-1] == pytest.approx(2.8, abs=0.002)  # not 34 frames at a constant rate
