"""`RateLimitMiddleware`: the ASGI middleware applying a `RateLimiter` to keyed ``/v1`` requests.

>>> app = RateLimitMiddleware(app, RateLimiter(limit=600, window=60))
"""

from __future__ import annotations

from starlette.datastructures import Headers
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from skytells.emulator.accounts import key_from_headers
from skytells.emulator.errors import ApiError, error_response
from skytells.emulator.ratelimit.limiter import UNLIMITED_HEADERS, Decision, RateLimiter, format_window


def api_key_of(scope: Scope) -> str | None:
    """The API key of a request, read as the app reads it (`accounts.key_from_headers`); None if blank."""
    return key_from_headers(Headers(scope=scope)) or None


class RateLimitMiddleware:
    """Pure ASGI middleware applying a `RateLimiter` to keyed ``/v1`` requests."""

    def __init__(self, app: ASGIApp, limiter: RateLimiter) -> None:
        self.app = app
        self.limiter = limiter

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not _is_api_path(scope["path"]):
            await self.app(scope, receive, send)
            return
        api_key = api_key_of(scope)
        if api_key is None:
            await self.app(scope, receive, send)
            return
        if not self.limiter.enabled:
            await self.app(scope, receive, _adding(send, UNLIMITED_HEADERS))
            return
        decision = self.limiter.hit(api_key)
        if not decision.allowed:
            await _refusal(decision, scope["path"])(scope, receive, send)
            return
        scope.setdefault("state", {})["ratelimit"] = decision  # the inference routes echo it in x-ratelimit-*
        await self.app(scope, receive, _adding(send, decision.headers()))


def _adding(send: Send, headers: list[tuple[bytes, bytes]]) -> Send:
    """A ``send`` that appends ``headers`` to the response start."""

    async def send_with_headers(message: Message) -> None:
        if message["type"] == "http.response.start":
            message = {**message, "headers": [*message.get("headers", ()), *headers]}
        await send(message)

    return send_with_headers


def _is_api_path(path: str) -> bool:
    return path == "/v1" or path.startswith("/v1/")


def _refusal(decision: Decision, path: str) -> Response:
    message = f"Too many requests: the limit is {decision.limit} per {format_window(decision.window)} s. "
    message += f"Retry after {decision.retry_after} s."
    response = error_response(ApiError("RATE_LIMIT_EXCEEDED", message, status=429), path)
    response.raw_headers.extend(decision.headers())
    return response
