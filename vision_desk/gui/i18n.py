"""The window's language: Qt's translation system for the widgets, the label tables for the video.

- ``vision_desk/i18n/vision_desk_ja.ts`` is the source (edit it with Qt Linguist or by hand);
  ``vision_desk_ja.qm`` is built from it by ``python tools/i18n.py build`` (pyside6-lrelease, shipped with
  PySide6-Essentials) and committed, so an installed vision_desk needs no build step; a test checks that
  the committed .qm is exactly what lrelease makes from the .ts.
- The language is the saved choice (View > Language), else the system locale's (Japanese -> "ja").
- Text drawn on the video in Japanese needs a CJK font: found in Qt's font database; without one the
  overlay labels stay English and the window says which package to install.
"""
from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QLibraryInfo, QLocale, QTranslator

from vision_desk import i18n as labels
from vision_desk.annotate import text as text_render
from vision_desk.gui import qt_text
from vision_desk.i18n import LANGUAGES, TRANSLATIONS_DIR

FONT_HINT = "install a Japanese font (Debian/Ubuntu: apt install fonts-noto-cjk)"

# Qt's own file dialog (qtbase_ja.qm, shipped with PySide6) lacks these two: Qt 6 added "&" accelerators
# to their sources, and the Japanese file still has the old ones. Ours fills the gap (Qt asks each
# installed translator in turn), so the open-file dialog has no English left.
QT_GAPS = (QT_TRANSLATE_NOOP("QFileDialog", "&Look in:"), QT_TRANSLATE_NOOP("QFileDialog", "Files of &type:"))


def translate(context: str, text: str) -> str:
    """``text`` in the window's language (Qt's translators; the English text when none has it)."""
    return QCoreApplication.translate(context, text)


def system_language() -> str:
    """The system locale's language if vision_desk speaks it ("ja"), else "en"."""
    return "ja" if QLocale.system().language() == QLocale.Language.Japanese else "en"


def qm_path(code: str) -> str:
    return str(TRANSLATIONS_DIR / f"vision_desk_{code}.qm")


@dataclass
class LanguageState:
    code: str = "en"
    video_font: str | None = None  # the font family used for text on the video (None: Hershey, English)
    warning: str = ""  # something the window should say (a missing font or translation file)


_installed: list[QTranslator] = []
_state = LanguageState()


def current() -> LanguageState:
    return _state


def install(code: str) -> LanguageState:
    """Make ``code`` the window's language: Qt translators, the video's labels and their font."""
    global _state
    app = QCoreApplication.instance()
    for old in _installed:
        if app is not None:
            app.removeTranslator(old)
    _installed.clear()
    code = code if code in LANGUAGES else "en"
    state = LanguageState(code)
    if code != "en" and app is not None:
        ours = QTranslator(app)
        if ours.load(qm_path(code)):
            app.installTranslator(ours)
            _installed.append(ours)
        else:
            state.warning = f"The {LANGUAGES[code]} translation ({qm_path(code)}) could not be loaded; " \
                            "reinstall vision_desk"
        qt_own = QTranslator(app)  # Qt's own dialogs (file dialogs, buttons): shipped with PySide6
        if qt_own.load(f"qtbase_{code}", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
            app.installTranslator(qt_own)
            _installed.append(qt_own)
    video_code = code
    if code != "en":
        family = qt_text.find_cjk_family() if app is not None else None
        if family is None:
            video_code = "en"
            no_font = translate("Language", "No Japanese font found: the labels on the video stay in English; {hint}")
            state.warning = state.warning or no_font.format(hint=FONT_HINT)
            text_render.set_renderer(None)
        else:
            state.video_font = family
            text_render.set_renderer(qt_text.QtText(family))
    else:
        text_render.set_renderer(None)
    labels.set_language(video_code)
    _state = state
    return state


__all__ = ["FONT_HINT", "LanguageState", "current", "install", "qm_path", "system_language", "translate"]
