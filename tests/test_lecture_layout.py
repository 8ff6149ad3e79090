"""The lecture views' layout rules (issue 22): laid out at the size shown, each element in its own place.

The cnn result comes from the real network on a real photo; the superres sheet from a real photo's region.
Checked at a projector's view size, a small window and the sample clip's own 640 x 360, at 100% and 200%
text, in English and in Japanese: no text box overlaps another text or a picture of the lesson, and
nothing runs off the canvas.
"""
from __future__ import annotations

import cv2
import numpy as np
import pytest

pytest.importorskip("pytestqt")

from test_i18n import needs_cjk_font  # noqa: E402

from vision_desk import i18n as labels  # noqa: E402
from vision_desk.annotate import draw, text  # noqa: E402
from vision_desk.annotate.cnn import CnnAnnotator  # noqa: E402
from vision_desk.annotate.superres import SuperresAnnotator, inset_geometry  # noqa: E402
from vision_desk.gui import qt_text  # noqa: E402
from vision_desk.registry import create  # noqa: E402
from vision_desk.results import SuperResolved  # noqa: E402

SIZES = [(1584, 891), (1000, 560), (640, 360), (744, 820)]  # (the last: the right half with B)


@pytest.fixture(scope="module")
def cnn_results(chelsea):
    proc = create("cnn")
    proc.load()
    try:
        frame = cv2.resize(chelsea, (640, 360))
        out = {}
        for view, extra in (("layers", {"channel": 7}), ("layers", {}), ("cam", {}), ("classes", {})):
            defaults = {k: getattr(proc.settings_type(), k) for k in ("layer", "channels", "grid_order", "page",
                                                                      "channel")}
            proc.update_settings(**{**defaults, "view": view, **extra})
            out[view + ("+channel" if extra else "")] = proc.process(frame)
        yield frame, out
    finally:
        proc.close()


@pytest.fixture(params=["en", "ja"])
def language(request, qapp):
    if request.param == "ja":
        text.set_renderer(qt_text.QtText(needs_cjk_font()))
        labels.set_language("ja")
    yield request.param
    labels.set_language("en")
    text.set_renderer(text.HersheyText())
    draw.set_text_scale(1.0)


@pytest.mark.parametrize("scale", [1.0, 2.0])
@pytest.mark.parametrize("size", SIZES)
def test_cnn_view_gives_every_element_its_own_place(cnn_results, language, scale, size) -> None:
    frame, results = cnn_results
    draw.set_text_scale(scale)
    for view, result in results.items():
        ann = CnnAnnotator()
        canvas = ann.compose(frame, result, size)
        sheet = ann.last_sheet
        assert canvas.shape == (size[1], size[0], 3)
        assert sheet.collisions() == [], f"{view} at {size}, {scale:.0%}"
        assert sheet.outside() == [], f"{view} at {size}, {scale:.0%}"
        names = [name for name, _ in sheet.boxes("text")]
        shown = 3 if view == "cam" else 5
        assert sum(n.startswith("class ") for n in names) == shown, f"every class bar has its text ({view})"
        frame_box = dict(sheet.boxes("picture"))["frame"]
        # The square the network classifies stays visible: the whole frame is a picture of its own.
        assert frame_box.w / frame_box.h == pytest.approx(640 / 360, rel=0.02)
        if size[0] >= 1000:
            assert frame_box.w >= 0.3 * size[0], "the frame stays large enough to see what the network sees"
        if result.layer is not None:
            maps = [b for n, b in sheet.boxes("picture") if n.startswith("map ")]
            assert len(maps) == len(result.layer.maps) and all(b.x >= frame_box.right for b in maps)


def test_larger_text_grows_the_text_not_over_the_pictures(cnn_results, language) -> None:
    frame, results = cnn_results
    heights, frames = {}, {}
    for scale in (1.0, 2.0):
        draw.set_text_scale(scale)
        ann = CnnAnnotator()
        ann.compose(frame, results["layers"], (1584, 891))
        heights[scale] = next(b.h for n, b in ann.last_sheet.boxes("text") if n.startswith("class "))
        frames[scale] = dict(ann.last_sheet.boxes("picture"))["frame"].w
    assert heights[2.0] >= 1.25 * heights[1.0]
    assert frames[2.0] >= 0.7 * frames[1.0], "200% enlarges the text, it does not shrink the lesson's picture"


def _superres(photo: np.ndarray, check: bool) -> SuperResolved:
    region = photo[100:164, 150:214]
    big = cv2.resize(region, None, fx=4, fy=4, interpolation=cv2.INTER_CUBIC)
    sharp = cv2.resize(region, None, fx=4, fy=4, interpolation=cv2.INTER_NEAREST)
    return SuperResolved(region=(150, 100, 214, 164), mode="check" if check else "zoom", gan=sharp, bicubic=big,
                         reference=big.copy() if check else None, sharpness_gan=41.0, sharpness_bicubic=12.0,
                         psnr_gan=25.3 if check else None, psnr_bicubic=24.1 if check else None)


@pytest.mark.parametrize("scale", [1.0, 2.0])
@pytest.mark.parametrize("size", SIZES)
def test_superres_sheet_never_covers_its_figures(chelsea, language, scale, size) -> None:
    frame = cv2.resize(chelsea, (640, 360))
    draw.set_text_scale(scale)
    for check in (False, True):
        ann = SuperresAnnotator()
        canvas = ann.compose(frame, _superres(frame, check), size)
        sheet = ann.last_sheet
        assert canvas.shape == (size[1], size[0], 3)
        assert sheet.collisions() == [], f"check={check} at {size}, {scale:.0%}"
        assert sheet.outside() == []
        texts = dict(sheet.boxes("text"))
        if check:  # the lesson's key number, PSNR, is drawn for both enlargements
            assert sum(name.startswith("note ") and name.endswith(".1") for name in texts) == 2
        inset = dict(sheet.boxes("picture"))["inset"]
        assert (inset.x, inset.y, inset.w, inset.h) == inset_geometry(size[0], size[1], 640, 360)
