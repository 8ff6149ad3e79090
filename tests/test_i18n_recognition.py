"""Every word the digits, segment and teach views draw has a Japanese label; the command line stays English."""
from __future__ import annotations

import re
from pathlib import Path

from vision_desk import i18n
from vision_desk.annotate import digits as digits_view
from vision_desk.annotate import segment as segment_view

ANNOTATORS = Path(__file__).resolve().parent.parent / "vision_desk" / "annotate"


def drawn_words() -> set[str]:
    """The literals the three annotators pass to translate_label, and their caption tables."""
    words: set[str] = set()
    for name in ("digits", "segment", "teach"):
        source = (ANNOTATORS / f"{name}.py").read_text(encoding="utf-8")
        words |= set(re.findall(r'translate_label\(\s*"([^"]+)"', source))
    words |= {title for _, title in digits_view.COLUMNS} | set(segment_view.CAPTIONS.values())
    return words


def test_every_drawn_word_has_a_japanese_label():
    words = drawn_words()
    assert len(words) >= 12 and "input" in words and "person mask" in words
    assert i18n.untranslated(sorted(words), "ja") == []


def test_labels_are_english_until_the_window_asks_for_japanese():
    assert i18n.translate_label("max pool 2x2") == "max pool 2x2"
    i18n.set_language("ja")
    try:
        assert i18n.translate_label("max pool 2x2") == "最大プーリング 2×2"
        assert i18n.translate_label("read: {digits}").format(digits="42") == "読み取り：42"
    finally:
        i18n.set_language("en")
