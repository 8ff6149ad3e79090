"""The window's keys for the digits, segment and teach processors.

Kept out of window_logic.py so that these three processors' glue stays in one
small place. Teach's examples are pictures in a folder (processors/teach_examples.py):
Ctrl+1..5 save what the network sees now into class 1..5's sub-folder, and the
processor picks the new picture up by itself. Without a folder chosen, the
examples go to the app's data folder (shown in the status bar), so a class
taught in one lesson is there in the next.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Protocol

from PySide6.QtCore import QStandardPaths
from PySide6.QtWidgets import QInputDialog, QMessageBox

from vision_desk.errors import VisionDeskError
from vision_desk.gui.i18n import translate
from vision_desk.gui.region_drag import RegionDrag
from vision_desk.processors import teach_examples



class WindowLogic(Protocol):
    """What these keys use of the window's logic (gui/window_logic.py, which imports this module)."""

    a: dict[str, Any]  # the window's actions by name
    w: Any  # the main window
    c: Any  # the controller
    teach_drag: RegionDrag | None

    def apply_settings(self, name: str, values: dict[str, Any], enable: bool = False) -> None: ...

    def show_notice(self, text: str) -> None: ...

    def show_error(self, text: str) -> None: ...

ADD_KEYS = 5  # Ctrl+1 .. Ctrl+5 (shortcuts.py)


def default_examples_folder() -> Path:
    base = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation)
    return Path(base or Path.home() / ".vision_desk") / "teach"


def connect(logic: WindowLogic) -> None:
    a = logic.a
    a["next_digit"].triggered.connect(lambda: next_digit(logic))
    for n in range(1, ADD_KEYS + 1):
        a[f"teach_add_{n}"].triggered.connect(lambda _on=False, n=n: add_example(logic, n))
    a["teach_name"].triggered.connect(lambda: ask_class_name(logic))
    a["teach_clear"].triggered.connect(lambda: ask_clear(logic))
    # A drag picks what teach looks at (when superres, which owns the drag while it is on, is off).
    logic.teach_drag = RegionDrag(logic.w.view, lambda region: logic.apply_settings("teach", {"region": region}),
                                  enabled=lambda: "teach" in logic.c.processors
                                  and "superres" not in logic.c.processors)


def next_digit(logic: WindowLogic) -> None:
    result = logic.w.view.result
    found = result.results.get("digits") if result is not None else None
    count = len(found.digits) if found is not None else 0
    current = logic.c.processor_settings("digits").chosen
    logic.apply_settings("digits", {"chosen": (current + 1) % count if count else 0, "view": True}, enable=True)


def examples_folder(logic: WindowLogic) -> Path:
    """The folder in use; the default one is chosen (made, and set) when none is. OSError: it cannot be made."""
    chosen = logic.c.processor_settings("teach").examples
    if chosen:
        return Path(chosen).expanduser()
    folder = default_examples_folder()
    folder.mkdir(parents=True, exist_ok=True)  # the setting names existing folders only
    logic.apply_settings("teach", {"examples": str(folder)})
    return folder


def add_example(logic: WindowLogic, number: int) -> None:
    """Save what the network sees on the frame on screen as an example of class ``number``."""
    from vision_desk.processors.teach import crop_box, parse_region

    result = logic.w.view.result
    if result is None:
        logic.show_notice(translate("Window", "No picture yet: open a camera or a file first"))
        return
    image = result.frame.image
    h, w = image.shape[:2]
    try:
        region = parse_region(logic.c.processor_settings("teach").region)
        folder = examples_folder(logic)
        if region is not None:  # the region, with the margin the network's centre crop takes off again
            x1, y1, x2, y2 = crop_box(w, h, region)
            mx, my = (x2 - x1) // 14, (y2 - y1) // 14
            image = image[max(0, y1 - my):min(h, y2 + my), max(0, x1 - mx):min(w, x2 + mx)]
        path = teach_examples.add_picture(folder, number, image)
    except (VisionDeskError, OSError) as exc:
        logic.show_error(str(exc))
        return
    count = len(next(c for c in teach_examples.classes(folder) if c.folder == path.parent).pictures)
    logic.w.statusBar().showMessage(translate("Window", "Example {n} of '{label}' saved in {folder}").format(
        n=count, label=teach_examples.label_of(path.parent.name), folder=folder), 6000)
    if "teach" not in logic.c.processors:
        logic.a["toggle_teach"].setChecked(True)


def ask_class_name(logic: WindowLogic) -> None:
    """One line, 'number name' ('2 pen'): the class's folder becomes '2 pen'."""
    text, ok = QInputDialog.getText(logic.w, translate("Window", "Name a class"),
                                    translate("Window", "Class number and name, e.g. '2 pen':"))
    number, _, label = text.strip().partition(" ")
    if not ok or not label.strip():
        return
    if not number.isdigit() or not 1 <= int(number) <= 99:
        logic.show_error(translate("Window", "Start with the class number (1-99), then its name: '2 pen'"))
        return
    try:
        teach_examples.rename_class(examples_folder(logic), int(number), label)
    except (VisionDeskError, OSError) as exc:
        logic.show_error(str(exc))


def ask_clear(logic: WindowLogic) -> None:
    try:
        folder = examples_folder(logic)
    except OSError as exc:
        logic.show_error(str(exc))
        return
    answer = QMessageBox.question(logic.w, translate("Window", "Clear the classes"),
                                  translate("Window", "Remove every example picture in {folder}?").format(
                                      folder=folder))
    if answer != QMessageBox.StandardButton.Yes:
        return
    try:
        removed = teach_examples.clear(folder)
    except OSError as exc:
        logic.show_error(str(exc))
        return
    logic.w.statusBar().showMessage(translate("Window", "{n} example pictures removed").format(n=removed), 6000)
