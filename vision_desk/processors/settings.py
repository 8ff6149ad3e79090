"""Typed, validated processor settings.

Each processor declares a frozen dataclass whose fields are made with
:func:`setting`. The metadata (range, choices, help, whether a change needs a
model reload) is the single description that validation, the command-line
options and the GUI widgets are all built from.
"""
from __future__ import annotations

import dataclasses
from dataclasses import MISSING, field
from typing import Any, TypeVar

from vision_desk.errors import SettingsError

S = TypeVar("S")


def setting(
    default: Any,
    *,
    help: str,
    range: tuple[float, float] | None = None,
    choices: tuple[Any, ...] | None = None,
    step: float | None = None,
    reload: bool = False,
    label: str | None = None,
) -> Any:
    """Declare one setting. ``reload=True`` means changing it needs the model reloaded."""
    meta = {"help": help, "range": range, "choices": choices, "step": step, "reload": reload, "label": label}
    return field(default=default, metadata=meta)


@dataclasses.dataclass(frozen=True)
class SettingInfo:
    name: str
    type: type
    default: Any
    help: str
    range: tuple[float, float] | None
    choices: tuple[Any, ...] | None
    step: float | None
    reload: bool
    label: str


def describe(settings_type: type) -> list[SettingInfo]:
    """The schema of a settings dataclass, for CLI options and GUI widgets."""
    hints = {f.name: f.type for f in dataclasses.fields(settings_type)}
    out = []
    for f in dataclasses.fields(settings_type):
        if not f.metadata:
            continue
        typ = hints[f.name]
        if isinstance(typ, str):  # postponed annotations
            typ = {"int": int, "float": float, "bool": bool, "str": str}.get(typ, str)
        default = f.default if f.default is not MISSING else f.default_factory()  # type: ignore[misc]
        out.append(SettingInfo(f.name, typ, default, f.metadata["help"], f.metadata["range"],
                               f.metadata["choices"], f.metadata["step"], f.metadata["reload"],
                               f.metadata["label"] or f.name.replace("_", " ")))
    return out


def _coerce(info: SettingInfo, value: Any, owner: str) -> Any:
    name = f"{owner}.{info.name}" if owner else info.name
    try:
        if info.type is bool:
            if isinstance(value, str):
                low = value.strip().lower()
                if low in ("1", "true", "yes", "on"):
                    return True
                if low in ("0", "false", "no", "off"):
                    return False
                raise ValueError
            return bool(value)
        if info.type is int:
            if isinstance(value, float) and not value.is_integer():
                raise ValueError
            return int(value)
        if info.type is float:
            return float(value)
        return str(value) if value is not None else value
    except (TypeError, ValueError):
        raise SettingsError(f"{name}: {value!r} is not a valid {info.type.__name__}; {valid_values(info)}") from None


def valid_values(info: SettingInfo) -> str:
    if info.choices is not None:
        return "valid values: " + ", ".join(str(c) for c in info.choices)
    if info.range is not None:
        lo, hi = info.range
        return f"valid range: {lo:g} to {hi:g}"
    if info.type is bool:
        return "valid values: true, false"
    return f"expected a {info.type.__name__}"


def validate(settings: S, owner: str = "") -> S:
    """Coerce and check every field; raise SettingsError naming the valid values."""
    changes = {}
    for info in describe(type(settings)):
        value = getattr(settings, info.name)
        coerced = _coerce(info, value, owner)
        name = f"{owner}.{info.name}" if owner else info.name
        if info.choices is not None and coerced not in info.choices:
            raise SettingsError(f"{name}: {value!r} is not allowed; {valid_values(info)}")
        if info.range is not None and not (info.range[0] <= coerced <= info.range[1]):
            raise SettingsError(f"{name}: {value!r} is out of range; {valid_values(info)}")
        if coerced is not value:
            changes[info.name] = coerced
    return dataclasses.replace(settings, **changes) if changes else settings  # type: ignore[type-var]


def update(settings: S, owner: str = "", **changes: Any) -> S:
    """A validated copy of ``settings`` with ``changes`` applied; unknown names are an error."""
    known = {f.name for f in dataclasses.fields(settings)}  # type: ignore[arg-type]
    unknown = sorted(set(changes) - known)
    if unknown:
        raise SettingsError(f"{owner or 'settings'}: unknown setting(s) {', '.join(unknown)}; "
                            f"known: {', '.join(sorted(known))}")
    return validate(dataclasses.replace(settings, **changes), owner)  # type: ignore[type-var]


def needs_reload(old: Any, new: Any) -> bool:
    return any(getattr(old, i.name) != getattr(new, i.name) for i in describe(type(old)) if i.reload)
