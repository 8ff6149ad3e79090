"""A message strip above the video: errors and notices without a blocking dialog.

Why not a message box: in front of a class, a modal dialog stops the demo and
hides the picture. The banner says what happened (camera unplugged, file
unreadable, a model failed), the video keeps running, and the teacher can
dismiss it. A message that repeats (a processor failing on every frame) is
shown once with a counter instead of flickering.
"""
from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QToolButton, QWidget

from vision_desk.sources.stream import redact

NOTICE_MS = 12_000  # passing notices fade after a while; errors stay until dismissed or replaced

_STYLES = {
    "error": "QFrame#banner { background: #b71c1c; } QLabel { color: white; }",
    "notice": "QFrame#banner { background: #f9a825; } QLabel { color: black; }",
}


class Banner(QFrame):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("banner")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 6, 6, 6)
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.label.setObjectName("banner_text")
        close = QToolButton()
        close.setText("✕")
        close.setToolTip("dismiss")
        close.setAutoRaise(True)
        close.clicked.connect(self.dismiss)
        layout.addWidget(self.label, 1)
        layout.addWidget(close)
        self._kind = ""
        self._message = ""
        self._count = 0
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.dismiss)
        self.hide()

    @property
    def kind(self) -> str:
        return self._kind if self.isVisibleTo(self.parentWidget()) else ""

    @property
    def message(self) -> str:
        return self._message if not self.isHidden() else ""

    def show_error(self, message: str) -> None:
        self._show("error", message)

    def show_notice(self, message: str, sticky: bool = False) -> None:
        """``sticky``: stays until dismissed (e.g. "no camera: playing the sample clip")."""
        self._show("notice", message, sticky)

    def _show(self, kind: str, message: str, sticky: bool = False) -> None:
        message = redact(message)  # a stream URL the user typed may carry a password: never on screen
        if kind == self._kind and message == self._message and not self.isHidden():
            self._count += 1
        else:
            self._kind, self._message, self._count = kind, message, 1
            self.setStyleSheet(_STYLES[kind])
        text = message if self._count == 1 else f"{message}  (×{self._count})"
        self.label.setText(text)
        self.show()
        if kind == "notice" and not sticky:
            self._timer.start(NOTICE_MS)
        else:
            self._timer.stop()

    def dismiss(self) -> None:
        self._timer.stop()
        self._message, self._kind, self._count = "", "", 0
        self.hide()
