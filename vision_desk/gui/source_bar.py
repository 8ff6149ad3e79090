"""Choosing what to watch (cameras, files, folders, streams, the sample clip) and playing files.

The camera menu fills itself on a worker thread the first time it opens (and
on "Look again"), so probing devices never freezes the window. The playback
bar only shows for sources that can seek (files); its slider follows the
frame on screen and seeks when the user drags or clicks it.
"""
from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QHBoxLayout, QLabel, QMenu, QSlider, QToolBar, QToolButton, QWidget

from vision_desk.gui.i18n import translate

VIDEO_PATTERNS = "*.mp4 *.avi *.mov *.mkv *.webm *.m4v *.mpg *.mpeg *.wmv *.gif *.png *.jpg *.jpeg *.bmp *.tif *.tiff *.webp"


def video_filter() -> str:
    """The open dialog's file types, in the window's language."""
    return "{} ({});;{} (*)".format(translate("SourceBar", "Videos and pictures"), VIDEO_PATTERNS,
                                    translate("SourceBar", "All files"))


class CameraMenu(QMenu):
    """Cameras found on this computer; ``cameraChosen(spec)``. Call :meth:`set_cameras` with the probe result."""

    cameraChosen = Signal(str)
    refreshRequested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(translate("SourceBar", "Camera"), parent)
        self.setObjectName("camera_menu")
        self._probed = False
        self._busy = False
        self.aboutToShow.connect(self._maybe_probe)
        self._show_text(translate("SourceBar", "Looking for cameras…"))

    def _show_text(self, text: str) -> None:
        self.clear()
        act = self.addAction(text)
        act.setEnabled(False)

    def _maybe_probe(self) -> None:
        if not self._probed and not self._busy:
            self.probe()

    def probe(self) -> None:
        self._busy = True
        self._show_text(translate("SourceBar", "Looking for cameras…"))
        self.refreshRequested.emit()

    def set_cameras(self, cameras: list[Any]) -> None:
        self._probed, self._busy = True, False
        self.clear()
        if not cameras:
            act = self.addAction(translate("SourceBar", "No camera found"))
            act.setEnabled(False)
        for cam in cameras:
            name = getattr(cam, "name", "") or f"camera {cam.index}"
            device = getattr(cam, "device", "")
            act = self.addAction(f"{name}  ({device or cam.index})")
            act.setData(str(getattr(cam, "spec", cam.index)))
            act.triggered.connect(lambda _=False, spec=act.data(): self.cameraChosen.emit(spec))
        self.addSeparator()
        again = self.addAction(translate("SourceBar", "Look again"))
        again.triggered.connect(self.probe)


def make_source_toolbar(actions: dict[str, QAction], camera_menu: CameraMenu, parent: QWidget) -> QToolBar:
    """The top tool bar: sources, outputs, view options."""
    bar = QToolBar("Main", parent)
    bar.setObjectName("main_toolbar")
    bar.setMovable(False)
    bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
    cam = QToolButton(bar)
    cam.setObjectName("camera_button")
    cam.setDefaultAction(actions["camera"])
    cam.setMenu(camera_menu)
    cam.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
    bar.addWidget(cam)
    for name in ("open_file", "open_folder", "open_url", "open_sample"):
        bar.addAction(actions[name])
    bar.addSeparator()
    for name in ("record", "snapshot"):
        bar.addAction(actions[name])
    bar.addSeparator()
    for name in ("mirror", "hud", "side_by_side", "presenter", "help"):
        bar.addAction(actions[name])
    return bar


class PlaybackBar(QWidget):
    """Play/pause, step, loop, real-time, and a seek slider with the position."""

    seekRequested = Signal(int)

    def __init__(self, actions: dict[str, QAction], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("playback_bar")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 2, 6, 2)
        for name in ("play_pause", "step", "restart"):
            btn = QToolButton()
            btn.setDefaultAction(actions[name])
            layout.addWidget(btn)
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setObjectName("seek_slider")
        self.slider.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # keys stay with the window's shortcuts
        self.slider.setRange(0, 0)
        self.slider.setMinimumWidth(80)  # (a narrow window keeps the buttons; the slider gives way)
        layout.addWidget(self.slider, 1)
        self.position = QLabel("–")
        self.position.setMinimumWidth(self.position.fontMetrics().horizontalAdvance("00000 / 00000 "))
        layout.addWidget(self.position)
        for name in ("loop", "realtime"):
            btn = QToolButton()
            btn.setObjectName(f"{name}_button")
            btn.setDefaultAction(actions[name])
            layout.addWidget(btn)
        # On and off must differ at a glance from the back of the room, not only by a faint frame.
        # Real time / Every frame is a choice of two modes, not on/off: "Every frame" in grey read as
        # "every frame: off", so both modes are shown as chosen (blue, and green for every frame).
        self.setStyleSheet("QToolButton:checked { background: #1565c0; color: white; border-radius: 3px; "
                           "font-weight: bold; } "
                           "QToolButton#realtime_button:!checked { background: #2e7d32; color: white; "
                           "border-radius: 3px; font-weight: bold; }")
        # While dragging, seek at most every 80 ms (each seek restarts decoding); always on release.
        self._drag_timer = QTimer(self)
        self._drag_timer.setSingleShot(True)
        self._drag_timer.setInterval(80)
        self._drag_timer.timeout.connect(lambda: self.seekRequested.emit(self.slider.value()))
        self.slider.sliderMoved.connect(lambda _v: self._drag_timer.isActive() or self._drag_timer.start())
        self.slider.sliderReleased.connect(lambda: self.seekRequested.emit(self.slider.value()))
        self.slider.actionTriggered.connect(self._on_action)
        self._count = 0

    def _on_action(self, action: int) -> None:
        # Clicks on the groove and keyboard page steps (not drags: those are handled above).
        if action != QSlider.SliderAction.SliderMove:
            QTimer.singleShot(0, lambda: self.seekRequested.emit(self.slider.sliderPosition()))

    def set_length(self, frame_count: int | None) -> None:
        self._count = int(frame_count or 0)
        self.slider.setRange(0, max(0, self._count - 1))
        self.slider.setEnabled(self._count > 1)

    def set_position(self, index: int, name: str = "") -> None:
        """Frame (or picture) ``index`` on screen; ``name``: its file, for a folder of pictures."""
        if not self.slider.isSliderDown():
            self.slider.blockSignals(True)
            self.slider.setValue(index)
            self.slider.blockSignals(False)
        total = f" / {self._count}" if self._count else ""
        self.position.setText(f"{index + 1}{total}" + (f"  ·  {name}" if name else ""))
