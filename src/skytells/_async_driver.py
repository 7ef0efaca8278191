"""The async driver: runs the core's flows and event streams with ``await``.

>>> driver = AsyncDriver(AsyncTransport(config))
>>> await driver.drive(flows.get(ctx, "pred_123"))
{'id': 'pred_123', ...}
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import inspect
import threading
import time
from collections.abc import AsyncGenerator, AsyncIterator
from typing import Any, TypeVar, Union

from ._core._effects import Flow, Listen, Notify, Request, Sleep, StreamEnd
from ._core._event_stream import EventStream
from ._core._sse import StreamEvent
from ._exceptions import SkytellsError
from ._telemetry import OFF, Telemetry
from ._transport import StreamBroken
from ._transport._async import AsyncTransport

_T = TypeVar("_T")


class AsyncDriver:
    """Performs the effects a flow yields: requests on the transport, sleeps, callbacks (awaited
    when they return an awaitable)."""

    def __init__(self, transport: AsyncTransport, telemetry: Telemetry = OFF) -> None:
        self.transport = transport
        self.telemetry = telemetry

    async def drive(self, flow: Flow[_T]) -> _T:
        """Run ``flow`` to its end and return its result (its errors propagate), in a span when traced."""
        operation = self.telemetry.operation(flow)
        if operation is None:
            return await self._drive(flow, None)
        with operation:
            result: _T = operation.result(await self._drive(flow, operation))
            return result

    async def _send(self, request: Request, operation: Any) -> Any:
        if operation is None:
            return await self.transport.send(request)
        with operation.attempt(request) as attempt:
            return attempt.done(await self.transport.send(request))

    async def _drive(self, flow: Flow[_T], operation: Any) -> _T:
        answer: Any = None
        listeners: dict[int, Listener] = {}
        closing = False
        try:
            while True:
                try:
                    effect = flow.send(answer)
                except StopIteration as stop:
                    result: _T = stop.value
                    return result
                if isinstance(effect, Request):
                    answer = await self._send(effect, operation)
                elif isinstance(effect, Sleep):
                    await sleep(effect.seconds, effect.signal)
                    answer = None
                elif isinstance(effect, Notify):
                    answer = effect.callback(effect.argument)
                    if inspect.isawaitable(answer):
                        answer = await answer
                elif isinstance(effect, Listen):
                    listener = listeners.get(id(effect.stream))
                    if listener is None:
                        listener = listeners[id(effect.stream)] = Listener(self, effect.stream)
                    answer = await listener.next(effect.seconds, effect.signal)
        except GeneratorExit:  # this coroutine is closed unfinished (never awaited): nothing may wait now
            closing = True
            raise
        finally:
            for listener in listeners.values():
                if closing:
                    listener.cancel()
                else:
                    await listener.aclose()
            flow.close()

    async def stream(self, machine: EventStream) -> AsyncGenerator[StreamEvent, None]:
        """The events of ``machine``'s stream as they arrive; the connection closes when the caller
        stops iterating (or closes the iterator). Traced: one span for the stream, a child per connection."""
        operation = self.telemetry.stream(machine)
        async with contextlib.aclosing(self._stream(machine, operation)) as events:
            if operation is None:
                async for event in events:
                    yield event
                return
            with operation:
                async for event in events:
                    operation.event(event)
                    yield event

    async def _stream(self, machine: EventStream, operation: Any) -> AsyncGenerator[StreamEvent, None]:
        while True:
            if machine.retry_in is not None:
                await sleep(machine.retry_in, machine.signal)
                machine.waited()
            try:
                request = machine.request()
                attempt: Any = (
                    operation.attempt(request) if operation is not None else contextlib.nullcontext()
                )
                async with attempt, self.transport.stream(request) as response:
                    if operation is not None:
                        attempt.opened(response.status, response.headers)
                    if not machine.is_event_stream(response.status, response.headers):
                        events = machine.not_a_stream(await response.read())
                        if machine.retry_in is not None:
                            continue
                        for event in events:
                            yield event
                        return
                    chunks = response.chunks()
                    async for chunk in chunks:
                        for event in machine.feed(chunk):
                            yield event
                        if machine.finished:
                            await drain(chunks, machine.drain_limit)
                            return
            except StreamBroken as broken:
                machine.broken(broken.failure)
                continue
            for event in machine.closed():
                yield event
            if not machine.reconnect():
                return


#: what a listener's reading task hands over: an event, the end, or an error that is not the API's
_Item = Union[StreamEvent, StreamEnd, BaseException]


class Listener:
    """One event stream a flow listens to, read by its own task, so the flow's wait for the next
    event can end at a deadline or on a signal without losing the stream; closing cancels the read."""

    def __init__(self, driver: AsyncDriver, machine: EventStream) -> None:
        self._items: collections.deque[_Item] = collections.deque()
        self._arrived = asyncio.Event()
        self._end: StreamEnd | None = None
        self._task = asyncio.get_running_loop().create_task(self._read(driver, machine))

    def _put(self, item: _Item) -> None:
        self._items.append(item)
        self._arrived.set()

    async def _read(self, driver: AsyncDriver, machine: EventStream) -> None:
        try:
            async with contextlib.aclosing(driver.stream(machine)) as events:
                async for event in events:
                    self._put(event)
            self._put(StreamEnd())
        except SkytellsError as error:
            self._put(StreamEnd(error))
        except Exception as error:  # a bug, re-raised in the flow's task
            self._put(error)

    async def next(self, seconds: float | None, signal: Any) -> StreamEvent | StreamEnd | None:
        """The next event or the end; None once ``seconds`` pass or ``signal`` is set."""
        if self._end is not None:
            return self._end
        if not self._items:
            self._arrived.clear()
            if not await _arrival(self._arrived, seconds, signal):
                return None
        item = self._items.popleft()
        if isinstance(item, BaseException):
            raise item
        if isinstance(item, StreamEnd):
            self._end = item
        return item

    async def aclose(self) -> None:
        """Stop reading (the connection closes); a cancellation of the caller still propagates."""
        self._task.cancel()
        await asyncio.wait({self._task})

    def cancel(self) -> None:
        """Stop reading without waiting (the event loop may be gone already)."""
        with contextlib.suppress(RuntimeError):
            self._task.cancel()


async def _arrival(arrived: asyncio.Event, seconds: float | None, signal: Any) -> bool:
    """Wait until ``arrived`` is set (True), or ``seconds`` pass or ``signal`` is set (False)."""
    waiter = asyncio.ensure_future(arrived.wait())
    watcher: asyncio.Future[Any] | None = None
    if isinstance(signal, asyncio.Event):
        watcher = asyncio.ensure_future(signal.wait())
    elif isinstance(signal, threading.Event):
        watcher = asyncio.ensure_future(_thread_event(signal))
    try:
        waiting = {waiter} if watcher is None else {waiter, watcher}
        await asyncio.wait(waiting, timeout=seconds, return_when=asyncio.FIRST_COMPLETED)
        return arrived.is_set()
    finally:
        waiter.cancel()
        if watcher is not None:
            watcher.cancel()


async def _thread_event(signal: threading.Event) -> None:
    while not signal.is_set():
        await asyncio.sleep(0.05)


async def drain(chunks: AsyncIterator[bytes], limit: int) -> None:
    """Read the rest of a finished stream's body (up to ``limit`` bytes), so its connection can be
    reused instead of closed; a body that goes on longer, or breaks, is left to be closed."""
    if limit <= 0:
        return
    with contextlib.suppress(StreamBroken):
        async for chunk in chunks:
            limit -= len(chunk)
            if limit <= 0:
                return


async def sleep(seconds: float, signal: Any) -> None:
    """Every wait of the async client (retries, polls); returns early when ``signal`` is set."""
    if isinstance(signal, asyncio.Event):
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(signal.wait(), timeout=max(0.0, seconds))
    elif isinstance(signal, threading.Event):
        deadline = time.monotonic() + seconds
        while not signal.is_set() and (left := deadline - time.monotonic()) > 0:
            await asyncio.sleep(min(0.05, left))
    else:
        await asyncio.sleep(seconds)
