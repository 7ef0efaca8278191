"""OpenTelemetry spans: one per SDK call (``skytells.predictions.run``), one per event stream, and a
child span per HTTP attempt (``POST /predictions``).

Attributes name the model, prediction id and status, attempt counts, the HTTP status, the request id
(``x-request-id``) and the error id; never the API key, the input, messages or any body. Imported only
when tracing is on.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import TracebackType
from typing import Any
from urllib.parse import urlsplit

from opentelemetry import trace
from opentelemetry.trace import Span, SpanKind, Status, StatusCode

from .._core._effects import Failure, Reply, Request
from .._exceptions import SkytellsError
from .._version import __version__
from ._hooks import Telemetry
from ._names import flow_name, route_template, stream_name

__all__ = ["Attempt", "Operation", "OtelTelemetry"]

#: what ``Request.labels`` become on spans
LABELS = {"model": "skytells.model", "prediction.id": "skytells.prediction.id"}


class OtelTelemetry(Telemetry):
    """Spans on ``provider`` (None: the global tracer provider, looked up as each span starts)."""

    def __init__(self, provider: Any, base_url: str) -> None:
        self._provider = provider
        self._tracer_of: Any = None
        self._cached: trace.Tracer = trace.NoOpTracer()
        self._base_url = base_url.rstrip("/")
        base = urlsplit(self._base_url)
        self._origin = f"{base.scheme}://{base.hostname or ''}{f':{base.port}' if base.port else ''}"
        self._base_path = base.path

    def _tracer(self) -> trace.Tracer:
        """The SDK's tracer on the provider in use (made again only when the global provider changes)."""
        provider = self._provider if self._provider is not None else trace.get_tracer_provider()
        if provider is not self._tracer_of:
            self._tracer_of, self._cached = provider, provider.get_tracer("skytells", __version__)
        return self._cached

    def operation(self, flow: Any) -> Operation:
        return Operation(self, flow_name(flow), current=True)

    def stream(self, machine: Any) -> Operation:
        return Operation(self, stream_name(machine), current=False)

    def url_of(self, request: Request) -> tuple[str, str | None, str | None, int | None]:
        """``(url.full without query or credentials, url.template, host, port)`` of a request."""
        url = request.url if "://" in request.url else self._base_url + request.url
        parts = urlsplit(url)
        full = f"{parts.scheme}://{parts.hostname or ''}{f':{parts.port}' if parts.port else ''}{parts.path}"
        template = None
        if full.startswith(self._origin + self._base_path + "/"):
            template = route_template(full[len(self._origin + self._base_path) :])
        return full, template, parts.hostname, parts.port


class Operation:
    """The span of one SDK call or event stream; a context manager that ends it, recording an error
    by its id (never its message, which may quote the input)."""

    def __init__(self, telemetry: OtelTelemetry, name: str, *, current: bool) -> None:
        self._telemetry = telemetry
        self._current = current
        self._scope: Any = None
        self.attempts = 0
        self.retries = 0
        self.events = 0
        self._last: Request | None = None
        self._resends = 0
        self._is_prediction = name.startswith("predictions.")
        self.span: Span = telemetry._tracer().start_span(
            f"skytells.{name}", kind=SpanKind.INTERNAL, attributes={"skytells.operation": name}
        )

    def __enter__(self) -> Operation:
        if self._current:  # an SDK call: its span is the current one while it runs (callbacks nest)
            self._scope = trace.use_span(
                self.span, end_on_exit=False, record_exception=False, set_status_on_exception=False
            )
            self._scope.__enter__()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None
    ) -> None:
        try:
            if error is not None and not isinstance(error, GeneratorExit):  # GeneratorExit: caller stopped
                record_error(self.span, error, prediction=self._is_prediction)
            span = self.span
            span.set_attribute("skytells.http.attempts", self.attempts)
            if self.retries:
                span.set_attribute("skytells.http.retries", self.retries)
            if not self._current:
                span.set_attribute("skytells.stream.events", self.events)
        finally:
            if self._scope is not None:
                self._scope.__exit__(kind, error, tb)
            self.span.end()

    def attempt(self, request: Request) -> Attempt:
        """The span of one HTTP attempt, a child of this operation."""
        resend = self.retries_of(request)
        for key, value in (request.labels or {}).items():
            if key in LABELS:
                self.span.set_attribute(LABELS[key], value)
        return Attempt(self, request, resend)

    def retries_of(self, request: Request) -> int:
        """How many times this very request was sent before (the retry loop resends the same one)."""
        self.attempts += 1
        resend = self._resends + 1 if request is self._last else 0
        self._last, self._resends = request, resend
        self.retries += 1 if resend else 0
        return resend

    def result(self, value: Any) -> Any:
        """Attributes from the call's result (a prediction's id, status and model); returns it."""
        describe(self.span, value, prediction=self._is_prediction)
        return value

    def event(self, event: Any) -> None:
        """One more event of a stream; one that carries a prediction gives its id and status."""
        self.events += 1
        prediction = getattr(event, "prediction", None)
        if prediction is not None:
            describe(self.span, prediction, prediction=self._is_prediction)

    def reply(self, status: int, headers: Mapping[str, str]) -> None:
        self.span.set_attribute("http.response.status_code", status)
        if headers.get("x-request-id"):
            self.span.set_attribute("skytells.request_id", headers["x-request-id"])


class Attempt:
    """The span of one HTTP attempt; a context manager that ends it."""

    def __init__(self, operation: Operation, request: Request, resend: int) -> None:
        self._operation = operation
        full, template, host, port = operation._telemetry.url_of(request)
        attributes: dict[str, Any] = {"http.request.method": request.method, "url.full": full}
        if template:
            attributes["url.template"] = template
        if host:
            attributes["server.address"] = host
        if port:
            attributes["server.port"] = port
        if resend:
            attributes["http.request.resend_count"] = resend
        for key, value in (request.labels or {}).items():
            if key in LABELS:
                attributes[LABELS[key]] = value
        name = f"{request.method} {template}" if template else request.method
        context = trace.set_span_in_context(operation.span)
        self.span = operation._telemetry._tracer().start_span(
            name, context=context, kind=SpanKind.CLIENT, attributes=attributes
        )

    def __enter__(self) -> Attempt:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None
    ) -> None:
        if error is not None and not isinstance(error, GeneratorExit):
            failure = getattr(error, "failure", None)  # StreamBroken carries the transport's Failure
            self.failed(failure.kind if isinstance(failure, Failure) else type(error).__name__)
        self.span.end()

    async def __aenter__(self) -> Attempt:
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.__exit__(kind, error, tb)

    def done(self, answer: Any) -> Any:
        """Record a ``Reply`` or ``Failure``; returns it."""
        if isinstance(answer, Reply):
            self.opened(answer.status, answer.headers)
        elif isinstance(answer, Failure):
            self.failed(answer.kind)
        return answer

    def opened(self, status: int, headers: Mapping[str, str]) -> None:
        """The response's status and request id (for a stream: as it opens)."""
        self.span.set_attribute("http.response.status_code", status)
        request_id = headers.get("x-request-id")
        if request_id:
            self.span.set_attribute("skytells.request_id", request_id)
        if status >= 400:
            self.span.set_attribute("error.type", str(status))
            self.span.set_status(Status(StatusCode.ERROR))
        self._operation.reply(status, headers)

    def failed(self, kind: str) -> None:
        self.span.set_attribute("error.type", kind)
        self.span.set_status(Status(StatusCode.ERROR))


def describe(span: Span, value: Any, *, prediction: bool) -> None:
    """The model of a result, and a prediction's id and status, as attributes."""
    if not isinstance(value, Mapping):
        return
    model = value.get("model")
    if isinstance(model, Mapping):
        model = model.get("name")
    if isinstance(model, str) and model:
        span.set_attribute("skytells.model", model)
    if prediction and isinstance(value.get("status"), str) and isinstance(value.get("id"), str):
        span.set_attribute("skytells.prediction.id", value["id"])
        span.set_attribute("skytells.prediction.status", value["status"])


def record_error(span: Span, error: BaseException, *, prediction: bool) -> None:
    """The error's id, HTTP status and request id; the span's status is ERROR."""
    if isinstance(error, SkytellsError):
        span.set_attribute("error.type", error.error_id)
        span.set_attribute("skytells.error_id", error.error_id)
        if error.http_status:
            span.set_attribute("http.response.status_code", error.http_status)
        if error.request_id:
            span.set_attribute("skytells.request_id", error.request_id)
        describe(span, getattr(error, "prediction", None), prediction=prediction)
        span.set_status(Status(StatusCode.ERROR, error.error_id))
    else:
        span.set_attribute("error.type", type(error).__qualname__)
        span.set_status(Status(StatusCode.ERROR, type(error).__qualname__))
