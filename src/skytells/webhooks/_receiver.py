"""`WebhookReceiver`: verify, de-duplicate, parse and dispatch webhook deliveries, in any framework.

>>> receiver = WebhookReceiver(secret="whsec_...")           # or api_key="sk-..." (or both)
>>> @receiver.on("completed")
... def save(prediction):
...     db.save(prediction.id, prediction.outputs())
>>> result = receiver.handle(request.headers, raw_body)     # await receiver.ahandle(...) in async code
>>> result.status_code, result.body()
(200, {'ok': True, 'event': 'completed', 'id': 'msg_...', 'prediction_id': '...', 'duplicate': False})

The adapters in ``skytells.webhooks.starlette``, ``.flask`` and ``.django`` turn a result into the
framework's response.
"""

from __future__ import annotations

import hashlib
import inspect
import math
import time
from collections.abc import Awaitable, Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from .._exceptions import WebhookVerificationError
from .._prediction import Prediction
from ._dedupe import DeliveryLog
from ._events import EVENTS, canonical_event, event_of
from ._signatures import DEFAULT_TOLERANCE_S, header, load_payload, verify_webhook

__all__ = ["WebhookHandler", "WebhookReceiver", "WebhookResult"]

#: A function given each delivery's prediction; it may be a coroutine function under `ahandle`.
WebhookHandler = Callable[[Prediction], Any]
H = TypeVar("H", bound=WebhookHandler)

STALE_TIMESTAMP = "WEBHOOK_TIMESTAMP_EXPIRED"


@dataclass(frozen=True)
class WebhookResult:
    """What a receiver made of one delivery, and what to answer the sender.

    ``status_code``: 200 handled (or a duplicate of one already handled: the sender must stop
    retrying it), 400 stale timestamp or a body that is not a JSON object, 401 bad or missing
    signature, 409 the same delivery is being handled right now (the sender retries later).
    """

    status_code: int
    event: str | None = None
    delivery_id: str | None = None
    prediction: Prediction | None = None
    duplicate: bool = False
    handled: int = 0
    error: WebhookVerificationError | None = None

    @property
    def ok(self) -> bool:
        """True for a 2xx answer."""
        return 200 <= self.status_code < 300

    def body(self) -> dict[str, Any]:
        """The JSON body to answer with."""
        if self.error is not None:
            return {"ok": False, "error": {"error_id": self.error.error_id, "message": self.error.message}}
        body: dict[str, Any] = {
            "ok": self.ok,
            "event": self.event,
            "id": self.delivery_id,
            "prediction_id": self.prediction.id if self.prediction is not None else None,
            "duplicate": self.duplicate,
        }
        if not self.ok:
            body["error"] = {"error_id": "WEBHOOK_IN_PROGRESS", "message": "This delivery is being handled"}
        return body


@dataclass(frozen=True)
class _Admitted:
    key: str
    event: str | None
    delivery_id: str | None
    prediction: Prediction


class WebhookReceiver:
    """Verifies each delivery, rejects stale and repeated ones, and calls the handlers of its event.

    ``key`` is a ``whsec_`` secret (Standard Webhooks) or an API key (``X-Skytells-Signature``); or
    name them with ``secret=`` / ``api_key=``. With a secret, a delivery carrying ``webhook-signature``
    is judged by it and its ``webhook-timestamp`` must be within ``tolerance`` seconds of now (the
    ``X-Skytells-Signature`` scheme signs no timestamp). A delivery handled in the last
    ``dedupe_window`` seconds (by ``webhook-id``, or by the body's digest without one) is answered
    200 again without calling a handler; if a handler raises, the delivery is not remembered, so the
    sender's retry runs it again. Thread-safe.
    """

    def __init__(
        self,
        key: str | None = None,
        *,
        api_key: str | None = None,
        secret: str | None = None,
        tolerance: float = DEFAULT_TOLERANCE_S,
        dedupe_window: float = 3600.0,
        max_remembered: int = 10_000,
        clock: Callable[[], float] = time.time,
    ) -> None:
        if key is not None:
            if key.startswith("whsec_"):
                secret = secret or key
            else:
                api_key = api_key or key
        if not api_key and not secret:
            raise ValueError("WebhookReceiver needs a whsec_ secret or an API key")
        self.api_key = api_key
        self.secret = secret
        self.tolerance = tolerance
        self._clock = clock
        self._log = DeliveryLog(dedupe_window, max_remembered, clock)
        self._handlers: list[tuple[str, WebhookHandler]] = []

    def __repr__(self) -> str:
        schemes = [name for name, on in (("secret", self.secret), ("api_key", self.api_key)) if on]
        return f"WebhookReceiver({'+'.join(schemes)}, handlers={len(self._handlers)})"

    def on(self, *events: str) -> Callable[[H], H]:
        """Register the decorated function for these events (``"*"``: every delivery).

        Events: ``started``, ``completed``, ``failed``, ``cancelled``, in any spelling the API uses
        (``canceled``, ``succeeded``, ``prediction.succeeded`` ...).
        """
        if not events:
            raise ValueError(f"name at least one event: {', '.join(EVENTS)} or '*'")
        names = []
        for event in events:
            name = "*" if event.strip() == "*" else canonical_event(event)
            if name is None:
                raise ValueError(
                    f"unknown webhook event {event!r}; expected one of: {', '.join(EVENTS)}, '*'"
                )
            names.append(name)

        def register(handler: H) -> H:
            self._handlers.extend((name, handler) for name in dict.fromkeys(names))
            return handler

        return register

    def handle(self, headers: Mapping[str, str], body: bytes | str) -> WebhookResult:
        """Handle one delivery: the raw body as received, and its headers (any case)."""
        admitted = self._admit(headers, body)
        if isinstance(admitted, WebhookResult):
            return admitted
        count = 0
        try:
            for handler in self._handlers_for(admitted.event):
                value = handler(admitted.prediction)
                if inspect.isawaitable(value):
                    _close(value)
                    raise TypeError(
                        f"{_name(handler)} is a coroutine function: use `await receiver.ahandle()`"
                    )
                count += 1
        except BaseException:
            self._log.abandon(admitted.key)
            raise
        self._log.finish(admitted.key)
        return _handled(admitted, count)

    async def ahandle(self, headers: Mapping[str, str], body: bytes | str) -> WebhookResult:
        """`handle` for async code: coroutine handlers are awaited, plain ones called."""
        admitted = self._admit(headers, body)
        if isinstance(admitted, WebhookResult):
            return admitted
        count = 0
        try:
            for handler in self._handlers_for(admitted.event):
                value = handler(admitted.prediction)
                if inspect.isawaitable(value):
                    await value
                count += 1
        except BaseException:
            self._log.abandon(admitted.key)
            raise
        self._log.finish(admitted.key)
        return _handled(admitted, count)

    def _handlers_for(self, event: str | None) -> Iterator[WebhookHandler]:
        return (handler for name, handler in list(self._handlers) if name == "*" or name == event)

    def _admit(self, headers: Mapping[str, str], body: bytes | str) -> _Admitted | WebhookResult:
        raw = body.encode() if isinstance(body, str) else bytes(body)
        delivery_id = header(headers, "webhook-id")
        try:
            key = self._verify(headers, raw)
            data, envelope_type = load_payload(raw)
        except WebhookVerificationError as error:
            return WebhookResult(error.http_status, delivery_id=delivery_id, error=error)
        prediction = Prediction(data)
        admitted = _Admitted(key, event_of(prediction, envelope_type), delivery_id, prediction)
        seen = self._log.begin(key)
        if seen == "new":
            return admitted
        status = 200 if seen == "done" else 409
        return WebhookResult(status, admitted.event, delivery_id, prediction, duplicate=True)

    def _verify(self, headers: Mapping[str, str], body: bytes) -> str:
        """Check the signature (and timestamp); the key that identifies the delivery."""
        if self.secret and (header(headers, "webhook-signature") is not None or not self.api_key):
            verify_webhook(body, headers, secret=self.secret, tolerance=math.inf)
            self._check_timestamp(header(headers, "webhook-timestamp") or "")
            return "id:" + (header(headers, "webhook-id") or "")
        verify_webhook(body, headers, api_key=self.api_key)
        return "sha256:" + hashlib.sha256(body).hexdigest()

    def _check_timestamp(self, value: str) -> None:
        age = self._clock() - int(value)  # verify_webhook accepted it, so it is an integer
        if abs(age) > self.tolerance:
            when = f"{age:.0f} s old" if age > 0 else f"{-age:.0f} s in the future"
            raise WebhookVerificationError(
                "Webhook timestamp is outside the tolerance",
                STALE_TIMESTAMP,
                f"webhook-timestamp is {when}; at most {self.tolerance:g} s is accepted",
                400,
            )


def _handled(admitted: _Admitted, count: int) -> WebhookResult:
    return WebhookResult(200, admitted.event, admitted.delivery_id, admitted.prediction, handled=count)


def _name(handler: WebhookHandler) -> str:
    return getattr(handler, "__qualname__", None) or repr(handler)


def _close(value: Awaitable[Any]) -> None:
    close = getattr(value, "close", None)
    if callable(close):
        close()  # a coroutine never awaited would warn
