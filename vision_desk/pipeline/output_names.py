"""One annotated picture per input picture, never two inputs on one output name.

``a.jpg``, ``a.png`` and ``A.PNG`` in one folder would all become ``a.png``
(and on a case-insensitive disk ``A.png`` is the same file too): every input
but the last would be lost while the summary counted three. Names are made
unique case-insensitively: the plain stem where it is unique, else the stem
with the input's extension (``a_jpg.png``), else with a number.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from pathlib import Path


def image_output_names(files: Sequence[Path], suffix: str = ".png") -> list[str]:
    """Output file names for ``files``, in the same order, unique even ignoring case."""
    stems = Counter(f.stem.casefold() for f in files)
    taken: set[str] = set()
    names = []
    for f in files:
        base = f.stem if stems[f.stem.casefold()] == 1 else f"{f.stem}_{f.suffix.lstrip('.')}"
        name, n = f"{base}{suffix}", 2
        while name.casefold() in taken:
            name, n = f"{base}_{n}{suffix}", n + 1
        taken.add(name.casefold())
        names.append(name)
    return names
