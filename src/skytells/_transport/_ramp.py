"""At most a few request starts per turn of the event loop, so a burst's first requests go out early.

>>> ramp = Ramp(per_turn=16)
>>> await ramp.start()  # returns at once, or in a later turn of the loop when 16 started in this one
"""

from __future__ import annotations

import asyncio
import collections

__all__ = ["Ramp"]


class Ramp:
    """Lets at most `per_turn` requests start in one turn of the event loop; the others wait, in order,
    for the next turns.

    A burst of calls (``asyncio.gather`` of a thousand ``run()``) would otherwise prepare every request
    and start every connect before the loop looks at a finished connect again, so nothing reaches the
    server until all of them are prepared. Admitted a few at a time, the first requests are on the
    wire while the rest are still being prepared.
    """

    def __init__(self, per_turn: int) -> None:
        self.per_turn = per_turn
        self._started = 0
        self._waiting: collections.deque[asyncio.Future[None]] = collections.deque()
        self._turn_loop: asyncio.AbstractEventLoop | None = None  # the loop a turn callback is queued on

    @property
    def waiting(self) -> int:
        """Calls waiting for a later turn."""
        return len(self._waiting)

    async def start(self) -> None:
        loop = asyncio.get_running_loop()
        if self._turn_loop is not loop:  # first use, or a new loop after the old one stopped
            self._started, self._waiting = 0, collections.deque()
        if self._started < self.per_turn and not self._waiting:
            self._started += 1
            self._schedule(loop)
            return
        waiter = loop.create_future()
        self._waiting.append(waiter)
        self._schedule(loop)
        await waiter

    def _schedule(self, loop: asyncio.AbstractEventLoop) -> None:
        if self._turn_loop is not loop:
            self._turn_loop = loop
            loop.call_soon(self._next_turn)

    def _next_turn(self) -> None:
        loop, self._turn_loop = self._turn_loop, None
        self._started = 0
        while self._waiting and self._started < self.per_turn:
            waiter = self._waiting.popleft()
            if not waiter.done():  # a cancelled caller gives its place up
                waiter.set_result(None)
                self._started += 1
        if loop is not None and (self._waiting or self._started):
            self._schedule(loop)
