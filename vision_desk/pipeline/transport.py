"""Playback controls for files: pause, step, seek, loop, real-time pacing, and re-running the paused frame.

Why a module of its own: these requests come from the window's thread at any
moment, while the capture thread reads and the processing threads work. They
meet here, under one condition variable, and the capture thread carries them
out between reads (the source is only ever touched by the capture thread).

Two rules keep the picture responsive when the processors are slower than the file:

- Pause takes effect at once: frames read but not yet started are *held*
  (taken back from the input queue, or refused at dispatch) and sent again,
  in order, on resume or step. Only the frames already inside the processors
  finish, so the picture stops within one processing time and no frame is lost.
- While paused, a change of setting or of processors re-runs the chain on the
  frame shown (a *re-run*: a marker put into the input queue, replaced at
  dispatch by the frame dispatched just before it, so it is always the newest
  one). At most one re-run waits at a time; the newest request wins.
"""
from __future__ import annotations

import bisect
import dataclasses
import threading
import time
from dataclasses import dataclass

from vision_desk.frame import Frame

PACE_RESTART_S = 0.5  # real time: this far behind (slow processing), restart the clock instead of racing
MIN_SKIPS_TO_JUDGE = 10  # real time: after this many skips in a row, check that skipping catches up at all


@dataclass
class Captured:
    """A frame on its way from the capture thread to a processing thread."""

    frame: Frame | None  # None: re-run the frame dispatched last (filled in at dispatch)
    read_ms: float = 0.0
    order: int = 0  # read order; held frames are sent again in this order
    epoch: int = 0  # seeks so far when read: a frame read before a seek is dropped, never shown after it
    step: bool = False  # goes through while paused (a step, or the frame a seek landed on)
    repeat: bool = False  # a re-run of a frame already delivered: shown again, not written again


@dataclass
class Command:
    """What the capture thread does next (several at once are done in this order)."""

    seek: int | None = None  # jump here first (and forget held frames)
    reclaim: bool = False  # take back the frames queued but not started
    redo: bool = False  # queue a re-run of the frame shown
    read: bool = False  # send one frame (a held one first, else read the source)
    step: bool = False  # ... which goes through while paused


class Demand:
    """Real time: read a frame only when a processing thread is free for it.

    A frame read ahead waits in the queue while the processors are busy, and
    in real-time playback every frame waiting is lag on screen (two frames in
    flight finish together, so even one queued frame waits a whole processing
    time). Reading takes a few milliseconds, so reading on demand costs little
    throughput and keeps the lag at about one processing time.

    Two counts, changed under one lock: threads *waiting* for a frame, and
    frames *pending* (put in the queue, not yet taken by a thread). A thread
    that takes a frame lowers both at once, so "a thread is free for one more
    frame" (waiting > pending) is exact at every moment. Kept in every mode,
    so a switch to real time needs no reset.
    """

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._waiting = 0
        self._pending = 0

    # processing threads
    def enter(self) -> None:
        """A thread starts waiting for a frame."""
        with self._cond:
            self._waiting += 1
            self._cond.notify_all()

    def took(self, served: bool) -> None:
        """A thread took an item from the queue; ``served``: it keeps it (else it waits on for another)."""
        with self._cond:
            self._pending -= 1
            if served:
                self._waiting -= 1
            self._cond.notify_all()

    def leave(self) -> None:
        """A thread stops waiting without a frame (the pipeline is stopping)."""
        with self._cond:
            self._waiting -= 1

    # the capture thread
    def adding(self, n: int = 1) -> None:
        """About to put ``n`` items in the queue (counted first, so a thread cannot take one uncounted)."""
        with self._cond:
            self._pending += n

    def removed(self, n: int) -> None:
        """``n`` items left the queue without a thread (cleared by a seek or a pause, pushed out, discarded)."""
        if n:
            with self._cond:
                self._pending -= n
                self._cond.notify_all()

    def wait_free(self, wait_s: float) -> bool:
        """True when a thread is free for one more frame; waits up to ``wait_s`` for one."""
        with self._cond:
            if self._waiting <= self._pending:
                self._cond.wait(wait_s)
            return self._waiting > self._pending

    def wake(self) -> None:
        with self._cond:
            self._cond.notify_all()


@dataclass
class _Pace:
    wall: float = 0.0
    pts: float = 0.0
    reset: bool = True
    skipped: int = 0  # frames skipped in a row
    first_late_ms: float = 0.0  # how late the first of them was


class Transport:
    """Thread-safe requests (any thread) and their execution (the capture thread)."""

    def __init__(self, stop: threading.Event, loop: bool = False) -> None:
        self._stop = stop
        self._cond = threading.Condition()
        self._paused = False
        self._steps = 0
        self._seek_to: int | None = None
        self._reclaim = False
        self._redo = False
        self._held: list[Captured] = []  # sorted by .order
        self.epoch = 0  # counts seeks (read by the capture thread, which makes the frames)
        self._redo_queued = False  # a re-run marker waits in the input queue (it will use the newest settings)
        self._pace = _Pace()
        self._loop = loop

    # --- requests (any thread) ------------------------------------------------------------------
    @property
    def paused(self) -> bool:
        return self._paused

    @property
    def loop(self) -> bool:
        return self._loop

    def set_loop(self, on: bool) -> None:
        with self._cond:
            self._loop = bool(on)

    def set_paused(self, paused: bool) -> None:
        with self._cond:
            self._paused = bool(paused)
            self._pace.reset = True
            if paused:
                self._reclaim = True
            else:
                self._redo = False  # frames flow again: they carry the new settings
            self._cond.notify_all()

    def step(self) -> None:
        with self._cond:
            self._steps += 1
            self._cond.notify_all()

    def seek(self, index: int) -> None:
        with self._cond:
            self._seek_to = max(0, int(index))
            self._cond.notify_all()

    def request_redo(self) -> None:
        """Show the paused frame again with the current settings and processors (no-op while playing)."""
        with self._cond:
            if self._paused:
                self._redo = True
                self._cond.notify_all()

    def request_reclaim(self) -> None:
        """Take back queued frames (the queue got smaller: they are sent again under the new limit)."""
        with self._cond:
            self._reclaim = True
            self._cond.notify_all()

    def wake(self) -> None:
        """Wake the capture thread if it waits while paused (the pipeline is stopping)."""
        with self._cond:
            self._cond.notify_all()

    def restart_pace(self) -> None:
        with self._cond:
            self._pace.reset = True

    # --- the capture thread --------------------------------------------------------------------
    def next(self, wait_s: float = 0.1) -> Command:
        """The next thing to do; waits up to ``wait_s`` while paused with nothing to do."""
        with self._cond:
            cmd = self._take()
            if not (cmd.read or cmd.seek is not None or cmd.reclaim or cmd.redo):
                self._cond.wait(wait_s)
                cmd = self._take()
            return cmd

    def _take(self) -> Command:
        cmd = Command()
        if self._seek_to is not None:
            cmd.seek, self._seek_to = self._seek_to, None
            self._held.clear()
            self.epoch += 1
            self._pace.reset = True
            if self._paused:
                self._steps = max(self._steps, 1)  # show the frame sought to
        cmd.reclaim, self._reclaim = self._reclaim, False
        if self._paused and self._steps == 0:
            cmd.redo, self._redo = self._redo, False
            return cmd
        if self._paused:
            self._steps -= 1
            cmd.step = True
            self._redo = False  # the stepped frame shows the new settings anyway
        cmd.read = True
        return cmd

    def queue_redo(self) -> bool:
        """The capture thread may put a re-run marker in the input queue: False when one waits there
        already (one is enough: it runs with the newest settings when it is taken)."""
        with self._cond:
            if self._redo_queued:
                return False
            self._redo_queued = True
            return True

    def redo_dequeued(self) -> None:
        """The re-run marker left the input queue: taken by a processing thread, or cleared with the queue."""
        with self._cond:
            self._redo_queued = False

    def give_back_step(self, cmd: Command) -> None:
        """A read that was not done after all (no thread free yet): a step it carried is still owed."""
        if cmd.step:
            with self._cond:
                self._steps += 1

    def hold(self, items: list[Captured]) -> None:
        """Keep frames (taken back from the queue, or refused at dispatch) to send again, in read order."""
        with self._cond:
            for item in items:
                if item.frame is not None and item.epoch == self.epoch:
                    bisect.insort(self._held, item, key=lambda c: c.order)

    def take_held(self, step: bool) -> Captured | None:
        """The oldest held frame, stamped as captured now (its latency starts again), or None."""
        with self._cond:
            if not self._held:
                return None
            item = self._held.pop(0)
        assert item.frame is not None
        frame = dataclasses.replace(item.frame, timestamp=time.perf_counter())
        return Captured(frame, 0.0, item.order, item.epoch, step=step)

    def admit(self, item: Captured) -> bool:
        """At dispatch: False when the frame must not be processed now: read before a seek (dropped), or
        after a pause that it must not pass (held, to be sent again on resume or step)."""
        with self._cond:
            if item.frame is not None and item.epoch != self.epoch:
                return False
            if self._paused and not item.step and item.frame is not None:
                bisect.insort(self._held, item, key=lambda c: c.order)
                return False
            return True

    def behind(self, pts_ms: float, interval_ms: float) -> bool:
        """Real time: True when this frame's time on the file's clock passed more than a frame interval ago,
        so it is skipped (counted as dropped) and the next one read: the video keeps the file's own speed
        when the processors are slower, like a camera, instead of turning into slow motion."""
        p = self._pace
        if p.reset:
            return False
        late_ms = (time.perf_counter() - p.wall) * 1000.0 - (pts_ms - p.pts)
        if late_ms <= interval_ms:
            p.skipped = 0
            return False
        p.skipped += 1
        if p.skipped == 1:
            p.first_late_ms = late_ms
        elif p.skipped >= MIN_SKIPS_TO_JUDGE and late_ms >= p.first_late_ms:
            # Skipping did not bring the clock any closer: reading alone is slower than the file's rate
            # (e.g. a 4K file on a small machine). Show this frame and restart the clock from it.
            p.skipped, p.reset = 0, True
            return False
        return True

    def pace(self, pts_ms: float) -> None:
        """Real time: wait until this frame is due at the file's own rate."""
        p = self._pace
        now = time.perf_counter()
        if p.reset:
            p.wall, p.pts, p.reset = now, pts_ms, False
        delay = p.wall + (pts_ms - p.pts) / 1000.0 - now
        if delay > 0:
            self._stop.wait(delay)
        elif delay < -PACE_RESTART_S:  # far behind (slow processing): restart the clock, do not race to catch up
            p.reset = True


__all__ = ["Captured", "Command", "Demand", "Transport"]
