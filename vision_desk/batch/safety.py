"""Checks made before any file of a batch starts, so that no flag can make a batch destroy data.

- No output of a batch is one of its inputs (compared by device and inode, so a
  hard link or a symbolic link counts): ``process in/a.mkv in/out/a.mp4 -o in/out/``
  would replace the second input with the first's annotated video. Refused
  whatever the flags.
- An output belongs to the input the manifest recorded for it: a batch whose
  input of the same relative name is another file (``term1/week3.mp4`` then
  ``term2/week3.mp4`` into one ``-o``) is refused, naming both, unless
  ``--overwrite``.
- A model file that fails its checksum is found once, before any file, not once
  per file (each worker would load it, fail and leave the file failed).
"""
from __future__ import annotations

import os
from collections.abc import Sequence
from typing import TYPE_CHECKING

from vision_desk.batch.manifest import recorded_paths
from vision_desk.errors import ModelError, OutputError
from vision_desk.pipeline.output_claim import file_id, same_file

if TYPE_CHECKING:
    from vision_desk.batch.inputs import FileJob
    from vision_desk.batch.manifest import Manifest
    from vision_desk.runtime import RuntimeConfig


def _outputs(job: FileJob) -> list[str]:
    return [p for p in (job.output, job.json) if p is not None]


def refuse_outputs_onto_inputs(jobs: Sequence[FileJob]) -> None:
    """OutputError when an output of any job is an input of the batch (or the same path as one)."""
    by_id = {file_id(j.input): j.input for j in jobs}
    by_path = {os.path.realpath(j.input): j.input for j in jobs}
    for job in jobs:
        for out in _outputs(job):
            victim = by_id.get(file_id(out)) if file_id(out) is not None else None
            victim = victim or by_path.get(os.path.realpath(out))
            if victim is not None:
                whose = "its own input" if victim == job.input else f"another input of this batch ({victim})"
                raise OutputError(f"the output {out} of {job.input} is {whose}: it would be destroyed; "
                                  "choose an output folder (-o/--json) outside the input folders")


def refuse_replacing_other_inputs_results(todo: Sequence[FileJob], manifest: Manifest, *, overwrite: bool) -> None:
    """OutputError when a job would replace finished outputs the manifest records for another input."""
    if overwrite:
        return
    for job in todo:
        entry = manifest.files.get(job.rel, {})
        recorded = entry.get("input")
        if not isinstance(recorded, str) or recorded == job.input or same_file(recorded, job.input):
            continue
        mine = set(_outputs(job))
        held = [p for p in recorded_paths(entry).values() if p in mine and os.path.exists(p)]
        if held:
            names = " and ".join(held)
            raise OutputError(f"{names} hold the results of {recorded}; {job.input} would replace them. To keep "
                              "both, process both folders in one batch (each input keeps its own sub-folder) or "
                              "choose another -o/--json; add --overwrite to replace them")


def check_models(processors: Sequence[str], config: RuntimeConfig) -> None:
    """ModelError (one line) when a model file these processors load is missing, truncated or not the one
    the manifest names; the INT8 variants only where INT8 would be used."""
    from vision_desk import model_store, runtime

    int8 = runtime.resolve_precision(config, runtime.CPU) == "int8"
    for entry in model_store.load_manifest():
        if entry.id.split("-")[0] not in processors:
            continue
        if entry.id.endswith(runtime.INT8_SUFFIX) and not int8:
            continue
        if not model_store.check(entry).ok:
            model_store.verified_bytes(entry.id)  # raises ModelError with the reason and how to restore
            raise ModelError(f"model {entry.id} cannot be used ({model_store.check(entry).state})")
