"""Webhook event names: what a delivery is about, read from its body.

A delivery carries the prediction object (or a ``{"type", "data"}`` envelope around it) and no header
names the event, so the event is the envelope's ``type`` when there is one, else the prediction's
``status``: ``started``, ``completed``, ``failed`` or ``cancelled``.

>>> event_of({"status": "succeeded"})
'completed'
>>> canonical_event("prediction.canceled")
'cancelled'
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

#: The events a receiver dispatches on, as :func:`canonical_event` names them.
EVENTS = ("started", "completed", "failed", "cancelled")
#: Every name an event goes by (event names, envelope types and prediction statuses).
_ALIASES: dict[str, str] = {
    "started": "started",
    "start": "started",
    "starting": "started",
    "processing": "started",
    "prediction.started": "started",
    "completed": "completed",
    "succeeded": "completed",
    "prediction.succeeded": "completed",
    "prediction.completed": "completed",
    "failed": "failed",
    "prediction.failed": "failed",
    "cancelled": "cancelled",
    "canceled": "cancelled",
    "prediction.cancelled": "cancelled",
    "prediction.canceled": "cancelled",
}


def canonical_event(name: str) -> str | None:
    """``started``, ``completed``, ``failed`` or ``cancelled`` for any of their spellings, else None."""
    return _ALIASES.get(name.strip().lower())


def event_of(prediction: Mapping[str, Any], envelope_type: str | None = None) -> str | None:
    """The event a delivery is about: its envelope ``type``, else its prediction's ``status``."""
    for name in (envelope_type, prediction.get("status")):
        if isinstance(name, str) and (event := canonical_event(name)) is not None:
            return event
    return None
