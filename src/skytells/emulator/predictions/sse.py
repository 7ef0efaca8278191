"""Server-Sent Events of one prediction: ``status``, ``progress``, ``output`` and a final ``done``.

Each event has a numbered ``id``; a client that reconnects with ``Last-Event-ID: n`` gets only the
events after ``n``. While nothing happens a ``: keep-alive`` comment is sent every few seconds.

    id: 3
    event: status
    data: {"id": "…", "status": "processing"}

The ``done`` event carries the whole prediction, after which the stream ends.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any

from skytells.emulator.predictions.lifecycle import Engine
from skytells.emulator.predictions.presentation import present
from skytells.emulator.store import StoredPrediction

KEEPALIVE = b": keep-alive\n\n"


def format_event(event_id: int, name: str, value: Any, stored: StoredPrediction, origin: str) -> bytes:
    """One event as it goes on the wire."""
    if name == "done":
        data: dict[str, Any] = present(stored, origin)
    elif name == "output":
        data = {"id": stored.id, "output": present(stored, origin)["output"]}
    else:
        data = {"id": stored.id, name: value}
    payload = json.dumps(data, separators=(",", ":"))
    return f"id: {event_id}\nevent: {name}\ndata: {payload}\n\n".encode()


def parse_last_event_id(value: str | None) -> int:
    """The ``Last-Event-ID`` header as a number (0 when absent or not a number)."""
    try:
        return max(0, int((value or "0").strip()))
    except ValueError:
        return 0


async def prediction_events(
    engine: Engine, prediction_id: str, origin: str, last_id: int, keepalive: float
) -> AsyncIterator[bytes]:
    """The event stream of a prediction: history after `last_id`, then live events until ``done``."""
    queue = engine.subscribe(prediction_id)
    try:
        stored = engine.get(prediction_id)
        if stored is None:
            return
        sent = last_id
        history = list(stored.plan.get("events", []))
        for number, (name, value) in enumerate(history, start=1):
            if number > sent:
                yield format_event(number, name, value, stored, origin)
                sent = number
        if queue is None or (history and history[-1][0] == "done"):
            return
        while True:
            try:
                number, name, value = await asyncio.wait_for(queue.get(), keepalive)
            except asyncio.TimeoutError:
                yield KEEPALIVE
                continue
            if number == 0:
                return
            if number > sent:
                yield format_event(number, name, value, stored, origin)
                sent = number
            if name == "done":
                return
    finally:
        if queue is not None:
            engine.unsubscribe(prediction_id, queue)
