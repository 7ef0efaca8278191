"""The responses family's flows: create (JSON or a stream of typed events), retrieve and delete.

>>> body = response_body("gpt-5", "Say hello", {"instructions": "Be brief."})
>>> response = yield from create(ctx, body)
>>> machine = response_stream(ctx, body)    # ends with response.completed (or .incomplete)
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import quote

from ._effects import Flow, Request
from ._errors import sdk_error
from ._event_stream import malformed_event
from ._inference import InferenceStream, expect_object, post, request_body, require_model, stream_request
from ._send import Context, send
from ._sse import StreamEvent

PATH = "/responses"
#: event types that end a response stream (``response.failed`` raises instead)
FINAL_TYPES = frozenset({"response.completed", "response.incomplete"})


def response_body(
    model: str,
    input: str | Iterable[Mapping[str, Any]],
    params: Mapping[str, Any],
    extra_body: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The request body: ``model``, ``input`` (text or items), the parameters that are not None."""
    if isinstance(input, (bytes, Mapping)) or not isinstance(input, (str, Iterable)):
        raise sdk_error('input must be text, or a list of items, e.g. [{"role": "user", "content": "Hi"}]')
    given = input if isinstance(input, str) else list(input)
    return request_body({"model": require_model(model), "input": given}, params, extra_body)


def create(ctx: Context, body: Mapping[str, Any], signal: Any = None) -> Flow[dict[str, Any]]:
    """One response (with the client's retries)."""
    return (yield from post(ctx, PATH, body, signal))


def _path(response_id: str) -> str:
    if not isinstance(response_id, str) or not response_id:
        raise sdk_error("A response id is required, e.g. 'resp_...'")
    return f"{PATH}/{quote(response_id, safe='')}"


def retrieve(ctx: Context, response_id: str) -> Flow[dict[str, Any]]:
    """A stored response."""
    return expect_object((yield from send(ctx, Request("GET", _path(response_id)))))


def delete(ctx: Context, response_id: str) -> Flow[dict[str, Any]]:
    """Delete a stored response: ``{"id", "object": "response.deleted", "deleted": true}``."""
    data = yield from send(ctx, Request("DELETE", _path(response_id)))
    return (
        data if isinstance(data, dict) else {"id": response_id, "object": "response.deleted", "deleted": True}
    )


class ResponseStream(InferenceStream):
    """The events of a streamed response; every one has a ``type``; ``response.completed`` (or
    ``response.incomplete``) ends it, ``error`` and ``response.failed`` raise."""

    def check(self, event: StreamEvent) -> None:
        super().check(event)
        if not isinstance(event.data.get("type"), str):
            raise malformed_event(event, self._secret)

    def is_final(self, event: StreamEvent) -> bool:
        return event.data.get("type") in FINAL_TYPES


def response_stream(ctx: Context, body: Mapping[str, Any], signal: Any = None) -> ResponseStream:
    """The stream machine of a response (``stream: true`` is added to ``body``)."""
    request = stream_request(ctx, PATH, body)
    return ResponseStream(request, ctx.config.api_key, retry=ctx.config.retry, signal=signal)


class EventJoiner:
    """Follows the events of a response stream: the text so far, and the final response."""

    def __init__(self) -> None:
        self._texts: list[str] = []
        self.response: dict[str, Any] | None = None

    def add(self, event: Mapping[str, Any]) -> None:
        kind = event.get("type")
        if kind == "response.output_text.delta" and isinstance(event.get("delta"), str):
            self._texts.append(event["delta"])
        elif isinstance(event.get("response"), dict):
            self.response = event["response"]

    def text(self) -> str:
        """The output text so far."""
        return "".join(self._texts)
