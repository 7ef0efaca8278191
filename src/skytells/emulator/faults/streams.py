"""Faults inside an event stream: a ``send`` wrapper that counts the events of a ``text/event-stream``
answer and cuts, stalls or spoils it, so no route needs to know.

The body is split into blocks at blank lines; a block with a field line (``data:``, ``event:``,
``id:``) is an event, a block of ``:`` comments (keep-alives) is passed on uncounted. Counting from 0:

==================== ======================================================================
``stream_cut``       send ``after_events`` events, then close the connection (under uvicorn the
                     client sees the body end early: no ``[DONE]``, an incomplete chunked read)
``stream_stall``     wait ``stall_ms`` before each event from number ``after_events`` on
``stream_malformed`` replace event number ``after_events`` with ``data: {"broken``
==================== ======================================================================

The rule is picked (and counted) when an event stream starts, so a rule on a route that also answers
JSON only spends its ``first`` on streams.

>>> send = StreamFaults(injector, "POST", "/v1/chat/completions", None, receive, send)
"""

from __future__ import annotations

import asyncio

from starlette.types import Message, Receive, Send

from skytells.emulator.faults.injector import FaultInjector
from skytells.emulator.faults.rules import FaultRule

MALFORMED_EVENT = b'data: {"broken\n\n'


def is_event(block: bytes) -> bool:
    """Whether a blank-line separated block is an event (not only ``:`` comments)."""
    return any(line and not line.startswith(b":") for line in block.splitlines())


def close_connection(receive: Receive) -> bool:
    """Close the client's connection under uvicorn (through the server's ``receive``); False elsewhere."""
    transport = getattr(getattr(receive, "__self__", None), "transport", None)
    if transport is None or not hasattr(transport, "close"):
        return False
    transport.close()  # what was written is flushed first; the chunked body never ends
    return True


class StreamFaults:
    """A ``send`` that applies the first live stream rule to an event-stream answer."""

    def __init__(
        self, injector: FaultInjector, method: str, path: str, model: str | None, receive: Receive, send: Send
    ) -> None:
        self._injector = injector
        self._request = (method, path, model)
        self._receive = receive
        self._send = send
        self._rule: FaultRule | None = None
        self._buffer = b""
        self._events = 0
        self._closed = False

    async def __call__(self, message: Message) -> None:
        if self._closed:
            return
        if message["type"] == "http.response.start":
            if _is_event_stream(message):
                method, path, model = self._request
                self._rule = self._injector.pick(method, path, model, stream=True)
            await self._send(message)
            return
        if self._rule is None or message["type"] != "http.response.body":
            await self._send(message)
            return
        self._buffer += message.get("body", b"")
        *blocks, self._buffer = self._buffer.split(b"\n\n")
        for block in blocks:
            await self._event(block + b"\n\n")
            if self._closed:
                return
        if not message.get("more_body", False):
            await self._send({"type": "http.response.body", "body": self._buffer, "more_body": False})

    async def _event(self, block: bytes) -> None:
        rule = self._rule
        assert rule is not None
        if not is_event(block):
            await self._body(block)
            return
        number = self._events
        self._events += 1
        if rule.action == "stream_cut" and number >= rule.after_events:
            self._closed = True
            if not close_connection(self._receive):  # another server: end the body here instead
                await self._send({"type": "http.response.body", "body": b"", "more_body": False})
            return
        if rule.action == "stream_stall" and number >= rule.after_events:
            await asyncio.sleep(rule.stall_ms / 1000)
        if rule.action == "stream_malformed" and number == rule.after_events:
            block = MALFORMED_EVENT
        await self._body(block)

    async def _body(self, data: bytes) -> None:
        await self._send({"type": "http.response.body", "body": data, "more_body": True})


def _is_event_stream(message: Message) -> bool:
    for name, value in message.get("headers", ()):
        if name.lower() == b"content-type":
            return bytes(value).lower().startswith(b"text/event-stream")
    return False
