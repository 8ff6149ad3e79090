"""What the window's commands do: the glue between widgets, the controller and the settings store.

The main window only lays widgets out and the controller only drives the
pipeline; this class connects the two. Every handler here is quick: anything
slow is the controller's job on a worker thread.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QFileDialog, QInputDialog

from vision_desk import registry
from vision_desk.errors import VisionDeskError, user_message
from vision_desk.gui.controller import Controller
from vision_desk.gui import i18n, teaching_actions, ui_scale
from vision_desk.gui.i18n import translate
from vision_desk.gui.main_window import MainWindow
from vision_desk.gui.presenter import Presenter
from vision_desk.gui import recognition_keys
from vision_desk.gui.region_drag import RegionDrag
from vision_desk.gui.settings_store import SettingsStore
from vision_desk.gui.source_bar import video_filter
from vision_desk.gui.setting_widgets import picture_filter
from vision_desk.i18n import translate_message
from vision_desk.sources.stream import redact

STATS_INTERVAL_MS = 250


def registry_title(name: str) -> str:
    from vision_desk.gui.processor_panel import SHORT_TITLES

    return SHORT_TITLES.get(name, name)
SOURCE_NAMES = {"camera": "Camera", "video": "Video", "image": "Picture", "folder": "Folder", "stream": "Stream",
                "sample": "Sample clip", "synthetic": "Test pattern"}  # (translated: "Sources" context)
TOAST_MS = 2500


def source_name(info: Any) -> str:
    """What the source is called, in the window's language, without the kind its description starts with
    ("video short3s.mp4" -> "short3s.mp4": the status bar says "Video: " already); "" when that is all."""
    text = info.description.strip()
    if text.lower() in (info.kind, "sample clip"):  # "Sample clip: sample clip" said nothing twice
        return ""
    if info.kind in ("video", "image", "folder", "stream") and text.lower().startswith(info.kind + " "):
        text = text[len(info.kind) + 1:]
    return translate_message(text)


def _set_checked_quietly(action: QAction, on: bool) -> None:
    """Show a state that is already in effect, without triggering the action's own handler again."""
    action.blockSignals(True)
    action.setChecked(on)
    action.blockSignals(False)


class WindowLogic(QObject):
    def __init__(self, window: MainWindow, controller: Controller, store: SettingsStore) -> None:
        super().__init__(window)
        self.w, self.c, self.store = window, controller, store
        self.a: dict[str, QAction] = window.actions_by_name
        self.presenter = Presenter(window)
        self._teaching_memory: dict[str, Any] = {}  # e.g. the pose channel V shows when switched on again
        self._gallery_waiting = False
        self.relaunch_requested = False  # View > Language: app.run makes the window again in the new language
        self._connect_actions()
        # Lecture views are laid out at the size the view shows them (the pipeline draws them there).
        window.view.canvasSizeChanged.connect(lambda w, h: controller.set_display_size((w, h)))
        controller.set_display_size(window.view.canvas_size())
        self._connect_widgets()
        self._connect_controller()
        self._region_drag = RegionDrag(window.view, self._set_superres_region,
                                       enabled=lambda: "superres" in self.c.processors)
        self._stats_timer = QTimer(self)
        self._stats_timer.setInterval(STATS_INTERVAL_MS)
        self._stats_timer.timeout.connect(self._refresh_stats)
        self._stats_timer.start()
        self._closed = False

    # --- wiring ---------------------------------------------------------------------------------
    def _connect_actions(self) -> None:
        a, c = self.a, self.c
        a["camera"].triggered.connect(lambda: self.w.camera_menu.popup(self.w.mapToGlobal(self.w.view.pos())))
        a["open_file"].triggered.connect(self.ask_open_file)
        a["open_folder"].triggered.connect(self.ask_open_folder)
        a["open_url"].triggered.connect(self.ask_open_url)
        a["open_sample"].triggered.connect(lambda: self.open_source("sample"))
        for name in registry.PROCESSOR_NAMES:
            a[f"toggle_{name}"].toggled.connect(lambda on, n=name: self.set_processor(n, on))
        for step in teaching_actions.STEPS:  # next style, next layer, ...: one processor's settings each
            a[step.action].triggered.connect(lambda _on=False, step=step: self.apply_step(step))
        for toggle in teaching_actions.TOGGLES:  # the Haar windows, pose's maps: a teaching view on/off
            a[toggle.action].toggled.connect(lambda on, toggle=toggle: self.apply_toggle(toggle, on))
        a["style_image"].triggered.connect(self.ask_style_image)
        a["side_by_side"].toggled.connect(self._set_side_by_side)
        a["play_pause"].triggered.connect(self._play_pause)
        a["step"].triggered.connect(c.step)
        a["restart"].triggered.connect(lambda: c.seek(0))
        a["loop"].toggled.connect(lambda on: (c.set_loop(on), self.store.set_flag("loop", on)))
        a["realtime"].toggled.connect(self._set_realtime)
        a["record"].toggled.connect(self.set_recording)
        a["snapshot"].triggered.connect(lambda: c.snapshot(self.store.output_dir, self.w.view.result))
        a["output_dir"].triggered.connect(self.ask_output_dir)
        a["hud"].toggled.connect(lambda on: (c.set_hud(on), self.store.set_flag("hud", on)))
        a["mirror"].toggled.connect(lambda on: (c.set_mirrored(on), self.store.set_flag("mirror", on)))
        a["presenter"].toggled.connect(self.presenter.set_active)
        a["help"].triggered.connect(self.w.help_overlay.toggle)
        a["quit"].triggered.connect(self.w.close)
        for code, act in self.w.choice_actions.get("language", {}).items():
            act.setChecked(code == i18n.current().code)
            act.triggered.connect(lambda _on=False, code=code: self.set_language(code))
        for pct, act in self.w.choice_actions.get("ui_scale", {}).items():
            act.setChecked(int(pct) == ui_scale.percent())
            act.triggered.connect(lambda _on=False, pct=pct: self.set_ui_scale(int(pct)))
        recognition_keys.connect(self)  # digits, segment, teach
        escape = QAction(self.w)
        escape.setShortcut(QKeySequence("Esc"))
        escape.triggered.connect(self._escape)
        self.w.addAction(escape)

    def _connect_widgets(self) -> None:
        w = self.w
        w.processor_panel.toggled.connect(lambda n, on: self.a[f"toggle_{n}"].setChecked(on))
        w.processor_panel.settingsEdited.connect(self.apply_settings)
        w.gallery.styleChosen.connect(lambda i: self.apply_settings("style", {"style": i, "style_image": ""},
                                                                    enable=True))
        w.gallery.styleImageRequested.connect(self.ask_style_image)
        w.gallery.repaint_button.clicked.connect(self._render_gallery)
        w.gallery.renderFailed.connect(w.banner.show_error)
        w.playback.seekRequested.connect(self.c.seek)
        w.camera_menu.refreshRequested.connect(self.c.list_cameras)
        w.camera_menu.cameraChosen.connect(self.open_source)
        w.dropped.connect(self.open_source)
        w.closing.connect(self.close)
        self.presenter.changed.connect(self._presenter_changed)

    def _connect_controller(self) -> None:
        c, w = self.c, self.w
        c.frameReady.connect(self._show_frame)
        c.sourceChanged.connect(self._source_changed)
        c.sourceOpened.connect(self._source_opened)
        c.sourceEnded.connect(self._source_ended)
        c.loadingChanged.connect(self._loading_changed)
        c.processorDropped.connect(lambda name: self._sync_processor_actions(c.processors))
        c.error.connect(self.show_error)
        c.notice.connect(self.show_notice)
        c.recordingChanged.connect(self._recording_changed)
        c.snapshotSaved.connect(self._snapshot_saved)
        c.deviceDescribed.connect(w.stats_panel.set_device)
        w.stats_panel.precisionChosen.connect(self.set_precision)
        c.camerasListed.connect(w.camera_menu.set_cameras)

    # --- start-up and shutdown ---------------------------------------------------------------------
    def restore(self, processors: list[str]) -> None:
        """Put the widgets in the saved (or given) state before the first source opens."""
        geometry, state = self.store.window_state()
        if geometry is not None:
            self.w.restoreGeometry(geometry)
        if state is not None and self.w.restoreState(state):
            self.w.keep_dock_sizes()  # the saved layout wins over the first-start sizes
        for name in registry.PROCESSOR_NAMES:
            try:
                self.w.processor_panel.set_values(name, self.c.processor_settings(name))
            except VisionDeskError as exc:  # a stale saved value (e.g. a deleted style picture): defaults
                self.show_error(translate("Window", "Saved settings of {name} ignored: {error}").format(
                    name=name, error=exc))
                self.c.reset_settings(name)
                self.w.processor_panel.set_values(name, self.c.processor_settings(name))
        self._select_gallery()
        for flag, default in (("hud", False), ("mirror", False), ("side_by_side", False), ("loop", True),
                              ("realtime", True)):
            self.a[flag].setChecked(self.store.flag(flag, default))
        self._label_realtime(self.a["realtime"].isChecked())
        self.c.set_loop(self.a["loop"].isChecked())
        self.c.set_realtime(self.a["realtime"].isChecked())
        self._sync_processor_actions(processors)
        self.c.set_processors(processors)
        self.c.describe_device()

    def restore_precision(self, value: str) -> None:
        self.w.stats_panel.set_precision(value)
        self.c.set_precision(value)

    def set_precision(self, value: str) -> None:
        """The window's precision choice: reload the models at it, and remember it."""
        try:
            self.c.set_precision(value)
        except VisionDeskError as exc:
            self.w.banner.show_error(str(exc))
            return
        self.store.precision = value

    def close(self) -> None:
        """Save what the user set, then stop every thread (a recording is finalized)."""
        if self._closed:
            return
        self._closed = True
        self._stats_timer.stop()
        self.w.processor_panel.flush()
        self.presenter.set_active(False)
        self.store.set_window_state(self.w.saveGeometry(), self.w.saveState())
        self.store.processors = self.c.processors
        for name in registry.PROCESSOR_NAMES:
            try:
                self.store.set_processor_settings(name, self.c.changed_settings(name))
            except VisionDeskError:
                pass
        if self.c.source_spec:
            self.store.source = self.c.source_spec
        self.store.sync()
        self.c.shutdown()

    # --- sources -------------------------------------------------------------------------------------
    def open_source(self, spec: str, fallback: str | None = None) -> None:
        if not spec:
            return
        self.w.banner.dismiss()
        self.c.open_source(spec, fallback=fallback)

    def ask_open_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self.w, translate("Window", "Open a video or a picture"),
                                              self._last_dir(), video_filter())
        if path:
            self.open_source(path)

    def ask_open_folder(self) -> None:
        path = QFileDialog.getExistingDirectory(self.w, translate("Window", "Open a folder of pictures"),
                                                self._last_dir())
        if path:
            self.open_source(path)

    def ask_open_url(self) -> None:
        url, ok = QInputDialog.getText(self.w, translate("Window", "Open a stream"),
                                       translate("Window", "Stream URL (rtsp://, http://, https://):"))
        if ok and url.strip():
            self.open_source(url.strip())

    def _last_dir(self) -> str:
        spec = self.c.source_spec
        path = Path(spec).expanduser() if spec else None
        if path is not None and path.exists():
            return str(path if path.is_dir() else path.parent)
        return str(Path.home())

    def _source_changed(self, spec: str) -> None:
        spec = redact(spec)  # a stream URL's password is never shown
        opening = translate("Window", "Opening {spec}…").format(spec=spec)
        self.w.view.clear(opening)
        self.w.view.show_toast("")
        self.w.stats_panel.clear()
        self.w.playback.hide()
        self.w.source_label.setText(opening)

    def _source_opened(self, info: Any) -> None:
        kind = translate("Sources", SOURCE_NAMES.get(info.kind, info.kind))
        size = f"{info.width}x{info.height}" if info.width else ""
        # Pictures have no frame rate of their own (a folder is shown at a steady pace, not "30 fps").
        rate = f"{info.fps:.0f} fps" if info.fps and info.kind not in ("image", "folder") else ""
        what = f"{kind}: {name}" if (name := source_name(info)) else kind
        self.w.source_label.setText(" · ".join(p for p in (what, size, rate) if p))
        self.w.setWindowTitle(f"vision_desk — {what}")
        self.w.playback.set_length(info.frame_count)
        self._update_playback_bar()
        self.store.source = self.c.source_spec

    # --- processors and their settings ---------------------------------------------------------------
    def set_processor(self, name: str, on: bool) -> None:
        active = [n for n in registry.PROCESSOR_NAMES
                  if (n == name and on) or (n != name and n in self.c.processors)]
        self._sync_processor_actions(active)
        if on:  # bring its settings into view, once the layout has made room for them
            panel = self.w.processor_panel
            QTimer.singleShot(0, lambda: panel.show_heading(name))
        self.c.set_processors(active)
        self.store.processors = active
        if name == "style" and on:
            self._render_gallery(only_if_needed=True)

    def _sync_processor_actions(self, names: list[str]) -> None:
        for n in registry.PROCESSOR_NAMES:
            _set_checked_quietly(self.a[f"toggle_{n}"], n in names)
        self.w.processor_panel.set_active(names)

    def apply_settings(self, name: str, values: dict[str, Any], enable: bool = False) -> None:
        try:
            self.c.change_settings(name, **values)
        except VisionDeskError as exc:
            self.show_error(str(exc))
        finally:
            self.w.processor_panel.set_values(name, self.c.processor_settings(name))  # show what really applies
        if name == "style":
            self._select_gallery()
        for toggle in teaching_actions.TOGGLES:
            if toggle.processor == name:
                toggle.remember(self._teaching_memory, values)
        self._sync_teaching_actions()
        if enable and name not in self.c.processors:
            self.a[f"toggle_{name}"].setChecked(True)

    def _sync_teaching_actions(self) -> None:
        for toggle in teaching_actions.TOGGLES:
            _set_checked_quietly(self.a[toggle.action], toggle.is_on(self.c.processor_settings(toggle.processor)))

    def _select_gallery(self) -> None:
        """The gallery highlights the built-in style in use, and none while a picture is the style."""
        style = self._style_settings()
        if style is not None:
            self.w.gallery.select(-1 if getattr(style, "style_image", "") else int(style.style))

    def apply_toggle(self, toggle: teaching_actions.TeachingToggle, on: bool) -> None:
        self.apply_settings(toggle.processor, toggle.change(on, self._teaching_memory), enable=on)

    def apply_step(self, step: teaching_actions.SettingStep) -> None:
        """A lecture key: the processor's next setting (switched on if it was off)."""
        try:
            current = self.c.processor_settings(step.processor)
        except Exception:
            return
        self.apply_settings(step.processor, step.change(current), enable=True)

    def _style_settings(self) -> Any:
        try:
            return self.c.processor_settings("style")
        except Exception:
            return None

    def _set_superres_region(self, region: str) -> None:
        self.apply_settings("superres", {"region": region})
        self.w.statusBar().showMessage(
            translate("Window", "Super-resolution region: {region} (double-click: back to auto)").format(region=region)
            if region else translate("Window", "Super-resolution region: automatic (centre or face)"), 6000)

    def ask_style_image(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self.w, translate("Window", "Choose a picture to use as the style"),
                                              self._last_dir(), picture_filter())
        if path:
            self.apply_settings("style", {"style_image": path}, enable=True)

    def _render_gallery(self, only_if_needed: bool = False) -> None:
        gallery = self.w.gallery
        if only_if_needed and (gallery.rendered or gallery.rendering):
            return
        result = self.w.view.result
        if result is None:  # nothing on screen yet: paint on the first frame that arrives
            self._gallery_waiting = True
            return
        self._gallery_waiting = False
        gallery.render_on(result.frame.image)

    def _loading_changed(self, name: str, loading: bool) -> None:
        self.w.processor_panel.set_loading(name, loading)
        title = translate("Commands", registry_title(name))
        msg = translate("Window", "Loading the {name} model…").format(name=title) if loading else ""
        self.w.statusBar().showMessage(msg, 0 if loading else 1)

    # --- language and text size -----------------------------------------------------------------------
    def set_language(self, code: str) -> None:
        """Saved, then the window is made again in that language (by app.run, after this one closes)."""
        self.store.language = code
        if code == i18n.current().code:
            return
        self.relaunch_requested = True
        self.w.close()

    def set_ui_scale(self, percent: int) -> None:
        self.store.ui_scale = percent
        ui_scale.apply(percent)
        # The settings keep their room, the value boxes their width (after the layout took the new font).
        QTimer.singleShot(0, lambda: self.w.size_docks(percent))
        self.c.redraw()  # a paused frame shows its labels at the new size at once

    # --- messages: the banner, or large and brief over the video in presenter mode ------------------
    def show_error(self, error: BaseException | str) -> None:
        text = user_message(error)  # an exception from the controller is turned into its one line here only
        if self.presenter.active:
            self.w.view.show_toast(text, 3 * TOAST_MS)
        else:
            self.w.banner.show_error(text)

    def show_notice(self, text: str) -> None:
        if self.presenter.active:  # e.g. "no camera: playing the sample clip": not an error in front of a class
            self.w.view.show_toast(text, 2 * TOAST_MS)
        else:
            self.w.banner.show_notice(text, sticky=True)

    def _play_pause(self) -> None:
        self.c.toggle_play()
        # For a moment, not until play: a lasting "Paused" covered the lesson's own captions (the cnn view's);
        # the play button and the presenter caption keep saying it.
        self.w.view.show_toast(translate("Window", "Paused") if self.c.paused else "", 2 * TOAST_MS)

    def _snapshot_saved(self, paths: list[str]) -> None:
        self.w.statusBar().showMessage(translate("Window", "Snapshot saved: {path}").format(path=paths[0]), 8000)
        self.w.view.show_toast(translate("Window", "Snapshot saved"), TOAST_MS)

    def _source_ended(self) -> None:
        text = translate("Window", "End of the video: Space plays it again")
        self.w.statusBar().showMessage(text, 8000)
        if self.c.finished:  # (with loop on the clip goes on at once: nothing to say)
            self.w.view.show_toast(text, 0)

    def _set_realtime(self, on: bool) -> None:
        self.c.set_realtime(on)
        self.store.set_flag("realtime", on)
        self._label_realtime(on)

    def _label_realtime(self, on: bool) -> None:
        """The button says which of the two it is now: the file's clock (skipping frames) or every frame."""
        act = self.a["realtime"]
        act.setIconText(translate("Window", "Real time") if on else translate("Window", "Every frame"))
        act.setToolTip(translate("Window", "Real time (T): the file's own speed; frames the processors cannot keep up with are skipped and counted as dropped") if on
                       else translate("Window", "Every frame (T): no frame skipped, as fast as the processors go (slower than real time when they are slow)"))

    # --- view, outputs -------------------------------------------------------------------------------
    def _show_frame(self, result: Any) -> None:
        self.w.view.show_result(result)
        # What was found is written with the frame it was found on (the 4-a-second refresh lagged behind).
        self.w.stats_panel.show_found(result.results)
        self.presenter.update_caption(self.c.processors, result, self.w.view.display_fps(), self.c.paused)
        if self.w.playback.isVisible():
            self.w.playback.set_position(result.frame.index, self.c.picture_name(result.frame.index))
        if self._gallery_waiting:
            self._render_gallery()

    def _set_side_by_side(self, on: bool) -> None:
        self.w.view.set_side_by_side(on)
        self.store.set_flag("side_by_side", on)

    def set_recording(self, on: bool) -> None:
        if on == self.c.recording:
            return
        if not on:
            self.c.stop_recording()
            return
        try:
            self.c.start_recording(self.store.output_dir)
        except VisionDeskError as exc:
            self.show_error(translate("Window", "Recording: {error}").format(error=exc))
            _set_checked_quietly(self.a["record"], False)

    def _recording_changed(self, on: bool, path: str) -> None:
        _set_checked_quietly(self.a["record"], on)
        text = translate("Window", "Recording to {path}").format(path=path) if on else (
            translate("Window", "Recording saved: {path}").format(path=path) if path else "")
        self.w.statusBar().showMessage(text, 0 if on else 10000)
        self.presenter.set_recording(on)
        if on:
            self.w.view.show_toast(translate("Window", "● Recording"), TOAST_MS)
        elif path:
            self.w.view.show_toast(translate("Window", "Recording saved"), TOAST_MS)

    def ask_output_dir(self) -> None:
        path = QFileDialog.getExistingDirectory(self.w, translate("Window", "Where recordings and snapshots go"),
                                                str(self.store.output_dir))
        if path:
            self.store.output_dir = Path(path)
            self.w.statusBar().showMessage(translate("Window", "Output folder: {path}").format(path=path), 6000)

    def _refresh_stats(self) -> None:
        result = self.w.view.result
        fps = self.w.view.display_fps()
        if result is not None:
            self.w.stats_panel.update_stats(result.stats, fps, result.results, paused=self.c.paused,
                                            recording=self.c.recording, errors=result.errors,
                                            ended=self.c.finished)
        self.presenter.update_caption(self.c.processors, result, fps, self.c.paused)

    def _update_playback_bar(self) -> None:
        info = self.c.source_info
        seekable = info is not None and bool(info.seekable)
        self.w.playback.setVisible(seekable and not self.presenter.active)  # presenter: video only

    def _presenter_changed(self, on: bool) -> None:
        self._update_playback_bar()
        _set_checked_quietly(self.a["presenter"], on)

    def _escape(self) -> None:
        if self.w.help_overlay.isVisible():
            self.w.help_overlay.hide()
        elif self.presenter.active:
            self.presenter.set_active(False)
