"""The lecture's keys that change one processor's settings, keyed by processor, in one table.

Each :class:`SettingStep` is a menu action (with its key, see gui/shortcuts.py) that turns a processor's
current settings into a change (next style, next layer, the cnn's next view, superres's mode); it switches the
processor on. Each :class:`TeachingToggle` is a check action that shows or hides a processor's teaching view
(the Haar windows, pose's heat maps) and is checked while its settings say that view is on. The window's
logic connects and syncs them from these tables, so adding a lecture key for a processor is one entry here
(and one command in shortcuts.py), not a handler named after the processor.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

Settings = Any  # a processor's settings dataclass


@dataclass(frozen=True)
class SettingStep:
    action: str  # the QAction's name in MainWindow.actions_by_name
    processor: str
    change: Callable[[Settings], dict[str, Any]]  # current settings -> name=value changes


@dataclass(frozen=True)
class TeachingToggle:
    action: str
    processor: str
    setting: str  # the setting that shows the view
    on: Any  # its value when switched on (unless ``remembered`` holds one chosen in the panel)
    off: Any  # its value when off
    remembered: bool = False  # switching on again brings back the last value chosen (pose: the channel)

    def change(self, checked: bool, memory: dict[str, Any]) -> dict[str, Any]:
        return {self.setting: memory.get(self.action, self.on) if checked else self.off}

    def is_on(self, settings: Settings) -> bool:
        return bool(getattr(settings, self.setting) != self.off)

    def remember(self, memory: dict[str, Any], values: dict[str, Any]) -> None:
        """Settings just applied to the processor: keep a value chosen for the view (to bring it back)."""
        if self.remembered and values.get(self.setting, self.off) != self.off:
            memory[self.action] = values[self.setting]


def _style(delta: int) -> Callable[[Settings], dict[str, Any]]:
    def change(s: Settings) -> dict[str, Any]:
        from vision_desk.processors.style import NUM_STYLES

        return {"style": (int(s.style) + delta) % NUM_STYLES, "style_image": ""}
    return change


def _layer(delta: int) -> Callable[[Settings], dict[str, Any]]:
    """cnn: the next layer towards the head (or the stem), shown as a grid of its feature maps."""
    def change(s: Settings) -> dict[str, Any]:
        from vision_desk.results import LAYERS

        index = min(max(LAYERS.index(s.layer) + delta, 0), len(LAYERS) - 1)
        return {"layer": LAYERS[index], "view": "layers"}
    return change


def _next_cnn_view(s: Settings) -> dict[str, Any]:
    from vision_desk.processors.cnn import VIEWS

    return {"view": VIEWS[(VIEWS.index(s.view) + 1) % len(VIEWS)]}


def _next_segment_view(s: Settings) -> dict[str, Any]:
    from vision_desk.processors.segment import VIEWS

    return {"view": VIEWS[(VIEWS.index(s.view) + 1) % len(VIEWS)]}


STEPS: tuple[SettingStep, ...] = (
    SettingStep("prev_style", "style", _style(-1)),
    SettingStep("next_style", "style", _style(+1)),
    SettingStep("prev_layer", "cnn", _layer(-1)),
    SettingStep("next_layer", "cnn", _layer(+1)),
    SettingStep("cnn_view", "cnn", _next_cnn_view),
    SettingStep("superres_mode", "superres", lambda s: {"mode": "check" if s.mode == "zoom" else "zoom"}),
    SettingStep("segment_view", "segment", _next_segment_view),
)

TOGGLES: tuple[TeachingToggle, ...] = (
    TeachingToggle("haar_windows", "faces", "teaching", on=True, off=False),
    TeachingToggle("pose_maps", "pose", "view", on="nose", off="off", remembered=True),
)
