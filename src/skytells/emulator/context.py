"""What every route needs: the emulator's parts, and small request helpers.

>>> state = emulator_state(request)
>>> account = authenticate(request)
>>> body = await read_json(request)
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from skytells.emulator.accounts import Account, Accounts
from skytells.emulator.catalog import Catalog
from skytells.emulator.config import EmulatorConfig
from skytells.emulator.engine import Engine
from skytells.emulator.errors import ApiError
from skytells.emulator.faults import FaultInjector
from skytells.emulator.inference.response_store import ResponseStore
from skytells.emulator.ratelimit import RateLimiter
from skytells.emulator.store import Store
from skytells.emulator.webhooks import WebhookDispatcher

#: How deeply JSON containers may nest in a request body (deeper is 400 ``INVALID_JSON``).
MAX_DEPTH = 64


@dataclass
class EmulatorState:
    """The parts of one running emulator (``app.state.emulator``)."""

    config: EmulatorConfig
    store: Store
    catalog: Catalog
    accounts: Accounts
    engine: Engine
    dispatcher: WebhookDispatcher
    faults: FaultInjector
    limiter: RateLimiter
    responses: ResponseStore


def emulator_state(request: Request) -> EmulatorState:
    state: EmulatorState = request.app.state.emulator
    return state


def authenticate(request: Request) -> Account:
    """The account of the request's API key (401 / 403 otherwise)."""
    return emulator_state(request).accounts.authenticate(request.headers)


def origin_of(request: Request) -> str:
    """``scheme://host[:port]`` as the client reached this server (absolute URLs are built on it)."""
    return str(request.base_url).rstrip("/")


async def read_json(request: Request) -> Any:
    """The request body parsed as JSON (None when empty); 413 over the size limit, 400 if malformed."""
    limit = emulator_state(request).config.max_body_bytes
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise _too_large(limit)
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise _too_large(limit)
        chunks.append(chunk)
    raw = b"".join(chunks)
    if not raw.strip():
        return None
    try:
        value = json.loads(raw, parse_constant=_reject_constant, parse_float=_finite_float)
        if raw.count(b"[") + raw.count(b"{") > MAX_DEPTH and _too_deep(value):
            raise ValueError(f"nested deeper than {MAX_DEPTH} levels")
        if b"\\u" in raw:  # a lone surrogate escape parses but can never be sent back as UTF-8
            json.dumps(value, ensure_ascii=False).encode("utf-8")
        return value
    except (ValueError, UnicodeError, RecursionError) as exc:
        raise ApiError("INVALID_JSON", "The request body is not valid JSON.", details=str(exc)[:200]) from exc


def method_route(path: str, **handlers: Any) -> Route:
    """One route serving each method with its handler (so a 405 lists them all in ``Allow``).

    >>> method_route("/v1/predictions", GET=list_predictions, POST=create_prediction)
    """

    async def endpoint(request: Request) -> Response:
        method = "GET" if request.method == "HEAD" else request.method
        response: Response = await handlers[method](request)
        emulator_state(request).store.commit()  # what a request changed is stored before it answers
        return response

    return Route(path, endpoint, methods=list(handlers))


def _too_deep(value: Any) -> bool:
    """True when containers nest deeper than `MAX_DEPTH` (checked without recursion)."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        children = item.values() if isinstance(item, dict) else item if isinstance(item, list) else ()
        for child in children:
            if isinstance(child, (dict, list)):
                if depth + 1 > MAX_DEPTH:
                    return True
                stack.append((child, depth + 1))
    return False


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def _finite_float(text: str) -> float:
    value = float(text)
    if math.isinf(value):
        raise ValueError(f"{text[:40]} is out of range for a JSON number")
    return value


def _too_large(limit: int) -> ApiError:
    return ApiError("PAYLOAD_TOO_LARGE", f"The request body is larger than {limit} bytes.")
