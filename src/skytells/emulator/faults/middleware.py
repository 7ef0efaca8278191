"""`FaultMiddleware`: the ASGI middleware that carries out the fault rules of a `FaultInjector`.

Request rules are applied here; when a stream rule may apply, ``send`` is wrapped in `StreamFaults`,
which applies it if the answer is an event stream.

>>> app = FaultMiddleware(app, FaultInjector(seed=7))
"""

from __future__ import annotations

import asyncio
import html
import json

from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from skytells.emulator.errors import ApiError, error_response
from skytells.emulator.faults.injector import FaultInjector
from skytells.emulator.faults.rules import ADMIN_PREFIX, FaultRule
from skytells.emulator.faults.streams import StreamFaults

_MAX_SNIFF_BYTES = 16 * 1024 * 1024

_HTML_PAGE = (
    "<!DOCTYPE html>\n<html><head><title>{status} Error</title></head>\n"
    "<body><h1>{status} Error</h1><p>{message}</p><hr><p>skytells emulator (fault {id})</p></body></html>\n"
)


def model_of(body: bytes) -> str | None:
    """The ``model`` field of a JSON request body, or None."""
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError, RecursionError):
        return None
    model = data.get("model") if isinstance(data, dict) else None
    return model if isinstance(model, str) else None


def fault_response(rule: FaultRule, path: str) -> Response:
    """The response of an ``error`` or ``non_json`` rule."""
    assert rule.status is not None
    headers: dict[str, str] = {}
    if rule.retry_after is not None:
        headers["Retry-After"] = format_seconds(rule.retry_after)
    if rule.action == "non_json":
        page = _HTML_PAGE.format(
            status=rule.status, message=html.escape(rule.message or ""), id=html.escape(rule.id)
        )
        return Response(page, status_code=rule.status, media_type="text/html", headers=headers)
    assert rule.error_id is not None and rule.message is not None
    error = ApiError(rule.error_id, rule.message, status=rule.status, headers=headers)
    return error_response(error, path)


def format_seconds(seconds: float) -> str:
    """A Retry-After value: whole seconds as an integer, fractions as a decimal (``0.25``)."""
    return str(int(seconds)) if float(seconds).is_integer() else repr(round(seconds, 3))


class _BodyReplay:
    """Reads a request body up front and hands the same messages to the app afterwards."""

    def __init__(self, receive: Receive) -> None:
        self._receive = receive
        self._messages: list[Message] = []
        self.body = b""
        self.complete = False

    async def read(self) -> None:
        """Read the whole body, or stop (leaving ``complete`` False) once it passes the sniffing limit."""
        size = 0
        while True:
            message = await self._receive()
            self._messages.append(message)
            if message["type"] != "http.request":
                return
            size += len(message.get("body", b""))
            if size > _MAX_SNIFF_BYTES:
                return
            if not message.get("more_body", False):
                self.complete = True
                self.body = b"".join(part.get("body", b"") for part in self._messages)
                return

    async def receive(self) -> Message:
        if self._messages:
            return self._messages.pop(0)
        return await self._receive()


async def drop_connection(scope: Scope, receive: Receive, send: Send) -> None:
    """Close the client's connection without a response.

    Under uvicorn the transport is reached through the server's ``receive`` (a bound method of the
    request cycle); closing it makes the client see "server disconnected". Elsewhere a response is
    started with a ``Content-Length`` it never delivers, which clients report as a broken transfer.
    """
    cycle = getattr(receive, "__self__", None)
    transport = getattr(cycle, "transport", None)
    if transport is not None and hasattr(transport, "close"):
        # Let the whole request arrive first: a socket closed with request bytes still unread (or
        # still on their way) answers them with a reset, which clients see as a different error.
        while getattr(cycle, "more_body", False):
            if (await receive())["type"] == "http.disconnect":
                return
        transport.close()
        while (await receive())["type"] != "http.disconnect":
            pass
        return
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-length", b"64")]})
    await send({"type": "http.response.body", "body": b"{", "more_body": True})


class FaultMiddleware:
    """Pure ASGI middleware that applies the request-level fault rules of a `FaultInjector`.

    Pass it the server's own ``receive`` (add it outside any middleware that wraps ``receive``) so
    ``drop`` can reach the connection.
    """

    def __init__(self, app: ASGIApp, injector: FaultInjector) -> None:
        self.app = app
        self.injector = injector

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith(ADMIN_PREFIX):
            await self.app(scope, receive, send)
            return
        method, path = scope["method"], scope["path"]
        app_receive = receive
        model = None
        if self.injector.wants_model(method, path):
            replay = _BodyReplay(receive)
            await replay.read()
            model = model_of(replay.body) if replay.complete else None
            app_receive = replay.receive
        if self.injector.wants_stream(method, path):
            send = StreamFaults(self.injector, method, path, model, receive, send)
        rule = self.injector.pick(method, path, model)
        if rule is None:
            await self.app(scope, app_receive, send)
            return
        await self._apply(rule, scope, receive, app_receive, send)

    async def _apply(
        self, rule: FaultRule, scope: Scope, receive: Receive, app_receive: Receive, send: Send
    ) -> None:
        if rule.latency_ms:
            await asyncio.sleep(rule.latency_ms / 1000)
        if rule.action == "latency":
            await self.app(scope, app_receive, send)
        elif rule.action in ("error", "non_json"):
            await fault_response(rule, scope["path"])(scope, app_receive, send)
        elif rule.action == "drop":
            await drop_connection(scope, receive, send)
        elif rule.action == "drop_after_store":
            await self.app(scope, app_receive, _swallow)
            await drop_connection(scope, receive, send)
        else:  # fail_prediction
            scope.setdefault("state", {})["forced_outcome"] = {"outcome": "fail", "message": rule.message}
            await self.app(scope, app_receive, send)


async def _swallow(message: Message) -> None:
    """A ``send`` that discards the response."""
