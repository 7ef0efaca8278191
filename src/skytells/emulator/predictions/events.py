"""Live events of a prediction: its numbered event log and the queues of its listeners (for SSE).

An event is ``(number, name, value)``, numbered from 1 in the order of the log; a listener's queue
gets ``(0, "", None)`` when the prediction is done with, after which nothing more arrives.
"""

from __future__ import annotations

import asyncio
from typing import Any

#: ``(number, name, value)`` as a listener receives it.
Event = tuple[int, str, Any]


class PredictionEvents:
    """The event log of one prediction (kept in its plan, so it is stored) and its live listeners."""

    __slots__ = ("log", "subscribers")

    def __init__(self, log: list[list[Any]]) -> None:
        self.log = log
        self.subscribers: set[asyncio.Queue[Event]] | None = None

    def emit(self, name: str, value: Any) -> None:
        """Append an event to the log and hand it to every listener."""
        self.log.append([name, value])
        if self.subscribers:
            item = (len(self.log), name, value)
            for queue in self.subscribers:
                queue.put_nowait(item)

    def subscribe(self) -> asyncio.Queue[Event]:
        """A new listener's queue of the events emitted from now on."""
        queue: asyncio.Queue[Event] = asyncio.Queue()
        if self.subscribers is None:
            self.subscribers = set()
        self.subscribers.add(queue)
        return queue

    def unsubscribe(self, queue: asyncio.Queue[Event]) -> None:
        if self.subscribers:
            self.subscribers.discard(queue)

    def close(self) -> None:
        """Tell every listener the stream is over, and forget them."""
        if self.subscribers:
            for queue in self.subscribers:
                queue.put_nowait((0, "", None))
            self.subscribers = None
