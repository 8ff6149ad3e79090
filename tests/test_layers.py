"""The layer rule of docs/ARCHITECTURE.md, checked: import-linter's contracts in pyproject.toml.

gui and cli above batch, above the pipeline, above the registry, above processors / annotate, above sources,
above the small helpers, above results / frame / errors; PySide6 only in vision_desk.gui; no import cycle at
any level. Imports inside functions and under TYPE_CHECKING count. A broken contract fails with import-linter's
own report: which module imports which, on which line.
"""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def lint_imports() -> str:
    found = Path(sys.executable).with_name("lint-imports")
    exe = str(found) if found.exists() else shutil.which("lint-imports")
    if exe is None:
        pytest.fail("lint-imports not found: install the test extra (pip install -e '.[test]')")
    return exe


def test_the_import_contracts_are_the_ones_the_architecture_states() -> None:
    tomllib = pytest.importorskip("tomllib")  # (Python 3.11+)
    config = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["importlinter"]
    contracts = {c["id"]: c for c in config["contracts"]}
    assert set(contracts) == {"layers", "qt-in-gui", "acyclic"}
    layers = contracts["layers"]["layers"]
    order = [layers.index(next(x for x in layers if name in x.split(" | ")))
             for name in ("vision_desk.gui", "vision_desk.batch", "vision_desk.pipeline", "vision_desk.processors",
                          "vision_desk.sources", "vision_desk.results")]
    assert order == sorted(order) and len(set(order)) == len(order)


def test_the_layers_import_downwards_only_with_qt_in_the_window_and_no_cycles() -> None:
    run = subprocess.run([lint_imports(), "--no-cache"], cwd=REPO, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-2000:]
    assert "3 kept, 0 broken" in run.stdout
