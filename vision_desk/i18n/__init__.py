"""The language of what vision_desk draws on the video, and the hook that translates a label.

The window's menus, panels and messages use Qt's own translation system
(``vision_desk_ja.ts`` / ``.qm`` here, installed by ``vision_desk.gui.i18n``).
What the annotators draw on the frames (class names, "face", pose parts) is
drawn off the GUI thread by Qt-free code, also used by the command line, so it
is translated with the plain tables below instead. The command line stays
English: only the window calls :func:`set_language`.

A processor with its own class names (ImageNet for ``cnn``) adds a table:

    from vision_desk.i18n import register_labels
    register_labels("ja", {"goldfish": "金魚", ...}, domain="imagenet")

and its annotator draws ``translate_label(name, domain="imagenet")``. The domain keeps names that two
label sets share apart: ImageNet's "kite" is the bird (トビ), COCO's "kite" the toy (凧).
"""
from __future__ import annotations

import re
import threading
from pathlib import Path

from vision_desk.i18n.ja_imagenet import IMAGENET_JA
from vision_desk.i18n.ja_labels import JA, PART_EN
from vision_desk.i18n.ja_lecture import LECTURE_JA
from vision_desk.i18n.ja_messages import HUD_JA, MESSAGES_JA, STYLE_NAMES_JA
from vision_desk.i18n.ja_recognition import RECOGNITION_JA

TRANSLATIONS_DIR = Path(__file__).resolve().parent
LANGUAGES: dict[str, str] = {"en": "English", "ja": "日本語"}  # code -> its own name (the menu shows both)

_lock = threading.Lock()
_language = "en"
_tables: dict[str, dict[str, str]] = {"ja": {**JA, **LECTURE_JA, **RECOGNITION_JA}}
_domain_tables: dict[tuple[str, str], dict[str, str]] = {("ja", "imagenet"): dict(IMAGENET_JA),
                                                          ("ja", "hud"): dict(HUD_JA),
                                                          ("ja", "style"): dict(STYLE_NAMES_JA)}
_messages: dict[str, list[tuple[re.Pattern[str], str]]] = {
    "ja": [(re.compile(pattern), template) for pattern, template in MESSAGES_JA]}


def set_language(code: str) -> None:
    """The language of labels drawn from now on ("en" or "ja"); unknown codes mean English."""
    global _language
    with _lock:
        _language = code if code in LANGUAGES else "en"


def language() -> str:
    return _language


def register_labels(code: str, table: dict[str, str], domain: str | None = None) -> None:
    """Add (or replace) translations of labels for a language: English label -> translated label.

    With ``domain`` (e.g. "imagenet") the table is consulted first only by ``translate_label(..., domain=...)``.
    """
    with _lock:
        target = _tables.setdefault(code, {}) if domain is None else _domain_tables.setdefault((code, domain), {})
        target.update({str(k): str(v) for k, v in table.items()})


def translate_label(label: str, code: str | None = None, domain: str | None = None) -> str:
    """``label`` in the current language (or ``code``); the English label when there is no translation.

    ``domain`` names the label set the label comes from ("imagenet"); its table wins over the shared one."""
    lang = code or _language
    if lang == "en":
        return label
    if domain is not None:
        hit = _domain_tables.get((lang, domain), {}).get(label)
        if hit is not None:
            return hit
    return _tables.get(lang, {}).get(label, label)


def translate_message(text: str, code: str | None = None) -> str:
    """An English sentence made by Qt-free code (the device line, a camera error, a source's description) in
    the current language, by the patterns of ``i18n/ja_messages.py``; unchanged when none matches."""
    lang = code or _language
    if lang == "en" or not text:
        return text
    for pattern, template in _messages.get(lang, ()):
        match = pattern.fullmatch(text.strip())
        if match is not None:
            parts = {k: translate_message(v, lang) if k.endswith("_t") else v
                     for k, v in match.groupdict().items() if v is not None}
            return template.format(**parts)
    return text


def style_name(label: str, code: str | None = None) -> str:
    """A built-in style's name ("Woodcut"), or its label ("22: Woodcut"), in the current language."""
    number, sep, name = label.partition(": ")
    if sep and number.isdigit():
        return f"{number}: {translate_label(name, code, domain='style')}"
    return translate_label(label, code, domain="style")


def untranslated(labels: list[str] | tuple[str, ...], code: str, domain: str | None = None) -> list[str]:
    """The labels that have no translation in ``code`` (tests list them)."""
    table = {**_tables.get(code, {}), **(_domain_tables.get((code, domain), {}) if domain else {})}
    return [label for label in labels if label not in table]


def part_name(keypoint: str, code: str | None = None) -> str:
    """A pose keypoint ("r_wrist") as people say it: "right wrist" / "右手首"."""
    lang = code or _language
    english = PART_EN.get(keypoint, keypoint.replace("_", " "))
    return english if lang == "en" else _tables.get(lang, {}).get(keypoint, english)


def pose_channel_name(view: str, code: str | None = None) -> str:
    """A teaching-view channel: "heatmap: right wrist", "PAF: neck -> right hip", "background"."""
    english = (code or _language) == "en"
    colon = ": " if english else "："  # (Japanese takes the full-width colon, with no space after it)
    if view in PART_EN:
        return f"{translate_label('heatmap', code)}{colon}{part_name(view, code)}"
    if view == "background":
        return f"{translate_label('heatmap', code)}{colon}{translate_label('background', code)}"
    if "-" in view:
        a, b = view.split("-", 1)
        arrow = "->" if english else "→"  # (the command line's font draws ASCII only)
        return f"{translate_label('PAF', code)}{colon}{part_name(a, code)} {arrow} {part_name(b, code)}"
    return translate_label(view, code)


__all__ = ["LANGUAGES", "TRANSLATIONS_DIR", "language", "part_name", "pose_channel_name", "register_labels",
           "set_language", "style_name", "translate_label", "translate_message", "untranslated"]
