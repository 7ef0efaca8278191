"""The ``webhook`` option of a create request, and the event names a client may ask for."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from skytells.emulator.errors import ApiError

#: The events a delivery can be for (canonical names).
ALL_EVENTS = ("started", "completed", "failed", "canceled")
TERMINAL_EVENTS = ("completed", "failed", "canceled")
#: Every event name a client may send, and the canonical event it means.
CLIENT_EVENT_NAMES: dict[str, str] = {
    "started": "started",
    "start": "started",
    "completed": "completed",
    "failed": "failed",
    "canceled": "canceled",
    "cancelled": "canceled",
    "prediction.started": "started",
    "prediction.succeeded": "completed",
    "prediction.failed": "failed",
    "prediction.cancelled": "canceled",
    "prediction.canceled": "canceled",
}
#: Prediction statuses accepted by `notify` in place of an event name.
_STATUS_EVENTS = {"starting": "started", "succeeded": "completed", "cancelled": "canceled"}
MAX_URL_LENGTH = 2048


def canonical_event(name: str) -> str | None:
    """``completed``/``failed``/``canceled``/``started`` for an event or status name, else None."""
    lowered = name.strip().lower()
    return CLIENT_EVENT_NAMES.get(lowered) or _STATUS_EVENTS.get(lowered)


def normalize_webhook(value: Any, events_filter: Any = None) -> dict[str, Any] | None:
    """The ``webhook`` request option as ``{"url", "events"}``, or None when absent.

    Accepts ``{"url", "events"}`` or a URL string (with ``webhook_events_filter``). Missing or empty
    events mean every terminal event. Raises `ApiError` ``INVALID_PARAMETER`` on bad input.

    >>> normalize_webhook("https://example.com/hook", ["completed"])
    {'url': 'https://example.com/hook', 'events': ['completed']}
    """
    if value is None or value == "" or value == {}:
        if events_filter not in (None, []):
            raise invalid_webhook("'webhook_events_filter' needs a 'webhook' URL")
        return None
    url: Any
    events: Any
    if isinstance(value, str):
        url, events = value, events_filter
    elif isinstance(value, dict):
        url = value.get("url")
        events = value.get("events", events_filter)
    else:
        raise invalid_webhook("'webhook' must be a URL string or an object with 'url' and 'events'")
    return {"url": _checked_url(url), "events": _checked_events(events)}


def wants_event(webhook: Mapping[str, Any], event: str) -> bool:
    """Whether `webhook` (as `normalize_webhook` returns it) asked for `event`."""
    wanted = canonical_event(event)
    events = webhook.get("events") or TERMINAL_EVENTS
    return wanted is not None and any(canonical_event(str(name)) == wanted for name in events)


def invalid_webhook(message: str) -> ApiError:
    """400 ``INVALID_PARAMETER`` about a webhook option."""
    return ApiError("INVALID_PARAMETER", message)


def _checked_url(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise invalid_webhook("'webhook.url' must be a non-empty http(s) URL")
    url = value.strip()
    if len(url) > MAX_URL_LENGTH:
        raise invalid_webhook(f"'webhook.url' is longer than {MAX_URL_LENGTH} characters")
    try:
        parts = urlsplit(url)
        host, _port = parts.hostname, parts.port
    except ValueError as exc:
        raise invalid_webhook(f"'webhook.url' is not a valid URL: {exc}") from None
    if parts.scheme not in ("http", "https") or not host:
        raise invalid_webhook("'webhook.url' must be an absolute http:// or https:// URL")
    return url


def _checked_events(events: Any) -> list[str]:
    if events is None or events == []:
        return list(TERMINAL_EVENTS)
    if isinstance(events, str):
        events = [events]
    if not isinstance(events, list) or not all(isinstance(name, str) for name in events):
        raise invalid_webhook("'webhook.events' must be a list of event names")
    names: list[str] = []
    for name in events:
        if name.strip() == "*":
            return list(ALL_EVENTS)
        if name.strip().lower() not in CLIENT_EVENT_NAMES:
            known = ", ".join(CLIENT_EVENT_NAMES)
            raise invalid_webhook(f"Unknown webhook event '{name}'; expected one of: {known}")
        if name.strip() not in names:
            names.append(name.strip())
    return names
