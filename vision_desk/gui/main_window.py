"""The main window's layout: where each widget sits, and nothing else.

Behaviour lives elsewhere: the controller (pipeline), window_logic (what each
action does), the widgets themselves. This module only builds the shapes:

    ┌ menu bar ────────────────────────────────────────────────────────────┐
    │ tool bar: Camera ▾ · Open file · Folder · URL · Sample · Record · …  │
    ├──────────────────────────────────────────────┬───────────────────────┤
    │ banner (errors / notices, hidden when none)   │ Processors (dock)     │
    │                                              │  faces / objects /    │
    │                 video view                   │  pose / style+gallery │
    │                                              ├───────────────────────┤
    │ playback bar (files only)                    │ Statistics (dock)     │
    ├──────────────────────────────────────────────┴───────────────────────┤
    │ status bar: source · messages                                         │
    └──────────────────────────────────────────────────────────────────────┘
"""
from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from typing import Any

from PySide6.QtGui import QAction, QActionGroup, QCloseEvent, QDragEnterEvent, QDropEvent, QShowEvent
from PySide6.QtWidgets import (
    QDockWidget, QFrame, QLabel, QMainWindow, QScrollArea, QStatusBar, QVBoxLayout, QWidget,
)

from vision_desk.gui.banner import Banner
from vision_desk.gui.focus import FocusReturner
from vision_desk.gui.i18n import translate
from vision_desk.i18n import LANGUAGES
from vision_desk.gui.processor_panel import ProcessorPanel
from vision_desk.gui.shortcuts import COMMANDS, HelpOverlay, make_actions
from vision_desk.gui.source_bar import CameraMenu, PlaybackBar, make_source_toolbar
from vision_desk.gui.stats_panel import StatsPanel
from vision_desk.gui.style_gallery import Renderer, Runner, StyleGallery, default_renderer
from vision_desk.gui import ui_scale
from vision_desk.gui.video_view import VideoView
from vision_desk.sources.stream import redact

class RedactedLabel(QLabel):
    """A label that never shows credentials: the source label repeats what the user opened."""

    def setText(self, text: str) -> None:  # noqa: N802 - Qt's name
        super().setText(redact(text))


class RedactedStatusBar(QStatusBar):
    """Status messages ("Opening rtsp://…") with any password in a URL hidden."""

    def showMessage(self, text: str, timeout: int = 0) -> None:  # noqa: N802 - Qt's name
        super().showMessage(redact(text), timeout)


MENUS = (("&File", "Sources", "Output"), ("&Processors", "Processors", "Teaching"), ("P&layback", "Playback"),
         ("&View", "View"), ("&Help", "Help"))
# (the menu titles are translated in the "Commands" context, listed by tools/i18n.py)


UI_SCALES = (100, 125, 150, 175, 200)  # View > Text size, percent


class MainWindow(QMainWindow):
    closing = Signal()  # the user closed the window: stop everything
    dropped = Signal(str)  # a file, folder or URL dropped on the window

    def __init__(self, runner: Runner, renderer: Renderer = default_renderer, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("vision_desk")
        self.setObjectName("main_window")
        self.setAcceptDrops(True)
        self.actions_by_name = make_actions(self)

        central = QWidget()
        column = QVBoxLayout(central)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        self.banner = Banner()
        self.view = VideoView()
        self.view.setObjectName("video_view")
        self.playback = PlaybackBar(self.actions_by_name)
        self.playback.hide()
        column.addWidget(self.banner)
        column.addWidget(self.view, 1)
        column.addWidget(self.playback)
        self.setCentralWidget(central)

        self.camera_menu = CameraMenu(self)
        self.toolbar = make_source_toolbar(self.actions_by_name, self.camera_menu, self)
        self.addToolBar(self.toolbar)

        self.gallery = StyleGallery(runner, renderer)
        self.processor_panel = ProcessorPanel(self.gallery)
        self.stats_panel = StatsPanel()
        self.choice_actions: dict[str, dict[str, QAction]] = {}
        self.processor_dock = self._dock("processors", translate("MainWindow", "Processors"), self.processor_panel)
        # In a scroll area: at 200% text the statistics alone were taller than half the screen, and their
        # minimum height squeezed the settings to a few rows.
        stats_scroll = QScrollArea()
        stats_scroll.setWidgetResizable(True)
        stats_scroll.setFrameShape(QFrame.Shape.NoFrame)
        stats_scroll.setWidget(self.stats_panel)
        self.stats_dock = self._dock("statistics", translate("MainWindow", "Statistics"), stats_scroll)
        self._build_menus()

        self.help_overlay = HelpOverlay(self)  # over the whole window, docks included
        self.focus_returner = FocusReturner(self, self.view)  # Enter / Esc in a field: shortcuts work again

        self.setStatusBar(RedactedStatusBar(self))
        self.source_label = RedactedLabel(translate("MainWindow", "No source"))
        self.source_label.setObjectName("source_label")
        self.statusBar().addPermanentWidget(self.source_label)
        self.resize(1280, 800)
        self._sized_docks = False

    def setWindowTitle(self, title: str) -> None:  # noqa: N802 - Qt's name
        """The title names the source; a stream URL's password must not show in the task bar."""
        super().setWindowTitle(redact(title))

    def _dock(self, name: str, title: str, widget: QWidget) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(f"dock_{name}")  # (not the title: saved layouts must survive a change of language)
        dock.setWidget(widget)
        dock.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetMovable
                         | QDockWidget.DockWidgetFeature.DockWidgetFloatable)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
        return dock

    def _build_menus(self) -> None:
        for title, *groups in MENUS:
            menu = self.menuBar().addMenu(translate("Commands", title))
            menu.setObjectName(f"menu_{title.replace('&', '').lower()}")
            for i, group in enumerate(groups):
                if i:
                    menu.addSeparator()
                for cmd in COMMANDS:
                    if cmd.group == group:
                        menu.addAction(self.actions_by_name[cmd.name])
            if title == "&View":
                menu.addSeparator()
                self._add_choice_menu(menu, translate("MainWindow", "Language"), "language",
                                      [(code, name) for code, name in LANGUAGES.items()])
                self._add_choice_menu(menu, translate("MainWindow", "Text size"), "ui_scale",
                                      [(str(p), f"{p}%") for p in UI_SCALES])

    def _add_choice_menu(self, menu: Any, title: str, name: str, choices: list[tuple[str, str]]) -> None:
        """A submenu of exclusive choices; ``choice_actions[name][value]`` (window_logic connects them)."""
        sub = menu.addMenu(title)
        sub.setObjectName(f"menu_{name}")
        group = QActionGroup(self)
        group.setExclusive(True)
        self.choice_actions[name] = {}
        for value, text in choices:
            act = sub.addAction(text)
            act.setCheckable(True)
            act.setObjectName(f"action_{name}_{value}")
            group.addAction(act)
            self.choice_actions[name][value] = act

    # --- drag and drop: files, folders and URLs ---------------------------------------
    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802
        if event.mimeData().hasUrls() or event.mimeData().hasText():
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802
        mime = event.mimeData()
        urls = mime.urls()
        if urls:
            url = urls[0]
            self.dropped.emit(url.toLocalFile() if url.isLocalFile() else url.toString())
        elif mime.hasText():
            self.dropped.emit(mime.text().strip())
        event.acceptProposedAction()

    def size_docks_once(self) -> None:
        """First start (no saved layout): the settings get the height, the statistics what they need."""
        if not self._sized_docks:
            self._sized_docks = True
            self.size_docks(ui_scale.percent())

    def size_docks(self, text_percent: int) -> None:
        """The settings get at least 55% of the height, the statistics what they need; the docks' width
        grows with the text size (at 200% the value boxes were cut off), at most a third of the window."""
        stats_h = self.stats_panel.sizeHint().height() + 40
        settings_h = max(300, int(self.height() * 0.55), self.height() - stats_h - 120)
        self.resizeDocks([self.processor_dock, self.stats_dock], [settings_h, max(120, self.height() - settings_h)],
                         Qt.Orientation.Vertical)
        width = min(int(390 * text_percent / 100), max(390, self.width() // 3))
        self.resizeDocks([self.processor_dock], [width], Qt.Orientation.Horizontal)

    def keep_dock_sizes(self) -> None:
        self._sized_docks = True

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802
        super().showEvent(event)
        QTimer.singleShot(0, self.size_docks_once)  # once the layout has its real size

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        self.closing.emit()
        event.accept()
