"""What the Inference API families (chat, responses, embeddings) share: request bodies, one JSON
POST, and the OpenAI-style event stream (no resume; retried only before its first byte).

>>> body = request_body({"model": "deepbrain-router", "messages": msgs}, {"temperature": None}, None)
>>> completion = yield from post(ctx, "/chat/completions", body)
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .._exceptions import SkytellsError
from ._effects import Failure, Flow, Reply, Request
from ._errors import error_from_body, make_error, scrub_error, sdk_error
from ._event_stream import EventStream, malformed_event
from ._json import encode_json
from ._send import Context, check_key, send
from ._sse import StreamEvent


def request_body(
    required: Mapping[str, Any], params: Mapping[str, Any], extra_body: Mapping[str, Any] | None
) -> dict[str, Any]:
    """``required``, then every parameter that is not None, then ``extra_body`` (sent as given)."""
    body = dict(required)
    body.update((key, value) for key, value in params.items() if value is not None)
    if extra_body:
        body.update(extra_body)
    return body


def require_model(model: Any) -> str:
    if not isinstance(model, str) or not model:
        raise sdk_error("A model is required: the slug of a model, e.g. 'deepbrain-router'")
    return model


def post(ctx: Context, path: str, body: Mapping[str, Any], signal: Any = None) -> Flow[dict[str, Any]]:
    """POST ``body`` as JSON (with the client's retries) and return the JSON object answered."""
    request = Request("POST", path, content=encode_json(body), labels=_about(body))
    data = yield from send(ctx, request, signal)
    return expect_object(data)


def expect_object(data: Any) -> dict[str, Any]:
    """``data`` when it is a JSON object; ``INVALID_JSON`` otherwise."""
    if not isinstance(data, dict):
        raise make_error(
            "Expected a JSON object in the response", "INVALID_JSON", f"Got: {type(data).__name__}", 0
        )
    return data


def stream_request(ctx: Context, path: str, body: Mapping[str, Any]) -> Request:
    """The opening request of a stream (after the key check every call gets)."""
    check_key(ctx.config)
    return Request("POST", path, content=encode_json({**body, "stream": True}), labels=_about(body))


def _about(body: Mapping[str, Any]) -> dict[str, str] | None:
    """The tracing labels of an Inference API request: its model (never its messages or input)."""
    return {"model": body["model"]} if isinstance(body.get("model"), str) else None


class InferenceStream(EventStream):
    """A stream of JSON events that must reach its final event: never resumed, retried (with the
    client's retry options) only until its first byte, every event checked."""

    max_reconnects = 0
    requires_end = True
    #: the body ends right after the final event: read that end, so the connection is reused
    drain_limit = 64 * 1024

    def check(self, event: StreamEvent) -> None:
        if not isinstance(event.data, dict):
            raise malformed_event(event, self._secret)
        error = scrubbed_stream_error(event.data, self._secret)
        if error is not None:
            raise error

    def not_a_stream(self, reply: Reply) -> list[StreamEvent]:
        events = super().not_a_stream(reply)
        if self.finished:  # a JSON answer instead of a stream
            raise make_error(
                "The server answered a stream request without an event stream",
                "SERVER_ERROR",
                f"Status: {reply.status}, Content-Type: {reply.headers.get('content-type', '(none)')}",
                reply.status,
                reply,
            )
        return events

    def interrupted(self, failure: Failure) -> SkytellsError:
        if failure.kind == "timeout":
            ms = int((failure.timeout or 0) * 1000)
            message = f"The stream stalled: no data for {ms}ms after {self.events_seen} events"
            error_id, status = "REQUEST_TIMEOUT", 408
        else:
            message = f"The stream broke after {self.events_seen} events, before it was complete"
            error_id, status = "NETWORK_ERROR", 0
        return scrub_error(make_error(message, error_id, failure.message, status), self._secret)


def stream_error(data: Mapping[str, Any]) -> SkytellsError | None:
    """The error an event reports: ``{"error": {...}}`` (chat), ``{"type": "error", ...}`` or
    ``response.failed`` (responses); None for any other event."""
    error = data.get("error")
    if isinstance(error, Mapping):
        body: Any = data
    elif data.get("type") == "error":
        body = {"error": data}
    elif data.get("type") == "response.failed":
        response = data.get("response")
        failure = response.get("error") if isinstance(response, Mapping) else None
        body = {"error": failure if isinstance(failure, Mapping) else {"message": "The response failed"}}
    else:
        return None
    return error_from_body(body, Reply(500, {}, b""))


def scrubbed_stream_error(data: Mapping[str, Any], secret: str | None) -> SkytellsError | None:
    error = stream_error(data)
    return scrub_error(error, secret) if error is not None else None
