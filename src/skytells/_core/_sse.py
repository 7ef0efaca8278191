"""An incremental decoder of Server-Sent Events (WHATWG HTML 9.2.5)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class StreamEvent:
    """One event of a prediction stream: ``event`` name, ``data`` (parsed JSON when it is), ``id``."""

    event: str
    data: Any
    id: str | None = None
    retry: int | None = None

    @property
    def prediction(self) -> dict[str, Any] | None:
        """The prediction carried by the event, when its data is a prediction object."""
        if isinstance(self.data, dict) and "id" in self.data and "status" in self.data:
            return self.data
        return None


class SSEDecoder:
    """Feed it bytes as they arrive; it returns the events completed so far."""

    def __init__(self) -> None:
        self._buffer = b""
        self._event = ""
        self._data: list[str] = []
        self._id: str | None = None
        self._retry: int | None = None
        self.last_event_id: str | None = None

    def feed(self, chunk: bytes) -> list[StreamEvent]:
        self._buffer += chunk
        events: list[StreamEvent] = []
        while True:
            cut = _line_end(self._buffer)
            if cut is None:
                return events
            end, skip = cut
            line = self._buffer[:end].decode("utf-8", "replace")
            self._buffer = self._buffer[end + skip :]
            event = self._line(line)
            if event is not None:
                events.append(event)

    def flush(self) -> list[StreamEvent]:
        """Events left when the stream ends (an unterminated last line is dispatched)."""
        events = self.feed(b"\n") if self._buffer else []
        event = self._line("")
        return [*events, event] if event is not None else events

    def _line(self, line: str) -> StreamEvent | None:
        if not line:
            return self._dispatch()
        if line.startswith(":"):
            return None
        name, _, value = line.partition(":")
        value = value[1:] if value.startswith(" ") else value
        if name == "event":
            self._event = value
        elif name == "data":
            self._data.append(value)
        elif name == "id" and "\0" not in value:
            self._id = value
        elif name == "retry" and value.isdigit():
            self._retry = int(value)
        return None

    def _dispatch(self) -> StreamEvent | None:
        if self._id is not None:
            self.last_event_id = self._id
        if not self._data:
            self._event = ""
            return None
        text = "\n".join(self._data)
        try:
            data: Any = json.loads(text)
        except ValueError:
            data = text
        event = StreamEvent(self._event or "message", data, self.last_event_id, self._retry)
        self._event, self._data, self._retry = "", [], None
        return event


def _line_end(buffer: bytes) -> tuple[int, int] | None:
    """Position and length of the first line terminator (CRLF, LF or CR)."""
    lf = buffer.find(b"\n")
    cr = buffer.find(b"\r")
    if cr == -1 and lf == -1:
        return None
    if cr == -1 or (lf != -1 and lf < cr):
        return lf, 1
    if cr + 1 < len(buffer):
        return cr, 2 if buffer[cr + 1 : cr + 2] == b"\n" else 1
    return None  # a lone CR at the end: wait for the next byte (it may be LF)
