"""Admin routes of the rate limit: ``GET`` and ``POST /_emulator/ratelimit``."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from skytells.emulator.errors import ApiError, error_response
from skytells.emulator.http import read_json
from skytells.emulator.ratelimit.limiter import RateLimiter


def ratelimit_routes(limiter: RateLimiter) -> list[BaseRoute]:
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
            return error_response(error, request.url.path)
        return JSONResponse(limiter.settings())

    return [
        Route("/_emulator/ratelimit", show, methods=["GET"]),
        Route("/_emulator/ratelimit", change, methods=["POST"]),
    ]


async def _object_payload(request: Request) -> dict[str, Any]:
    payload = await read_json(request, required=True)
    if not isinstance(payload, dict):
        raise ApiError("INVALID_PARAMETER", "The request body must be a JSON object")
    return payload
