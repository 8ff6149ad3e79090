"""A processor setting is validated once, by the settings schema, where it comes in; the layers behind
(pipeline, processor set, processor) hold the validated value as it is."""
from __future__ import annotations


import pytest

from pipeline_fakes import FileLikeSource, Recorder, fake_registry
from vision_desk.errors import SettingsError
from vision_desk.pipeline.pipeline import Mode, Pipeline
from vision_desk.processors import settings as settings_mod


@pytest.fixture
def validations(monkeypatch):
    calls: list[str] = []
    real = settings_mod.validate

    def counting(settings, owner=""):
        calls.append(owner)
        return real(settings, owner)

    monkeypatch.setattr(settings_mod, "validate", counting)
    return calls


def test_a_change_is_validated_once_and_the_processor_holds_that_value(validations):
    rec = Recorder()
    p = Pipeline(FileLikeSource(400, fps=50), ["alpha"], mode=Mode.REALTIME, registry=fake_registry(),
                 on_result=rec.on_result, on_event=rec.on_event)
    p.start()
    try:
        assert rec.wait_for(lambda: p.processor_instance("alpha") is not None and len(rec.results) >= 2)
        validations.clear()
        new = p.change_settings("alpha", delay_ms=1.0)
        n = len(rec.results)
        assert rec.wait_for(lambda: len(rec.results) >= n + 3)  # frames ran with it: applied between frames
        assert validations == ["alpha"]  # the processor set's check; neither the processor nor a copy again
        assert p.processor_instance("alpha").settings is new and p.processor_settings("alpha") is new
        with pytest.raises(SettingsError):
            p.change_settings("alpha", delay_ms=-1)
        assert p.processor_instance("alpha").settings is new  # a refused change leaves the value as it was
    finally:
        p.stop()


def test_the_window_validates_once_and_keeps_a_stale_saved_value_aside(validations):
    pytest.importorskip("pytestqt")
    from vision_desk.gui.controller import Controller

    c = Controller({"objects": {"score_threshold": 0.4}, "faces": {"min_neighbors": 999}})
    try:
        assert validations.count("objects") == 1 and c.processor_settings("objects").score_threshold == 0.4
        with pytest.raises(SettingsError, match="min_neighbors"):  # until the window resets it (restore())
            c.processor_settings("faces")
        c.reset_settings("faces")
        assert c.processor_settings("faces") == c.processor_settings("faces").__class__()
        validations.clear()
        c.change_settings("objects", max_detections=3)
        assert validations == ["objects"]
        assert c.changed_settings("objects") == {"score_threshold": 0.4, "max_detections": 3}
    finally:
        c.shutdown()


def test_the_batch_digest_is_the_same_for_options_and_their_validated_settings():
    """Finished files of a batch are recognised by a digest of the settings: handing the command's
    validated settings instead of option dicts must not change it (or every file would run again)."""
    import argparse

    from vision_desk.batch.manifest import settings_digest
    from vision_desk.cli.processor_options import add_processor_options, validated_settings

    parser = argparse.ArgumentParser()
    add_processor_options(parser)
    args = parser.parse_args(["--objects-score-threshold", "0.3", "--style-style", "7"])
    names = ["objects", "style", "faces"]
    options = {"objects": {"score_threshold": 0.3}, "style": {"style": 7}}
    kw = dict(hud=False, raw=False, max_frames=None)
    assert settings_digest(names, validated_settings(args, names), **kw) == settings_digest(names, options, **kw)
