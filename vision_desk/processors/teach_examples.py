"""The teach processor's examples: a folder of pictures, one sub-folder per class, that people can see and edit.

Why a folder and not a file of vectors: a class taught in the lecture should
survive the app and be easy to check, fix, share and load elsewhere (copy the
folder; delete a bad picture in any file manager). The folder is the only
state: the window's keys write pictures into it, the processor notices the
change (:func:`signature`) and embeds what is new.

Layout: ``DIR/<class folder>/<picture>``. The folder names are the labels; a
leading number and a space or underscore ("2 pen", "2_pen") sets the class's
place (the window's Ctrl+2 adds to it) and is not part of the label. Folders
without a number come after, in name order.
"""
from __future__ import annotations

import re
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from vision_desk.errors import SettingsError

PICTURE_SUFFIXES = (".jpg", ".jpeg", ".png", ".bmp", ".webp", ".tif", ".tiff")
_NUMBERED = re.compile(r"^(\d+)[ _](.+)$")


@dataclass(frozen=True)
class ExampleClass:
    folder: Path
    label: str
    pictures: tuple[Path, ...]


def label_of(folder_name: str) -> str:
    """'2 pen' -> 'pen'; 'cup' -> 'cup'."""
    match = _NUMBERED.match(folder_name)
    return match.group(2).strip() if match else folder_name


def _order(folder: Path) -> tuple[int, int, str]:
    match = _NUMBERED.match(folder.name)
    return (0, int(match.group(1)), "") if match else (1, 0, folder.name.lower())


def check_folder(path_text: str) -> Path:
    """The examples folder of a setting: an existing folder (a mistyped path is an error, not an empty class
    list; the window makes its default folder before it sets it)."""
    path = Path(path_text).expanduser()
    if not path.is_dir():
        what = "is a file" if path.exists() else "does not exist"
        raise SettingsError(f"teach.examples: {path} {what}; give a folder with one sub-folder of example "
                            "pictures per class (the folder names are the labels)")
    return path


def classes(root: Path) -> list[ExampleClass]:
    """The classes of an examples folder, in class order, each with its pictures in name order."""
    if not root.is_dir():
        return []
    out = []
    for folder in sorted((p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")), key=_order):
        pictures = tuple(sorted(p for p in folder.iterdir()
                                if p.is_file() and p.suffix.lower() in PICTURE_SUFFIXES))
        out.append(ExampleClass(folder, label_of(folder.name), pictures))
    return out


def signature(root: Path) -> tuple:
    """Changes whenever a class or a picture is added, removed, renamed or rewritten (cheap: stat calls)."""
    if not root.is_dir():
        return ()
    items = []
    for cls in classes(root):
        for p in cls.pictures:
            try:
                st = p.stat()
            except OSError:
                continue
            items.append((cls.folder.name, p.name, st.st_size, st.st_mtime_ns))
        items.append((cls.folder.name,))
    return tuple(items)


def class_folder(root: Path, number: int) -> Path:
    """The folder of class ``number`` (1-based, in class order); made, named 'N class N', when it is new."""
    existing = classes(root)
    if number <= len(existing):
        return existing[number - 1].folder
    folder = root / f"{number} class {number}"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def add_picture(root: Path, number: int, image: np.ndarray) -> Path:
    """Save a BGR picture as a new example of class ``number``; returns its path."""
    folder = class_folder(root, number)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    path = folder / f"{stamp}.jpg"
    n = 1
    while path.exists():
        n += 1
        path = folder / f"{stamp}-{n}.jpg"
    ok, data = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, 92])
    if not ok:
        raise SettingsError(f"teach: could not encode the picture for {folder}")
    data.tofile(str(path))
    return path


def rename_class(root: Path, number: int, label: str) -> Path:
    """Give class ``number`` a new label (its folder becomes 'N label')."""
    label = label.strip()
    if not label or any(c in label for c in '/\\:*?"<>|') or label in (".", ".."):
        raise SettingsError(f"teach: {label!r} cannot be a class name; use letters, digits and spaces")
    folder = class_folder(root, number)
    target = root / f"{number} {label}"
    if target != folder:
        if target.exists():
            raise SettingsError(f"teach: {target} exists already; choose another name")
        folder.rename(target)
    return target


def clear(root: Path) -> int:
    """Remove every class folder that holds only example pictures; returns how many pictures went.

    A folder with anything else in it (a user's notes, sub-folders) is left as it is."""
    removed = 0
    for cls in classes(root):
        others = [p for p in cls.folder.iterdir() if p not in cls.pictures]
        if others:
            continue
        removed += len(cls.pictures)
        shutil.rmtree(cls.folder)
    return removed
