"""The state machine of one Server-Sent Events stream: its request, decoding, end, and reconnects.

A driver runs any stream the same way (``SkytellsClient._driver.stream(machine)``)::

    while True:
        open machine.request()
        not an event stream?  -> yield machine.not_a_stream(reply); stop
        each chunk            -> yield machine.feed(chunk); stop once machine.finished
        broken connection     -> machine.broken(failure) raises, or says to reconnect
        closed                -> yield machine.closed(); reconnect while machine.reconnect()

A family subclasses :class:`EventStream` to say which event ends its stream (``is_final``), what an
event must look like (``check``) and how often a dropped stream may resume (``Last-Event-ID``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from .._exceptions import SkytellsError
from ._effects import Failure, Reply, Request
from ._errors import error_from_failure, make_error, parse_json_reply
from ._sse import SSEDecoder, StreamEvent


class EventStream:
    """One logical stream across reconnects. ``base`` is the request without stream headers."""

    #: reconnects allowed after the connection drops before the final event (0: never resumed)
    max_reconnects = 0
    #: the event name of a plain (not event-stream) answer
    answer_event = "message"
    #: True: a stream that closes before its final event, with no reconnect left, is an error
    requires_end = True

    def __init__(self, base: Request, secret: str | None, last_event_id: str | None = None) -> None:
        self._base = base
        self._secret = secret
        self.decoder = SSEDecoder()
        self.decoder.last_event_id = last_event_id
        self.finished = False
        self.reconnects = 0
        self.events_seen = 0

    # ---- hooks of a family -------------------------------------------------------------------------

    def is_final(self, event: StreamEvent) -> bool:
        """True for the event that ends the stream (it is not passed on when it carries no data)."""
        return False

    def check(self, event: StreamEvent) -> None:
        """Raise when ``event`` is not what this stream sends (a malformed event)."""

    def not_a_stream(self, reply: Reply) -> list[StreamEvent]:
        """A reply that is not an event stream: errors raise; any other answer ends the stream."""
        data = parse_json_reply(reply, self._secret)
        self.finished = True
        return [StreamEvent(self.answer_event, data, None)]

    # ---- what the driver calls ---------------------------------------------------------------------

    def request(self) -> Request:
        headers = {**(self._base.headers or {}), "Accept": "text/event-stream", "Cache-Control": "no-store"}
        if self.decoder.last_event_id:
            headers["Last-Event-ID"] = self.decoder.last_event_id
        return replace(self._base, headers=headers)

    @staticmethod
    def is_event_stream(status: int, headers: Mapping[str, str]) -> bool:
        return status == 200 and "text/event-stream" in str(headers.get("content-type", "")).lower()

    def feed(self, chunk: bytes) -> list[StreamEvent]:
        return self._track(self.decoder.feed(chunk))

    def closed(self) -> list[StreamEvent]:
        """The connection ended: the events left in the buffer. Then call :meth:`reconnect`."""
        events = self._track(self.decoder.flush())
        self.decoder = _carry(self.decoder)
        return events

    def reconnect(self) -> bool:
        """After a close: True to open the stream again; raises when it ended too early."""
        if self.finished:
            return False
        if self.reconnects < self.max_reconnects:
            self.reconnects += 1
            return True
        if self.requires_end:
            raise self.truncated()
        return False

    def broken(self, failure: Failure) -> None:
        """The connection failed (no response, or it broke mid-body): reconnect, or raise."""
        self.decoder = _carry(self.decoder)
        if self.reconnects < self.max_reconnects and not self.finished:
            self.reconnects += 1
            return
        raise error_from_failure(failure, self._secret)

    def truncated(self) -> SkytellsError:
        """The error of a stream that closed before its final event."""
        return make_error(
            "The stream ended before it was complete",
            "NETWORK_ERROR",
            f"The connection closed after {self.events_seen} events, before the final one",
            0,
        )

    def _track(self, events: list[StreamEvent]) -> list[StreamEvent]:
        out: list[StreamEvent] = []
        for event in events:
            if self.finished:
                break
            self.check(event)
            self.events_seen += 1
            final = self.is_final(event)
            if not (final and event.data in ("", "[DONE]")):
                out.append(event)
            if final:
                self.finished = True
        return out


def malformed_event(event: StreamEvent, secret: str | None = None) -> SkytellsError:
    """``INVALID_JSON``: an event whose data is not the JSON the stream promises."""
    preview = str(event.data)[:200]
    if secret:
        preview = preview.replace(secret, "***")
    return make_error("The stream sent a malformed event", "INVALID_JSON", f"Event data: {preview}", 0)


def _carry(decoder: SSEDecoder) -> SSEDecoder:
    fresh = SSEDecoder()
    fresh.last_event_id = decoder.last_event_id
    return fresh
