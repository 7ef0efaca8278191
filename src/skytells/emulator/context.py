"""What every route needs: the emulator's parts, and small request helpers.

>>> state = emulator_state(request)
>>> account = authenticate(request)
>>> body = await read_json(request)
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from starlette.requests import Request

from skytells.emulator.accounts import Account, Accounts
from skytells.emulator.catalog import Catalog
from skytells.emulator.config import EmulatorConfig
from skytells.emulator.engine import Engine
from skytells.emulator.errors import ApiError
from skytells.emulator.store import Store


@dataclass
class EmulatorState:
    """The parts of one running emulator (``app.state.emulator``)."""

    config: EmulatorConfig
    store: Store
    catalog: Catalog
    accounts: Accounts
    engine: Engine
    dispatcher: Any
    faults: Any = None
    limiter: Any = None


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
        return json.loads(raw, parse_constant=_reject_constant)
    except (ValueError, UnicodeDecodeError, RecursionError) as exc:
        raise ApiError("INVALID_JSON", "The request body is not valid JSON.", details=str(exc)[:200]) from exc


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def _too_large(limit: int) -> ApiError:
    return ApiError("PAYLOAD_TOO_LARGE", f"The request body is larger than {limit} bytes.")


def make_dispatcher(config: EmulatorConfig) -> Any:
    """The webhook dispatcher (None while the webhooks module is unavailable)."""
    try:
        from skytells.emulator.webhooks import WebhookDispatcher
    except ImportError:
        return None
    return WebhookDispatcher(allow_hosts=config.webhook_allow, speed=config.speed)


def normalize_webhook(value: Any, events_filter: Any) -> dict[str, Any] | None:
    """The create body's ``webhook`` as ``{url, events}`` (None when absent); 400 when malformed."""
    try:
        from skytells.emulator.webhooks import normalize_webhook as normalize
    except ImportError:
        if value is None:
            return None
        if isinstance(value, str):
            return {"url": value, "events": list(events_filter or ["completed"])}
        if isinstance(value, dict) and isinstance(value.get("url"), str):
            return {"url": value["url"], "events": list(value.get("events") or ["completed"])}
        raise ApiError("INVALID_PARAMETER", "'webhook' must be a URL or an object {url, events}.") from None
    result: dict[str, Any] | None = normalize(value, events_filter)
    return result
