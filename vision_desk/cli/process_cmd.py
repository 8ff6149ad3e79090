"""`vision-desk process` (being built)."""
from __future__ import annotations

import argparse
from typing import Any

from vision_desk.errors import VisionDeskError


def add_parser(sub: Any, parents: list[argparse.ArgumentParser]) -> None:
    sub.add_parser("process", parents=parents, help="(not built yet)")


def run(args: argparse.Namespace) -> int:
    raise VisionDeskError("'process' is not built yet")
