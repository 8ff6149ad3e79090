"""Save a picture of the window once it shows processed frames, then quit (docs and the X11 test).

Why inside the app: only the app knows when every model has loaded and the
frame on screen carries every overlay. On X11 the picture is read back from
the X server (``QScreen.grabWindow``), so it proves what really reached the
display; elsewhere Qt renders the widgets into it. Next to the PNG go the frame
that was on screen (``*.frame.png``) and a JSON file saying where the video
was drawn, so a test can compare the two.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QPoint, QTimer
from PySide6.QtGui import QGuiApplication, QPixmap

from vision_desk.gui.controller import Controller
from vision_desk.gui.main_window import MainWindow

SETTLE_MS = 300  # let the last paint reach the screen before reading it back


class ScreenshotTrigger(QObject):
    def __init__(self, window: MainWindow, controller: Controller, path: Path, after_frames: int = 20,
                 quit_after: bool = True) -> None:
        super().__init__(window)
        self.w, self.c, self.path = window, controller, Path(path)
        self.after = max(1, after_frames)
        self.quit_after = quit_after
        self._loading: set[str] = set()
        self._ready_frames = 0
        self._done = False
        controller.loadingChanged.connect(self._loading_changed)
        window.view.framePainted.connect(self._painted)

    def _loading_changed(self, name: str, loading: bool) -> None:
        (self._loading.add if loading else self._loading.discard)(name)

    def _painted(self, _index: int) -> None:
        if self._done:
            return
        result = self.w.view.result
        wanted = set(self.c.processors)
        if result is None or self._loading or not wanted.issubset(result.results):
            self._ready_frames = 0  # count only frames that carry every active processor's output
            return
        self._ready_frames += 1
        if self._ready_frames >= self.after:
            self._done = True
            self.c.set_display_frozen(True)  # called from within a paint: repaint later, in _grab
            QTimer.singleShot(SETTLE_MS, self._grab)

    def _grab(self) -> None:
        self.w.view.repaint()
        sync = getattr(QGuiApplication, "sync", None)  # flush pending drawing to the window system
        if sync is not None:
            sync()
        picture = self._grab_pixmap()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        picture.save(str(self.path))
        result = self.w.view.result
        meta: dict[str, Any] = {"platform": QGuiApplication.platformName(),
                                "size": [picture.width(), picture.height()],
                                "device_pixel_ratio": picture.devicePixelRatio(),
                                "processors": self.c.processors, "image_rects": []}
        if result is not None:
            import cv2

            frame_path = self.path.with_suffix(".frame.png")
            cv2.imwrite(str(frame_path), result.shown)
            meta["frame_png"] = frame_path.name
            meta["frame_index"] = result.frame.index
            meta["results"] = sorted(result.results)
        for rect in self.w.view.image_rects():
            top_left = self.w.view.mapTo(self.w, rect.topLeft()) if self.w.view.window() is self.w else QPoint()
            meta["image_rects"].append([top_left.x(), top_left.y(), rect.width(), rect.height()])
        self.path.with_suffix(".json").write_text(json.dumps(meta, indent=2))
        if self.quit_after:
            self.w.close()
        else:
            self.c.set_display_frozen(False)

    def _grab_pixmap(self) -> QPixmap:
        if QGuiApplication.platformName() == "xcb":
            screen = self.w.screen() or QGuiApplication.primaryScreen()
            shot = screen.grabWindow(int(self.w.winId()))  # what the X server really shows
            if not shot.isNull():
                return shot
        return self.w.grab()
