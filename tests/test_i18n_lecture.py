"""The lecture views (cnn, superres) in Japanese: every ImageNet class named, Japanese glyphs on the video.

The drawing tests need a CJK font (CI installs fonts-noto-cjk); without one they are skipped with the reason.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("pytestqt")

import cv2  # noqa: E402
from test_gui import make_gui, wait_result  # noqa: E402,F401  (the fixture is shared)
from test_i18n import japanese, needs_cjk_font  # noqa: E402,F401

from vision_desk import i18n as labels  # noqa: E402
from vision_desk.annotate import text  # noqa: E402
from vision_desk.gui import qt_text  # noqa: E402
from vision_desk.annotate.cnn import CnnAnnotator, class_name, layer_title  # noqa: E402
from vision_desk.annotate.superres import SuperresAnnotator  # noqa: E402
from vision_desk.i18n.ja_imagenet import IMAGENET_JA  # noqa: E402
from vision_desk.processors.cnn import LayerView  # noqa: E402
from vision_desk.processors.superres import SuperResolved  # noqa: E402
from vision_desk.vision.imagenet_labels import short_label  # noqa: E402

IMAGENET_LABELS = [short_label(i) for i in range(1000)]


def test_every_imagenet_class_has_a_japanese_name() -> None:
    assert labels.untranslated(IMAGENET_LABELS, "ja", domain="imagenet") == []
    assert set(IMAGENET_JA) == set(IMAGENET_LABELS), "no entry for a label the cnn processor never emits"
    english_left = [k for k, v in IMAGENET_JA.items() if v.isascii() and v != "iPod"]
    assert english_left == []
    assert labels.translate_label("tabby", "ja", domain="imagenet") == "トラ猫"
    assert labels.translate_label("espresso", "ja", domain="imagenet") == "エスプレッソ"


def test_imagenet_names_do_not_replace_the_coco_names() -> None:
    # ImageNet's class 21 "kite" is the bird; COCO's "kite" is the toy.
    assert labels.translate_label("kite", "ja", domain="imagenet") == "トビ"
    assert labels.translate_label("kite", "ja") == "凧"
    assert labels.translate_label("kite", "en", domain="imagenet") == "kite"


def test_lecture_captions_are_english_on_the_command_line_and_japanese_in_the_window() -> None:
    layer = LayerView("stage3", (240, 28, 28), np.arange(1), np.zeros((1, 28, 28), np.float32))
    # Which tensor: the maps inside stage 3's last block (240 channels), not the stage's output (40).
    assert layer_title(layer) == "stage 3 · inside its last block: 240 channels (the stage outputs 40) · 28 x 28"
    head = LayerView("head", (1280, 7, 7), np.arange(1), np.zeros((1, 7, 7), np.float32))
    assert layer_title(head) == head.title == "head · 1280 channels · 7 x 7"
    labels.set_language("ja")
    try:
        assert layer_title(layer) == "ステージ 3・最後のブロック内部 240 チャンネル（ステージの出力は 40）・28×28"
        assert class_name("tabby") == "トラ猫"
    finally:
        labels.set_language("en")


def _superres_result(chelsea: np.ndarray) -> SuperResolved:
    region = chelsea[100:164, 150:214]
    big = cv2.resize(region, None, fx=4, fy=4, interpolation=cv2.INTER_CUBIC)
    return SuperResolved(region=(150, 100, 214, 164), mode="check", gan=big, bicubic=big.copy(),
                         reference=big.copy(), sharpness_gan=10.0, sharpness_bicubic=12.0, psnr_gan=25.0,
                         psnr_bicubic=24.0)


def test_superres_sheet_draws_japanese_glyphs(qapp, chelsea) -> None:
    family = needs_cjk_font()
    result = _superres_result(chelsea)
    labels.set_language("ja")
    text.set_renderer(qt_text.QtText(family))
    try:
        japanese_sheet = SuperresAnnotator().annotate(chelsea.copy(), result)
        text.set_renderer(text.HersheyText())  # what putText would draw: "?" for each Japanese character
        question_marks = SuperresAnnotator().annotate(chelsea.copy(), result)
    finally:
        text.set_renderer(None)
        labels.set_language("en")
    assert (np.abs(japanese_sheet.astype(int) - question_marks).sum(axis=2) > 60).sum() > 500


def test_a_snapshot_of_the_cnn_view_in_japanese_draws_glyphs_not_tofu(qtbot, make_gui, japanese, tmp_path,
                                                                       chelsea) -> None:
    family = needs_cjk_font()
    photo = tmp_path / "chelsea.png"
    cv2.imwrite(str(photo), chelsea)
    gui = make_gui(str(photo), ["cnn"], language="ja")
    result = wait_result(qtbot, gui, lambda r: "cnn" in r.results and bool(r.results["cnn"].labels))
    cnn = result.results["cnn"]
    name = class_name(cnn.labels[0])
    assert not name.isascii(), f"{cnn.labels[0]} shown untranslated"
    with qtbot.waitSignal(gui.controller.snapshotSaved, timeout=30_000) as saved:
        gui.controller.snapshot(tmp_path / "shots", result)
    shot = cv2.imread([p for p in saved.args[0] if "raw" not in Path(p).name][0])
    # The snapshot is what was on screen: the view laid out at the view's size.
    again = CnnAnnotator().compose(result.image, cnn, (shot.shape[1], shot.shape[0]))
    assert np.array_equal(shot, again), "the snapshot is the frame drawn with the Japanese labels"
    # Glyphs, not tofu: the class name's mask differs from a missing-glyph box of the same size.
    renderer = qt_text.QtText(family)
    px = renderer.pixel_size(0.6)
    glyphs, tofu = renderer.mask(name, px), renderer.mask("\U000F0000" * len(name), px)
    width = min(glyphs.shape[1], tofu.shape[1])
    assert (glyphs > 128).mean() > 0.04
    assert np.abs(glyphs[:, :width].astype(int) - tofu[:, :width]).mean() > 10
    text.set_renderer(text.HersheyText())
    try:
        ascii_only = CnnAnnotator().compose(result.image, cnn, (shot.shape[1], shot.shape[0]))
    finally:
        text.set_renderer(qt_text.QtText(japanese.video_font))
    assert (np.abs(shot.astype(int) - ascii_only).sum(axis=2) > 60).sum() > 500
