"""The 26 built-in styles as thumbnails, painted by the style network on the picture on screen.

A style's name says little; seeing it on the class's own picture says it all.
Rendering the 26 thumbnails runs the network 26 times (about half a second
on a CPU, cached on disk afterwards), so it always happens on a worker thread:
the gallery shows numbered placeholders until the pictures arrive.
"""
from __future__ import annotations

from typing import Any, Callable

import numpy as np
from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QColor, QIcon, QPainter, QPixmap
from PySide6.QtWidgets import (
    QHBoxLayout, QLabel, QListView, QListWidget, QListWidgetItem, QPushButton, QVBoxLayout, QWidget,
)

from vision_desk.gui.i18n import translate
from vision_desk.i18n import style_name
from vision_desk.gui.video_view import to_qimage

THUMB = 72  # pixels on screen (rendered at 128 and scaled: crisp on high-DPI screens too)
RENDER_SIZE = 128

Renderer = Callable[[np.ndarray], list[Any]]  # content -> StyleThumbnail list (runs on a worker thread)
# (job, on_result, on_error): the job on a worker thread, one of the two answers on the GUI thread
Runner = Callable[[Callable[[], Any], Callable[[Any], None], Callable[[Exception], None]], Any]


def _style_names() -> list[str]:
    try:
        from vision_desk.processors.style import STYLE_NAMES
        return list(STYLE_NAMES)
    except Exception:  # the gallery still lists numbers if the style module cannot load
        return [f"style {i}" for i in range(26)]


def default_renderer(content: np.ndarray, runtime_config: Any = None) -> list[Any]:
    """The 26 thumbnails, painted on the device in ``runtime_config`` (the window's; None: the default)."""
    from vision_desk.processors.style_gallery import style_thumbnails

    return style_thumbnails(content, RENDER_SIZE, runtime_config=runtime_config)


def _placeholder(index: int) -> QPixmap:
    pix = QPixmap(THUMB, THUMB)
    pix.fill(QColor(60, 60, 60))
    p = QPainter(pix)
    p.setPen(QColor(200, 200, 200))
    p.drawText(pix.rect(), Qt.AlignmentFlag.AlignCenter, str(index))
    p.end()
    return pix


class StyleGallery(QWidget):
    """Click a thumbnail to choose that style; ``styleChosen(index)``. "Style from image…" asks for a picture."""

    styleChosen = Signal(int)
    styleImageRequested = Signal()
    thumbnailsReady = Signal()
    renderFailed = Signal(str)

    def __init__(self, runner: Runner, renderer: Renderer = default_renderer, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._runner = runner
        self._renderer = renderer
        self._rendering = False
        self._rendered = False
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.list = QListWidget()
        self.list.setObjectName("style_list")
        self.list.setViewMode(QListView.ViewMode.IconMode)
        self.list.setIconSize(QSize(THUMB, THUMB))
        # Names wrap on up to two lines ("Impression, Sunrise" was cut to "Impressio..."); the list never
        # scrolls itself: it is as tall as its rows (resizeEvent), so the panel has the only scroll bar.
        self.list.setGridSize(QSize(THUMB + 30, THUMB + 2 * self.list.fontMetrics().height() + 12))
        self.list.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.list.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.setResizeMode(QListView.ResizeMode.Adjust)
        self.list.setMovement(QListView.Movement.Static)
        self.list.setWordWrap(True)
        self.list.setUniformItemSizes(False)  # (uniform sizes took the first name's one line for all: "Electric ...")

        names = [style_name(n) for n in _style_names()]  # (in the window's language)
        for i, name in enumerate(names):
            item = QListWidgetItem(QIcon(_placeholder(i)), name)
            item.setData(Qt.ItemDataRole.UserRole, i)
            item.setToolTip(translate("StyleGallery", "style {i}: {name}").format(i=i, name=name))
            item.setTextAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
            self.list.addItem(item)
        self.list.itemClicked.connect(lambda item: self.styleChosen.emit(int(item.data(Qt.ItemDataRole.UserRole))))
        layout.addWidget(self.list)
        row = QHBoxLayout()
        self.status = QLabel("")
        self.status.setStyleSheet("color: palette(mid);")
        self.repaint_button = QPushButton(translate("StyleGallery", "Paint on this frame"))
        self.repaint_button.setToolTip(translate("StyleGallery", "render the 26 thumbnails again on the picture now on screen"))
        self.image_button = QPushButton(translate("StyleGallery", "Style from image…"))
        self.image_button.setToolTip(translate("StyleGallery", "use any picture (a painting, a photo) as the style"))
        self.image_button.clicked.connect(self.styleImageRequested)
        row.addWidget(self.image_button)
        row.addWidget(self.repaint_button)
        layout.addLayout(row)
        layout.addWidget(self.status)

    @property
    def rendered(self) -> bool:
        return self._rendered

    @property
    def rendering(self) -> bool:
        return self._rendering

    def resizeEvent(self, event: Any) -> None:  # noqa: N802
        super().resizeEvent(event)
        self._fit_rows()

    def showEvent(self, event: Any) -> None:  # noqa: N802
        super().showEvent(event)
        self._fit_rows()

    def _fit_rows(self) -> None:
        """As tall as all its rows at the current width: no scroll area inside the panel's scroll area."""
        grid = self.list.gridSize()
        per_row = max(1, (self.list.viewport().width() or self.width()) // max(1, grid.width()))
        rows = -(-self.list.count() // per_row)
        height = rows * grid.height() + 2 * self.list.frameWidth() + 6
        if self.list.height() != height:
            self.list.setFixedHeight(height)

    def select(self, index: int) -> None:
        """Highlight built-in style ``index``; -1: none (a picture is the style)."""
        if index < 0:
            self.list.clearSelection()
            self.list.setCurrentRow(-1)
            return
        if 0 <= index < self.list.count():
            self.list.setCurrentRow(index)
            self.list.scrollToItem(self.list.item(index))

    def selected(self) -> int:
        return self.list.currentRow()

    def render_on(self, content: np.ndarray) -> bool:
        """Paint the thumbnails on ``content`` in the background; False if a render is already running."""
        if self._rendering:
            return False
        self._rendering = True
        self.status.setText(translate("StyleGallery", "painting the 26 styles on this picture…"))
        self.repaint_button.setEnabled(False)
        content = np.ascontiguousarray(content).copy()
        self._runner(lambda: self._renderer(content), self._on_rendered, self._on_render_failed)
        return True

    def _on_render_failed(self, error: Exception) -> None:
        self._rendering = False
        self.repaint_button.setEnabled(True)
        self.status.setText(translate("StyleGallery", "thumbnails unavailable"))
        self.renderFailed.emit(translate("StyleGallery", "Style gallery: {error}").format(error=error))

    def _on_rendered(self, thumbs: Any) -> None:
        self._rendering = False
        self.repaint_button.setEnabled(True)
        for thumb in thumbs:
            item = self.list.item(int(thumb.index))
            if item is None:
                continue
            pix = QPixmap.fromImage(to_qimage(thumb.image).copy())  # copy: the QImage must own its pixels
            item.setIcon(QIcon(pix))
        self._rendered = True
        self.status.setText("")
        self.thumbnailsReady.emit()
