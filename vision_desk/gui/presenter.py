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

from vision_desk.gui.i18n import translate
from vision_desk.gui.stats_panel import summarize_results

CAPTION_SCALE = 2.2
TITLES = {"faces": "Faces", "objects": "Objects", "pose": "Pose", "style": "Style", "cnn": "CNN layers",
          "superres": "GAN super-resolution", "digits": "Handwritten digits", "segment": "Person segmentation",
          "teach": "Teach a class"}


def caption_text(processors: list[str], result: Any, display_fps: float, recording: bool = False,
                 paused: bool = False) -> str:
    """'Faces + Objects  ·  2 faces · person, cup  ·  14 fps  ·  63 ms latency'; 'Paused' instead of the
    rates while paused (a frame rate measured before the pause would claim the video still moves)."""
    names = " + ".join(translate("Commands", TITLES.get(p, p)) for p in processors)
    parts = [names or translate("Presenter", "No processor (press 1-6)")]
    if result is not None:
        found = summarize_results(result.results)
        if found:
            parts.append(found)
        if paused:
            parts.append(translate("Presenter", "Paused"))
        else:
            stats = result.stats
            parts.append(translate("Presenter", "{fps:.0f} fps").format(fps=stats.processed_fps))
            parts.append(translate("Presenter", "{ms:.0f} ms latency").format(
                ms=stats.latency_p50_ms or stats.latency_ms))
    if recording:
        parts.append(translate("Presenter", "● REC"))
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
            # The banner too: its messages are shown large and briefly over the video instead (show_message).
            candidates = [w.menuBar(), w.statusBar(), *w.findChildren(QWidget, "main_toolbar"),
                          getattr(w, "processor_dock", None), getattr(w, "stats_dock", None),
                          getattr(w, "banner", None)]
            self._hidden = [c for c in candidates if c is not None and not c.isHidden()]  # also before show()
            for widget in self._hidden:
                widget.hide()
            self._geometry = w.saveGeometry()
            w.showFullScreen()
            QTimer.singleShot(250, self._ensure_full_screen)
        else:
            for widget in self._hidden:
                if widget is not getattr(w, "banner", None):  # (its messages were shown over the video)
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

    def update_caption(self, processors: list[str], result: Any, display_fps: float, paused: bool = False) -> None:
        if self._active:
            self.w.view.set_caption(caption_text(processors, result, display_fps, self._recording, paused),
                                    CAPTION_SCALE)
