"""Starting the window: the QApplication, the saved state, the first source.

``run(options)`` is what ``vision-desk`` (``vision-desk gui``) calls;
``build(options)`` makes the window without running the event loop (tests).
"""
from __future__ import annotations

import signal
import sys
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, QTimer
from PySide6.QtWidgets import QApplication

from vision_desk import __version__, quiet
from vision_desk import registry
from vision_desk.runtime import RuntimeConfig
from vision_desk.gui import i18n
from vision_desk.gui.controller import Controller
from vision_desk.gui.main_window import MainWindow
from vision_desk.gui import ui_scale
from vision_desk.gui.settings_store import SettingsStore
from vision_desk.gui.style_gallery import default_renderer
from vision_desk.gui.window_logic import WindowLogic

DEFAULT_CAMERA = "0"
FALLBACK_SOURCE = "sample"
DEFAULT_PROCESSORS = ["faces"]  # the cheapest: something shows at once on the first start


@dataclass
class LaunchOptions:
    source: str | None = None  # None: the last source, else the default camera
    processors: list[str] | None = None  # None: the last ones, else DEFAULT_PROCESSORS
    settings: dict[str, dict[str, Any]] = field(default_factory=dict)  # per processor, over the saved ones
    settings_path: str | None = None  # an INI file instead of the user's settings
    fresh: bool = False  # ignore saved settings (they are still saved on exit)
    presenter: bool = False
    screenshot: Path | None = None  # save a picture of the window, then quit
    screenshot_after: int = 20  # frames with every overlay shown first
    language: str | None = None  # "en" / "ja"; None: the saved choice, else the system locale's
    precision: str | None = None  # --precision given on the command line (wins over the saved choice)
    runtime_config: RuntimeConfig = field(default_factory=RuntimeConfig)  # --device, --threads (and --precision)


@dataclass
class Gui:
    """A built window and the objects behind it."""

    window: MainWindow
    controller: Controller
    logic: WindowLogic
    store: SettingsStore


def application(argv: list[str] | None = None) -> QApplication:
    app = QApplication.instance()
    if app is None:
        app = QApplication(argv if argv is not None else sys.argv[:1])
    app.setApplicationName("vision_desk")
    app.setOrganizationName("vision_desk")
    app.setApplicationVersion(__version__)
    app.setDesktopFileName("vision_desk")
    return app  # type: ignore[return-value]


def build(options: LaunchOptions | None = None, store: SettingsStore | None = None) -> Gui:
    """Make the window and open the first source (the event loop is the caller's)."""
    options = options or LaunchOptions()
    store = store or SettingsStore(options.settings_path)
    # The language first: every widget takes its texts when it is made.
    language = i18n.install(options.language or store.language or i18n.system_language())
    ui_scale.apply(store.ui_scale)
    saved_settings = {} if options.fresh else {n: store.processor_settings(n) for n in registry.PROCESSOR_NAMES}
    settings = {n: {**saved_settings.get(n, {}), **options.settings.get(n, {})} for n in registry.PROCESSOR_NAMES}
    controller = Controller({n: v for n, v in settings.items() if v}, runtime_config=options.runtime_config)
    window = MainWindow(controller.run_job, partial(default_renderer, runtime_config=options.runtime_config))
    logic = WindowLogic(window, controller, store)
    if language.warning:
        window.banner.show_notice(language.warning, sticky=True)
    saved_procs = None if options.fresh else store.processors
    processors = options.processors if options.processors is not None else saved_procs
    logic.restore(processors if processors is not None else list(DEFAULT_PROCESSORS))
    logic.restore_precision(options.precision or ("auto" if options.fresh else store.precision))
    if options.screenshot is not None:
        from vision_desk.gui.screenshot import ScreenshotTrigger

        ScreenshotTrigger(window, controller, options.screenshot, options.screenshot_after)
    source = options.source or ("" if options.fresh else store.source) or DEFAULT_CAMERA
    fallback = FALLBACK_SOURCE if source != FALLBACK_SOURCE else None
    controller.open_source(source, fallback=fallback)  # (not logic.open_source: keep start-up messages)
    if options.presenter:
        window.actions_by_name["presenter"].setChecked(True)
    return Gui(window, controller, logic, store)


def run(options: LaunchOptions | None = None) -> int:
    """Open the window and run until it is closed; 0 on a normal exit."""
    quiet.ensure_quiet()  # (the command line has already chosen, with or without --debug)
    app = application()
    options = options or LaunchOptions()
    while True:
        gui = build(options)
        if not options.presenter:
            gui.window.show()
        # Ctrl+C in the terminal closes the window cleanly (Python only sees signals between Qt events).
        signal.signal(signal.SIGINT, lambda *_: gui.window.close())
        heartbeat = QTimer()
        heartbeat.start(200)
        heartbeat.timeout.connect(lambda: None)
        app.setQuitOnLastWindowClosed(True)
        code = app.exec()
        relaunch = gui.logic.relaunch_requested
        teardown(gui)
        if not relaunch:
            return int(code)
        # View > Language: the window is made again in the new language, from what was just saved
        # (source, processors, settings, layout), so every text is translated, not only some.
        options = LaunchOptions(settings_path=options.settings_path, runtime_config=options.runtime_config)


def teardown(gui: Gui) -> None:
    """Stop every thread, run what they queued, and delete the Qt objects now, not at interpreter exit.

    Why: signals queued from worker threads carry Python objects; left in Qt's
    event queue until the interpreter is finalizing, they would be released in
    an order PySide cannot cope with.
    """
    gui.logic.close()
    app = QApplication.instance()
    if app is not None:
        app.processEvents()
    gui.window.deleteLater()
    gui.controller.deleteLater()
    if app is not None:
        app.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        app.processEvents()
