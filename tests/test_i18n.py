"""The Japanese window: translations complete and built from their source, Japanese drawn on the video.

Needs a CJK font for the drawing tests (CI installs fonts-noto-cjk); without one they are skipped with
the reason, and the window's own fallback (English labels, a notice) is tested instead.
"""
from __future__ import annotations

import re
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("pytestqt")

from PySide6.QtWidgets import QAbstractButton, QApplication, QComboBox, QLabel, QMenu  # noqa: E402
from test_gui import make_gui, wait_result  # noqa: E402,F401  (the fixture is shared)

from vision_desk import i18n as labels  # noqa: E402
from vision_desk.annotate import draw, text  # noqa: E402
from vision_desk.gui import qt_text  # noqa: E402
from vision_desk.gui import i18n, ui_scale  # noqa: E402
from vision_desk.frame_stats import Stats  # noqa: E402
from vision_desk.vision.coco_labels import COCO_NAMES  # noqa: E402
from vision_desk.results import Faces  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import i18n as i18n_tool  # noqa: E402  (tools/i18n.py)

TS = ROOT / "vision_desk" / "i18n" / "vision_desk_ja.ts"
# Names and technical terms that stay as they are in a Japanese window.
KEEP = {"HUD", "Haar", "OpenCV", "SSDLite", "MobileNetV2", "COCO", "OpenPose", "MobileNet", "thin", "Viola",
        "Jones", "PAF", "NMS", "IoU", "fps", "JSON", "Lines", "PNG", "mp4", "URL", "rtsp", "http", "https",
        "frontal", "alt2", "profile", "vision_desk", "Esc", "Ctrl", "Shift", "Space", "Home", "CPU", "CUDA",
        "English", "off", "person", "cup", "neck", "nose", "r_shoulder",
        # the lecture processors' technical terms, as a Japanese deep-learning course writes them
        "CNN", "CAM", "GAN", "PSNR", "ImageNet", "EfficientNet", "Lite0", "Real", "ESRGAN", "MNIST", "MediaPipe",
        # model precisions, written so in Japanese too
        "FP32", "INT8", "MoveNet"}


@pytest.fixture
def japanese(qapp):
    """The Japanese language for one test; English (and 100% text) again afterwards, whatever happens."""
    state = i18n.install("ja")
    yield state
    i18n.install("en")
    ui_scale.apply(100)


def needs_cjk_font() -> str:
    family = qt_text.find_cjk_family()
    if family is None:
        pytest.skip(f"no CJK font on this machine ({i18n.FONT_HINT})")
    return family


# --- the translation files ------------------------------------------------------------------------------
def test_every_string_of_the_ts_is_translated() -> None:
    unfinished = [m.findtext("source") for m in ET.parse(TS).getroot().iter("message")
                  if m.find("translation").get("type") == "unfinished" or not m.findtext("translation")]
    assert unfinished == [], f"untranslated in {TS.name} (translate them, then python tools/i18n.py build)"


def test_the_table_strings_file_lists_every_command_setting_and_stat() -> None:
    """A new command, setting or statistics row must reach the .ts: run `python tools/i18n.py update`."""
    listed = (ROOT / "vision_desk" / "gui" / "translatable_strings.py").read_text(encoding="utf-8")
    missing = [t for _c, t in i18n_tool.table_strings() if repr(t) not in listed]
    assert missing == []
    in_ts = {m.findtext("source") for m in ET.parse(TS).getroot().iter("message")}
    assert [t for _c, t in i18n_tool.table_strings() if t not in in_ts] == []


def test_the_committed_qm_is_what_lrelease_builds_from_the_ts(tmp_path) -> None:
    built = i18n_tool.build(tmp_path)[0]
    assert built.read_bytes() == (ROOT / "vision_desk" / "i18n" / "vision_desk_ja.qm").read_bytes(), \
        "run python tools/i18n.py build and commit the .qm"


def test_every_coco_class_and_pose_part_has_a_japanese_label() -> None:
    assert labels.untranslated(COCO_NAMES, "ja") == []
    assert labels.translate_label("face", "ja") == "顔"
    assert labels.pose_channel_name("neck-r_hip", "en") == "PAF: neck -> right hip"
    assert labels.pose_channel_name("r_wrist", "ja") == "ヒートマップ：右手首"  # (a full-width colon)
    labels.register_labels("ja", {"goldfish": "金魚"})  # how ImageNet's classes plug in
    assert labels.translate_label("goldfish", "ja") == "金魚" and labels.translate_label("goldfish", "en") == "goldfish"


# --- the window in Japanese -------------------------------------------------------------------------------
def _surface_texts(window) -> list[str]:
    """Texts a class sees: menus (all levels), tool bar, docks, panels, playback bar, the shortcut help."""
    out: list[str] = []

    def menu_texts(menu: QMenu) -> None:
        out.append(menu.title())
        for act in menu.actions():
            if act.menu() is not None:
                menu_texts(act.menu())
            elif not act.isSeparator():
                out.append(act.text())
    for act in window.menuBar().actions():
        menu_texts(act.menu())
    out += [a.iconText() for a in window.toolbar.actions() if not a.isSeparator()]
    out += [window.processor_dock.windowTitle(), window.stats_dock.windowTitle()]
    for root in (window.processor_panel, window.stats_panel, window.playback):
        out += [w.text() for w in root.findChildren(QLabel) if w.text() and not w.text().startswith("–")]
        out += [w.text() for w in root.findChildren(QAbstractButton) if w.text()]
        out += [w.toolTip() for w in root.findChildren(QAbstractButton) if w.toolTip()]
        for combo in root.findChildren(QComboBox):
            out += [combo.itemText(i) for i in range(combo.count())]
    from vision_desk.gui.shortcuts import _overlay_entries
    out += [t for _k, t in _overlay_entries()]
    return out


def untranslated_strings(texts: list[str]) -> list[str]:
    """Texts with an English word in them (3+ letters, not a name or a technical term kept as is)."""
    bad = []
    for t in texts:
        plain = re.sub(r"<[^>]+>|\([^)]*\.\w+[^)]*\)", " ", t)  # html tags, file patterns
        words = [w for w in re.findall(r"[A-Za-z_][A-Za-z0-9_]{2,}", plain) if w not in KEEP]
        if words:
            bad.append(t)
    return sorted(set(bad))


def test_the_japanese_window_has_translated_menus_and_no_english_left(qtbot, make_gui, japanese) -> None:
    gui = make_gui("sample", ["faces", "objects", "pose", "style"], language="ja")
    titles = [a.menu().title() for a in gui.window.menuBar().actions()]
    assert titles == ["ファイル(&F)", "処理(&P)", "再生(&L)", "表示(&V)", "ヘルプ(&H)"]
    assert gui.window.actions_by_name["toggle_faces"].text() == "顔検出"
    gui.window.stats_panel.update_stats(Stats(), 0.0, {"faces": Faces.empty()}, paused=True)  # every row with a value
    assert untranslated_strings(_surface_texts(gui.window)) == []


def test_english_strings_are_caught_by_the_check(qtbot, make_gui) -> None:
    """The check itself can fail: the English window is full of them."""
    gui = make_gui("sample", ["faces"], language="en")
    assert "Faces" in untranslated_strings(_surface_texts(gui.window))


def test_language_is_chosen_in_the_view_menu_and_remembered(qtbot, make_gui, japanese) -> None:
    gui = make_gui("sample", ["faces"], language="ja")
    act = gui.window.choice_actions["language"]["en"]
    assert gui.window.choice_actions["language"]["ja"].isChecked()
    act.trigger()
    assert gui.store.language == "en"
    assert gui.logic.relaunch_requested  # app.run makes the window again, in English
    qtbot.waitUntil(lambda: not gui.window.isVisible())


def test_system_locale_decides_when_nothing_was_chosen(monkeypatch) -> None:
    from PySide6.QtCore import QLocale

    monkeypatch.setattr(QLocale, "system", staticmethod(lambda: QLocale(QLocale.Language.Japanese)))
    assert i18n.system_language() == "ja"
    monkeypatch.setattr(QLocale, "system", staticmethod(lambda: QLocale(QLocale.Language.German)))
    assert i18n.system_language() == "en"


# --- Japanese drawn on the video -----------------------------------------------------------------------------
def test_japanese_glyphs_are_drawn_not_boxes(qapp) -> None:
    family = needs_cjk_font()
    renderer = qt_text.QtText(family)
    px = renderer.pixel_size(0.6)
    tofu = renderer.mask("\U000F0000", px)  # a private-use code point no font draws: a box or nothing
    for word in ("人", "顔", "右手首"):
        glyphs = renderer.mask(word, px)
        ink = (glyphs > 128).mean()
        assert ink > 0.04, f"{word}: nearly nothing drawn"
        same_size = tofu[:, :glyphs.shape[1]] if tofu.shape[1] >= glyphs.shape[1] else None
        if same_size is not None:
            assert np.abs(glyphs.astype(int) - same_size).mean() > 10
    # A missing-glyph box: the "人" glyph is not that box drawn again.
    one = renderer.mask("人", px)
    width = min(one.shape[1], tofu.shape[1])
    assert np.abs(one[:, :width].astype(int) - tofu[:, :width]).mean() > 10


def test_a_snapshot_in_japanese_has_the_japanese_labels(qtbot, make_gui, japanese, tmp_path) -> None:
    import cv2

    needs_cjk_font()
    from vision_desk.annotate.detections import DetectionsAnnotator

    gui = make_gui("sample", ["objects"], language="ja")
    result = wait_result(qtbot, gui, lambda r: "objects" in r.results and "person" in r.results["objects"].labels)
    with qtbot.waitSignal(gui.controller.snapshotSaved, timeout=30_000) as saved:
        gui.controller.snapshot(tmp_path / "shots", result)
    with_overlays = [p for p in saved.args[0] if "raw" not in Path(p).name][0]
    shot = cv2.imread(with_overlays)
    again = DetectionsAnnotator().annotate(result.image.copy(), result.results["objects"])
    assert np.array_equal(shot, again), "the snapshot is the frame drawn with the Japanese labels"
    question_marks = text.HersheyText()  # what OpenCV's putText would have drawn: "?" for every character
    text.set_renderer(question_marks)
    try:
        ascii_only = DetectionsAnnotator().annotate(result.image.copy(), result.results["objects"])
    finally:
        text.set_renderer(qt_text.QtText(japanese.video_font))
    assert (np.abs(shot.astype(int) - ascii_only).sum(axis=2) > 60).sum() > 50


def test_without_a_cjk_font_the_labels_stay_english_and_the_window_says_why(qtbot, monkeypatch) -> None:
    monkeypatch.setattr(qt_text, "find_cjk_family", lambda: None)
    try:
        state = i18n.install("ja")
        assert state.video_font is None and "fonts-noto-cjk" in state.warning
        assert labels.translate_label("person") == "person"
        assert text.renderer().name == "hershey"
    finally:
        i18n.install("en")


def test_text_size_grows_the_panels_and_the_video_labels(qtbot, make_gui, japanese) -> None:
    gui = make_gui("sample", ["faces"], language="ja")
    before = QApplication.font().pointSizeF()
    label = gui.window.stats_panel.labels["capture"]
    height_before = label.sizeHint().height()
    gui.window.choice_actions["ui_scale"]["150"].trigger()
    assert QApplication.font().pointSizeF() == pytest.approx(before * 1.5)
    assert draw.text_scale() == pytest.approx(1.5)
    assert draw.style_for_height(360).font_scale == pytest.approx(0.45 * 1.5)
    qtbot.waitUntil(lambda: label.sizeHint().height() > height_before)
    assert gui.store.ui_scale == 150
