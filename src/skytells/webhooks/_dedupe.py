"""Which webhook deliveries were already handled: a bounded, thread-safe memory of delivery keys.

A sender retries a delivery it got no 2xx for, and may send one twice; a receiver handles each once.
`DeliveryLog.begin(key)` says whether a delivery is new, being handled right now, or done within
the window; `finish` remembers it, `abandon` forgets it (its handler failed, so a retry must run).

>>> log = DeliveryLog(window=600)
>>> log.begin("msg_1"), log.finish("msg_1"), log.begin("msg_1")
('new', None, 'done')
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Literal

Admission = Literal["new", "in_progress", "done"]


class DeliveryLog:
    """Delivery keys handled in the last ``window`` seconds (at most ``max_entries``, oldest dropped
    first), and the ones being handled now. Memory of one process: run one receiver per process, or
    keep your own record (a unique key in your database) for exactly-once across processes."""

    def __init__(
        self, window: float = 3600.0, max_entries: int = 10_000, clock: Callable[[], float] = time.time
    ) -> None:
        if window < 0 or max_entries < 1:
            raise ValueError("window must be >= 0 and max_entries >= 1")
        self.window = window
        self.max_entries = max_entries
        self._clock = clock
        self._done: OrderedDict[str, float] = OrderedDict()  # key -> when it may be forgotten
        self._in_progress: set[str] = set()
        self._lock = threading.Lock()

    def begin(self, key: str) -> Admission:
        """``new`` (now marked in progress), ``in_progress`` or ``done``."""
        with self._lock:
            self._forget_expired()
            if key in self._in_progress:
                return "in_progress"
            if key in self._done:
                return "done"
            self._in_progress.add(key)
            return "new"

    def finish(self, key: str) -> None:
        """The delivery was handled: remember it for ``window`` seconds."""
        with self._lock:
            self._in_progress.discard(key)
            self._done[key] = self._clock() + self.window
            self._done.move_to_end(key)
            while len(self._done) > self.max_entries:
                self._done.popitem(last=False)

    def abandon(self, key: str) -> None:
        """The delivery's handling failed: forget it, so that the sender's retry is handled."""
        with self._lock:
            self._in_progress.discard(key)

    def __len__(self) -> int:
        with self._lock:
            self._forget_expired()
            return len(self._done)

    def _forget_expired(self) -> None:
        now = self._clock()
        while self._done:
            key, until = next(iter(self._done.items()))
            if until > now:
                return
            del self._done[key]
