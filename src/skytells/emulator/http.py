"""Request helpers every route uses: the emulator's parts, the caller's account, the JSON body.

>>> state = emulator_state(request)
>>> account = authenticate(request)
>>> body = await read_json(request)
"""

from __future__ import annotations

import json
import math
from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from skytells.emulator.accounts import Account
from skytells.emulator.config import MAX_BODY_BYTES
from skytells.emulator.errors import ApiError

if TYPE_CHECKING:  # the state imports every part; the parts' routes import these helpers
    from skytells.emulator.state import EmulatorState

#: How deeply JSON containers may nest in a request body (deeper is 400 ``INVALID_JSON``).
MAX_DEPTH = 64


def emulator_state(request: Request) -> EmulatorState:
    """The parts of the emulator serving `request`."""
    state: EmulatorState = request.app.state.emulator
    return state


def authenticate(request: Request) -> Account:
    """The account of the request's API key (401 / 403 otherwise)."""
    return emulator_state(request).accounts.authenticate(request.headers)


def origin_of(request: Request) -> str:
    """``scheme://host[:port]`` as the client reached this server (absolute URLs are built on it)."""
    return str(request.base_url).rstrip("/")


async def read_json(request: Request, *, required: bool = False) -> Any:
    """The request body parsed as JSON; 413 over the size limit, 400 ``INVALID_JSON`` if malformed.

    An empty body is None, or 400 ``INVALID_JSON`` when `required`. The size limit is the config's
    (the default one in an app without emulator state, such as a test harness).
    """
    state: EmulatorState | None = getattr(request.app.state, "emulator", None)
    limit = state.config.max_body_bytes if state is not None else MAX_BODY_BYTES
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
        if required:
            raise ApiError("INVALID_JSON", "The request body is not valid JSON.", details="empty body")
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


async def read_object(request: Request) -> dict[str, Any]:
    """The request body as a JSON object (400 ``INVALID_REQUEST`` for anything else, or none)."""
    body = await read_json(request)
    if not isinstance(body, dict):
        raise ApiError("INVALID_REQUEST", "The request body must be a JSON object.")
    return body


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
