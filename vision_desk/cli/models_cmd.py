"""`vision-desk models`: list the model files, and verify their checksums."""
from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from vision_desk import model_store


def add_parser(sub: Any, parents: list[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("models", parents=parents, help="list the models and check their files",
                       description="List every model vision_desk uses: id, file size, licence, source package "
                                   "and whether its file is present. --verify checks each sha256 against the "
                                   "manifest and exits non-zero naming every file that is missing or differs.")
    p.add_argument("--verify", action="store_true", help="check every file's sha256 (exit 1 if any fails)")


def _mb(n: int) -> str:
    return f"{n / 1e6:.1f} MB"


def run(args: argparse.Namespace, config: Any = None) -> int:  # (the device plays no part here)
    statuses = model_store.verify_all(hash_files=args.verify)
    print(f"models folder: {model_store.models_dir()}")
    rows = [("id", "size", "licence", "source", "state")]
    for s in statuses:
        e = s.entry
        rows.append((e.id, _mb(e.bytes), e.license, f"{e.source['registry']}:{e.source['package']}", s.state))
    import cv2

    for name in ("frontalface_default", "frontalface_alt2", "profileface", "eye"):
        path = f"{cv2.data.haarcascades}haarcascade_{name}.xml"
        state = "present" if Path(path).is_file() else "missing"
        rows.append((f"faces-haar-{name}", "(in OpenCV)", "BSD-3/Intel", f"pypi:opencv-python-headless@{cv2.__version__}", state))
    widths = [max(len(r[i]) for r in rows) for i in range(5)]
    for r in rows:
        print("  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip())
    bad = [s for s in statuses if not (s.state == "ok" if args.verify else s.ok)]
    for s in bad:
        print(f"FAILED: {s.path} ({s.entry.id}): {s.state}; restore it with "
              f"`git checkout -- models/{s.entry.file}` or `python tools/convert_models.py` (models/README.md)")
    if args.verify and not bad:
        print(f"all {len(statuses)} model files match the manifest")
    return 1 if bad else 0
