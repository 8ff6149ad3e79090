"""Errors keep their type up to the surface (the command's one line, the window's banner), and the line
users see is the same as when the pipeline handed strings over."""
from __future__ import annotations

import os

import pytest

from vision_desk.errors import ModelError, OutputError, ProcessorError, SourceError, user_message
from vision_desk.pipeline.events import EventKind, PipelineEvent

DISK_FULL = "/dev/full"  # every write to it fails with ENOSPC
FULL_LINE = ("writing /dev/full failed (disk full) after 0 lines; the lines written so far are complete")


def test_a_processor_error_reads_as_the_old_strings():
    load = ProcessorError("objects", ModelError("model file x is damaged; restore it"))
    assert str(load) == "objects: model file x is damaged; restore it"
    frame = ProcessorError("pose", ValueError("bad shape\nsecond line"), on_frame=True)
    assert str(frame) == "pose: ValueError: bad shape" and isinstance(frame.__cause__, ValueError)
    event = PipelineEvent.failure(EventKind.PROCESSOR_ERROR, frame, "pose")
    assert event.message == str(frame) and event.error is frame and f"{event.kind}" == "processor_error"
    assert user_message(KeyError("k")) == "KeyError: 'k'" and user_message("composed") == "composed"


@pytest.mark.skipif(not os.path.exists(DISK_FULL), reason="no /dev/full here")
def test_the_command_raises_the_sinks_own_error_and_prints_the_same_line(capsys):
    from vision_desk import runtime
    from vision_desk.cli import build_parser, main
    from vision_desk.cli import process_cmd

    argv = ["process", "sample", "--max-frames", "5", "--json", DISK_FULL, "--no-progress", "--overwrite"]
    args = build_parser().parse_args(argv)
    with pytest.raises(OutputError) as caught:  # the OutputError the sink raised, not one rebuilt from text
        process_cmd.process_one(args, args.input, args.output, args.json, names=[], settings={},
                                runtime_config=runtime.RuntimeConfig("cpu", 1))
    assert str(caught.value) == FULL_LINE
    capsys.readouterr()
    assert main(argv) == 2
    assert capsys.readouterr().err.splitlines() == [f"vision-desk: error: {FULL_LINE}"]


def test_the_controllers_error_signal_carries_the_exception(qtbot, tmp_path):
    pytest.importorskip("pytestqt")
    from vision_desk.gui.controller import Controller

    c = Controller()
    try:
        with qtbot.waitSignal(c.error, timeout=10_000) as missing:
            c.open_source(str(tmp_path / "missing.mp4"))  # refused before any pipeline is made
        assert isinstance(missing.args[0], SourceError)
        with qtbot.waitSignal(c.error, timeout=30_000) as camera:
            c.open_source("99")  # the pipeline faults when it opens: its event carries the error
        error = camera.args[0]
        assert isinstance(error, SourceError) and "99" in user_message(error)
        assert user_message(error) == str(error).splitlines()[0]
    finally:
        c.shutdown()
