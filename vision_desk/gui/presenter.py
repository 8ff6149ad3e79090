"""Presenter mode: full screen, only the video, and a caption in large type for the back row.

In front of a class the panels are noise and the HUD text is too small to
read from across the room. Presenter mode hides everything but the video and
draws one caption line under it, in large type: what runs, what it found, how
fast. Esc (or F11 / F again) brings the normal window back exactly as it was.
"""
from __future__ import annotations

from typing import Any

from PySide6.QtCore import QByteArray, QObject, QTimer, Signal
from PySide6.QtWidgets import QMainWindow, QWidget

from vision_desk.gui.stats_panel import summarize_results

CAPTION_SCALE = 2.2
TITLES = {"faces": "Faces", "objects": "Objects", "pose": "Pose", "style": "Style", "cnn": "CNN layers",
          "superres": "GAN super-resolution"}


def caption_text(processors: list[str], result: Any, display_fps: float, recording: bool = False) -> str:
    """'Faces + Objects  ·  2 faces · person, cup  ·  14 fps  ·  63 ms latency'."""
    parts = [" + ".join(TITLES.get(p, p) for p in processors) or "No processor (press 1-6)"]
    if result is not None:
        found = summarize_results(result.results)
        if found:
            parts.append(found)
        stats = result.stats
        parts.append(f"{stats.processed_fps:.0f} fps")
        parts.append(f"{stats.latency_p50_ms or stats.latency_ms:.0f} ms latency")
    if recording:
        parts.append("● REC")
    return "   ·   ".join(parts)


class Presenter(QObject):
    changed = Signal(bool)

    def __init__(self, window: QMainWindow) -> None:
        super().__init__(window)
        self.w = window
        self._active = False
        self._recording = False
        self._hidden: list[QWidget] = []
        self._was_maximized = False
        self._geometry: QByteArray | None = None

    @property
    def active(self) -> bool:
        return self._active

    def set_active(self, on: bool) -> None:
        if on == self._active:
            return
        self._active = on
        w = self.w
        if on:
            self._was_maximized = w.isMaximized()
            candidates = [w.menuBar(), w.statusBar(), *w.findChildren(QWidget, "main_toolbar"),
                          getattr(w, "processor_dock", None), getattr(w, "stats_dock", None)]
            self._hidden = [c for c in candidates if c is not None and not c.isHidden()]  # also before show()
            for widget in self._hidden:
                widget.hide()
            self._geometry = w.saveGeometry()
            w.showFullScreen()
            QTimer.singleShot(250, self._ensure_full_screen)
        else:
            for widget in self._hidden:
                widget.show()
            self._hidden = []
            w.view.set_caption("")
            if self._was_maximized:
                w.showMaximized()
            else:
                w.showNormal()
                if self._geometry is not None:
                    w.restoreGeometry(self._geometry)
        self.changed.emit(on)

    def _ensure_full_screen(self) -> None:
        # Without a window manager (a bare X server, a kiosk) nobody acts on the full-screen request.
        screen = self.w.screen()
        if self._active and screen is not None and self.w.geometry() != screen.geometry():
            self.w.setGeometry(screen.geometry())

    def set_recording(self, on: bool) -> None:
        self._recording = on

    def update_caption(self, processors: list[str], result: Any, display_fps: float) -> None:
        if self._active:
            self.w.view.set_caption(caption_text(processors, result, display_fps, self._recording), CAPTION_SCALE)
