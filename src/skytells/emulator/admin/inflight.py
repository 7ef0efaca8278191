"""Requests in flight, so that a reset leaves none of them behind.

`InFlightMiddleware` (the outermost of the app's own middleware) registers every HTTP request while it
is served. `InFlightRequests.settle` is what ``POST /_emulator/reset`` calls before it forgets anything:
it cuts off at once every request whose client has gone (one that timed out while a latency fault held
it), waits a moment for the others (held ``await`` creates and SSE streams have just been released and
answer at once), then cuts off the rest (still delayed by a fault, a body still arriving). A request cut
off is answered 503 ``SERVICE_UNAVAILABLE`` (or its started response is ended) and stops where it is,
so none of them creates an account, a prediction or anything else after the reset.

>>> requests = InFlightRequests()
>>> app = InFlightMiddleware(app, requests)
>>> cut_off = await requests.settle(grace=1.0)
"""

from __future__ import annotations

import asyncio
import contextlib

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from skytells.emulator.errors import ApiError, error_response

#: Seconds a reset waits for the requests still in flight before it cuts them off.
RESET_GRACE_S = 1.0


class _Request:
    """What the middleware knows of one request being served."""

    __slots__ = ("cut_off", "receive", "response_started")

    def __init__(self, receive: Receive) -> None:
        self.receive = receive
        self.response_started = False
        self.cut_off = False

    @property
    def client_gone(self) -> bool:
        """Whether the client has closed the connection (known under uvicorn, else assumed not)."""
        cycle = getattr(self.receive, "__self__", None)  # uvicorn's request cycle (see faults.middleware)
        return getattr(cycle, "disconnected", False) is True


class InFlightRequests:
    """The HTTP requests being served right now, by the task serving each."""

    def __init__(self) -> None:
        self._requests: dict[asyncio.Task[object], _Request] = {}

    def __len__(self) -> int:
        return len(self._requests)

    async def settle(self, grace: float = RESET_GRACE_S) -> int:
        """Cut off every other request whose client has gone; wait up to `grace` seconds for the
        others, then cut off those still running.

        Returns how many were cut off. The request calling this (the reset itself) is left alone.
        """
        current = asyncio.current_task()
        others = {task for task in self._requests if task is not current}
        abandoned = {task for task in others if self._requests[task].client_gone}
        waited: set[asyncio.Task[object]] = set()
        if others - abandoned:
            _, waited = await asyncio.wait(others - abandoned, timeout=grace)
        cut = {task for task in abandoned | waited if not task.done()}
        for task in cut:
            entry = self._requests.get(task)
            if entry is not None:
                entry.cut_off = True
                task.cancel()
        if cut:
            await asyncio.wait(cut, timeout=grace)
        return len(cut)


class InFlightMiddleware:
    """Pure ASGI middleware registering each HTTP request with an `InFlightRequests` while it is served.

    It passes the server's ``receive`` through unchanged (the fault middleware inside it needs it).
    """

    def __init__(self, app: ASGIApp, requests: InFlightRequests) -> None:
        self.app = app
        self.requests = requests

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        task = asyncio.current_task()
        if scope["type"] != "http" or task is None:
            await self.app(scope, receive, send)
            return
        entry = _Request(receive)

        async def tracking_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                entry.response_started = True
            await send(message)

        self.requests._requests[task] = entry
        try:
            await self.app(scope, receive, tracking_send)
        except asyncio.CancelledError:
            if not entry.cut_off:
                raise
            uncancel = getattr(task, "uncancel", None)  # Python 3.11+: this cancellation is handled
            if uncancel is not None:
                uncancel()
            await _answer_cut_off(entry, scope, send)
        finally:
            self.requests._requests.pop(task, None)


async def _answer_cut_off(entry: _Request, scope: Scope, send: Send) -> None:
    """Answer a request the reset cut off: a 503, or the end of a response already under way."""
    with contextlib.suppress(Exception):  # the client may be gone already
        if entry.response_started:
            await send({"type": "http.response.body", "body": b"", "more_body": False})
            return
        error = ApiError("SERVICE_UNAVAILABLE", "The emulator was reset while this request was being served.")
        await error_response(error, scope["path"])(scope, _no_body, send)


async def _no_body() -> Message:
    return {"type": "http.request", "body": b"", "more_body": False}
