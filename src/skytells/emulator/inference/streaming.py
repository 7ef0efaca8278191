"""Server-Sent Events for the inference routes.

Chat Completions send ``data: {json}`` blocks and a final ``data: [DONE]``; the Responses API sends
``event: <type>`` and ``data: {json}`` per event, no ``[DONE]``. Each event goes out as its own body
chunk, and the stream yields to the event loop between events, so many streams interleave.

>>> sse_data({"a": 1})
b'data: {"a":1}\\n\\n'
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Iterable, Mapping
from typing import Any

from starlette.responses import StreamingResponse

DONE = b"data: [DONE]\n\n"


def _dumps(payload: Any) -> str:
    return json.dumps(payload, separators=(",", ":"), ensure_ascii=False)


def sse_data(payload: Any) -> bytes:
    """One ``data:`` event."""
    return f"data: {_dumps(payload)}\n\n".encode()


def sse_event(name: str, payload: Any) -> bytes:
    """One named event (``event:`` then ``data:``)."""
    return f"event: {name}\ndata: {_dumps(payload)}\n\n".encode()


def event_stream(events: Iterable[bytes], headers: Mapping[str, str]) -> StreamingResponse:
    """A ``text/event-stream`` response sending `events` one chunk each."""

    async def body() -> AsyncIterator[bytes]:
        for event in events:
            yield event
            await asyncio.sleep(0)

    all_headers = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no", **headers}
    return StreamingResponse(body(), media_type="text/event-stream", headers=all_headers)
