"""The sync driver: runs the core's flows and event streams with blocking I/O.

>>> driver = SyncDriver(SyncTransport(config))
>>> driver.drive(flows.get(ctx, "pred_123"))
{'id': 'pred_123', ...}
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator
from typing import Any, TypeVar

from ._core._effects import Flow, Notify, Request, Sleep
from ._core._event_stream import EventStream
from ._core._sse import StreamEvent
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
        finally:
            flow.close()

    def stream(self, machine: EventStream) -> Iterator[StreamEvent]:
        """The events of ``machine``'s stream as they arrive; the connection closes when the caller
        stops iterating. Traced: one span for the whole stream, a child per connection."""
        operation = self.telemetry.stream(machine)
        if operation is None:
            yield from self._stream(machine, None)
            return
        with operation:
            for event in self._stream(machine, operation):
                operation.event(event)
                yield event

    def _stream(self, machine: EventStream, operation: Any) -> Iterator[StreamEvent]:
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
            except StreamBroken as broken:
                machine.broken(broken.failure)
                continue
            yield from machine.closed()
            if not machine.reconnect():
                return


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
