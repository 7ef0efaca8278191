"""Live prediction events over Server-Sent Events: the request, the decoding and when to stop."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from ._effects import Reply, Request
from ._outputs import TERMINAL_STATUSES
from ._responses import parse_json_reply
from ._sse import SSEDecoder, StreamEvent

#: event names that end a prediction stream
FINAL_EVENTS = frozenset({"done", "end", "complete", "completed", "final", "prediction"})
MAX_RECONNECTS = 3


class EventStream:
    """State of one logical stream across reconnects (``Last-Event-ID`` resume)."""

    def __init__(self, secret: str | None, prediction_id: str, last_event_id: str | None = None) -> None:
        self._secret = secret
        self.prediction_id = prediction_id
        self.decoder = SSEDecoder()
        self.decoder.last_event_id = last_event_id
        self.finished = False
        self.reconnects = 0

    def request(self) -> Request:
        headers = {"Accept": "text/event-stream", "Cache-Control": "no-store"}
        if self.decoder.last_event_id:
            headers["Last-Event-ID"] = self.decoder.last_event_id
        return Request("GET", f"/predictions/{quote(self.prediction_id, safe='')}/stream", headers=headers)

    @staticmethod
    def is_event_stream(headers: Any) -> bool:
        return "text/event-stream" in str(headers.get("content-type", "")).lower()

    def not_a_stream(self, reply: Reply) -> list[StreamEvent]:
        """A non-SSE answer: errors raise; a JSON prediction becomes one final event."""
        data = parse_json_reply(reply, self._secret)
        self.finished = True
        return [StreamEvent("done", data, None)]

    def feed(self, chunk: bytes) -> list[StreamEvent]:
        return self._track(self.decoder.feed(chunk))

    def closed(self) -> list[StreamEvent]:
        """The connection ended: the remaining events. Afterwards ``should_reconnect`` tells what next."""
        events = self._track(self.decoder.flush())
        self.decoder = _carry(self.decoder)
        return events

    def should_reconnect(self) -> bool:
        if self.finished or self.reconnects >= MAX_RECONNECTS:
            return False
        self.reconnects += 1
        return True

    def _track(self, events: list[StreamEvent]) -> list[StreamEvent]:
        out: list[StreamEvent] = []
        for event in events:
            if self.finished:
                break
            out.append(event)
            if event.event in FINAL_EVENTS or _terminal_prediction(event):
                self.finished = True
        return out


def _terminal_prediction(event: StreamEvent) -> bool:
    prediction = event.prediction
    return (
        prediction is not None and event.event == "message" and prediction.get("status") in TERMINAL_STATUSES
    )


def _carry(decoder: SSEDecoder) -> SSEDecoder:
    fresh = SSEDecoder()
    fresh.last_event_id = decoder.last_event_id
    return fresh
