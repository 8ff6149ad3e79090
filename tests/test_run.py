"""The one run path (vision_desk/pipeline/run.py) that `vision-desk process` and every batch worker use.

The pipeline's mechanics only: fake processors (tests/pipeline_fakes.py) on stamped frames, real sinks
(H.264 video and JSON lines). The command and the batch on real models are tested in test_process_cli.py
and test_batch.py.
"""
from __future__ import annotations

import json
import threading

import pytest

from pipeline_fakes import FileLikeSource, fake_registry, video_stamps
from vision_desk.errors import OutputError, SourceError
from vision_desk.pipeline.events import PipelineState
from vision_desk.pipeline.run import OutputSpec, RunSpec, run_to_end
from vision_desk.runtime import RuntimeConfig
from vision_desk.sources.base import SourceInfo

CPU = RuntimeConfig("cpu", 1)


class Report:
    """A RunReport that keeps what it was told."""

    def __init__(self, stop_after: int | None = None) -> None:
        self.infos: list[SourceInfo] = []
        self.frames: list[int] = []
        self.warnings: list[str] = []
        self.stop = threading.Event()
        self._stop_after = stop_after

    def started(self, info: SourceInfo) -> None:
        self.infos.append(info)

    def advanced(self, frames: int) -> None:
        self.frames.append(frames)
        if self._stop_after is not None and frames >= self._stop_after:
            self.stop.set()

    def warning(self, message: str) -> None:
        self.warnings.append(message)


def lines(path) -> list[dict]:
    return [json.loads(x) for x in path.read_text().splitlines()]


def test_a_file_runs_to_its_end_with_progress_warnings_and_both_outputs(tmp_path):
    video, log = tmp_path / "out.mp4", tmp_path / "out.jsonl"
    report = Report()
    spec = RunSpec(("alpha",), {"alpha": {"fail_on": 5}}, runtime_config=CPU)
    outcome = run_to_end(FileLikeSource(30), spec, OutputSpec(str(video), str(log)), factory=fake_registry(),
                         report=report)
    assert outcome.finished and outcome.error is None and not outcome.stopped and outcome.is_live is False
    assert outcome.frames == 30 and outcome.summary.frames_output == 30 and outcome.summary.errors == 1
    assert [i.frame_count for i in report.infos] == [30]  # told once, when the source opened
    assert report.frames[-1] == 30 and report.frames == sorted(report.frames)
    assert len(report.warnings) == 1 and "fake failure on frame 5" in report.warnings[0]
    assert outcome.outputs == [video, log]
    assert video_stamps(video) == list(range(30))
    records = lines(log)
    assert [r["frame"] for r in records] == list(range(30))
    assert "errors" in records[5] and all("errors" not in r for i, r in enumerate(records) if i != 5)


def test_stop_ends_the_run_with_the_frames_so_far_in_every_output(tmp_path):
    video, log = tmp_path / "out.mp4", tmp_path / "out.jsonl"
    report = Report(stop_after=5)
    spec = RunSpec(("alpha",), {"alpha": {"delay_ms": 20}}, inflight=1, runtime_config=CPU)
    outcome = run_to_end(FileLikeSource(400), spec, OutputSpec(str(video), str(log)), factory=fake_registry(),
                         report=report, stop=report.stop)
    assert outcome.stopped and not outcome.finished and outcome.error is None
    assert 5 <= outcome.frames < 400
    assert [r["frame"] for r in lines(log)] == list(range(outcome.summary.frames_output))
    assert video_stamps(video) == list(range(outcome.summary.frames_output))


def test_max_frames_ends_a_file_like_its_end(tmp_path):
    log = tmp_path / "out.jsonl"
    outcome = run_to_end(FileLikeSource(50), RunSpec(("alpha",), max_frames=7, runtime_config=CPU),
                         OutputSpec(json=str(log)), factory=fake_registry())
    assert outcome.finished and outcome.frames == 7
    assert [r["frame"] for r in lines(log)] == list(range(7))


def test_a_run_that_fails_before_its_first_frame_leaves_no_output_and_says_why(tmp_path):
    video, log = tmp_path / "out.mp4", tmp_path / "out.jsonl"
    outcome = run_to_end(FileLikeSource(10, fail_after=0), RunSpec(("alpha",), runtime_config=CPU),
                         OutputSpec(str(video), str(log)), factory=fake_registry())
    assert isinstance(outcome.error, SourceError) and outcome.state == PipelineState.FAULTED
    assert outcome.summary.frames_output == 0 and outcome.outputs == []
    assert not video.exists() and not log.exists()  # claimed before the run, removed again


def test_outputs_are_checked_before_anything_runs(tmp_path):
    log = tmp_path / "out.jsonl"
    log.write_text("keep me\n")
    source = FileLikeSource(10)
    with pytest.raises(OutputError, match="--overwrite"):
        run_to_end(source, RunSpec(("alpha",), runtime_config=CPU), OutputSpec(json=str(log)),
                   factory=fake_registry())
    assert log.read_text() == "keep me\n" and source._info is None  # never opened
    outcome = run_to_end(source, RunSpec(("alpha",), runtime_config=CPU), OutputSpec(json=str(log), overwrite=True),
                         factory=fake_registry())
    assert outcome.finished and len(lines(log)) == 10
