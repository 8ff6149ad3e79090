"""The window: a thin PySide6 layer over the Qt-free pipeline (see gui/controller.py).

Importing it applies a guard against a PySide6 6.12 reference-counting bug on
Python < 3.12 (see gui/qt_compat.py) before any Qt call can trigger it.
"""
from vision_desk.gui.qt_compat import guard_singleton_refcounts

guard_singleton_refcounts()
