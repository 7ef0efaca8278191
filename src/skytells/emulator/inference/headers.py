"""Headers of every successful inference answer: ``x-request-id`` and OpenAI's ``x-ratelimit-*``.

==================================  =============================================================
``x-ratelimit-limit-requests``      the per-key request limit (``-`` when limits are off)
``x-ratelimit-remaining-requests``  requests left in the window after this one (``-`` when off)
``x-ratelimit-reset-requests``      the window, e.g. ``60s`` (``-`` when off)
``x-ratelimit-limit-tokens``        `TOKENS_PER_WINDOW` (tokens are counted, never refused)
``x-ratelimit-remaining-tokens``    that budget less this request's prompt and completion tokens
``x-ratelimit-reset-tokens``        ``0s``: the budget is per request, nothing to wait for
==================================  =============================================================

The request figures come from the rate limiter's decision for this request, which the
`RateLimitMiddleware` leaves in ``scope["state"]["ratelimit"]``.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request

from skytells.emulator.inference.errors import new_request_id

TOKENS_PER_WINDOW = 1_000_000
OFF = "-"


def _seconds(value: float) -> str:
    return f"{int(value)}s" if float(value).is_integer() else f"{value:g}s"


def inference_headers(request: Request, tokens: int, request_id: str | None = None) -> dict[str, str]:
    """The headers of an answer that used `tokens` tokens."""
    decision: Any = request.scope.get("state", {}).get("ratelimit")
    headers = {
        "x-request-id": request_id or new_request_id(),
        "x-ratelimit-limit-requests": str(decision.limit) if decision else OFF,
        "x-ratelimit-remaining-requests": str(decision.remaining) if decision else OFF,
        "x-ratelimit-reset-requests": _seconds(decision.window) if decision else OFF,
        "x-ratelimit-limit-tokens": str(TOKENS_PER_WINDOW),
        "x-ratelimit-remaining-tokens": str(max(0, TOKENS_PER_WINDOW - tokens)),
        "x-ratelimit-reset-tokens": "0s",
    }
    return headers
