"""The README's keyboard-shortcut table is the truth: every key it lists, pressed in the window, runs its command.

The table is read from README.md and the commands from the code (gui/shortcuts.COMMANDS), so a
key added to either one is checked here without editing this file: a key in one and not the
other fails, a key bound to a different command than the README says fails, and a key that
does nothing when pressed fails.
"""
from __future__ import annotations

import re
import threading
from pathlib import Path

import pytest

pytest.importorskip("pytestqt")

from PySide6.QtGui import QKeySequence  # noqa: E402
from PySide6.QtWidgets import QApplication, QFileDialog, QInputDialog, QMessageBox  # noqa: E402

from vision_desk.gui.app import LaunchOptions, build  # noqa: E402
from vision_desk.gui.settings_store import SettingsStore  # noqa: E402
from vision_desk.gui.shortcuts import COMMANDS  # noqa: E402

README = Path(__file__).resolve().parents[1] / "README.md"
ESC = "Esc"  # not a command of its own: it leaves presenter mode and closes the help


def readme_rows() -> list[tuple[list[str], str]]:
    """(keys, what) per row of the README's "Keyboard shortcuts" table."""
    text = README.read_text(encoding="utf-8")
    assert "### Keyboard shortcuts" in text, "README.md lost its keyboard shortcut table"
    rows: list[tuple[list[str], str]] = []
    for line in text.split("### Keyboard shortcuts", 1)[1].splitlines()[1:]:
        if not line.startswith("|"):
            if rows:
                break
            continue
        keys, what = (c.strip() for c in line.strip().strip("|").split("|"))
        if keys == "Keys" or set(keys) <= set("-: "):
            continue
        rows.append(([k.strip() for k in keys.split(" / ")], what))
    return rows


def command_for_key() -> dict[str, str]:
    return {key: cmd.name for cmd in COMMANDS for key in cmd.keys}


def readme_keys() -> list[tuple[str, str]]:
    """(key, the README's words for it): a row with several keys for several commands ("1 / 2 | Faces /
    Objects on or off") pairs its keys and its words in order."""
    owner = command_for_key()
    out = []
    for keys, what in readme_rows():
        commands = {owner.get(k) for k in keys}
        parts = [p.strip() for p in what.split(" / ")] if len(commands) > 1 else [what] * len(keys)
        assert len(parts) == len(keys), f"README row {' / '.join(keys)} | {what}: {len(keys)} keys, {len(parts)} names"
        out += list(zip(keys, parts))
    return out


def words(text: str) -> set[str]:
    return set(re.findall(r"[\w-]+", text.lower()))


def test_the_readme_table_and_the_code_list_the_same_keys():
    listed = [k for k, _ in readme_keys()]
    assert len(listed) == len(set(listed)), f"a key is listed twice in README.md: {listed}"
    in_code = set(command_for_key()) | {ESC}
    assert set(listed) == in_code, (f"only in README.md: {sorted(set(listed) - in_code)}; "
                                    f"only in the code: {sorted(in_code - set(listed))}")


def test_each_key_is_bound_to_the_command_the_readme_names():
    by_name = {c.name: c for c in COMMANDS}
    owner = command_for_key()
    for key, what in readme_keys():
        if key == ESC:
            assert {"presenter", "help"} <= words(what), what
            continue
        text = by_name[owner[key]].text.rstrip("…")
        first = re.findall(r"[\w-]+", text.lower())[0]
        assert first in words(what), f"README: {key} = {what!r}; the code binds {key} to {text!r}"


@pytest.fixture
def window(qtbot, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    asked: list[str] = []  # the dialogs a command opened (answered "cancel": a modal dialog would block the test)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (asked.append("file"), ("", ""))[1])
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: (asked.append("folder"), "")[1])
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: (asked.append("text"), ("", False))[1])
    monkeypatch.setattr(QMessageBox, "question",
                        lambda *a, **k: (asked.append("question"), QMessageBox.StandardButton.No)[1])
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))  # teach's Ctrl+1..5 save example pictures there
    store = SettingsStore(tmp_path / "settings.ini")
    store.output_dir = tmp_path / "out"
    gui = build(LaunchOptions(source="sample", processors=[], settings_path=str(tmp_path / "settings.ini"),
                              fresh=True), store)
    qtbot.addWidget(gui.window)
    gui.window.show()
    qtbot.waitExposed(gui.window)
    yield gui, asked
    gui.window.close()
    # Keys 1-4 started model loads; a load cannot be interrupted, so wait for the loader to finish.
    qtbot.waitUntil(lambda: not [t for t in threading.enumerate() if t.name.startswith("vd-")], timeout=120_000)


def press(qtbot, widget, key: str) -> None:
    combo = QKeySequence(key)[0]
    qtbot.keyClick(widget, combo.key(), combo.keyboardModifiers())


def test_every_key_in_the_readme_table_runs_its_command_in_the_window(qtbot, window):
    gui, asked = window
    w = gui.window
    fired: list[str] = []
    for name, action in w.actions_by_name.items():
        action.triggered.connect(lambda *_, n=name: fired.append(n))
    w.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is w)  # shortcuts belong to the active window
    owner = command_for_key()
    keys = [k for k, _ in readme_keys()]
    quit_keys = [k for k in keys if owner.get(k) == "quit"]  # last: it closes the window
    for key in [k for k in keys if k not in quit_keys and k != ESC] + [ESC] + quit_keys:
        fired.clear()
        asked.clear()
        if key == ESC:
            w.actions_by_name["presenter"].setChecked(True)
            press(qtbot, w, key)
            assert not gui.logic.presenter.active, "Esc did not leave presenter mode"
            w.help_overlay.show()
            press(qtbot, w, key)
            assert not w.help_overlay.isVisible(), "Esc did not close the help"
            continue
        press(qtbot, w, key)
        assert fired == [owner[key]], f"key {key!r}: expected {owner[key]}, these ran: {fired}"
        # Put back what a command opened that would take the next key press.
        if w.camera_menu.isVisible():
            w.camera_menu.hide()
        if w.help_overlay.isVisible():
            w.help_overlay.hide()
        if owner[key] in ("open_file", "open_folder", "open_url", "style_image", "output_dir"):
            assert asked, f"key {key!r} ({owner[key]}) did not ask for a file, folder or URL"
        w.activateWindow()
        qtbot.waitUntil(lambda: QApplication.activeWindow() is w)
    if quit_keys:
        assert not w.isVisible(), "the quit key did not close the window"
