"""Style transfer on real photos with the real networks.

Thresholds are mean absolute differences in grey levels (0-255). For scale: a
strong Gaussian blur (sigma 3) changes the astronaut by about 11, while every
one of the 26 styles changes it by 42 to 93 at the size used here, and the two
most alike styles differ by 18.
"""
from __future__ import annotations

import cv2
import numpy as np
import pytest

from conftest import expected_provider
from vision_desk.errors import SettingsError
from vision_desk.registry import create
from vision_desk.processors.base import TRANSFORM
from vision_desk.processors.style import NUM_STYLES, STYLE_NAMES, StyleProcessor, parse_blend, style_label
from vision_desk.results import Stylized
from vision_desk.vision.temporal import mean_abs_step

SIZE = 256  # small processing size keeps the module fast; the look is the same, strokes are coarser


def mad(a: np.ndarray, b: np.ndarray) -> float:
    return float(cv2.absdiff(a, b).mean())


@pytest.fixture(scope="module")
def proc():
    p = create("style", size=SIZE)
    p.load()
    yield p
    p.close()


@pytest.fixture()
def styled(proc):
    """Run with some settings, then put the defaults back so tests stay independent."""
    def run(image: np.ndarray, **settings) -> np.ndarray:
        proc.update_settings(**settings)
        try:
            result = proc.process(image)
        finally:
            proc.update_settings(**{k: getattr(StyleProcessor.settings_type(), k) for k in settings}, size=SIZE)
        assert isinstance(result, Stylized)
        return result.image
    return run


@pytest.fixture(scope="module")
def chelsea_png(chelsea, tmp_path_factory) -> str:
    path = tmp_path_factory.mktemp("style") / "chelsea.png"
    assert cv2.imwrite(str(path), chelsea)
    return str(path)


def test_identity(proc):
    assert proc.kind == TRANSFORM and proc.name == "style"
    assert proc.provider == expected_provider()
    assert len(STYLE_NAMES) == NUM_STYLES == 26
    assert style_label(3) == "3: " + STYLE_NAMES[3]


@pytest.mark.parametrize("shape", [(512, 512), (479, 641), (900, 300), (37, 51)])
def test_output_has_input_size_and_dtype(styled, astronaut, shape):
    image = cv2.resize(astronaut, (shape[1], shape[0]))
    out = styled(image)
    assert out.shape == image.shape and out.dtype == np.uint8
    assert mad(out, image) > 25.0


def test_stylization_changes_the_photo_strongly(styled, astronaut):
    blur = mad(cv2.GaussianBlur(astronaut, (0, 0), 3), astronaut)
    out = styled(astronaut, style=5)
    assert mad(out, astronaut) > max(25.0, 3 * blur)


def test_different_styles_differ(styled, astronaut):
    outs = [styled(astronaut, style=i) for i in (0, 3, 17)]
    for i in range(3):
        for j in range(i + 1, 3):
            assert mad(outs[i], outs[j]) > 25.0


def test_blend_lies_between_its_styles(styled, astronaut):
    a, b = styled(astronaut, style=3), styled(astronaut, style=12)
    half = styled(astronaut, blend="3:0.5,12:0.5")
    apart = mad(a, b)
    assert apart > 50.0
    assert mad(half, a) < 0.7 * apart and mad(half, b) < 0.7 * apart
    mostly_a = styled(astronaut, blend="3:4, 12:1")  # weights are normalised: 0.8 / 0.2
    assert mad(mostly_a, a) < mad(mostly_a, b)
    assert mad(mostly_a, a) < mad(half, a)


def test_strength_mixes_with_the_original(styled, astronaut):
    assert mad(styled(astronaut, style=3, strength=0.0), astronaut) < 1.0
    full = mad(styled(astronaut, style=3), astronaut)
    half = mad(styled(astronaut, style=3, strength=0.5), astronaut)
    assert 0.35 * full < half < 0.65 * full


def test_preserve_colour_keeps_the_chroma(styled, astronaut):
    def chroma(img: np.ndarray) -> np.ndarray:
        return cv2.cvtColor(img, cv2.COLOR_BGR2YCrCb)[:, :, 1:].astype(np.float32)

    plain = styled(astronaut, style=3)
    kept = styled(astronaut, style=3, preserve_colour=True)
    assert np.abs(chroma(plain) - chroma(astronaut)).mean() > 15.0
    assert np.abs(chroma(kept) - chroma(astronaut)).mean() < 6.0
    assert mad(kept, astronaut) > 15.0  # still stylized: the strokes are in the luminance


def test_style_from_a_picture(styled, astronaut, chelsea_png):
    from_cat = styled(astronaut, style_image=chelsea_png)
    assert from_cat.shape == astronaut.shape
    assert mad(from_cat, astronaut) > 25.0
    builtin = [styled(astronaut, style=i) for i in range(NUM_STYLES)]
    assert min(mad(from_cat, b) for b in builtin) > 15.0


def test_style_vector_is_computed_once_per_picture(proc, astronaut, chelsea_png):
    proc.update_settings(style_image=chelsea_png)
    try:
        proc.process(astronaut)
        cached = dict(proc._vectors)
        proc.process(astronaut)
        assert len(proc._vectors) == 1 and all(proc._vectors[k] is v for k, v in cached.items())
        assert proc.provider == expected_provider()
    finally:
        proc.update_settings(style_image="")


@pytest.mark.parametrize("changes, words", [
    ({"style": 99}, ["style", "0 to 25"]),
    ({"style": -1}, ["0 to 25"]),
    ({"size": -5}, ["size", "128 to 1024"]),
    ({"strength": 1.5}, ["strength", "0 to 1"]),
    ({"blend": "3:0.5,40:0.5"}, ["style 40", "0 to 25"]),
    ({"blend": "three"}, ["blend", "'3:0.5,12:0.5'"]),
    ({"blend": "3:0"}, ["no style"]),
    ({"style_image": "/no/such/picture.png"}, ["/no/such/picture.png", "does not exist"]),
])
def test_bad_settings_are_clear_errors(proc, changes, words):
    with pytest.raises(SettingsError) as err:
        proc.update_settings(**changes)
    for word in words:
        assert word in str(err.value)
    assert proc.settings.style == 0  # nothing was applied


def test_unreadable_style_picture(proc, tmp_path):
    fake = tmp_path / "notes.png"
    fake.write_text("not a picture")
    with pytest.raises(SettingsError, match="not a picture"):
        proc.update_settings(style_image=str(fake))


def test_parse_blend():
    assert parse_blend("") is None
    w = parse_blend("3,12")
    assert w is not None and w[3] == pytest.approx(0.5) and w[12] == pytest.approx(0.5)
    assert parse_blend("1:1,1:3")[1] == pytest.approx(1.0)


def test_core_call_runs_the_bare_network(proc, astronaut):
    outputs = proc.core_call(astronaut)()
    assert outputs[0].shape == (1, 3, SIZE, SIZE)


def test_flicker_reduction_in_the_processor(astronaut):
    frame = cv2.resize(astronaut, (SIZE, SIZE))
    rng = np.random.default_rng(1)
    frames = [np.clip(frame + rng.normal(0, 4, frame.shape), 0, 255).astype(np.uint8) for _ in range(8)]
    p = StyleProcessor(style=3, size=SIZE)
    assert p.concurrent_ok()
    raw = [p.process(f).image for f in frames]
    p.update_settings(flicker_reduction=True)
    assert not p.concurrent_ok()
    steady = [p.process(f).image for f in frames]
    assert mean_abs_step(steady) < 0.5 * mean_abs_step(raw)
    # A style change starts afresh: the first frame of the new style is that style alone.
    p.update_settings(style=17)
    first = p.process(frames[0]).image
    p.update_settings(flicker_reduction=False)
    assert p.concurrent_ok()
    assert np.array_equal(first, p.process(frames[0]).image)
    p.close()


# --- the style gallery ------------------------------------------------------------------------------


def test_gallery_renders_26_thumbnails_and_caches_them(coffee, tmp_path, monkeypatch):
    from vision_desk import runtime
    from vision_desk.processors import style_gallery

    calls = []
    real_create = runtime.create_session
    monkeypatch.setattr(runtime, "create_session", lambda *a, **k: calls.append(a) or real_create(*a, **k))
    thumbs = style_gallery.style_thumbnails(coffee, 96, cache_dir=tmp_path)
    assert len(thumbs) == NUM_STYLES and len(calls) == 1
    assert [t.index for t in thumbs] == list(range(NUM_STYLES))
    assert thumbs[3].label == style_label(3)
    for t in thumbs:
        assert t.image.shape == (96, 96, 3) and t.image.dtype == np.uint8
    # Painted by the network: the tiles differ from each other (two most alike styles differ by ~18).
    assert min(mad(thumbs[i].image, thumbs[j].image) for i in range(0, 26, 5) for j in range(i + 1, 26, 5)) > 10.0
    assert len(list(tmp_path.glob("*.png"))) == 1

    monkeypatch.setattr(runtime, "create_session", lambda *a, **k: pytest.fail("cache miss: a session was created"))
    again = style_gallery.style_thumbnails(coffee, 96, cache_dir=tmp_path)
    assert all(np.array_equal(a.image, b.image) for a, b in zip(thumbs, again))


def test_gallery_cache_key_depends_on_content_and_size(coffee, chelsea):
    from vision_desk.processors.style_gallery import cache_key

    assert cache_key(coffee, 96, 256) == cache_key(coffee.copy(), 96, 256)
    assert cache_key(coffee, 96, 256) != cache_key(chelsea, 96, 256)
    assert cache_key(coffee, 96, 256) != cache_key(coffee, 128, 256)


def test_gallery_rerenders_a_damaged_cache_and_survives_an_unwritable_one(chelsea, tmp_path):
    from vision_desk.processors import style_gallery

    style_gallery.style_thumbnails(chelsea, 32, cache_dir=tmp_path)
    (cached,) = tmp_path.glob("*.png")
    cached.write_bytes(b"garbage")
    assert len(style_gallery.style_thumbnails(chelsea, 32, cache_dir=tmp_path)) == NUM_STYLES
    blocker = tmp_path / "file"
    blocker.write_text("a file where the cache folder should be")
    assert len(style_gallery.style_thumbnails(chelsea, 32, cache_dir=blocker / "sub")) == NUM_STYLES


def test_gallery_cache_folder_follows_the_platform(monkeypatch, tmp_path):
    import sys

    from vision_desk.processors.style_gallery import user_cache_dir

    if sys.platform.startswith("linux"):
        monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
        assert user_cache_dir() == tmp_path / "vision_desk"
    assert user_cache_dir().name == "vision_desk"


def test_gallery_rejects_bad_input(coffee, tmp_path):
    from vision_desk.processors.style_gallery import style_thumbnails

    with pytest.raises(SettingsError, match="16 to 1024"):
        style_thumbnails(coffee, 4, cache_dir=tmp_path)
    with pytest.raises(SettingsError, match="BGR uint8"):
        style_thumbnails(coffee[:, :, 0], 64, cache_dir=tmp_path)
