"""Hand-over points between the pipeline's threads.

Two small primitives, each built on one :class:`threading.Condition` so that a
stop can wake every waiter at once (no thread is ever left blocked in a
``queue.Queue.get`` with nobody to feed it):

- :class:`Channel`: a FIFO with a switchable policy. ``drop_oldest=True`` and
  capacity 1 is the live camera's "latest wins" slot (the frame it replaces
  is handed back to the caller so it can be counted as dropped);
  ``drop_oldest=False`` is a bounded queue with back-pressure for files.
- :class:`OrderGate`: lets frames through in sequence order, one at a time.
  A processor that keeps state from frame to frame (``concurrent_ok()`` is
  False) gets one gate, so it sees frames in order even when several frames
  are in flight on different threads.
"""
from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Generic, TypeVar

T = TypeVar("T")


class ChannelClosed(Exception):
    """The channel was closed and holds nothing more to get."""


class Channel(Generic[T]):
    """A thread-safe FIFO between a producer and one or more consumers.

    ``close()`` lets consumers drain what is left, then :meth:`get` raises
    :class:`ChannelClosed`; producers blocked in :meth:`put` are released
    (their item is discarded). ``abort()`` also throws away what is queued.
    """

    def __init__(self, capacity: int = 1, drop_oldest: bool = False) -> None:
        if capacity < 1:
            raise ValueError("capacity must be at least 1")
        self._items: deque[T] = deque()
        self._capacity = capacity
        self._drop_oldest = drop_oldest
        self._closed = False
        self._cond = threading.Condition()

    def set_policy(self, capacity: int, drop_oldest: bool) -> list[T]:
        """Change capacity/policy; returns items dropped to fit a smaller live slot."""
        with self._cond:
            self._capacity = max(1, capacity)
            self._drop_oldest = drop_oldest
            dropped = []
            while drop_oldest and len(self._items) > self._capacity:
                dropped.append(self._items.popleft())
            self._cond.notify_all()
            return dropped

    def put(self, item: T) -> list[T]:
        """Add ``item``. Returns the items it pushed out (latest-wins policy), else ``[]``.

        With back-pressure this blocks while the channel is full; it returns
        (discarding ``item``) if the channel is closed meanwhile.
        """
        with self._cond:
            dropped: list[T] = []
            if self._drop_oldest:
                while len(self._items) >= self._capacity:
                    dropped.append(self._items.popleft())
            else:
                while len(self._items) >= self._capacity and not self._closed:
                    self._cond.wait()
            if self._closed:
                return dropped
            self._items.append(item)
            self._cond.notify_all()
            return dropped

    def get(self, timeout: float | None = None) -> T:
        """The oldest item; blocks until one arrives. Raises ChannelClosed, or TimeoutError after ``timeout``."""
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._cond:
            while not self._items:
                if self._closed:
                    raise ChannelClosed
                remaining = None if deadline is None else deadline - time.monotonic()
                if remaining is not None and remaining <= 0:
                    raise TimeoutError
                self._cond.wait(remaining)
            item = self._items.popleft()
            self._cond.notify_all()
            return item

    def clear(self) -> list[T]:
        """Remove and return everything queued (a seek throws away frames read before it)."""
        with self._cond:
            items = list(self._items)
            self._items.clear()
            self._cond.notify_all()
            return items

    @property
    def closed(self) -> bool:
        return self._closed

    def close(self) -> None:
        with self._cond:
            self._closed = True
            self._cond.notify_all()

    def abort(self) -> None:
        with self._cond:
            self._closed = True
            self._items.clear()
            self._cond.notify_all()


class GateClosed(Exception):
    """The gate was closed (the pipeline is stopping) while a frame waited at it."""


class OrderGate:
    """Admit sequence numbers ``start, start+1, ...`` to one processor, in that order.

    ``turn(seq, exclusive=False)`` only orders the *start*: the frame waits for
    its turn and lets the next frame start at once, so frames still overlap.
    ``exclusive=True`` (a processor that keeps state between frames) also waits
    until no earlier frame is still inside, and keeps the next one out until it
    leaves: one frame at a time, in order. Because every frame passes the same
    gate, a processor that becomes exclusive mid-stream (a setting turned its
    frame-to-frame state on) never overlaps a frame that started before.

    Every frame that was dispatched while the gate's processor was active must
    pass the gate (even when it skips the processor), or later frames would
    wait forever; the pipeline guarantees this with try/finally.
    """

    def __init__(self, start: int) -> None:
        self._next = start
        self._inside = 0
        self._closed = False
        self._cond = threading.Condition()

    @contextmanager
    def turn(self, seq: int, exclusive: bool = False) -> Iterator[None]:
        with self._cond:
            while not self._closed and (self._next != seq or (exclusive and self._inside)):
                self._cond.wait()
            if self._closed:
                raise GateClosed
            self._inside += 1
            if not exclusive:
                self._next = seq + 1
                self._cond.notify_all()
        try:
            yield
        finally:
            with self._cond:
                self._inside -= 1
                if exclusive:
                    self._next = seq + 1
                self._cond.notify_all()

    def close(self) -> None:
        with self._cond:
            self._closed = True
            self._cond.notify_all()
