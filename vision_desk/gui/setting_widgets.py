"""One editor widget per processor setting, generated from its schema (settings.describe()).

Why generated: the processors' settings dataclasses are the single
description of what can be tuned (type, range, choices, help). The command
line builds its options from them; the window builds its widgets from them,
so a new setting shows up in both without touching the GUI.

Mapping: bool -> check box; choices -> combo box; int/float with a range ->
slider plus spin box (the slider for sweeping during a demo, the box for an
exact value); other text -> line edit (a file picker for picture settings).
"""
from __future__ import annotations

import math
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox, QComboBox, QDoubleSpinBox, QFileDialog, QHBoxLayout, QLineEdit, QSlider, QSpinBox, QToolButton,
    QWidget,
)

from vision_desk.gui.i18n import translate
from vision_desk.i18n import pose_channel_name
from vision_desk.processors.settings import SettingInfo

PICTURE_PATTERNS = "*.png *.jpg *.jpeg *.bmp *.tif *.tiff *.webp"


def picture_filter() -> str:
    """A picture dialog's file types, in the window's language."""
    return "{} ({});;{} (*)".format(translate("SourceBar", "Pictures"), PICTURE_PATTERNS,
                                    translate("SourceBar", "All files"))


def choice_text(owner: str, info: SettingInfo, value: Any) -> str:
    """What a choice is called in the list: pose channels by body part ("heatmap: right wrist",
    "PAF: neck -> right hip"), other choices as translated words (or the value itself)."""
    if owner == "pose" and info.name == "view" and value != "off":
        return pose_channel_name(str(value), None)
    return translate("Settings", str(value))


class SettingEditor(QWidget):
    """Base: ``value()``, ``set_value()`` (without emitting) and ``edited(value)`` when the user changes it."""

    edited = Signal(object)

    def __init__(self, info: SettingInfo, parent: QWidget | None = None, owner: str = "") -> None:
        super().__init__(parent)
        self.info = info
        self.owner = owner
        reload_note = "\n" + translate("Settings", "(changing it reloads the model)") if info.reload else ""
        tip = translate("Settings", info.help) + reload_note
        self.setToolTip(tip)
        self._layout = QHBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)

    def value(self) -> Any:
        raise NotImplementedError

    def set_value(self, value: Any) -> None:
        raise NotImplementedError


class BoolEditor(SettingEditor):
    def __init__(self, info: SettingInfo, parent: QWidget | None = None, owner: str = "") -> None:
        super().__init__(info, parent, owner)
        self.box = QCheckBox(translate("Settings", info.label))
        self.box.setToolTip(self.toolTip())
        self._layout.addWidget(self.box)
        self.box.toggled.connect(lambda on: self.edited.emit(bool(on)))

    def value(self) -> bool:
        return self.box.isChecked()

    def set_value(self, value: Any) -> None:
        self.box.blockSignals(True)
        self.box.setChecked(bool(value))
        self.box.blockSignals(False)


class ChoiceEditor(SettingEditor):
    def __init__(self, info: SettingInfo, parent: QWidget | None = None, owner: str = "") -> None:
        super().__init__(info, parent, owner)
        self.combo = QComboBox()
        self.combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.combo.setMinimumContentsLength(10)
        if len(info.choices or ()) > 12:
            self.combo.setMaxVisibleItems(20)
        for choice in info.choices or ():
            self.combo.addItem(choice_text(owner, info, choice), choice)
        self.combo.setToolTip(self.toolTip())
        self._layout.addWidget(self.combo, 1)
        self.combo.activated.connect(lambda _i: self.edited.emit(self.value()))

    def value(self) -> Any:
        return self.combo.currentData()

    def set_value(self, value: Any) -> None:
        index = self.combo.findData(value)
        if index < 0:
            index = self.combo.findText(str(value))
        if index >= 0:
            self.combo.setCurrentIndex(index)


class NumberEditor(SettingEditor):
    """A slider and a spin box kept in step; the slider works in whole steps of the setting."""

    def __init__(self, info: SettingInfo, parent: QWidget | None = None, owner: str = "") -> None:
        super().__init__(info, parent, owner)
        lo, hi = info.range or (-1_000_000, 1_000_000)
        self._is_int = info.type is int
        self._lo = lo
        if self._is_int:
            self._step = max(1, int(info.step or 1))
            self.spin: QSpinBox | QDoubleSpinBox = QSpinBox()
            self.spin.setRange(int(lo), int(hi))
            self.spin.setSingleStep(self._step)
        else:
            self._step = float(info.step or _nice_step(hi - lo))
            self.spin = QDoubleSpinBox()
            self.spin.setDecimals(max(0, -math.floor(math.log10(self._step))) if self._step < 1 else 1)
            self.spin.setRange(float(lo), float(hi))
            self.spin.setSingleStep(self._step)
        self.spin.setKeyboardTracking(False)  # typing "0.35" must not apply 0, 0.3, 0.35 one after another
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setRange(0, min(100_000, max(1, round((hi - lo) / self._step))))
        # Huge ranges (e.g. min_size 8-4096) would make the slider useless: the spin box is enough there.
        self.slider.setVisible(self.slider.maximum() <= 2000)
        for w in (self.slider, self.spin):
            w.setToolTip(self.toolTip())
        self._layout.addWidget(self.slider, 1)
        self._layout.addWidget(self.spin)
        self.slider.valueChanged.connect(self._from_slider)
        self.spin.valueChanged.connect(self._from_spin)

    def _to_slider(self, value: float) -> int:
        return round((value - self._lo) / self._step)

    def _from_slider(self, pos: int) -> None:
        value = self._lo + pos * self._step
        value = int(round(value)) if self._is_int else round(value, 6)
        self.spin.blockSignals(True)
        self.spin.setValue(value)
        self.spin.blockSignals(False)
        self.edited.emit(self.value())

    def _from_spin(self, value: float) -> None:
        self.slider.blockSignals(True)
        self.slider.setValue(self._to_slider(value))
        self.slider.blockSignals(False)
        self.edited.emit(self.value())

    def value(self) -> Any:
        v = self.spin.value()
        return int(v) if self._is_int else float(v)

    def set_value(self, value: Any) -> None:
        for w in (self.spin, self.slider):
            w.blockSignals(True)
        self.spin.setValue(value)
        self.slider.setValue(self._to_slider(float(value)))
        for w in (self.spin, self.slider):
            w.blockSignals(False)


class TextEditor(SettingEditor):
    """Free text, applied when editing finishes; picture settings get a browse button."""

    def __init__(self, info: SettingInfo, parent: QWidget | None = None, owner: str = "") -> None:
        super().__init__(info, parent, owner)
        self.line = QLineEdit()
        self.line.setClearButtonEnabled(True)
        self.line.setToolTip(self.toolTip())
        self._layout.addWidget(self.line, 1)
        self._last = ""
        self.line.editingFinished.connect(self._finished)
        if is_picture_setting(info):
            browse = QToolButton()
            browse.setText("…")
            browse.setToolTip(translate("Settings", "Choose a picture"))
            browse.clicked.connect(self._browse)
            self._layout.addWidget(browse)

    def _finished(self) -> None:
        text = self.line.text().strip()
        if text != self._last:
            self._last = text
            self.edited.emit(text)

    def _browse(self) -> None:
        title = translate("Settings", "Choose: {what}").format(what=translate("Settings", self.info.label))
        path, _ = QFileDialog.getOpenFileName(self, title, self.line.text(), picture_filter())
        if path:
            self.line.setText(path)
            self._finished()

    def value(self) -> str:
        return self.line.text().strip()

    def set_value(self, value: Any) -> None:
        self._last = "" if value is None else str(value)
        self.line.setText(self._last)


def is_picture_setting(info: SettingInfo) -> bool:
    return info.type is str and info.choices is None and any(w in info.name for w in ("image", "picture", "path"))


def _nice_step(span: float) -> float:
    """About a hundred slider positions across the range, on a 1/2/5 scale."""
    raw = span / 100 if span > 0 else 0.01
    exp = math.floor(math.log10(raw))
    for m in (1, 2, 5, 10):
        if m * 10 ** exp >= raw:
            return m * 10 ** exp
    return raw


def make_editor(info: SettingInfo, parent: QWidget | None = None, owner: str = "") -> SettingEditor:
    """The widget for one setting of processor ``owner`` (its name picks display names for choices)."""
    if info.type is bool:
        editor: SettingEditor = BoolEditor(info, parent, owner)
    elif info.choices is not None:
        editor = ChoiceEditor(info, parent, owner)
    elif info.type in (int, float):
        editor = NumberEditor(info, parent, owner)
    else:
        editor = TextEditor(info, parent, owner)
    editor.set_value(info.default)
    return editor
