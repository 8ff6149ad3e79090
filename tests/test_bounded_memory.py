"""Memory must not grow with a video's length: every buffer between reading and writing is bounded.

A fast source and fast processors in front of a slow writer (the encoder is the
slowest stage for real video) must not pile frames up anywhere; the writer's pace
travels back to the reader. The number of frames read but not yet written stays
small and does not depend on the length of the file or on how long the run is.
"""
from __future__ import annotations

import threading
import time

from pipeline_fakes import FileLikeSource, Recorder, fake_registry
from vision_desk.pipeline.pipeline import Mode, Pipeline


class CountingSource(FileLikeSource):
    def __init__(self, n: int, size: tuple[int, int] = (64, 48)) -> None:
        super().__init__(n, size=size)
        self.reads = 0

    def read(self):  # noqa: ANN201
        frame = super().read()
        if frame is not None:
            self.reads += 1
        return frame


class SlowSink:
    """A writer slower than everything before it; records how far the reader ran ahead of it."""

    def __init__(self, source: CountingSource, delay: float = 0.004) -> None:
        self.source, self.delay = source, delay
        self.written = 0
        self.ahead: list[int] = []
        self.lock = threading.Lock()

    def open(self, info) -> None:  # noqa: ANN001
        pass

    def write(self, result) -> None:  # noqa: ANN001
        time.sleep(self.delay)
        self.written += 1
        self.ahead.append(self.source.reads - self.written)

    def close(self) -> None:
        pass


def test_a_slow_writer_holds_the_reader_back_instead_of_piling_frames_up():
    n = 300
    src = CountingSource(n)
    sink = SlowSink(src)
    rec = Recorder()
    pipe = Pipeline(src, ["alpha"], mode=Mode.LOSSLESS, sinks=[sink], registry=fake_registry(), inflight=2,
                    on_result=rec.on_result, on_event=rec.on_event)
    pipe.start()
    assert pipe.wait(60)
    pipe.stop()
    assert sink.written == n
    # input queue (8) + frames in flight and waiting to be drawn (window: 4 per thread) + writer queue (8)
    # + one in each hand
    bound = 8 + 8 + 8 + 4
    assert max(sink.ahead) <= bound, f"the reader ran {max(sink.ahead)} frames ahead of the writer"
    # ... and the same bound holds late in the run as early on: nothing grows with the length.
    assert max(sink.ahead[-50:]) <= bound


def test_big_frames_get_fewer_queue_slots():
    """Queues are bounded in bytes too: 8 frames of 1080p, 2 of 4K (not 8 x 25 MB)."""
    from vision_desk.pipeline.pipeline import frames_in_budget

    assert frames_in_budget(1920 * 1080 * 3) == 8
    assert frames_in_budget(3840 * 2160 * 3) == 2
    assert frames_in_budget(64 * 48 * 3) == 8
