"""Keyboard focus goes back to the video when a settings field is done with.

Why: a focused number box or text field takes printable keys first (Qt's
shortcut override), so after typing 0.50 into a threshold box, Space, Home and
3 went into the box instead of pausing, rewinding and toggling pose until the
teacher clicked the video. Enter (apply) and Esc (leave the field) now hand the
focus to ``home`` (the video view), so the next single-key shortcut works.
Only text fields are affected: check boxes, sliders and combo boxes do not
take printable keys, so shortcuts already work while they have the focus.
"""
from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QAbstractSpinBox, QApplication, QLineEdit, QWidget

_DONE_KEYS = (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Escape)


def _text_field(widget: QObject | None) -> QWidget | None:
    """The spin box or line edit that ``widget`` is (or is the inner line edit of), else None."""
    if isinstance(widget, QLineEdit) and isinstance(widget.parent(), QAbstractSpinBox):
        return widget.parent()  # type: ignore[return-value]
    if isinstance(widget, (QLineEdit, QAbstractSpinBox)):
        return widget
    return None


class FocusReturner(QObject):
    """Installed on the application: Enter or Esc in a text field of ``window`` gives ``home`` the focus."""

    def __init__(self, window: QWidget, home: QWidget) -> None:
        super().__init__(window)
        self._window = window
        self._home = home
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)
        window.destroyed.connect(self._uninstall)

    def _uninstall(self) -> None:
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        kind = event.type()
        if kind not in (QEvent.Type.KeyPress, QEvent.Type.ShortcutOverride) or not isinstance(event, QKeyEvent):
            return False
        if event.key() not in _DONE_KEYS:
            return False
        field = _text_field(obj)
        if field is None or field.window() is not self._window:
            return False
        if kind == QEvent.Type.ShortcutOverride:
            # Esc is also the window's "leave presenter mode" shortcut: claim it, so the field gets the key.
            if event.key() == Qt.Key.Key_Escape:
                event.accept()
                return True
            return False
        if event.key() == Qt.Key.Key_Escape and isinstance(field, QAbstractSpinBox):
            field.setValue(field.value())  # type: ignore[attr-defined]  # drop the half-typed text
        # After the field has handled the key (Enter applies the value), so nothing typed is lost.
        QTimer.singleShot(0, self._home.setFocus)
        return event.key() == Qt.Key.Key_Escape  # Esc only leaves the field (it must not leave presenter mode)
