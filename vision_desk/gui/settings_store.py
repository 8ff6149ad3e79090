"""What the window remembers between runs (QSettings).

Why a wrapper: every value goes through one typed accessor, so a damaged or
hand-edited settings file can only ever produce the default, never a crash at
start-up; and the location is chosen in one place, so tests (and
``VISION_DESK_SETTINGS``) can point it at a temporary file instead of the
user's real settings.
"""
from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from PySide6.QtCore import QByteArray, QSettings, QStandardPaths

from vision_desk.sources import redact

ENV_VAR = "VISION_DESK_SETTINGS"
MAX_JSON_CHARS = 64 * 1024  # a processor's settings are a few hundred characters
ORGANIZATION = "vision_desk"
APPLICATION = "vision_desk"


def default_output_dir() -> Path:
    """Where recordings and snapshots go unless the user picks another folder."""
    home = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.HomeLocation) or str(Path.home())
    return Path(home) / "vision_desk"


class SettingsStore:
    """Typed access to the persisted settings.

    ``path`` (or ``$VISION_DESK_SETTINGS``) selects an INI file; otherwise the
    platform's normal per-user location is used.
    """

    def __init__(self, path: str | os.PathLike[str] | None = None) -> None:
        path = path if path is not None else os.environ.get(ENV_VAR) or None
        if path is not None:
            self._qs = QSettings(str(path), QSettings.Format.IniFormat)
        else:
            self._qs = QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, ORGANIZATION, APPLICATION)

    @property
    def location(self) -> str:
        return self._qs.fileName()

    def sync(self) -> None:
        self._qs.sync()

    def clear(self) -> None:
        self._qs.clear()

    # --- primitive accessors that never raise on bad stored data -------------
    def _get_str(self, key: str, default: str = "") -> str:
        value = self._qs.value(key, default)
        return value if isinstance(value, str) else default

    def _get_bool(self, key: str, default: bool) -> bool:
        value = self._qs.value(key, default)
        if isinstance(value, bool):
            return value
        if isinstance(value, str):
            text = value.strip().lower()
            if text in ("1", "true", "yes", "on"):
                return True
            if text in ("0", "false", "no", "off"):
                return False
        return default  # anything else ("maybe", a list, an unknown type) is not a choice the user made

    def _get_json(self, key: str, default: Any) -> Any:
        """A JSON value, or ``default`` for anything else: not JSON, absurdly long, nested so deep that
        the parser would exhaust the stack (RecursionError is not a ValueError)."""
        if not self._qs.contains(key):
            return default
        text = self._get_str(key)
        if len(text) > MAX_JSON_CHARS:
            return default
        try:
            return json.loads(text)
        except (ValueError, TypeError, RecursionError):
            return default

    # --- what the window remembers ---------------------------------------------
    @property
    def source(self) -> str:
        """The last source spec the user opened ("" when none yet)."""
        return self._get_str("source")

    @source.setter
    def source(self, spec: str) -> None:
        # The settings file is plain text: a stream URL with a password or token is not kept
        # (the user types it again next time) rather than written where anyone can read it.
        if redact(spec) != spec:
            self._qs.remove("source")
            return
        self._qs.setValue("source", spec)

    @property
    def processors(self) -> list[str] | None:
        """The active processors (None when never saved, so the caller picks a default)."""
        names = self._get_json("processors", None)
        if not isinstance(names, list):
            return None
        return [n for n in names if isinstance(n, str)]

    @processors.setter
    def processors(self, names: list[str]) -> None:
        self._qs.setValue("processors", json.dumps(list(names)))

    def processor_settings(self, name: str) -> dict[str, Any]:
        """Settings the user changed for one processor (name -> JSON value)."""
        data = self._get_json(f"processor_settings/{name}", {})
        # Values are checked by the processor's settings schema when applied (a bad one is reported and reset).
        return {k: v for k, v in data.items() if isinstance(k, str)} if isinstance(data, dict) else {}

    def set_processor_settings(self, name: str, values: dict[str, Any]) -> None:
        self._qs.setValue(f"processor_settings/{name}", json.dumps(values, default=str))

    @property
    def output_dir(self) -> Path:
        text = self._get_str("output_dir")
        return Path(text) if text else default_output_dir()

    @output_dir.setter
    def output_dir(self, path: Path) -> None:
        self._qs.setValue("output_dir", str(path))

    @property
    def precision(self) -> str:
        """The model precision chosen in the window: auto, fp32 or int8."""
        value = self._get_str("precision", "auto")
        return value if value in ("auto", "fp32", "int8") else "auto"

    @precision.setter
    def precision(self, value: str) -> None:
        self._qs.setValue("precision", value)

    def flag(self, name: str, default: bool = False) -> bool:
        """View options: mirror, hud, side_by_side, loop, realtime."""
        return self._get_bool(f"view/{name}", default)

    def set_flag(self, name: str, value: bool) -> None:
        self._qs.setValue(f"view/{name}", bool(value))

    @property
    def language(self) -> str:
        """The window's language ("en", "ja"), or "" when never chosen (then the system locale decides)."""
        from vision_desk.i18n import LANGUAGES

        code = self._get_str("view/language")
        return code if code in LANGUAGES else ""

    @language.setter
    def language(self, code: str) -> None:
        self._qs.setValue("view/language", code)

    @property
    def ui_scale(self) -> int:
        """View > Text size, percent (100-200); anything else stored reads as 100."""
        value = self._qs.value("view/ui_scale", 100)
        try:
            pct = int(value)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            return 100
        return pct if 100 <= pct <= 200 else 100

    @ui_scale.setter
    def ui_scale(self, percent: int) -> None:
        self._qs.setValue("view/ui_scale", int(percent))

    def window_state(self) -> tuple[QByteArray | None, QByteArray | None]:
        geometry = self._qs.value("window/geometry")
        state = self._qs.value("window/state")
        return (geometry if isinstance(geometry, QByteArray) else None,
                state if isinstance(state, QByteArray) else None)

    def set_window_state(self, geometry: QByteArray, state: QByteArray) -> None:
        self._qs.setValue("window/geometry", geometry)
        self._qs.setValue("window/state", state)
