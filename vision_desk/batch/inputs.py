"""What a batch processes: the user's inputs expanded to video files, each with its output names.

Inputs can be video files, folders (searched recursively for videos), wildcard
patterns (``'lectures/**/*.mp4'``) and text files that list any of these, one a
line (``#`` starts a comment; relative lines are relative to the list file).
Each video keeps its path relative to the common folder of all inputs, and its
outputs get that relative name in the output folders (``term1/week3.mkv`` ->
``OUT/term1/week3.mp4`` and ``JSON/term1/week3.jsonl``), so two files with the
same name in different folders never collide.

Symbolic links are followed (a link to a folder is searched too; a link that
leads back to a folder already being searched is skipped and named), and a
video reached through a link keeps the link's own relative name. A folder
holding both pictures and videos at its top level is what most of its files
are: more pictures than videos make it one picture input (the picture source
names the videos it skips), otherwise it is a batch of videos and the pictures
it skips are named. Files a batch in the output folder wrote (its manifest
records them) are never read back as inputs.
"""
from __future__ import annotations

import glob
import os
from dataclasses import dataclass
from pathlib import Path

from vision_desk.errors import SettingsError
from vision_desk.pipeline.video_backends import VIDEO_SUFFIXES
from vision_desk.sources.images import IMAGE_EXTENSIONS

LIST_SUFFIXES = (".txt", ".lst")
_GLOB_CHARS = "*?["


@dataclass(frozen=True)
class FileJob:
    """One input video and where its results go (absolute paths: every worker, on every node, reads them)."""

    input: str
    rel: str  # the relative name, also the manifest key (POSIX separators)
    output: str | None  # annotated video
    json: str | None  # JSON lines


Notes = list[str]  # what the expansion skipped and why, one line each (the command prints them as warnings)


def is_list_file(spec: str) -> bool:
    return Path(spec).suffix.lower() in LIST_SUFFIXES and Path(spec).is_file()


def names_several_videos(spec: str) -> bool:
    """True when one INPUT stands for a batch: a list file, a folder with videos, a pattern matching videos.

    A folder or pattern of pictures stays what it always was: one image input.
    """
    if is_list_file(spec):
        return True
    path = Path(spec).expanduser()
    if path.is_dir():
        return not _mostly_pictures(path) and any(_videos_under(path, limit=1))
    if any(c in spec for c in _GLOB_CHARS) and not path.exists():
        return any(Path(p).suffix.lower() in VIDEO_SUFFIXES for p in glob.iglob(os.path.expanduser(spec),
                                                                                 recursive=True))
    return False


def _mostly_pictures(folder: Path) -> bool:
    """More pictures than videos directly in ``folder``: it is one picture input (the README's promise)."""
    try:
        names = [e.name for e in os.scandir(folder) if not e.name.startswith(".")]
    except OSError:
        return False
    pictures = sum(Path(n).suffix.lower() in IMAGE_EXTENSIONS for n in names)
    videos = sum(Path(n).suffix.lower() in VIDEO_SUFFIXES for n in names)
    return pictures > videos


def _videos_under(folder: Path, exclude: tuple[Path, ...] = (), limit: int | None = None,
                  notes: Notes | None = None, skip: frozenset[str] = frozenset()) -> list[Path]:
    """Videos under ``folder``, following links to folders (a cycle is skipped and named in ``notes``);
    pictures met on the way are named in ``notes`` too; paths in ``skip`` (earlier outputs) are left out."""
    found: list[Path] = []
    pictures: list[Path] = []
    seen: set[tuple[int, int]] = set()
    for root, dirs, files in os.walk(folder, followlinks=True):
        here = Path(root)
        try:
            st = os.stat(here)
        except OSError:
            dirs[:] = []
            continue
        if (st.st_dev, st.st_ino) in seen:  # reached again through a link: a cycle, or the same folder twice
            if notes is not None:
                notes.append(f"skipped {here}: it leads to a folder already searched (a link cycle, or the same "
                             "folder twice)")
            dirs[:] = []
            continue
        seen.add((st.st_dev, st.st_ino))
        # Never read our own outputs back as inputs (an output folder inside an input folder).
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and (here / d).resolve() not in exclude)
        for name in sorted(files):
            path = here / name
            suffix = Path(name).suffix.lower()
            if name.startswith(".") or str(path.absolute()) in skip:
                continue
            if suffix in IMAGE_EXTENSIONS:
                pictures.append(path)
            if suffix not in VIDEO_SUFFIXES:
                continue
            if path.is_symlink() and not path.exists():
                if notes is not None:
                    notes.append(f"skipped {path}: a link to {os.readlink(path)}, which does not exist")
                continue
            found.append(path)
            if limit is not None and len(found) >= limit:
                return found
    if pictures and notes is not None:
        names = ", ".join(p.name for p in pictures[:3]) + (", ..." if len(pictures) > 3 else "")
        notes.append(f"skipped {len(pictures)} picture(s) in {folder} ({names}): a batch takes videos; process "
                     "the pictures on their own: vision-desk process FOLDER -o OUT/")
    return found


def _expand_one(spec: str, exclude: tuple[Path, ...], from_list: Path | None, notes: Notes,
                skip: frozenset[str]) -> list[tuple[Path, Path]]:
    """(video, base folder) pairs for one spec; the base is where its relative name starts."""
    where = f" (listed in {from_list})" if from_list else ""
    raw = os.path.expanduser(spec)
    if from_list is not None and not os.path.isabs(raw):
        raw = str(from_list.parent / raw)
    path = Path(raw)
    if path.is_dir():
        if _mostly_pictures(path):
            raise SettingsError(f"folder {spec}{where} holds mostly pictures: it is one picture input, processed "
                                "on its own (vision-desk process FOLDER -o OUT/), not part of a batch of videos")
        videos = _videos_under(path, exclude, notes=notes, skip=skip)
        if not videos:
            raise SettingsError(f"folder {spec}{where} has no videos ({', '.join(VIDEO_SUFFIXES)}); "
                                "a folder of pictures is processed on its own: vision-desk process FOLDER -o OUT/")
        return [(v, path) for v in videos]
    if any(c in spec for c in _GLOB_CHARS) and not path.exists():
        matches = sorted(Path(p) for p in glob.glob(raw, recursive=True))
        videos = [m for m in matches if m.is_file() and m.suffix.lower() in VIDEO_SUFFIXES
                  and not any(e in m.resolve().parents for e in exclude) and str(m.absolute()) not in skip]
        if not videos:
            raise SettingsError(f"pattern {spec}{where} matches no videos ({', '.join(VIDEO_SUFFIXES)})")
        prefix = raw[:min(raw.index(c) for c in _GLOB_CHARS if c in raw)]  # the part before the first wildcard
        base = Path(prefix) if prefix.endswith(("/", os.sep)) else Path(prefix).parent
        return [(v, base) for v in videos]
    if not path.exists():
        raise SettingsError(f"input {spec}{where} does not exist; give video files, folders of videos, "
                            "wildcard patterns or a .txt file listing them")
    if path.suffix.lower() in LIST_SUFFIXES:
        if from_list is not None:
            raise SettingsError(f"list file {spec} is named inside another list ({from_list}); "
                                "lists cannot be nested")
        return _expand_list(path, exclude, notes, skip)
    if path.suffix.lower() in IMAGE_EXTENSIONS:
        raise SettingsError(f"{spec}{where} is a picture; a batch takes videos (process a folder of pictures "
                            "on its own: vision-desk process FOLDER -o OUT/)")
    return [(path, path.parent)]


def _expand_list(list_file: Path, exclude: tuple[Path, ...], notes: Notes,
                 skip: frozenset[str]) -> list[tuple[Path, Path]]:
    try:
        # utf-8-sig: a list saved by Windows Notepad starts with a byte order mark, which is not a path.
        lines = list_file.read_text(encoding="utf-8-sig").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise SettingsError(f"cannot read list file {list_file}: {exc}") from None
    out: list[tuple[Path, Path]] = []
    for line in lines:
        line = line.strip()
        if line and not line.startswith("#"):
            out.extend(_expand_one(line, exclude, list_file, notes, skip))
    if not out:
        raise SettingsError(f"list file {list_file} names no inputs (one path, folder or pattern a line)")
    return out


def collect_jobs(specs: list[str], output_dir: str | None, json_dir: str | None, *,
                 notes: Notes | None = None, skip: frozenset[str] = frozenset()) -> list[FileJob]:
    """Expand ``specs`` into one job per distinct video; SettingsError for anything that cannot work.

    ``output_dir`` / ``json_dir``: the folders for annotated videos / JSON lines (at least one).
    ``notes``: receives a line for each thing skipped (a link cycle, a broken link, pictures).
    ``skip``: absolute paths never taken as inputs (the outputs an earlier batch recorded in its manifest).
    """
    if output_dir is None and json_dir is None:
        raise SettingsError("a batch needs somewhere to write: -o FOLDER (annotated videos) and/or "
                            "--json FOLDER (JSON lines)")
    for flag, value in (("-o/--output", output_dir), ("--json", json_dir)):
        if value is not None and (Path(value).suffix.lower() in (*VIDEO_SUFFIXES, ".jsonl", ".json")
                                  and not Path(value).is_dir()):
            raise SettingsError(f"{flag} {value}: with several inputs this names a folder (each input gets its "
                                f"own file in it); e.g. {flag.split('/')[0]} results/")
    exclude = tuple(Path(d).expanduser().resolve() for d in (output_dir, json_dir) if d is not None)
    notes = notes if notes is not None else []
    pairs: list[tuple[Path, Path]] = []
    for spec in specs:
        pairs.extend(_expand_one(spec, exclude, None, notes, skip))
    # One job per file on disk (a file named twice, or through a link, is done once); its relative name is
    # that of the path it was found at (links are not resolved: `in/link.mp4 -> /elsewhere/b.mp4` is `link`).
    seen: dict[Path, tuple[Path, Path]] = {}
    for video, base in pairs:
        seen.setdefault(video.resolve(), (Path(os.path.abspath(video)), Path(os.path.abspath(base))))
    if not seen:
        raise SettingsError("no videos to process")
    root = Path(os.path.commonpath([str(base) for _, base in seen.values()]))
    jobs: list[FileJob] = []
    by_output: dict[str, str] = {}
    for video, _base in seen.values():
        rel = video.relative_to(root).with_suffix("")
        key = rel.as_posix()
        if key in by_output:
            raise SettingsError(f"{by_output[key]} and {video} would write the same outputs ({key}.*); "
                                "rename one or process them in separate batches")
        by_output[key] = str(video)
        # Suffixes appended, not swapped: "week3.v2.mkv" -> "week3.v2.mp4", never "week3.mp4".
        out = str(Path(output_dir).expanduser().resolve() / f"{rel}.mp4") if output_dir else None
        js = str(Path(json_dir).expanduser().resolve() / f"{rel}.jsonl") if json_dir else None
        jobs.append(FileJob(str(video), key, out, js))
    return jobs
