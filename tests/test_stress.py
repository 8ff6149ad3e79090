"""Stress on the pipeline's mechanics: hundreds of live changes, starts, stops and source switches.

Fake processors (tests/pipeline_fakes.py) keep each test to seconds; what is
checked is the plumbing the real processors share. The key check: every
frame carries its index stamped in its pixels; each fake analyzer returns the
index it read from the pixels it was given, and its overlay paints that index
back onto the annotated image. So a result or an overlay that belongs to
another frame (a stale one, a swapped model answering late, a reordering
bug) shows up as a mismatch, frame by frame.
"""
from __future__ import annotations

import json
import random
import threading
import time

import numpy as np
import pytest
from pipeline_fakes import (
    BITS,
    BLOCK,
    FileLikeSource,
    PacedLiveSource,
    Recorder,
    fake_registry,
    read_stamp,
)

from vision_desk.pipeline.pipeline import EventKind, Mode, Pipeline
from vision_desk.pipeline.sinks import JsonlSink
from vision_desk.sources import open_source


class StampOverlay:
    """Paints the analyzer's result index as blocks in its own band, under the frame's own stamp
    (band 1: the second row of blocks; band 2: the third). The HUD is at the bottom, out of the way."""

    def __init__(self, band: int) -> None:
        self.band = band

    def annotate(self, image: np.ndarray, result) -> np.ndarray:
        top = BLOCK * self.band
        for bit in range(BITS):
            value = 255 if (result.index >> bit) & 1 else 0
            image[top:top + BLOCK, bit * BLOCK:(bit + 1) * BLOCK] = value
        return image


def overlay_index(annotated: np.ndarray, band: int) -> int:
    top = BLOCK * band
    return read_stamp(np.ascontiguousarray(annotated[top:top + BLOCK]))


def stamped_registry() -> dict[str, type]:
    reg = fake_registry()
    reg["alpha"].annotator = staticmethod(lambda: StampOverlay(1))
    reg["beta"].annotator = staticmethod(lambda: StampOverlay(2))
    return reg


def check_result(r, stamped: bool = True) -> None:
    """The frame, every analyzer result and every overlay on it name the same frame.

    ``stamped``: the source stamps the frame index (the fakes); a real source's pixels
    still read as some number, which each result and overlay must repeat."""
    idx = read_stamp(r.frame.image)
    if stamped:
        assert idx == r.frame.index % (1 << BITS)
    for band, name in ((1, "alpha"), (2, "beta")):
        if name in r.results:
            assert r.results[name].index == idx, (name, r.results[name].index, idx)
            assert overlay_index(r.annotated, band) == idx, (name, "overlay", idx)
    if "gamma" in r.results:
        assert r.results["gamma"].style == f"seen {idx}"
    assert not r.errors, r.errors


@pytest.fixture
def thread_baseline():
    """Every thread started during the test (pipeline, capture, loader, open helpers) must be gone after."""
    before = {t.ident for t in threading.enumerate()}
    yield
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        extra = [t.name for t in threading.enumerate() if t.ident not in before and t.is_alive()]
        if not extra:
            return
        time.sleep(0.05)
    pytest.fail(f"threads left behind: {extra}")


def random_changes(p: Pipeline, rng: random.Random, n: int, pause_s: float) -> None:
    names = ["alpha", "beta", "gamma"]
    for i in range(n):
        op = rng.randrange(6)
        if op <= 1:
            p.set_processors(rng.sample(names, rng.randint(0, 3)))
        elif op == 2:
            p.change_settings("alpha", delay_ms=rng.choice([0.0, 0.5, 2.0]), jitter_ms=rng.choice([0.0, 1.0]))
        elif op == 3:
            p.change_settings("beta", model=rng.choice("ab"))  # a reload: a new instance loads beside the old one
        elif op == 4:
            p.change_settings("gamma", stateful=rng.random() < 0.5)
        else:
            p.set_hud(rng.random() < 0.5)
        if i % 5 == 0:
            time.sleep(pause_s)


@pytest.mark.parametrize("mode", [Mode.LOSSLESS, Mode.LIVE])
def test_500_live_changes_never_put_a_result_or_overlay_on_the_wrong_frame(mode, thread_baseline):
    rec = Recorder()
    source = FileLikeSource(100_000) if mode == Mode.LOSSLESS else PacedLiveSource(fps=200)
    p = Pipeline(source, ["alpha", "beta"], mode=mode, registry=stamped_registry(), inflight=2,
                 on_result=rec.on_result, on_event=rec.on_event)
    p.start()
    assert rec.wait_for(lambda: len(rec.results) >= 5, timeout=20)
    random_changes(p, random.Random(6), 500, pause_s=0.01)
    p.set_processors(["alpha", "beta", "gamma"])
    mark = len(rec.results)
    assert rec.wait_for(lambda: len(rec.results) > mark + 20
                        and {"alpha", "beta", "gamma"} <= set(rec.results[-1].results))
    assert p.state == "running"
    p.stop()
    assert len(rec.results) > 200  # frames kept flowing through the changes
    for r in rec.results:
        check_result(r)
    indices = [r.frame.index for r in rec.results]
    assert indices == sorted(set(indices))  # in order, none twice
    if mode == Mode.LOSSLESS:
        assert indices == list(range(len(indices)))  # and none lost
    assert not [e for e in rec.events if e.kind in (EventKind.ERROR, EventKind.PROCESSOR_ERROR)]


def test_start_and_stop_100_times(tmp_path, thread_baseline):
    sources = [lambda: FileLikeSource(10_000), lambda: PacedLiveSource(fps=100),
               lambda: open_source("synthetic:fps=100,size=256x192"), lambda: open_source("sample")]
    for i in range(100):
        rec = Recorder()
        log = tmp_path / f"run{i}.jsonl"
        sinks = [JsonlSink(log)] if i % 10 == 0 else []
        p = Pipeline(sources[i % len(sources)](), ["alpha"] if i % 2 else ["alpha", "gamma"],
                     registry=stamped_registry(), sinks=sinks, on_result=rec.on_result, on_event=rec.on_event)
        p.start()
        if i % 3 == 1:
            assert rec.wait_for(lambda rec=rec: len(rec.results) >= 1, timeout=10)
        elif i % 3 == 2:
            assert rec.wait_for(lambda rec=rec: len(rec.results) >= 4, timeout=10)
        # i % 3 == 0: stopped at once, perhaps before the source is even open
        p.stop(timeout=5)
        assert p.state in ("stopped", "finished"), (i, p.state)
        assert not any(t.is_alive() and t.name.startswith("vd-") and t.name != "vd-loader"
                       for t in threading.enumerate()), i
        for r in rec.results:
            check_result(r, stamped=i % len(sources) < 2)
        if sinks and log.exists():  # a run stopped mid-frame still leaves whole lines
            lines = [json.loads(line) for line in log.read_text().splitlines()]
            assert [rec_["frame"] for rec_ in lines] == [r.frame.index for r in rec.results[:len(lines)]]


def test_switch_sources_100_times(tmp_path, chelsea, thread_baseline):
    """As the window does it: stop the running pipeline, start one on the next source, see its first frame."""
    import cv2

    picture = tmp_path / "cat.png"
    cv2.imwrite(str(picture), chelsea)
    specs = ["sample", "synthetic:fps=60,size=320x240", str(picture), "synthetic:fps=30,size=256x192"]
    shapes = {"sample": (360, 640, 3), specs[1]: (240, 320, 3), str(picture): chelsea.shape, specs[3]: (192, 256, 3)}
    current = None
    for i in range(100):
        spec = specs[i % len(specs)]
        if current is not None:
            current.stop(timeout=5)
        rec = Recorder()
        kw = {"repeat": True} if spec == str(picture) else {}
        current = Pipeline(open_source(spec, **kw), ["alpha"], registry=fake_registry(), on_result=rec.on_result,
                           on_event=rec.on_event)
        current.start()
        assert rec.wait_for(lambda rec=rec: len(rec.results) >= 1, timeout=10), (i, spec, rec.kinds())
        assert rec.results[0].image.shape == shapes[spec]
    current.stop(timeout=5)
