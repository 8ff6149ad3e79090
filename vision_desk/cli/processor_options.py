"""Command-line options made from each processor's settings schema.

Every setting declared with :func:`vision_desk.processors.settings.setting`
becomes ``--PROCESSOR-SETTING`` (``score_threshold`` of ``objects`` ->
``--objects-score-threshold``; a boolean also gets ``--no-...``), with the
setting's help, default and valid values in ``--help``. Nothing is restated
here, so a new setting shows up on the command line (and in the window, which
builds its widgets from the same schema) without touching this file.

Values are parsed as text and checked by the settings module, so a bad value
ends in one line that names the valid values, the same message the window
shows, rather than argparse's usage dump.
"""
from __future__ import annotations

import argparse
from collections.abc import Sequence
from typing import Any

from vision_desk import registry
from vision_desk.errors import SettingsError
from vision_desk.processors import settings as settings_mod

_DEST_SEP = "__"  # argparse dest: PROCESSOR__SETTING


def option_name(processor: str, setting: str) -> str:
    return f"--{processor}-{setting.replace('_', '-')}"


def _default_text(info: settings_mod.SettingInfo) -> str:
    if info.type is bool:
        return "on" if info.default else "off"
    if info.default == "":
        return "none"
    return str(info.default)


def add_processor_options(parser: argparse.ArgumentParser,
                          names: Sequence[str] = registry.PROCESSOR_NAMES) -> None:
    """One argument group per processor, one option per setting (all default to None: 'not given')."""
    for name in names:
        cls = registry.processor_class(name)
        group = parser.add_argument_group(f"{name} options ({registry.spec(name).title})")
        for info in settings_mod.describe(cls.settings_type):
            flag = option_name(name, info.name)
            dest = f"{name}{_DEST_SEP}{info.name}"
            text = f"{info.help} (default: {_default_text(info)}"
            text += ")" if info.type is bool else f"; {settings_mod.valid_values(info)})"
            text = text.replace("%", "%%")
            if info.type is bool:
                group.add_argument(flag, dest=dest, action=argparse.BooleanOptionalAction, default=None, help=text)
            else:
                if info.choices and len(info.choices) <= 8:
                    metavar = "{" + ",".join(str(c) for c in info.choices) + "}"
                else:  # long lists (pose views) are in the help text only
                    metavar = "NAME" if info.choices else info.type.__name__.upper()
                group.add_argument(flag, dest=dest, default=None, metavar=metavar, help=text)


def given_settings(args: argparse.Namespace) -> dict[str, dict[str, Any]]:
    """The processor options the user gave, as {processor: {setting: raw value}} (not yet validated)."""
    out: dict[str, dict[str, Any]] = {}
    for dest, value in vars(args).items():
        if value is None or _DEST_SEP not in dest:
            continue
        name, _, setting = dest.partition(_DEST_SEP)
        if name in registry.PROCESSOR_NAMES:
            out.setdefault(name, {})[setting] = value
    return out


def settings_from_args(args: argparse.Namespace, selected: Sequence[str] | None = None) -> dict[str, dict[str, Any]]:
    """Validated settings per processor: {processor: {setting: value}} for the options given.

    Raises SettingsError naming the option and its valid values. With ``selected``,
    an option for a processor that is not selected is an error too (it would do nothing).
    """
    raw = given_settings(args)
    return {name: {k: getattr(validated, k) for k in raw[name]}
            for name, validated in _validated(raw, selected).items()}


def validated_settings(args: argparse.Namespace, selected: Sequence[str]) -> dict[str, Any]:
    """The whole settings dataclass of each ``selected`` processor, validated once here (its defaults with
    the options given): what `vision-desk process` hands the pipeline, which holds it as it is."""
    given = _validated(given_settings(args), selected)
    return {name: given[name] if name in given else _validated({name: {}}, selected)[name] for name in selected}


def _validated(raw: dict[str, dict[str, Any]], selected: Sequence[str] | None) -> dict[str, Any]:
    """{processor: settings dataclass} for the options in ``raw``, checked in the order given."""
    out: dict[str, Any] = {}
    for name, values in raw.items():
        if selected is not None and name not in selected:
            flags = ", ".join(option_name(name, s) for s in values)
            raise SettingsError(f"{flags} applies to the {name} processor, which is not selected; "
                                f"add it with -p (e.g. -p {','.join([*selected, name])})")
        cls = registry.processor_class(name)
        try:
            out[name] = settings_mod.update(cls.settings_type(), name, **values)
        except SettingsError as exc:
            raise SettingsError(_with_flags(str(exc), name)) from None
    return out


def _with_flags(message: str, name: str) -> str:
    """'objects.score_threshold: ...' -> '--objects-score-threshold: ...' (what the user typed)."""
    head, sep, rest = message.partition(": ")
    if sep and head.startswith(name + "."):
        return f"{option_name(name, head[len(name) + 1:])}: {rest}"
    return message
