"""The sync driver: runs the core's flows and event streams with blocking I/O.

>>> driver = SyncDriver(SyncTransport(config))
>>> driver.drive(flows.get(ctx, "pred_123"))
{'id': 'pred_123', ...}
"""

from __future__ import annotations

import contextlib
import contextvars
import queue
import threading
import time
from collections.abc import Generator, Iterator
from typing import Any, TypeVar, Union

from ._core._effects import Flow, Listen, Notify, Request, Sleep, StreamEnd
from ._core._event_stream import EventStream
from ._core._sse import StreamEvent
from ._exceptions import SkytellsError
from ._telemetry import OFF, Telemetry
from ._transport import StreamBroken, SyncTransport

_T = TypeVar("_T")


class SyncDriver:
    """Performs the effects a flow yields: requests on the transport, sleeps, callbacks."""

    def __init__(self, transport: SyncTransport, telemetry: Telemetry = OFF) -> None:
        self.transport = transport
        self.telemetry = telemetry

    def drive(self, flow: Flow[_T]) -> _T:
        """Run ``flow`` to its end and return its result (its errors propagate), in a span when traced."""
        operation = self.telemetry.operation(flow)
        if operation is None:
            return self._drive(flow, None)
        with operation:
            result: _T = operation.result(self._drive(flow, operation))
            return result

    def _send(self, request: Request, operation: Any) -> Any:
        if operation is None:
            return self.transport.send(request)
        with operation.attempt(request) as attempt:
            return attempt.done(self.transport.send(request))

    def _drive(self, flow: Flow[_T], operation: Any) -> _T:
        answer: Any = None
        listeners: dict[int, Listener] = {}
        try:
            while True:
                try:
                    effect = flow.send(answer)
                except StopIteration as stop:
                    result: _T = stop.value
                    return result
                if isinstance(effect, Request):
                    answer = self._send(effect, operation)
                elif isinstance(effect, Sleep):
                    sleep(effect.seconds, effect.signal)
                    answer = None
                elif isinstance(effect, Notify):
                    answer = effect.callback(effect.argument)
                elif isinstance(effect, Listen):
                    listener = listeners.get(id(effect.stream))
                    if listener is None:
                        listener = listeners[id(effect.stream)] = Listener(self, effect.stream)
                    answer = listener.next(effect.seconds, effect.signal)
        finally:
            for listener in listeners.values():
                listener.close()
            flow.close()

    def stream(
        self, machine: EventStream, stop: threading.Event | None = None
    ) -> Generator[StreamEvent, None, None]:
        """The events of ``machine``'s stream as they arrive; the connection closes when the caller
        stops iterating (or, given ``stop``, after the first chunk that arrives once it is set).
        Traced: one span for the whole stream, a child per connection."""
        operation = self.telemetry.stream(machine)
        if operation is None:
            yield from self._stream(machine, None, stop)
            return
        with operation:
            for event in self._stream(machine, operation, stop):
                operation.event(event)
                yield event

    def _stream(
        self, machine: EventStream, operation: Any, stop: threading.Event | None
    ) -> Iterator[StreamEvent]:
        while True:
            if machine.retry_in is not None:
                sleep(machine.retry_in, machine.signal)
                machine.waited()
            try:
                request = machine.request()
                attempt: Any = (
                    operation.attempt(request) if operation is not None else contextlib.nullcontext()
                )
                with attempt, self.transport.stream(request) as response:
                    if operation is not None:
                        attempt.opened(response.status, response.headers)
                    if not machine.is_event_stream(response.status, response.headers):
                        events = machine.not_a_stream(response.read())
                        if machine.retry_in is not None:
                            continue
                        yield from events
                        return
                    chunks = response.chunks()
                    for chunk in chunks:
                        yield from machine.feed(chunk)
                        if machine.finished:
                            drain(chunks, machine.drain_limit)
                            return
                        if stop is not None and stop.is_set():
                            return
            except StreamBroken as broken:
                machine.broken(broken.failure)
                continue
            yield from machine.closed()
            if not machine.reconnect():
                return


#: what a listener's reading thread hands over: an event, the end, or an error that is not the API's
_Item = Union[StreamEvent, StreamEnd, BaseException]
#: how often a wait for the next event looks at a ``threading.Event`` signal
SIGNAL_CHECK_S = 0.05


class Listener:
    """One event stream a flow listens to, read on its own thread: the flow's wait for the next
    event can then end at a deadline or on a signal while a read is blocked.

    Once closed, the thread stops after the next chunk that arrives (a keep-alive will do) or when
    the read times out, and the connection closes.
    """

    def __init__(self, driver: SyncDriver, machine: EventStream) -> None:
        self._items: queue.SimpleQueue[_Item] = queue.SimpleQueue()
        self._stop = threading.Event()
        self._end: StreamEnd | None = None
        # in the flow's context, so that a traced stream's span is a child of the call's span
        context = contextvars.copy_context()
        self._thread = threading.Thread(
            target=context.run, args=(self._read, driver, machine), name="skytells-events", daemon=True
        )
        self._thread.start()

    def _read(self, driver: SyncDriver, machine: EventStream) -> None:
        events = driver.stream(machine, self._stop)
        try:
            for event in events:
                self._items.put(event)
                if self._stop.is_set():
                    break
            self._items.put(StreamEnd())
        except SkytellsError as error:
            self._items.put(StreamEnd(error))
        except BaseException as error:  # a bug, re-raised in the flow's thread
            self._items.put(error)
        finally:
            events.close()

    def next(self, seconds: float | None, signal: Any) -> StreamEvent | StreamEnd | None:
        """The next event or the end; None once ``seconds`` pass or ``signal`` is set."""
        if self._end is not None:
            return self._end
        deadline = None if seconds is None else time.monotonic() + seconds
        watch = isinstance(signal, threading.Event)
        while True:
            left = None if deadline is None else deadline - time.monotonic()
            if (left is not None and left <= 0) or (watch and signal.is_set()):
                return None
            wait = SIGNAL_CHECK_S if watch else left
            try:
                item = self._items.get(timeout=wait if left is None or wait is None else min(wait, left))
            except queue.Empty:
                continue
            if isinstance(item, BaseException):
                raise item
            if isinstance(item, StreamEnd):
                self._end = item
            return item

    def close(self) -> None:
        self._stop.set()


def drain(chunks: Iterator[bytes], limit: int) -> None:
    """Read the rest of a finished stream's body (up to ``limit`` bytes), so its connection can be
    reused instead of closed; a body that goes on longer, or breaks, is left to be closed."""
    if limit <= 0:
        return
    with contextlib.suppress(StreamBroken):
        for chunk in chunks:
            limit -= len(chunk)
            if limit <= 0:
                return


def sleep(seconds: float, signal: Any) -> None:
    """Every wait of the sync client (retries, polls); returns early when ``signal`` is set."""
    if isinstance(signal, threading.Event):
        signal.wait(seconds)
    elif seconds > 0:
        time.sleep(seconds)
