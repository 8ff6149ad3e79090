"""What a batch shows: one overall bar, a line per worker with its file, and the table at the end.

The bars are tqdm's (on stderr, only when stderr is a terminal); the table and
the total go to stdout, and the failed files to stderr, so a script can keep
the report and a person sees what went wrong.
"""
from __future__ import annotations

import sys
import threading
from typing import IO, Any

from vision_desk.batch.file_run import FileOutcome


def probe_frames(path: str) -> int | None:
    """The frame count the container advertises (cheap: no decoding), for the overall ETA."""
    import cv2

    cap = cv2.VideoCapture(path)
    try:
        n = cap.get(cv2.CAP_PROP_FRAME_COUNT) if cap.isOpened() else 0
    finally:
        cap.release()
    return int(n) if n and n > 0 else None


class BatchProgress:
    """Thread-safe: workers' reports arrive on the driver's threads (Ray's queue reader, the main loop)."""

    def __init__(self, files: int, frames: int | None, *, enabled: bool, stream: IO[str] | None = None) -> None:
        self._lock = threading.Lock()
        self._enabled = enabled
        self._stream = stream or sys.stderr
        self._files = files
        self._done_files = 0
        self._frames_done = 0  # frames of files already finished
        self._current: dict[str, tuple[str, int]] = {}  # worker -> (rel, frames so far)
        self._bars: dict[str, Any] = {}
        self._slots: dict[str, int] = {}  # worker -> its line under the overall bar
        self._finished: set[str] = set()  # files whose outcome is in (a late progress report is ignored)
        self._bar = None
        if enabled:
            from tqdm import tqdm

            self._tqdm = tqdm
            self._bar = tqdm(total=frames or None, unit="frame", file=self._stream, dynamic_ncols=True,
                             desc=self._desc(), position=0, leave=True)

    def _desc(self) -> str:
        return f"batch {self._done_files}/{self._files} files"

    def report(self, kind: str, worker: str, rel: str, value: Any) -> None:
        with self._lock:
            if rel in self._finished:
                return
            if kind == "start":
                self._current[worker] = (rel, 0)
                if self._enabled:
                    old = self._bars.pop(worker, None)
                    if old is not None:
                        old.close()
                    self._bars[worker] = self._tqdm(total=value or None, unit="frame", file=self._stream,
                                                    dynamic_ncols=True, desc=f"  {worker} {rel}"[:48],
                                                    position=self._slots.setdefault(worker, len(self._slots) + 1),
                                                    leave=False)
            elif kind == "frames":
                prev = self._current.get(worker, (rel, 0))
                self._current[worker] = (rel, int(value))
                bar = self._bars.get(worker)
                if bar is not None:
                    bar.update(int(value) - bar.n)
                self._refresh(int(value) - prev[1] if prev[0] == rel else int(value))

    def file_done(self, outcome: FileOutcome) -> None:
        with self._lock:
            self._done_files += 1
            self._finished.add(outcome.rel)
            counted = 0
            for worker, (rel, frames) in list(self._current.items()):
                if rel == outcome.rel:
                    counted = frames
                    del self._current[worker]
                    bar = self._bars.pop(worker, None)
                    if bar is not None:
                        bar.close()
            self._refresh(outcome.frames - counted if outcome.ok else 0)

    def _refresh(self, new_frames: int) -> None:
        if self._bar is not None:
            self._bar.set_description(self._desc(), refresh=False)
            if new_frames > 0:
                self._bar.update(new_frames)
            else:
                self._bar.refresh()

    def close(self) -> None:
        with self._lock:
            for bar in self._bars.values():
                bar.close()
            self._bars.clear()
            if self._bar is not None:
                self._bar.close()


INTERRUPTED = ("interrupted after", "not finished")  # how an outcome stopped by Ctrl-C/SIGTERM begins


def printable(text: str) -> str:
    """``text`` on one line: control characters (a newline in a file name) written as escapes."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


def print_table(outcomes: list[FileOutcome], elapsed_s: float, out: IO[str] | None = None) -> None:
    """One row per file (frames, FPS, damaged frames, errors, status) and a total line."""
    out = out or sys.stdout
    width = max([len("file"), *(len(printable(o.rel)) for o in outcomes)])
    print(f"{'file':<{width}}  {'frames':>7}  {'FPS':>7}  {'damaged':>7}  {'errors':>6}  status", file=out)
    for o in outcomes:
        if o.skipped:
            status, fps = "done earlier (manifest)", "-"
        elif o.ok:
            status, fps = "ok" + (f" ({'; '.join(o.warnings)})" if o.warnings else ""), f"{o.fps:.1f}"
        elif (o.error or "").startswith(INTERRUPTED):  # not a failure: the next run does it
            status, fps = str(o.error), f"{o.fps:.1f}" if o.frames else "-"
        else:
            status, fps = f"FAILED: {o.error}", f"{o.fps:.1f}" if o.frames else "-"
        print(f"{printable(o.rel):<{width}}  {o.frames:>7}  {fps:>7}  {o.damaged:>7}  {o.errors:>6}  "
              f"{printable(status)}", file=out)
    ran = [o for o in outcomes if not o.skipped]
    ok = sum(o.ok for o in ran)
    skipped = len(outcomes) - len(ran)
    unfinished = sum(1 for o in ran if not o.ok and (o.error or "").startswith(INTERRUPTED))
    failed = len(ran) - ok - unfinished
    frames = sum(o.frames for o in ran)
    rate = frames / elapsed_s if elapsed_s > 0 else 0.0
    stopped = f", {unfinished} not finished" if unfinished else ""
    print(f"total: {len(outcomes)} files: {ok} processed, {skipped} done earlier, {failed} failed{stopped}; "
          f"{frames} frames in {elapsed_s:.1f} s ({rate:.1f} frames/s overall); "
          f"damaged frames {sum(o.damaged for o in ran)}, frames with processor errors {sum(o.errors for o in ran)}",
          file=out)
