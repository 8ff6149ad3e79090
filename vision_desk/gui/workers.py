"""Work off the GUI thread, answers on it: the window's one cross-thread helper.

The pattern of superqt's ``create_worker`` / ``ensure_main_thread`` without the dependency (two small pieces
are all the window needs): :class:`GuiThread` calls a function on the GUI thread from any thread (queued
through a signal of a QObject that lives there), and :func:`in_background` runs a function on a worker
thread and hands its value to ``on_result`` *or* its exception to ``on_error``, both on the GUI thread,
so no caller has to tell a value from an exception.
"""
from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future
from typing import Any, TypeVar

from PySide6.QtCore import QObject, Signal, Slot

T = TypeVar("T")
Submit = Callable[[Callable[[], None]], "Future[None] | None"]  # queues a job on a worker thread (or refuses)


class GuiThread(QObject):
    """``call(fn, *args)`` from any thread runs ``fn(*args)`` on the thread this object lives in (the GUI's)."""

    _call = Signal(object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._call.connect(self._run)  # a slot of an object of the GUI thread: queued onto it

    def call(self, fn: Callable[..., Any], *args: Any) -> None:
        self._call.emit(lambda: fn(*args))

    @Slot(object)
    def _run(self, fn: Callable[[], Any]) -> None:
        fn()


def in_background(submit: Submit, gui: GuiThread, fn: Callable[[], T], *, on_result: Callable[[T], Any],
                  on_error: Callable[[Exception], Any]) -> Future[None] | None:
    """Run ``fn`` through ``submit``; then ``on_result(value)`` or ``on_error(exception)`` on the GUI thread."""

    def job() -> None:
        try:
            value = fn()
        except Exception as exc:  # reported, never raised into the pool
            gui.call(on_error, exc)
            return
        gui.call(on_result, value)

    return submit(job)
