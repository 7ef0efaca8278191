"""The state machine of one Server-Sent Events stream: its request, decoding, end, and reconnects.

A driver runs any stream the same way (``SkytellsClient._driver.stream(machine)``)::

    while True:
        machine.retry_in set  -> wait that long (``machine.signal`` cuts it short), machine.waited()
        open machine.request()
        not an event stream?  -> events = machine.not_a_stream(reply); open again if machine.retry_in
                                 is set, else yield the events and stop
        each chunk            -> yield machine.feed(chunk); once machine.finished, read up to
                                 machine.drain_limit bytes of the rest (the connection is reused) and stop
        broken connection     -> machine.broken(failure) raises, or says to reconnect
        closed                -> yield machine.closed(); reconnect while machine.reconnect()

A family subclasses :class:`EventStream` to say which event ends its stream (``is_final``), what an
event must look like (``check``) and how often a dropped stream may resume (``Last-Event-ID``).
Given ``retry`` options, a stream whose opening fails (an error status, or no response) is opened
again like any request is retried, but only until its first body byte: never after.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from .._exceptions import SkytellsError
from ..types._options import RetryOptions
from ._effects import Failure, Reply, Request
from ._errors import error_from_failure, make_error, parse_json_reply
from ._retry import retry_delay
from ._send import check_abort, path_only
from ._sse import SSEDecoder, StreamEvent

logger = logging.getLogger("skytells")


class EventStream:
    """One logical stream across reconnects. ``base`` is the request without stream headers."""

    #: reconnects allowed after the connection drops before the final event (0: never resumed)
    max_reconnects = 0
    #: the event name of a plain (not event-stream) answer
    answer_event = "message"
    #: True: a stream that closes before its final event, with no reconnect left, is an error
    requires_end = True
    #: after the final event, read up to this many bytes of what is left of the body so the
    #: connection goes back to the pool (0: close it at once, for servers that keep streams open)
    drain_limit = 0

    def __init__(
        self,
        base: Request,
        secret: str | None,
        last_event_id: str | None = None,
        *,
        retry: RetryOptions | None = None,
        signal: Any = None,
    ) -> None:
        self._base = base
        self._secret = secret
        self.decoder = SSEDecoder()
        self.decoder.last_event_id = last_event_id
        self.finished = False
        self.reconnects = 0
        self.events_seen = 0
        #: retries of a failed opening (None: an opening is never retried)
        self.retry = retry
        #: an Event whose setting cuts a wait before a retried opening short (``ABORTED``)
        self.signal = signal
        #: seconds to wait before opening again, when a failed opening is retried (else None)
        self.retry_in: float | None = None
        self.attempts = 0
        #: body bytes received so far, over every connection
        self.received = 0

    # ---- hooks of a family -------------------------------------------------------------------------

    def is_final(self, event: StreamEvent) -> bool:
        """True for the event that ends the stream (it is not passed on when it carries no data)."""
        return False

    def check(self, event: StreamEvent) -> None:
        """Raise when ``event`` is not what this stream sends (a malformed event)."""

    def not_a_stream(self, reply: Reply) -> list[StreamEvent]:
        """A reply that is not an event stream: errors raise (or set ``retry_in``); any other answer
        ends the stream."""
        try:
            data = parse_json_reply(reply, self._secret)
        except SkytellsError as error:
            self.retry_opening(error)
            return []
        self.finished = True
        return [StreamEvent(self.answer_event, data, None)]

    def interrupted(self, failure: Failure) -> SkytellsError:
        """The error to raise when the connection fails after the first byte."""
        return error_from_failure(failure, self._secret)

    # ---- what the driver calls ---------------------------------------------------------------------

    def request(self) -> Request:
        headers = {**(self._base.headers or {}), "Accept": "text/event-stream", "Cache-Control": "no-store"}
        if self.decoder.last_event_id:
            headers["Last-Event-ID"] = self.decoder.last_event_id
        return self._base.replace(headers=headers)

    @staticmethod
    def is_event_stream(status: int, headers: Mapping[str, str]) -> bool:
        return status == 200 and "text/event-stream" in str(headers.get("content-type", "")).lower()

    def feed(self, chunk: bytes) -> list[StreamEvent]:
        self.received += len(chunk)
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
        """The connection failed (no response, or it broke mid-body): reconnect, retry the opening
        (``retry_in`` set), or raise."""
        self.decoder = _carry(self.decoder)
        if self.reconnects < self.max_reconnects and not self.finished:
            self.reconnects += 1
            return
        if self.received:
            raise self.interrupted(failure)
        self.retry_opening(error_from_failure(failure, self._secret))

    def retry_opening(self, error: SkytellsError) -> None:
        """Before the first byte: set ``retry_in`` when ``retry`` allows another opening; else raise."""
        delay = None
        if self.retry is not None and not self.received:
            delay = retry_delay(error, self.attempts + 1, self.retry)
        if delay is None:
            raise error
        self.attempts += 1
        self.retry_in = delay
        logger.info(
            "retrying stream %s %s in %.2fs after %s (attempt %d)",
            self._base.method,
            path_only(self._base.url),
            delay,
            error.error_id,
            self.attempts,
        )

    def waited(self) -> None:
        """The wait before a retried opening is over: ``ABORTED`` if the signal was set meanwhile."""
        self.retry_in = None
        check_abort(self.signal)

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
