"""What a batch processes: the user's inputs expanded to video files, each with its output names.

Inputs can be video files, folders (searched recursively for videos), wildcard
patterns (``'lectures/**/*.mp4'``) and text files that list any of these, one a
line (``#`` starts a comment; relative lines are relative to the list file).
Each video keeps its path relative to the common folder of all inputs, and its
outputs get that relative name in the output folders (``term1/week3.mkv`` ->
``OUT/term1/week3.mp4`` and ``JSON/term1/week3.jsonl``), so two files with the
same name in different folders never collide.
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
        return any(_videos_under(path, limit=1))
    if any(c in spec for c in _GLOB_CHARS) and not path.exists():
        return any(Path(p).suffix.lower() in VIDEO_SUFFIXES for p in glob.iglob(os.path.expanduser(spec),
                                                                                 recursive=True))
    return False


def _videos_under(folder: Path, exclude: tuple[Path, ...] = (), limit: int | None = None) -> list[Path]:
    found: list[Path] = []
    for root, dirs, files in os.walk(folder):
        here = Path(root)
        # Never read our own outputs back as inputs (an output folder inside an input folder).
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and (here / d).resolve() not in exclude)
        for name in sorted(files):
            if Path(name).suffix.lower() in VIDEO_SUFFIXES and not name.startswith("."):
                found.append(here / name)
                if limit is not None and len(found) >= limit:
                    return found
    return found


def _expand_one(spec: str, exclude: tuple[Path, ...], from_list: Path | None) -> list[tuple[Path, Path]]:
    """(video, base folder) pairs for one spec; the base is where its relative name starts."""
    where = f" (listed in {from_list})" if from_list else ""
    raw = os.path.expanduser(spec)
    if from_list is not None and not os.path.isabs(raw):
        raw = str(from_list.parent / raw)
    path = Path(raw)
    if path.is_dir():
        videos = _videos_under(path, exclude)
        if not videos:
            raise SettingsError(f"folder {spec}{where} has no videos ({', '.join(VIDEO_SUFFIXES)}); "
                                "a folder of pictures is processed on its own: vision-desk process FOLDER -o OUT/")
        return [(v, path) for v in videos]
    if any(c in spec for c in _GLOB_CHARS) and not path.exists():
        matches = sorted(Path(p) for p in glob.glob(raw, recursive=True))
        videos = [m for m in matches if m.is_file() and m.suffix.lower() in VIDEO_SUFFIXES
                  and not any(e in m.resolve().parents for e in exclude)]
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
        return _expand_list(path, exclude)
    if path.suffix.lower() in IMAGE_EXTENSIONS:
        raise SettingsError(f"{spec}{where} is a picture; a batch takes videos (process a folder of pictures "
                            "on its own: vision-desk process FOLDER -o OUT/)")
    return [(path, path.parent)]


def _expand_list(list_file: Path, exclude: tuple[Path, ...]) -> list[tuple[Path, Path]]:
    try:
        lines = list_file.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise SettingsError(f"cannot read list file {list_file}: {exc}") from None
    out: list[tuple[Path, Path]] = []
    for line in lines:
        line = line.strip()
        if line and not line.startswith("#"):
            out.extend(_expand_one(line, exclude, list_file))
    if not out:
        raise SettingsError(f"list file {list_file} names no inputs (one path, folder or pattern a line)")
    return out


def collect_jobs(specs: list[str], output_dir: str | None, json_dir: str | None) -> list[FileJob]:
    """Expand ``specs`` into one job per distinct video; SettingsError for anything that cannot work.

    ``output_dir`` / ``json_dir``: the folders for annotated videos / JSON lines (at least one).
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
    pairs: list[tuple[Path, Path]] = []
    for spec in specs:
        pairs.extend(_expand_one(spec, exclude, None))
    seen: dict[Path, tuple[Path, Path]] = {}
    for video, base in pairs:
        seen.setdefault(video.resolve(), (video.resolve(), base.resolve()))
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
