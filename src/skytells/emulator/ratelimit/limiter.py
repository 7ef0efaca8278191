"""`RateLimiter`: a rolling-window request counter per API key, and the headers of its decisions.

>>> limiter = RateLimiter(limit=2, window=60)
>>> [limiter.hit("sk-test-a").allowed for _ in range(3)]
[True, True, False]
"""

from __future__ import annotations

import hashlib
import math
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from skytells.emulator.errors import ApiError

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
            "window": format_window(self.window),
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


def format_window(value: float) -> str:
    """A window length as header text: whole seconds as an integer (``60``), else as given."""
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
