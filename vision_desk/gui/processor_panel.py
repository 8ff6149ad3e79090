"""Processor toggles and their live settings.

One group per processor: a check box that switches it on or off, a busy
indicator while its model loads, and its settings as widgets generated from
its schema. Edits are coalesced for a moment (a slider drag sends dozens of
values) and then sent as one ``settingsEdited`` signal; the window applies
them through the controller, which validates at once.
"""
from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox, QFormLayout, QFrame, QHBoxLayout, QLabel, QProgressBar, QScrollArea, QVBoxLayout, QWidget,
)

from vision_desk import processors as registry
from vision_desk.gui.i18n import translate
from vision_desk.gui.setting_widgets import SettingEditor, make_editor
from vision_desk.processors.settings import describe

DEBOUNCE_MS = 120
RELOAD_DEBOUNCE_MS = 450  # settings that reload a model wait until the user stops moving

SHORT_TITLES = {"faces": "Faces", "objects": "Objects", "pose": "Pose", "style": "Style transfer",
                "cnn": "CNN layers", "superres": "GAN super-resolution", "digits": "Handwritten digits",
                "segment": "Person segmentation", "teach": "Teach a class"}
WHAT_IT_IS = {
    "faces": "Viola-Jones Haar cascades (OpenCV)",
    "objects": "SSDLite MobileNetV2, 90 COCO classes",
    "pose": "OpenPose on MobileNet-thin, 18 keypoints",
    "style": "fast neural style transfer, 26 styles",
    "cnn": "EfficientNet-Lite0, 1000 ImageNet classes",
    "superres": "Real-ESRGAN x4 beside bicubic; drag a region",
    "digits": "an MNIST CNN, pooling layer by layer",
    "segment": "MediaPipe selfie segmentation",
    "teach": "EfficientNet-Lite0 embeddings, k-NN; Ctrl+1..5 add examples",
}


class ProcessorGroup(QFrame):
    """The check box, busy indicator and settings of one processor."""

    toggled = Signal(str, bool)
    edited = Signal(str, dict)  # coalesced changes

    def __init__(self, name: str, skip: tuple[str, ...] = (), parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.name = name
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setObjectName(f"group_{name}")
        outer = QVBoxLayout(self)
        outer.setContentsMargins(8, 6, 8, 6)
        head = QHBoxLayout()
        self.check = QCheckBox(translate("Commands", SHORT_TITLES.get(name, name)))
        self.check.setObjectName(f"toggle_{name}")
        font = self.check.font()
        font.setBold(True)
        self.check.setFont(font)
        self.busy = QProgressBar()
        self.busy.setRange(0, 0)  # indeterminate
        self.busy.setMaximumWidth(90)
        self.busy.setMaximumHeight(12)
        self.busy.setTextVisible(False)
        self.busy.setVisible(False)
        self.status = QLabel()
        self.status.setStyleSheet("color: palette(mid);")
        head.addWidget(self.check)
        head.addStretch(1)
        head.addWidget(self.status)
        head.addWidget(self.busy)
        outer.addLayout(head)
        self.body = QWidget()
        self.form = QFormLayout(self.body)
        self.form.setContentsMargins(0, 0, 0, 0)
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)  # narrow panel: field under its label
        outer.addWidget(self.body)
        self.editors: dict[str, SettingEditor] = {}
        self._reload: set[str] = set()
        self._pending: dict[str, Any] = {}
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._flush)
        try:
            cls = registry.processor_class(name)
        except Exception as exc:  # a missing optional module must not take the window down
            self.check.setEnabled(False)
            self.status.setText(translate("ProcessorPanel", "not available"))
            self.setToolTip(f"{name} cannot be loaded: {exc}")
            self.body.setVisible(False)
            return
        what = translate("Settings", WHAT_IT_IS.get(name, ""))
        self.check.setToolTip(f"{translate('Commands', SHORT_TITLES.get(name, name))}: {what}")
        self.subtitle = QLabel(what)
        self.subtitle.setWordWrap(True)
        self.subtitle.setStyleSheet("color: palette(mid);")
        self.form.addRow(self.subtitle)
        for info in describe(cls.settings_type):
            if info.name in skip:
                continue
            editor = make_editor(info, owner=name)
            editor.setObjectName(f"{name}.{info.name}")
            editor.edited.connect(lambda value, key=info.name: self._queue(key, value))
            self.editors[info.name] = editor
            if info.reload:
                self._reload.add(info.name)
            if info.type is bool:
                self.form.addRow(editor)
            else:
                label = QLabel(translate("Settings", info.label))
                label.setWordWrap(True)
                label.setToolTip(editor.toolTip())
                self.form.addRow(label, editor)
        self.check.toggled.connect(self._on_toggle)
        self.body.setVisible(False)

    def _on_toggle(self, on: bool) -> None:
        self.body.setVisible(on)
        if not on:
            self.set_loading(False)
        self.toggled.emit(self.name, on)

    def _queue(self, key: str, value: Any) -> None:
        self._pending[key] = value
        self._timer.start(RELOAD_DEBOUNCE_MS if key in self._reload else max(DEBOUNCE_MS, self._timer.remainingTime()))

    def _flush(self) -> None:
        pending, self._pending = self._pending, {}
        if pending:
            self.edited.emit(self.name, pending)

    def flush(self) -> None:
        """Send queued edits now (tests, and before saving)."""
        self._timer.stop()
        self._flush()

    def set_checked(self, on: bool) -> None:
        self.check.blockSignals(True)
        self.check.setChecked(on)
        self.check.blockSignals(False)
        self.body.setVisible(on and self.check.isEnabled())

    def set_values(self, settings: Any) -> None:
        for key, editor in self.editors.items():
            editor.set_value(getattr(settings, key))

    def set_loading(self, loading: bool) -> None:
        self.busy.setVisible(loading)
        self.status.setText(translate("ProcessorPanel", "loading model…") if loading else "")


class ProcessorPanel(QScrollArea):
    """All four groups in a scrollable column; the style group carries the style gallery on top."""

    toggled = Signal(str, bool)
    settingsEdited = Signal(str, dict)

    def __init__(self, style_gallery: QWidget | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWidgetResizable(True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        inner = QWidget()
        column = QVBoxLayout(inner)
        column.setContentsMargins(4, 4, 4, 4)
        self.groups: dict[str, ProcessorGroup] = {}
        for name in registry.PROCESSOR_NAMES:
            # The gallery replaces the plain number box for the built-in style.
            skip = ("style",) if name == "style" and style_gallery is not None else ()
            group = ProcessorGroup(name, skip)
            if name == "style" and style_gallery is not None:
                group.form.insertRow(1, style_gallery)
            group.toggled.connect(self.toggled)
            group.edited.connect(self.settingsEdited)
            column.addWidget(group)
            self.groups[name] = group
        column.addStretch(1)
        self.setWidget(inner)
        self.setMinimumWidth(260)

    def show_heading(self, name: str) -> None:
        """Scroll so that this group's heading (its check box) is in view, at the top if it has to move.

        (ensureWidgetVisible on a group taller than the panel, style with its gallery, scrolled to its
        bottom and took every heading out of view.)"""
        group = self.groups[name]
        top = group.y()
        bar = self.verticalScrollBar()
        if top < bar.value() or top + group.check.height() + 8 > bar.value() + self.viewport().height():
            bar.setValue(top)

    def set_active(self, names: list[str]) -> None:
        for name, group in self.groups.items():
            group.set_checked(name in names)

    def active(self) -> list[str]:
        return [n for n, g in self.groups.items() if g.check.isChecked()]

    def set_values(self, name: str, settings: Any) -> None:
        self.groups[name].set_values(settings)

    def set_loading(self, name: str, loading: bool) -> None:
        if name in self.groups:
            self.groups[name].set_loading(loading)

    def flush(self) -> None:
        for group in self.groups.values():
            group.flush()
