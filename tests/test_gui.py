"""The window, driven like a user would: real pipeline, real processors, real files (offscreen Qt).

Every wait is a condition (qtbot.waitUntil / waitSignal), never a fixed sleep.
Settings live in a temporary INI file and outputs in tmp_path: a test never
touches the user's settings or folders.
"""
from __future__ import annotations

import json
import threading
from pathlib import Path

import cv2
import numpy as np
import pytest

pytest.importorskip("pytestqt")

from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl  # noqa: E402
from PySide6.QtGui import QDropEvent  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402
from robust_inputs import count_frames_cv2  # noqa: E402

from vision_desk.gui.app import Gui, LaunchOptions, build  # noqa: E402
from vision_desk.gui.settings_store import SettingsStore  # noqa: E402
from vision_desk.sources import SAMPLE_CLIP  # noqa: E402

LOAD_TIMEOUT = 60_000  # ms: models load and frames flow on a shared 2-core machine


def _pipeline_threads() -> list[str]:
    return [t.name for t in threading.enumerate() if t.name.startswith("vd-")]


@pytest.fixture
def make_gui(qtbot, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))  # style thumbnails cache
    made: list[Gui] = []

    def make(source: str = "sample", processors=("faces",), *, fresh: bool = True,
             settings_path: Path | None = None, realtime: bool | None = None, **kw) -> Gui:
        path = settings_path or tmp_path / "settings.ini"
        store = SettingsStore(path)
        store.output_dir = tmp_path / "out"
        if realtime is not None:
            store.set_flag("realtime", realtime)
        kw.setdefault("language", "en")  # the tests read English texts, whatever the machine's locale
        gui = build(LaunchOptions(source=source, processors=list(processors) if processors is not None else None,
                                  settings_path=str(path), fresh=fresh, **kw), store)
        qtbot.addWidget(gui.window)
        gui.window.show()
        qtbot.waitExposed(gui.window)
        made.append(gui)
        return gui

    yield make
    for gui in made:
        gui.window.close()
    qtbot.waitUntil(lambda: not _pipeline_threads(), timeout=15_000)


def wait_result(qtbot, gui: Gui, predicate, timeout: int = LOAD_TIMEOUT):
    """Wait until the frame ON SCREEN satisfies ``predicate(result)``; return that result."""
    def ok() -> bool:
        r = gui.window.view.result
        return r is not None and predicate(r)
    qtbot.waitUntil(ok, timeout=timeout)
    return gui.window.view.result


def write_clip(path: Path, image: np.ndarray, frames: int = 30, size=(320, 240)) -> Path:
    """A short real-looking clip: a window panning across a photo."""
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), 15, size)
    h, w = image.shape[:2]
    for i in range(frames):
        x = int((w - h) * i / max(1, frames - 1)) if w > h else 0
        crop = image[:, x:x + min(h, w)]
        writer.write(cv2.resize(crop, size))
    writer.release()
    return path


# --- start, sources ----------------------------------------------------------------------
def test_sample_clip_shows_processed_frames_with_their_own_overlay(qtbot, make_gui):
    gui = make_gui("sample", ["faces"])
    result = wait_result(qtbot, gui, lambda r: "faces" in r.results)
    view = gui.window.view
    # The picture drawn is the annotated image of the very result held: overlay and pixels match.
    shown = view.grab().toImage()
    (x, y, w, h) = view.image_rects()[0].getRect()
    drawn = shown.copy(x, y, w, h).convertToFormat(shown.Format.Format_BGR888)
    pixels = np.frombuffer(drawn.constBits(), np.uint8).reshape(h, drawn.bytesPerLine())[:, :w * 3]
    expected = cv2.resize(view.result.annotated, (w, h), interpolation=cv2.INTER_AREA)
    assert np.abs(pixels.reshape(h, w, 3).astype(int) - expected).mean() < 12
    assert view.result.annotated.shape == result.image.shape
    # A file: play/pause, step and seek are offered (the "source opened" event may arrive after the first frame).
    qtbot.waitUntil(gui.window.playback.isVisible, timeout=10_000)
    assert "Sample clip" in gui.window.source_label.text()
    qtbot.waitUntil(lambda: view.display_fps() > 0, timeout=10_000)


def test_missing_camera_says_so_in_the_window_and_plays_the_sample(qtbot, make_gui):
    gui = make_gui("9", ["faces"])  # camera index 9: not present on test machines
    gui.controller.open_source("9", fallback="sample")
    qtbot.waitUntil(lambda: "sample" in gui.window.source_label.text().lower(), timeout=LOAD_TIMEOUT)
    msg = gui.window.banner.message  # non-modal banner, not a dialog
    assert msg.startswith("No camera available: playing the bundled sample clip instead (no camera at index 9")
    assert "vision-desk" not in msg  # the command-line hint is for the terminal, not the window
    wait_result(qtbot, gui, lambda r: "faces" in r.results)


def test_open_written_clip_then_step_and_seek(qtbot, make_gui, tmp_path, astronaut):
    clip = write_clip(tmp_path / "pan.mp4", astronaut)
    gui = make_gui("sample", ["faces"])
    gui.logic.open_source(str(clip))
    qtbot.waitUntil(lambda: "pan.mp4" in gui.window.source_label.text(), timeout=LOAD_TIMEOUT)
    wait_result(qtbot, gui, lambda r: "faces" in r.results)
    c = gui.controller
    c.set_paused(True)
    c.seek(20)
    wait_result(qtbot, gui, lambda r: r.frame.index == 20)
    gui.window.actions_by_name["step"].trigger()
    wait_result(qtbot, gui, lambda r: r.frame.index == 21)
    assert gui.window.playback.slider.value() == 21


def test_drop_a_file_on_the_window_opens_it(qtbot, make_gui, tmp_path, chelsea):
    picture = tmp_path / "chelsea.png"
    cv2.imwrite(str(picture), chelsea)
    gui = make_gui("sample", ["objects"])
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(picture))])
    event = QDropEvent(QPointF(50, 50), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                       Qt.KeyboardModifier.NoModifier)
    gui.window.dropEvent(event)
    result = wait_result(qtbot, gui, lambda r: r.image.shape == chelsea.shape and "objects" in r.results)
    assert "cat" in result.results["objects"].labels


def test_switch_source_while_running(qtbot, make_gui, tmp_path, coffee):
    picture = tmp_path / "coffee.png"
    cv2.imwrite(str(picture), coffee)
    gui = make_gui("sample", ["objects"])
    wait_result(qtbot, gui, lambda r: "objects" in r.results)
    gui.logic.open_source("synthetic:fps=20,size=320x240")
    wait_result(qtbot, gui, lambda r: r.image.shape == (240, 320, 3) and "objects" in r.results)
    assert "Test pattern" in gui.window.source_label.text()
    gui.logic.open_source(str(picture))
    result = wait_result(qtbot, gui, lambda r: r.image.shape == coffee.shape and "objects" in r.results)
    assert "cup" in result.results["objects"].labels


def test_unreadable_file_is_reported_and_the_app_keeps_running(qtbot, make_gui, tmp_path):
    broken = tmp_path / "broken.mp4"
    broken.write_bytes(b"this is not a video" * 100)
    gui = make_gui("sample", ["faces"])
    wait_result(qtbot, gui, lambda r: "faces" in r.results)
    gui.logic.open_source(str(broken))
    qtbot.waitUntil(lambda: gui.window.banner.kind == "error", timeout=LOAD_TIMEOUT)
    assert "broken.mp4" in gui.window.banner.message
    gui.logic.open_source("sample")  # and the window still works
    wait_result(qtbot, gui, lambda r: "faces" in r.results)


# --- processors --------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["faces", "objects", "pose", "style"])
def test_toggle_each_processor_on_and_off(qtbot, make_gui, name):
    gui = make_gui("sample", [], realtime=False)
    wait_result(qtbot, gui, lambda r: not r.results)
    action = gui.window.actions_by_name[f"toggle_{name}"]
    action.trigger()
    assert gui.window.processor_panel.groups[name].check.isChecked()
    wait_result(qtbot, gui, lambda r: name in r.results)
    action.trigger()
    assert not gui.window.processor_panel.groups[name].check.isChecked()
    wait_result(qtbot, gui, lambda r: name not in r.results)


def test_settings_widgets_apply_live(qtbot, make_gui):
    gui = make_gui("sample", ["pose"], realtime=False)
    wait_result(qtbot, gui, lambda r: "pose" in r.results and r.results["pose"].overlay is None)
    group = gui.window.processor_panel.groups["pose"]
    combo = group.editors["view"].combo
    combo.setCurrentIndex(combo.findData("nose"))
    combo.activated.emit(combo.currentIndex())  # what a user's pick emits
    group.flush()
    assert gui.controller.pipeline.processor_settings("pose").view == "nose"
    result = wait_result(qtbot, gui, lambda r: r.results.get("pose") is not None
                         and r.results["pose"].overlay is not None)
    assert result.results["pose"].overlay_name
    spin = gui.window.processor_panel.groups["faces"].editors["min_neighbors"].spin
    spin.setValue(9)  # an inactive processor's settings are kept for when it is switched on
    gui.window.processor_panel.flush()
    assert gui.controller.processor_settings("faces").min_neighbors == 9


def test_invalid_setting_is_reported_and_the_widget_shows_what_applies(qtbot, make_gui):
    gui = make_gui("sample", ["style"])
    editor = gui.window.processor_panel.groups["style"].editors["blend"]
    editor.line.setText("99:1")
    editor.line.editingFinished.emit()
    gui.window.processor_panel.flush()
    assert gui.window.banner.kind == "error" and "99" in gui.window.banner.message
    assert editor.value() == ""  # back to the value in force


def test_haar_raw_windows_and_pose_maps_shortcuts(qtbot, make_gui):
    gui = make_gui("sample", [], realtime=False)
    w = gui.window
    w.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is w)  # shortcuts belong to the active window
    qtbot.keyClick(w, Qt.Key.Key_W)  # Haar raw windows: also switches faces on
    result = wait_result(qtbot, gui, lambda r: "faces" in r.results and len(r.results["faces"].candidates) > 0)
    assert gui.controller.processor_settings("faces").teaching
    assert len(result.results["faces"].candidates) >= len(result.results["faces"])
    qtbot.keyClick(w, Qt.Key.Key_V)  # pose heatmaps: switches pose on with a heatmap over the frame
    assert w.actions_by_name["pose_maps"].isChecked() and "pose" in gui.controller.processors
    result = wait_result(qtbot, gui, lambda r: r.results.get("pose") is not None
                         and r.results["pose"].overlay is not None)
    overlay = result.results["pose"].overlay
    assert overlay.shape == result.image.shape[:2] and result.results["pose"].overlay_name == "heatmap: nose"
    assert not np.array_equal(result.annotated, result.image)  # the map is blended over the frame
    qtbot.keyClick(w, Qt.Key.Key_V)  # and off again: the map goes, the skeletons stay
    assert gui.controller.processor_settings("pose").view == "off"
    wait_result(qtbot, gui, lambda r: r.results.get("pose") is not None and r.results["pose"].overlay is None)


def test_style_gallery_renders_thumbnails_and_click_selects(qtbot, make_gui):
    gui = make_gui("sample", [])
    wait_result(qtbot, gui, lambda r: True)
    gallery = gui.window.gallery
    with qtbot.waitSignal(gallery.thumbnailsReady, timeout=LOAD_TIMEOUT):
        gui.window.actions_by_name["toggle_style"].trigger()
    icon = gallery.list.item(5).icon().pixmap(64, 64).toImage().convertToFormat(
        gallery.list.item(5).icon().pixmap(64, 64).toImage().Format.Format_RGB888)
    colours = {icon.pixel(x, y) for x in range(0, 64, 2) for y in range(0, 64, 2)}
    assert len(colours) > 100  # a painted picture, not the flat numbered placeholder
    item = gallery.list.item(7)
    gallery.list.itemClicked.emit(item)
    assert gui.controller.processor_settings("style").style == 7
    result = wait_result(qtbot, gui, lambda r: "style" in r.results and r.results["style"].style.startswith("7"))
    assert result is not None
    gui.window.actions_by_name["next_style"].trigger()
    assert gui.controller.processor_settings("style").style == 8 and gallery.selected() == 8


# --- outputs -----------------------------------------------------------------------------
def test_record_writes_mp4_and_jsonl_that_agree(qtbot, make_gui, tmp_path):
    gui = make_gui("sample", ["faces"], realtime=False)
    wait_result(qtbot, gui, lambda r: "faces" in r.results)
    with qtbot.waitSignal(gui.controller.recordingChanged, timeout=5000) as started:
        gui.window.actions_by_name["record"].trigger()
    video = Path(started.args[1])
    jsonl = video.with_suffix(".jsonl")
    qtbot.waitUntil(lambda: jsonl.is_file() and len(jsonl.read_text().splitlines()) >= 15, timeout=LOAD_TIMEOUT)
    with qtbot.waitSignal(gui.controller.recordingChanged, timeout=15_000) as stopped:
        gui.window.actions_by_name["record"].trigger()
    assert stopped.args[0] is False
    lines = [json.loads(s) for s in video.with_suffix(".jsonl").read_text().splitlines()]
    assert len(lines) >= 15
    assert count_frames_cv2(video) == len(lines)
    indices = [rec["frame"] for rec in lines]
    assert indices == list(range(indices[0], indices[0] + len(indices)))  # lossless: every frame, in order
    assert all("faces" in rec for rec in lines)


def test_snapshot_saves_with_and_without_overlays(qtbot, make_gui, tmp_path, astronaut):
    picture = tmp_path / "astronaut.png"
    cv2.imwrite(str(picture), astronaut)
    gui = make_gui(str(picture), ["faces"])
    wait_result(qtbot, gui, lambda r: "faces" in r.results and len(r.results["faces"]) >= 1)
    with qtbot.waitSignal(gui.controller.snapshotSaved, timeout=10_000) as saved:
        gui.window.actions_by_name["snapshot"].trigger()
    annotated, clean = (cv2.imread(p) for p in saved.args[0])
    assert annotated.shape == clean.shape == astronaut.shape
    assert np.array_equal(clean, astronaut)  # the clean one is the frame itself
    assert np.count_nonzero(np.any(annotated != clean, axis=2)) > 500  # the face box is drawn


def test_mirror_flips_the_frame_before_processing(qtbot, make_gui, tmp_path, astronaut):
    picture = tmp_path / "astronaut.png"
    cv2.imwrite(str(picture), astronaut)
    gui = make_gui(str(picture), ["faces"])
    wait_result(qtbot, gui, lambda r: np.array_equal(r.frame.image, astronaut))
    gui.window.actions_by_name["mirror"].trigger()
    result = wait_result(qtbot, gui, lambda r: np.array_equal(r.frame.image, astronaut[:, ::-1]))
    assert gui.controller.source_info is not None and result is not None


# --- keyboard, persistence, shutdown -----------------------------------------------------
def test_keyboard_shortcuts_and_help_overlay(qtbot, make_gui):
    gui = make_gui("sample", [])
    w = gui.window
    w.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is w)  # shortcuts belong to the active window
    qtbot.keyClick(w, Qt.Key.Key_2)
    assert "objects" in gui.controller.processors
    qtbot.keyClick(w, Qt.Key.Key_F1)
    assert w.help_overlay.isVisible()
    qtbot.keyClick(w.help_overlay, Qt.Key.Key_Escape)
    assert not w.help_overlay.isVisible()
    qtbot.keyClick(w, Qt.Key.Key_F11)
    assert gui.logic.presenter.active and not w.processor_dock.isVisible()
    qtbot.keyClick(w, Qt.Key.Key_Escape)
    assert not gui.logic.presenter.active and w.processor_dock.isVisible()
    qtbot.keyClick(w, Qt.Key.Key_H)
    assert w.actions_by_name["hud"].isChecked()


def test_settings_persist_across_restarts(qtbot, make_gui, tmp_path):
    path = tmp_path / "persist.ini"
    gui = make_gui("sample", ["faces", "pose"], settings_path=path)
    gui.logic.apply_settings("faces", {"min_neighbors": 7})
    gui.window.actions_by_name["mirror"].trigger()
    gui.window.resize(760, 560)
    gui.window.close()
    qtbot.waitUntil(lambda: not _pipeline_threads(), timeout=15_000)
    again = make_gui(None, None, fresh=False, settings_path=path)  # no --source, no -p: what was used last
    assert again.controller.source_spec == "sample"
    assert again.controller.processors == ["faces", "pose"]
    assert again.controller.processor_settings("faces").min_neighbors == 7
    assert again.window.processor_panel.groups["faces"].editors["min_neighbors"].value() == 7
    assert again.window.actions_by_name["mirror"].isChecked()
    assert (again.window.width(), again.window.height()) == (760, 560)


def test_close_while_running_stops_every_thread_and_finalizes_the_recording(qtbot, make_gui):
    gui = make_gui("sample", ["faces", "objects", "pose", "style"], realtime=False)
    wait_result(qtbot, gui, lambda r: len(r.results) == 4)
    with qtbot.waitSignal(gui.controller.recordingChanged, timeout=5000) as started:
        gui.window.actions_by_name["record"].trigger()
    video = Path(started.args[1])
    jsonl = video.with_suffix(".jsonl")
    qtbot.waitUntil(lambda: jsonl.is_file() and len(jsonl.read_text().splitlines()) >= 2, timeout=LOAD_TIMEOUT)
    gui.window.close()
    assert not _pipeline_threads()
    lines = video.with_suffix(".jsonl").read_text().splitlines()
    assert len(lines) >= 2 and count_frames_cv2(video) == len(lines)


def test_sample_clip_is_bundled():
    assert SAMPLE_CLIP.is_file()


# --- more sources, views and failures ----------------------------------------------------
def test_camera_menu_lists_cameras_on_a_worker_thread(qtbot, make_gui):
    gui = make_gui("sample", [])
    menu = gui.window.camera_menu
    with qtbot.waitSignal(gui.controller.camerasListed, timeout=20_000) as listed:
        menu.probe()
    texts = [a.text() for a in menu.actions()]
    if listed.args[0]:
        assert any(str(cam.index) in t for cam in listed.args[0] for t in texts)
    else:
        assert "No camera found" in texts
    assert "Look again" in texts


def test_image_folder_plays_its_pictures(qtbot, make_gui, tmp_path, astronaut, coffee, chelsea):
    folder = tmp_path / "pictures"
    folder.mkdir()
    for i, img in enumerate((astronaut, coffee, chelsea)):
        cv2.imwrite(str(folder / f"img{i}.png"), img)
    gui = make_gui(str(folder), ["faces"], realtime=False)
    seen: set[tuple[int, ...]] = set()
    wait_result(qtbot, gui, lambda r: seen.add(r.image.shape) or len(seen) >= 2)
    assert "Folder" in gui.window.source_label.text()


def test_hud_and_side_by_side(qtbot, make_gui):
    gui = make_gui("sample", [])
    wait_result(qtbot, gui, lambda r: np.array_equal(r.annotated, r.image))  # nothing drawn
    gui.window.actions_by_name["hud"].trigger()
    wait_result(qtbot, gui, lambda r: not np.array_equal(r.annotated, r.image))  # the HUD is drawn
    gui.window.actions_by_name["side_by_side"].trigger()
    left, right = gui.window.view.image_rects()
    assert left.right() < right.left() and left.size() == right.size()


def test_camera_unplugged_is_reported_and_the_app_keeps_running(qtbot, make_gui):
    gui = make_gui("synthetic:fps=30,fail_after=15", ["faces"])
    qtbot.waitUntil(lambda: gui.window.banner.kind == "error", timeout=LOAD_TIMEOUT)
    gui.logic.open_source("sample")
    wait_result(qtbot, gui, lambda r: "faces" in r.results)


def test_model_failure_is_reported_and_the_other_processors_go_on(qtbot, make_gui, tmp_path):
    from vision_desk import model_store

    damaged = tmp_path / "models"
    damaged.mkdir()
    src = model_store.bundled_dir() / "ssdlite_mobilenet_v2_coco.onnx"
    (damaged / src.name).write_bytes(src.read_bytes()[: 1 << 16])  # truncated
    gui = make_gui("sample", ["faces"])
    wait_result(qtbot, gui, lambda r: "faces" in r.results)
    model_store.set_models_dir(damaged)
    try:
        gui.window.actions_by_name["toggle_objects"].trigger()
        qtbot.waitUntil(lambda: gui.window.banner.kind == "error", timeout=LOAD_TIMEOUT)
    finally:
        model_store.set_models_dir(None)
    assert "objects" in gui.window.banner.message
    qtbot.waitUntil(lambda: not gui.window.actions_by_name["toggle_objects"].isChecked(), timeout=10_000)
    first = gui.window.view.result.frame.index
    wait_result(qtbot, gui, lambda r: r.frame.index > first + 3 and "faces" in r.results)


def test_style_from_a_picture(qtbot, make_gui, tmp_path, chelsea):
    picture = tmp_path / "painting.png"
    cv2.imwrite(str(picture), chelsea)
    gui = make_gui("sample", [], realtime=False)
    gui.logic.apply_settings("style", {"style_image": str(picture)}, enable=True)
    assert "style" in gui.controller.processors
    result = wait_result(qtbot, gui, lambda r: "style" in r.results and "painting.png" in r.results["style"].style)
    assert not np.array_equal(result.image, result.frame.image)  # the picture is painted over


def test_question_mark_opens_the_help(qtbot, make_gui):
    gui = make_gui("sample", [])
    gui.window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is gui.window)
    qtbot.keyClick(gui.window, Qt.Key.Key_Question)
    assert gui.window.help_overlay.isVisible()


def test_play_after_the_end_starts_the_file_again(qtbot, make_gui, tmp_path, camera_man):
    clip = write_clip(tmp_path / "short.mp4", camera_man, frames=12)
    gui = make_gui("sample", ["faces"], realtime=False)
    gui.window.actions_by_name["loop"].setChecked(False)
    with qtbot.waitSignal(gui.controller.sourceEnded, timeout=LOAD_TIMEOUT):
        gui.logic.open_source(str(clip))
    wait_result(qtbot, gui, lambda r: r.frame.index == 11)
    gui.window.actions_by_name["play_pause"].trigger()
    wait_result(qtbot, gui, lambda r: r.frame.index < 11 and "faces" in r.results)


def test_a_saved_style_picture_that_was_deleted_falls_back_to_the_defaults(qtbot, make_gui, tmp_path, chelsea):
    path = tmp_path / "stale.ini"
    picture = tmp_path / "gone.png"
    cv2.imwrite(str(picture), chelsea)
    store = SettingsStore(path)
    store.set_processor_settings("style", {"style_image": str(picture), "strength": 0.5})
    store.sync()
    picture.unlink()
    gui = make_gui("sample", ["style"], fresh=False, settings_path=path)
    assert "gone.png" in gui.window.banner.message
    assert gui.controller.processor_settings("style").style_image == ""
    wait_result(qtbot, gui, lambda r: "style" in r.results)


def test_a_change_while_paused_redraws_the_frame_on_screen(qtbot, make_gui):
    gui = make_gui("sample", ["faces"])
    wait_result(qtbot, gui, lambda r: "faces" in r.results)
    c = gui.controller
    c.set_paused(True)
    c.seek(100)
    before = wait_result(qtbot, gui, lambda r: r.frame.index == 100 and "faces" in r.results)
    assert len(before.results["faces"].candidates) == 0
    gui.window.actions_by_name["haar_windows"].trigger()  # a faces setting: raw windows on
    after = wait_result(qtbot, gui, lambda r: len(r.results["faces"].candidates) > 0)
    assert after.frame.index == 100 and c.paused
    gui.window.actions_by_name["toggle_pose"].trigger()  # a processor switched on: shown once its model loads
    shown = wait_result(qtbot, gui, lambda r: "pose" in r.results)
    assert shown.frame.index == 100 and len(shown.results["faces"].candidates) > 0


def test_a_truncated_video_is_reported_in_the_banner(qtbot, make_gui, tmp_path):
    data = SAMPLE_CLIP.read_bytes()
    cut = tmp_path / "cut.mp4"
    cut.write_bytes(data[: len(data) // 2])  # the header still promises 400 frames
    gui = make_gui("sample", [], realtime=False)
    gui.logic.open_source(str(cut))
    qtbot.waitUntil(lambda: "truncated" in gui.window.banner.message, timeout=LOAD_TIMEOUT)
    assert gui.window.banner.kind == "notice" and "cut.mp4 ended after" in gui.window.banner.message
    assert "of 400 frames" in gui.window.banner.message


def test_mirror_while_paused_shows_the_same_frame_flipped(qtbot, make_gui):
    gui = make_gui("sample", ["faces"])
    c = gui.controller
    wait_result(qtbot, gui, lambda r: "faces" in r.results)
    c.set_paused(True)
    c.seek(60)
    before = wait_result(qtbot, gui, lambda r: r.frame.index == 60)
    gui.window.actions_by_name["mirror"].trigger()
    after = wait_result(qtbot, gui, lambda r: r is not before and r.frame.index == 60)
    assert np.array_equal(after.frame.image, before.frame.image[:, ::-1]) and c.paused
