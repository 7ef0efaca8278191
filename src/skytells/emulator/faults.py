"""Fault injection: make the emulator misbehave on purpose, so retries and error paths can be tested.

A fault rule matches requests by method, path glob and (for creates) the body's model, applies to a
random share of them (``probability``, seedable) or to the first N (``first``), and does one thing:

==================== =====================================================================
``error``            answer ``status`` with the standard error body (+ ``Retry-After``)
``latency``          wait ``latency_ms``, then serve the request normally
``drop``             close the connection before the app runs: nothing is stored
``drop_after_store`` run the app (the prediction is stored), then close without answering
``non_json``         answer ``status`` with an HTML page instead of JSON
``fail_prediction``  create the prediction, but make it fail with ``message``
==================== =====================================================================

>>> faults = FaultInjector(seed=7)
>>> faults.add({"route": "/v1/predict*", "method": "POST", "status": 503, "first": 2, "retry_after": 1})
{'id': 'flt_1', 'action': 'error', 'method': 'POST', 'route': '/v1/predict*', ...}
>>> app = FaultMiddleware(app, faults)

Admin routes under ``/_emulator/`` are never faulted.
"""

from __future__ import annotations

import asyncio
import fnmatch
import html
import itertools
import json
import random
import shlex
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from skytells.emulator.errors import STATUS_OF, ApiError, error_response

ACTIONS = ("error", "latency", "drop", "drop_after_store", "non_json", "fail_prediction")
METHODS = ("*", "GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")
_INT_FIELDS = ("status", "first", "times", "latency_ms")
_FLOAT_FIELDS = ("probability", "retry_after")
_STR_FIELDS = ("id", "action", "method", "route", "model", "error_id", "message")
_KNOWN_FIELDS = frozenset(_INT_FIELDS + _FLOAT_FIELDS + _STR_FIELDS)
_MAX_LATENCY_MS = 600_000
_MAX_SNIFF_BYTES = 16 * 1024 * 1024
_ADMIN_PREFIX = "/_emulator"

#: The error id used for an injected status when the rule names none.
DEFAULT_ERROR_IDS: dict[int, str] = {
    400: "INVALID_REQUEST",
    401: "UNAUTHORIZED",
    402: "INSUFFICIENT_CREDITS",
    403: "FORBIDDEN",
    404: "ENDPOINT_NOT_FOUND",
    409: "CONFLICT",
    422: "VALIDATION_ERROR",
    429: "RATE_LIMIT_EXCEEDED",
    500: "INTERNAL_ERROR",
    502: "BAD_GATEWAY",
    503: "SERVICE_UNAVAILABLE",
    504: "GATEWAY_TIMEOUT",
}

_HTML_PAGE = (
    "<!DOCTYPE html>\n<html><head><title>{status} Error</title></head>\n"
    "<body><h1>{status} Error</h1><p>{message}</p><hr><p>skytells emulator (fault {id})</p></body></html>\n"
)


@dataclass
class FaultRule:
    """One validated fault rule and its counters."""

    id: str
    action: str
    method: str = "*"
    route: str = "*"
    model: str | None = None
    probability: float = 1.0
    first: int | None = None
    status: int | None = None
    error_id: str | None = None
    message: str | None = None
    retry_after: float | None = None
    latency_ms: int = 0
    matched: int = field(default=0, compare=False)

    @property
    def exhausted(self) -> bool:
        return self.first is not None and self.matched >= self.first

    def matches_route(self, method: str, path: str) -> bool:
        """Whether the method and path fit this rule."""
        return (self.method in ("*", method)) and fnmatch.fnmatchcase(path, self.route)

    def matches(self, method: str, path: str, model: str | None) -> bool:
        """Whether this rule applies to a request (counters and probability aside)."""
        if not self.matches_route(method, path):
            return False
        if self.model is None:
            return True
        return model is not None and fnmatch.fnmatchcase(model.lower(), self.model.lower())

    def public(self) -> dict[str, Any]:
        """The rule as the admin API shows it."""
        shown: dict[str, Any] = {
            "id": self.id,
            "action": self.action,
            "method": self.method,
            "route": self.route,
            "model": self.model,
            "probability": self.probability,
            "first": self.first,
            "status": self.status,
            "error_id": self.error_id,
            "message": self.message,
            "retry_after": self.retry_after,
            "latency_ms": self.latency_ms,
            "matched": self.matched,
            "remaining": None if self.first is None else max(self.first - self.matched, 0),
        }
        return shown


def _invalid(message: str) -> ApiError:
    return ApiError("INVALID_PARAMETER", f"Invalid fault rule: {message}")


def _as_int(name: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise _invalid(f"'{name}' must be an integer")
    try:
        number = float(value)
    except ValueError:
        raise _invalid(f"'{name}' must be an integer, got {value!r}") from None
    if not number.is_integer():
        raise _invalid(f"'{name}' must be an integer, got {value!r}")
    return int(number)


def _as_float(name: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise _invalid(f"'{name}' must be a number")
    try:
        number = float(value)
    except ValueError:
        raise _invalid(f"'{name}' must be a number, got {value!r}") from None
    if number != number or number in (float("inf"), float("-inf")):
        raise _invalid(f"'{name}' must be a finite number")
    return number


def _as_str(name: str, value: Any) -> str:
    if not isinstance(value, str) or not value:
        raise _invalid(f"'{name}' must be a non-empty string")
    return value


def _infer_action(rule: Mapping[str, Any]) -> str:
    if "action" in rule:
        return _as_str("action", rule["action"]).lower()
    if "status" in rule or "error_id" in rule:
        return "error"
    if "latency_ms" in rule:
        return "latency"
    raise _invalid("give an 'action' (one of " + ", ".join(ACTIONS) + ") or a 'status'")


def _status_for(action: str, rule: Mapping[str, Any]) -> int | None:
    error_id = rule.get("error_id")
    if "status" in rule:
        status = _as_int("status", rule["status"])
    elif action == "error":
        status = STATUS_OF.get(str(error_id), 503) if error_id else 503
    elif action == "non_json":
        status = 502
    else:
        return None
    if action in ("error", "non_json") and not 400 <= status <= 599:
        raise _invalid(f"'status' must be between 400 and 599 for action '{action}', got {status}")
    return status


def validate_rule(rule: Mapping[str, Any], rule_id: str) -> FaultRule:
    """Check a rule dict and fill in defaults; raise ApiError(INVALID_PARAMETER) when it is wrong."""
    if not isinstance(rule, Mapping):
        raise _invalid("a rule must be a JSON object")
    unknown = sorted(set(rule) - _KNOWN_FIELDS - {"matched", "remaining"})
    if unknown:
        raise _invalid("unknown field(s) " + ", ".join(repr(name) for name in unknown))
    action = _infer_action(rule)
    if action not in ACTIONS:
        raise _invalid(f"'action' must be one of {', '.join(ACTIONS)}, got {action!r}")
    method = _as_str("method", rule.get("method", "*")).upper()
    if method not in METHODS:
        raise _invalid(f"'method' must be one of {', '.join(METHODS)}, got {method!r}")
    route = _as_str("route", rule.get("route", "*"))
    if not route.startswith(("/", "*")):
        raise _invalid(f"'route' must be a path glob starting with '/' or '*', got {route!r}")
    model = _as_str("model", rule["model"]) if rule.get("model") is not None else None
    probability = _as_float("probability", rule.get("probability", 1.0))
    if not 0.0 <= probability <= 1.0:
        raise _invalid(f"'probability' must be between 0 and 1, got {probability}")
    first = _first_of(rule)
    retry_after = (
        _as_float("retry_after", rule["retry_after"]) if rule.get("retry_after") is not None else None
    )
    if retry_after is not None and retry_after < 0:
        raise _invalid("'retry_after' must not be negative")
    latency_ms = _as_int("latency_ms", rule.get("latency_ms", 0))
    if not 0 <= latency_ms <= _MAX_LATENCY_MS:
        raise _invalid(f"'latency_ms' must be between 0 and {_MAX_LATENCY_MS}")
    if action == "latency" and latency_ms == 0:
        raise _invalid("action 'latency' needs a positive 'latency_ms'")
    status = _status_for(action, rule)
    error_id = _as_str("error_id", rule["error_id"]).upper() if rule.get("error_id") else None
    message = _as_str("message", rule["message"]) if rule.get("message") is not None else None
    if action == "error":
        assert status is not None
        error_id = error_id or DEFAULT_ERROR_IDS.get(status, "INJECTED_FAULT")
        message = message or f"Injected fault: {error_id.replace('_', ' ').lower()} (rule {rule_id})"
    elif action == "fail_prediction":
        message = message or f"Prediction failed: injected fault (rule {rule_id})"
    elif action == "non_json":
        message = message or "The upstream server returned an unexpected response."
    return FaultRule(
        id=rule_id,
        action=action,
        method=method,
        route=route,
        model=model,
        probability=probability,
        first=first,
        status=status,
        error_id=error_id,
        message=message,
        retry_after=retry_after,
        latency_ms=latency_ms,
    )


def _first_of(rule: Mapping[str, Any]) -> int | None:
    given = [name for name in ("first", "times") if rule.get(name) is not None]
    if len(given) == 2 and _as_int("first", rule["first"]) != _as_int("times", rule["times"]):
        raise _invalid("'first' and 'times' are the same setting; give one")
    if not given:
        return None
    first = _as_int(given[0], rule[given[0]])
    if first < 1:
        raise _invalid(f"'{given[0]}' must be at least 1, got {first}")
    return first


class FaultInjector:
    """The set of active fault rules; thread-safe.

    >>> faults = FaultInjector([{"action": "drop", "route": "/v1/models", "first": 1}], seed=1)
    >>> faults.pick("GET", "/v1/models", None).action
    'drop'
    >>> faults.pick("GET", "/v1/models", None) is None   # first=1 is used up
    True
    """

    def __init__(self, rules: Iterable[Mapping[str, Any]] = (), seed: int | None = None) -> None:
        self._rules: list[FaultRule] = []
        self._ids = itertools.count(1)
        self._random = random.Random(seed)
        self._lock = threading.Lock()
        self.has_model_rules = False
        for rule in rules:
            self.add(rule)

    def add(self, rule: Mapping[str, Any]) -> dict[str, Any]:
        """Validate and add a rule; return it with its ``id`` and defaults."""
        with self._lock:
            rule_id = str(rule["id"]) if isinstance(rule, Mapping) and rule.get("id") else None
            if rule_id is not None and any(existing.id == rule_id for existing in self._rules):
                raise _invalid(f"a rule with id {rule_id!r} already exists")
            checked = validate_rule(rule, rule_id or f"flt_{next(self._ids)}")
            self._rules.append(checked)
            self.has_model_rules = self.has_model_rules or checked.model is not None
            return checked.public()

    def list(self) -> list[dict[str, Any]]:
        """Every rule, in matching order, with its counters."""
        with self._lock:
            return [rule.public() for rule in self._rules]

    def remove(self, rule_id: str) -> bool:
        """Remove one rule; False when there is no such rule."""
        with self._lock:
            kept = [rule for rule in self._rules if rule.id != rule_id]
            removed = len(kept) != len(self._rules)
            self._rules = kept
            self.has_model_rules = any(rule.model is not None for rule in kept)
            return removed

    def clear(self) -> None:
        """Remove every rule."""
        with self._lock:
            self._rules = []
            self.has_model_rules = False

    def wants_model(self, method: str, path: str) -> bool:
        """Whether a live rule needs the request body's model to decide."""
        if not self.has_model_rules:
            return False
        with self._lock:
            return any(
                rule.model is not None and not rule.exhausted and rule.matches_route(method, path)
                for rule in self._rules
            )

    def pick(self, method: str, path: str, model: str | None) -> FaultRule | None:
        """The first live rule that applies to this request, counting it as used; None for none."""
        if path.startswith(_ADMIN_PREFIX):
            return None
        with self._lock:
            for rule in self._rules:
                if rule.exhausted or not rule.matches(method, path, model):
                    continue
                if rule.probability < 1.0 and self._random.random() >= rule.probability:
                    continue
                rule.matched += 1
                return rule
        return None


def model_of(body: bytes) -> str | None:
    """The ``model`` field of a JSON request body, or None."""
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError, RecursionError):
        return None
    model = data.get("model") if isinstance(data, dict) else None
    return model if isinstance(model, str) else None


def fault_response(rule: FaultRule, path: str = "") -> Response:
    """The response of an ``error`` or ``non_json`` rule on `path`."""
    assert rule.status is not None
    headers: dict[str, str] = {}
    if rule.retry_after is not None:
        headers["Retry-After"] = format_seconds(rule.retry_after)
    if rule.action == "non_json":
        page = _HTML_PAGE.format(
            status=rule.status, message=html.escape(rule.message or ""), id=html.escape(rule.id)
        )
        return Response(page, status_code=rule.status, media_type="text/html", headers=headers)
    assert rule.error_id is not None and rule.message is not None
    return error_response(ApiError(rule.error_id, rule.message, status=rule.status, headers=headers), path)


def format_seconds(seconds: float) -> str:
    """A Retry-After value: whole seconds as an integer, fractions as a decimal (``0.25``)."""
    return str(int(seconds)) if float(seconds).is_integer() else repr(round(seconds, 3))


class _BodyReplay:
    """Reads a request body up front and hands the same messages to the app afterwards."""

    def __init__(self, receive: Receive) -> None:
        self._receive = receive
        self._messages: list[Message] = []
        self.body = b""
        self.complete = False

    async def read(self) -> None:
        """Read the whole body, or stop (leaving ``complete`` False) once it passes the sniffing limit."""
        size = 0
        while True:
            message = await self._receive()
            self._messages.append(message)
            if message["type"] != "http.request":
                return
            size += len(message.get("body", b""))
            if size > _MAX_SNIFF_BYTES:
                return
            if not message.get("more_body", False):
                self.complete = True
                self.body = b"".join(part.get("body", b"") for part in self._messages)
                return

    async def receive(self) -> Message:
        if self._messages:
            return self._messages.pop(0)
        return await self._receive()


async def drop_connection(scope: Scope, receive: Receive, send: Send) -> None:
    """Close the client's connection without a response.

    Under uvicorn the transport is reached through the server's ``receive`` (a bound method of the
    request cycle); closing it makes the client see "server disconnected". Elsewhere a response is
    started with a ``Content-Length`` it never delivers, which clients report as a broken transfer.
    """
    cycle = getattr(receive, "__self__", None)
    transport = getattr(cycle, "transport", None)
    if transport is not None and hasattr(transport, "close"):
        # Let the whole request arrive first: a socket closed with request bytes still unread (or
        # still on their way) answers them with a reset, which clients see as a different error.
        while getattr(cycle, "more_body", False):
            if (await receive())["type"] == "http.disconnect":
                return
        transport.close()
        while (await receive())["type"] != "http.disconnect":
            pass
        return
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-length", b"64")]})
    await send({"type": "http.response.body", "body": b"{", "more_body": True})


class FaultMiddleware:
    """Pure ASGI middleware that applies the request-level fault rules of a `FaultInjector`.

    Pass it the server's own ``receive`` (add it outside any middleware that wraps ``receive``) so
    ``drop`` can reach the connection.
    """

    def __init__(self, app: ASGIApp, injector: FaultInjector) -> None:
        self.app = app
        self.injector = injector

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith(_ADMIN_PREFIX):
            await self.app(scope, receive, send)
            return
        method, path = scope["method"], scope["path"]
        app_receive = receive
        model = None
        if self.injector.wants_model(method, path):
            replay = _BodyReplay(receive)
            await replay.read()
            model = model_of(replay.body) if replay.complete else None
            app_receive = replay.receive
        rule = self.injector.pick(method, path, model)
        if rule is None:
            await self.app(scope, app_receive, send)
            return
        await self._apply(rule, scope, receive, app_receive, send)

    async def _apply(
        self, rule: FaultRule, scope: Scope, receive: Receive, app_receive: Receive, send: Send
    ) -> None:
        if rule.latency_ms:
            await asyncio.sleep(rule.latency_ms / 1000)
        if rule.action == "latency":
            await self.app(scope, app_receive, send)
        elif rule.action in ("error", "non_json"):
            await fault_response(rule, scope["path"])(scope, app_receive, send)
        elif rule.action == "drop":
            await drop_connection(scope, receive, send)
        elif rule.action == "drop_after_store":
            await self.app(scope, app_receive, _swallow)
            await drop_connection(scope, receive, send)
        else:  # fail_prediction
            scope.setdefault("state", {})["forced_outcome"] = {"outcome": "fail", "message": rule.message}
            await self.app(scope, app_receive, send)


async def _swallow(message: Message) -> None:
    """A ``send`` that discards the response."""


def fault_routes(injector: FaultInjector) -> list[Route]:
    """Admin routes: ``GET/POST/DELETE /_emulator/faults`` and ``DELETE /_emulator/faults/{id}``.

    POST takes one rule object, a list of rules, or ``{"spec": "<--fault syntax>"}``.
    """

    async def list_faults(request: Request) -> Response:
        return JSONResponse({"faults": injector.list()})

    async def add_faults(request: Request) -> Response:
        try:
            payload = await _json_payload(request)
            if isinstance(payload, list):
                return JSONResponse({"faults": _add_all(injector, payload)}, status_code=201)
            if isinstance(payload, dict) and set(payload) == {"spec"}:
                payload = _parse_spec_for_api(payload["spec"])
            return JSONResponse(injector.add(payload), status_code=201)
        except ApiError as error:
            return error_response(error)

    async def clear_faults(request: Request) -> Response:
        count = len(injector.list())
        injector.clear()
        return JSONResponse({"deleted": count})

    async def delete_fault(request: Request) -> Response:
        rule_id = request.path_params["fault_id"]
        if not injector.remove(rule_id):
            return error_response(
                ApiError("FAULT_NOT_FOUND", f"No fault rule with id {rule_id!r}", status=404)
            )
        return JSONResponse({"deleted": rule_id})

    return [
        Route("/_emulator/faults", list_faults, methods=["GET"]),
        Route("/_emulator/faults", add_faults, methods=["POST"]),
        Route("/_emulator/faults", clear_faults, methods=["DELETE"]),
        Route("/_emulator/faults/{fault_id}", delete_fault, methods=["DELETE"]),
    ]


async def _json_payload(request: Request) -> Any:
    try:
        return json.loads(await request.body())
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise ApiError("INVALID_JSON", "The request body is not valid JSON") from None


def _add_all(injector: FaultInjector, rules: list[Any]) -> list[dict[str, Any]]:
    for index, rule in enumerate(rules):  # validate them all before adding any
        try:
            validate_rule(rule, "check")
        except ApiError as error:
            raise _invalid(f"rule {index}: {error.message.removeprefix('Invalid fault rule: ')}") from None
    return [injector.add(rule) for rule in rules]


def _parse_spec_for_api(spec: Any) -> dict[str, Any]:
    if not isinstance(spec, str):
        raise _invalid("'spec' must be a string")
    try:
        return parse_fault_spec(spec)
    except ValueError as error:
        raise _invalid(str(error)) from None


def parse_fault_spec(spec: str) -> dict[str, Any]:
    """Parse the ``--fault`` command-line syntax into a rule dict; raise ValueError when it is wrong.

    Words are ``METHOD`` (or ``*``), a ``/route`` glob, and ``key=value`` pairs (quote values with
    spaces)::

        >>> rule = parse_fault_spec("POST /v1/predict* status=503 first=2 retry_after=1")
        >>> rule["method"], rule["route"], rule["status"], rule["first"], rule["action"]
        ('POST', '/v1/predict*', 503, 2, 'error')
        >>> parse_fault_spec("action=drop_after_store model=flux-pro")["model"]
        'flux-pro'
    """
    try:
        words = shlex.split(spec)
    except ValueError as error:
        raise ValueError(f"cannot read fault spec {spec!r}: {error}") from None
    if not words:
        raise ValueError("empty fault spec")
    rule: dict[str, Any] = {}
    for word in words:
        _read_word(rule, word, spec)
    try:
        checked = validate_rule(rule, "spec")
    except ApiError as error:
        raise ValueError(f"{error.message} (in {spec!r})") from None
    rule.setdefault("action", checked.action)
    return rule


def _read_word(rule: dict[str, Any], word: str, spec: str) -> None:
    if "=" in word:
        key, _, value = word.partition("=")
        key = key.strip().lower().replace("-", "_")
        if key not in _KNOWN_FIELDS:
            raise ValueError(f"unknown fault setting {key!r} in {spec!r}")
        rule[key] = _typed(key, value)
    elif word.startswith("/"):
        _set_once(rule, "route", word, spec)
    elif word.upper() in METHODS:
        _set_once(rule, "method", word.upper(), spec)
    elif word.lower() in ACTIONS:
        _set_once(rule, "action", word.lower(), spec)
    else:
        raise ValueError(f"cannot read {word!r} in fault spec {spec!r}: expected METHOD, /route or key=value")


def _set_once(rule: dict[str, Any], key: str, value: str, spec: str) -> None:
    if key in rule:
        raise ValueError(f"{key} given twice in fault spec {spec!r}")
    rule[key] = value


def _typed(key: str, value: str) -> Any:
    try:
        if key in _INT_FIELDS:
            return int(value)
        if key in _FLOAT_FIELDS:
            return float(value)
    except ValueError:
        kind = "an integer" if key in _INT_FIELDS else "a number"
        raise ValueError(f"{key} must be {kind}, got {value!r}") from None
    return value
