"""Per-key rate limits for the emulated ``/v1`` API.

Each API key may make ``limit`` requests in any rolling ``window`` seconds. Every answer to a keyed
``/v1`` request carries the ``x-skytells-ratelimit-*`` headers; a request over the limit gets
429 ``RATE_LIMIT_EXCEEDED`` with ``Retry-After`` (whole seconds until a slot frees up) and never
reaches the app. Requests without a key pass through untouched (the app answers 401).

>>> limiter = RateLimiter(limit=2, window=60)
>>> [limiter.hit("sk-test-a").allowed for _ in range(3)]
[True, True, False]
>>> app = RateLimitMiddleware(app, limiter)

Keys are kept only as SHA-256 digests and never logged.
"""

from __future__ import annotations

import hashlib
import json
import math
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from skytells.emulator.accounts import key_from_headers
from skytells.emulator.errors import ApiError, error_response

HEADER_PREFIX = "x-skytells-ratelimit-"
NOT_CONFIGURED = "-"
_PRUNE_EVERY = 1024


@dataclass(frozen=True)
class Decision:
    """The outcome of one request against the limit."""

    allowed: bool
    limit: int
    remaining: int
    window: float
    retry_after: int = 0

    def headers(self) -> list[tuple[bytes, bytes]]:
        """The ``x-skytells-ratelimit-*`` headers (and ``Retry-After`` when refused)."""
        values = {
            "limit-requests": str(self.limit),
            "remaining-requests": str(self.remaining),
            "window": _seconds(self.window),
            "limit-tokens-in": NOT_CONFIGURED,
            "remaining-tokens-in": NOT_CONFIGURED,
            "limit-tokens-out": NOT_CONFIGURED,
            "remaining-tokens-out": NOT_CONFIGURED,
        }
        headers = [((HEADER_PREFIX + name).encode(), value.encode()) for name, value in values.items()]
        if not self.allowed:
            headers.append((b"retry-after", str(self.retry_after).encode()))
        return headers


#: The headers sent while limiting is switched off: every dimension "not configured".
UNLIMITED_HEADERS = [
    ((HEADER_PREFIX + name).encode(), NOT_CONFIGURED.encode())
    for name in (
        "limit-requests",
        "remaining-requests",
        "window",
        "limit-tokens-in",
        "remaining-tokens-in",
        "limit-tokens-out",
        "remaining-tokens-out",
    )
]


def _seconds(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


class RateLimiter:
    """A rolling-window request counter per API key; thread-safe.

    ``limit <= 0`` switches limiting off. ``configure()`` changes the limit while running.
    """

    def __init__(self, limit: int, window: float, *, clock: Callable[[], float] = time.monotonic) -> None:
        self._check(limit, window)
        self.limit = limit
        self.window = float(window)
        self._configured = (limit, float(window))
        self._clock = clock
        self._hits: dict[str, deque[float]] = {}
        self._lock = threading.Lock()
        self._calls = 0

    @staticmethod
    def _check(limit: int, window: float) -> None:
        if isinstance(limit, bool) or not isinstance(limit, int):
            raise ApiError("INVALID_PARAMETER", "'limit' must be an integer")
        if isinstance(window, bool) or not isinstance(window, (int, float)) or not 0 < window < math.inf:
            raise ApiError("INVALID_PARAMETER", "'window' must be a positive number of seconds")

    @property
    def enabled(self) -> bool:
        return self.limit > 0

    def configure(self, limit: int | None = None, window: float | None = None) -> None:
        """Change the limit and/or window; counts so far are kept."""
        new_limit = self.limit if limit is None else limit
        new_window = self.window if window is None else window
        self._check(new_limit, new_window)
        with self._lock:
            self.limit, self.window = new_limit, float(new_window)

    def settings(self) -> dict[str, Any]:
        """The current limit and window."""
        return {"limit": self.limit, "window": self.window, "enabled": self.enabled}

    def hit(self, api_key: str) -> Decision:
        """Count one request for ``api_key`` unless it is over the limit, and say which it was."""
        digest = hashlib.sha256(api_key.encode()).hexdigest()
        now = self._clock()
        with self._lock:
            self._calls += 1
            if self._calls % _PRUNE_EVERY == 0:
                self._prune(now)
            hits = self._hits.setdefault(digest, deque())
            while hits and hits[0] <= now - self.window:
                hits.popleft()
            if len(hits) >= self.limit:
                wait = hits[len(hits) - self.limit] + self.window - now
                return Decision(False, self.limit, 0, self.window, max(1, math.ceil(wait)))
            hits.append(now)
            return Decision(True, self.limit, self.limit - len(hits), self.window)

    def _prune(self, now: float) -> None:
        stale = [digest for digest, hits in self._hits.items() if not hits or hits[-1] <= now - self.window]
        for digest in stale:
            del self._hits[digest]

    def clear(self) -> None:
        """Forget every count and any run-time change of the limit (the emulator's reset)."""
        with self._lock:
            self._hits.clear()
            self.limit, self.window = self._configured


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
    message = f"Too many requests: the limit is {decision.limit} per {_seconds(decision.window)} s. "
    message += f"Retry after {decision.retry_after} s."
    response = error_response(ApiError("RATE_LIMIT_EXCEEDED", message, status=429), path)
    response.raw_headers.extend(decision.headers())
    return response


def ratelimit_routes(limiter: RateLimiter) -> list[Route]:
    """Admin routes: ``GET /_emulator/ratelimit`` and ``POST /_emulator/ratelimit`` ``{"limit", "window"}``.

    A limit of 0 switches limiting off.
    """

    async def show(request: Request) -> Response:
        return JSONResponse(limiter.settings())

    async def change(request: Request) -> Response:
        try:
            payload = await _object_payload(request)
            unknown = sorted(set(payload) - {"limit", "window"})
            if unknown:
                raise ApiError("INVALID_PARAMETER", "Unknown field(s): " + ", ".join(unknown))
            limiter.configure(payload.get("limit"), payload.get("window"))
        except ApiError as error:
            return error_response(error)
        return JSONResponse(limiter.settings())

    return [
        Route("/_emulator/ratelimit", show, methods=["GET"]),
        Route("/_emulator/ratelimit", change, methods=["POST"]),
    ]


async def _object_payload(request: Request) -> dict[str, Any]:
    try:
        payload = json.loads(await request.body())
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise ApiError("INVALID_JSON", "The request body is not valid JSON") from None
    if not isinstance(payload, dict):
        raise ApiError("INVALID_PARAMETER", "The request body must be a JSON object")
    return payload
