"""No English left on the Japanese window's main surfaces (issue 22, item 5), Qt's own dialogs included.

A real window (offscreen Qt) in Japanese, started on a camera that is not there (so the start banner gives
its reason) and falling back to the bundled clip. What a class sees is read from the widgets themselves.
English words that are names (CPU, CUDA, INT8, COCO, SSDLite, file names, ...) are allowed; a run of
lower-case English words is not.
"""
from __future__ import annotations

import re

import pytest

pytest.importorskip("pytestqt")

from PySide6.QtWidgets import (  # noqa: E402
    QAbstractButton, QComboBox, QDockWidget, QFileDialog, QLabel, QListWidget, QWidget,
)
from test_gui import make_gui, wait_result  # noqa: E402,F401  (the fixture is shared)
from test_i18n import japanese, needs_cjk_font  # noqa: E402,F401

from vision_desk.annotate.hud import hud_lines  # noqa: E402
from vision_desk.gui.setting_widgets import picture_filter  # noqa: E402
from vision_desk.gui.source_bar import video_filter  # noqa: E402

# Names and units that are the same in a Japanese window (products, formats, units, acronyms).
NAMES = {"vision_desk", "fps", "ms", "dB", "SSDLite", "MobileNetV2", "COCO", "EfficientNet", "Lite0", "ImageNet",
         "OpenPose", "MobileNet", "thin", "Real", "ESRGAN", "Haar", "IoU", "NMS", "CNN", "GAN", "HUD", "PSNR", "PAF",
         "onnxruntime", "gpu", "avx512_vnni", "proc", "driver", "nvidia", "dev", "video0", "video9", "sample", "mp4",
         "Noto", "Sans", "CJK", "JP", "Ctrl", "Esc", "Space", "Enter", "Shift", "Alt", "Tab", "Home", "End"}
WORD = re.compile(r"[A-Za-z][A-Za-z0-9_]*")


def english_in(text: str) -> list[str]:
    """The English words in ``text`` that are not names (upper-case acronyms are names)."""
    text = re.sub(r"\S+\.(mp4|png|jpg|qm)\b|/\S+|\*\.\w+|<[^>]+>|&(?=\w)|\d+x\d+", " ", text)  # files, paths, sizes, tags
    return [w for w in WORD.findall(text) if w not in NAMES and not w.isupper() and not re.fullmatch(r"[A-Z]+\d+", w)]


def _surface_texts(window: QWidget) -> list[str]:
    texts = [window.windowTitle()]
    for w in window.findChildren(QWidget):
        if not w.isVisible():
            continue
        if isinstance(w, (QLabel, QAbstractButton)):
            texts.append(w.text())
        if isinstance(w, QComboBox):
            texts += [w.itemText(i) for i in range(w.count())]
        if isinstance(w, QDockWidget):
            texts.append(w.windowTitle())
    return [t for t in texts if t]


def test_the_japanese_window_has_no_english_left(qtbot, make_gui, japanese):
    needs_cjk_font()
    gui = make_gui("9", ["objects"], language="ja")  # no camera 9: the sample clip, and the banner says why
    wait_result(qtbot, gui, lambda r: "objects" in r.results)
    qtbot.waitUntil(lambda: "9" in gui.window.banner.message)
    qtbot.waitUntil(lambda: "CPU" in gui.window.stats_panel.device.text())
    gui.logic._refresh_stats()
    left = {t: english_in(t) for t in _surface_texts(gui.window) if english_in(t)}
    assert left == {}, "English on the Japanese window"
    # The banner's reason (from the camera's error) and the device line (from runtime.py) are Japanese too.
    assert english_in(gui.window.banner.message) == []
    assert english_in(gui.window.stats_panel.device.text()) == []
    # The HUD (H) in the labels' language, every line.
    result = wait_result(qtbot, gui, lambda r: bool(r.stats.provider))
    assert [line for line in hud_lines(result.stats, ["objects"]) if english_in(line)] == []
    # The 26 style names of the gallery.
    names = [gui.window.gallery.list.item(i).text() for i in range(gui.window.gallery.list.count())]
    assert len(names) == 26 and [n for n in names if english_in(n)] == []


def test_qt_own_file_dialog_is_japanese(qtbot, make_gui, japanese):
    gui = make_gui("sample", [], language="ja")
    for file_filter in (video_filter(), picture_filter()):
        dialog = QFileDialog(gui.window, "", "", file_filter)
        dialog.setOption(QFileDialog.Option.DontUseNativeDialog)  # (what a Linux desktop without a portal shows)
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.waitExposed(dialog)
        texts = _surface_texts(dialog)
        assert any("ファイル" in t for t in texts)
        left = {t: english_in(t) for t in texts if english_in(t)}
        assert left == {}, "English in Qt's file dialog"
        dialog.close()
