"""Batches: many recordings through the same lossless pipeline, resumable, on one machine or on Ray.

- :mod:`~vision_desk.batch.inputs`: what the user named (files, folders, globs,
  list files) -> one :class:`~vision_desk.batch.inputs.FileJob` per video, with
  its outputs under the same relative name;
- :mod:`~vision_desk.batch.manifest`: the record of finished files in the
  output folder (written atomically, one batch at a time);
- :mod:`~vision_desk.batch.safety`: the checks before any work that keep a
  batch from replacing an input or another input's results;
- :mod:`~vision_desk.batch.warm`: each worker loads the models once and
  lends them to one pipeline after another;
- :mod:`~vision_desk.batch.file_run`: one file through the existing
  :class:`~vision_desk.pipeline.pipeline.Pipeline`;
- :mod:`~vision_desk.batch.local` (``--jobs N`` worker processes) and
  :mod:`~vision_desk.batch.ray_runner` (Ray actors, ``--ray``; joined by
  :mod:`~vision_desk.batch.ray_connect`): who runs the files; workers end with
  whoever started them (:mod:`~vision_desk.batch.orphans`);
- :mod:`~vision_desk.batch.progress`: the overall bar, the per-worker lines and
  the end-of-batch table; :mod:`~vision_desk.batch.command`: the command line.
"""
