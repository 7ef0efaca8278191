"""Fault rules: the fields a rule may have, their checks and defaults (`validate_rule`), and `FaultRule`.

>>> validate_rule({"route": "/v1/predict*", "status": 503, "first": 2}, "flt_1").error_id
'SERVICE_UNAVAILABLE'
"""

from __future__ import annotations

import fnmatch
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from skytells.emulator.errors import STATUS_OF, ApiError

#: Actions that change an event stream (a ``text/event-stream`` answer) rather than the request.
STREAM_ACTIONS = ("stream_cut", "stream_stall", "stream_malformed")
ACTIONS = ("error", "latency", "drop", "drop_after_store", "non_json", "fail_prediction", *STREAM_ACTIONS)
METHODS = ("*", "GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")
INT_FIELDS = ("status", "first", "times", "latency_ms", "after_events", "stall_ms")
FLOAT_FIELDS = ("probability", "retry_after")
_STR_FIELDS = ("id", "action", "method", "route", "model", "error_id", "message")
KNOWN_FIELDS = frozenset(INT_FIELDS + FLOAT_FIELDS + _STR_FIELDS)
_MAX_LATENCY_MS = 600_000
_MAX_EVENTS = 1_000_000
#: Requests under this prefix (the admin API) are never faulted.
ADMIN_PREFIX = "/_emulator"

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
    after_events: int = 0
    stall_ms: int = 0
    matched: int = field(default=0, compare=False)

    @property
    def exhausted(self) -> bool:
        return self.first is not None and self.matched >= self.first

    @property
    def on_stream(self) -> bool:
        """Whether this rule changes event streams (it is picked when one starts, not per request)."""
        return self.action in STREAM_ACTIONS

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
            "after_events": self.after_events,
            "stall_ms": self.stall_ms,
            "matched": self.matched,
            "remaining": None if self.first is None else max(self.first - self.matched, 0),
        }
        return shown


def invalid_rule(message: str) -> ApiError:
    """400 ``INVALID_PARAMETER`` about a fault rule."""
    return ApiError("INVALID_PARAMETER", f"Invalid fault rule: {message}")


def _as_int(name: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise invalid_rule(f"'{name}' must be an integer")
    try:
        number = float(value)
    except ValueError:
        raise invalid_rule(f"'{name}' must be an integer, got {value!r}") from None
    if not number.is_integer():
        raise invalid_rule(f"'{name}' must be an integer, got {value!r}")
    return int(number)


def _as_float(name: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise invalid_rule(f"'{name}' must be a number")
    try:
        number = float(value)
    except ValueError:
        raise invalid_rule(f"'{name}' must be a number, got {value!r}") from None
    if number != number or number in (float("inf"), float("-inf")):
        raise invalid_rule(f"'{name}' must be a finite number")
    return number


def _as_str(name: str, value: Any) -> str:
    if not isinstance(value, str) or not value:
        raise invalid_rule(f"'{name}' must be a non-empty string")
    return value


def _infer_action(rule: Mapping[str, Any]) -> str:
    if "action" in rule:
        return _as_str("action", rule["action"]).lower()
    if "status" in rule or "error_id" in rule:
        return "error"
    if "latency_ms" in rule:
        return "latency"
    if "stall_ms" in rule:
        return "stream_stall"
    raise invalid_rule("give an 'action' (one of " + ", ".join(ACTIONS) + ") or a 'status'")


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
        raise invalid_rule(f"'status' must be between 400 and 599 for action '{action}', got {status}")
    return status


def validate_rule(rule: Mapping[str, Any], rule_id: str) -> FaultRule:
    """Check a rule dict and fill in defaults; raise ApiError(INVALID_PARAMETER) when it is wrong."""
    if not isinstance(rule, Mapping):
        raise invalid_rule("a rule must be a JSON object")
    unknown = sorted(set(rule) - KNOWN_FIELDS - {"matched", "remaining"})
    if unknown:
        raise invalid_rule("unknown field(s) " + ", ".join(repr(name) for name in unknown))
    action = _infer_action(rule)
    if action not in ACTIONS:
        raise invalid_rule(f"'action' must be one of {', '.join(ACTIONS)}, got {action!r}")
    method = _as_str("method", rule.get("method", "*")).upper()
    if method not in METHODS:
        raise invalid_rule(f"'method' must be one of {', '.join(METHODS)}, got {method!r}")
    route = _as_str("route", rule.get("route", "*"))
    if not route.startswith(("/", "*")):
        raise invalid_rule(f"'route' must be a path glob starting with '/' or '*', got {route!r}")
    model = _as_str("model", rule["model"]) if rule.get("model") is not None else None
    probability = _as_float("probability", rule.get("probability", 1.0))
    if not 0.0 <= probability <= 1.0:
        raise invalid_rule(f"'probability' must be between 0 and 1, got {probability}")
    first = _first_of(rule)
    retry_after = (
        _as_float("retry_after", rule["retry_after"]) if rule.get("retry_after") is not None else None
    )
    if retry_after is not None and retry_after < 0:
        raise invalid_rule("'retry_after' must not be negative")
    latency_ms = _as_int("latency_ms", rule.get("latency_ms", 0))
    if not 0 <= latency_ms <= _MAX_LATENCY_MS:
        raise invalid_rule(f"'latency_ms' must be between 0 and {_MAX_LATENCY_MS}")
    if action == "latency" and latency_ms == 0:
        raise invalid_rule("action 'latency' needs a positive 'latency_ms'")
    after_events, stall_ms = _stream_fields(action, rule)
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
        after_events=after_events,
        stall_ms=stall_ms,
    )


def _stream_fields(action: str, rule: Mapping[str, Any]) -> tuple[int, int]:
    """``after_events`` and ``stall_ms``, which only the stream actions take."""
    if action not in STREAM_ACTIONS:
        given = [name for name in ("after_events", "stall_ms") if rule.get(name) is not None]
        if given:
            raise invalid_rule(f"'{given[0]}' is only for the actions {', '.join(STREAM_ACTIONS)}")
        return 0, 0
    after_events = _as_int("after_events", rule.get("after_events", 0))
    if not 0 <= after_events <= _MAX_EVENTS:
        raise invalid_rule(f"'after_events' must be between 0 and {_MAX_EVENTS}")
    stall_ms = _as_int("stall_ms", rule.get("stall_ms", 0))
    if not 0 <= stall_ms <= _MAX_LATENCY_MS:
        raise invalid_rule(f"'stall_ms' must be between 0 and {_MAX_LATENCY_MS}")
    if action == "stream_stall" and stall_ms == 0:
        raise invalid_rule("action 'stream_stall' needs a positive 'stall_ms'")
    if action != "stream_stall" and stall_ms:
        raise invalid_rule("'stall_ms' is only for the action 'stream_stall'")
    return after_events, stall_ms


def _first_of(rule: Mapping[str, Any]) -> int | None:
    given = [name for name in ("first", "times") if rule.get(name) is not None]
    if len(given) == 2 and _as_int("first", rule["first"]) != _as_int("times", rule["times"]):
        raise invalid_rule("'first' and 'times' are the same setting; give one")
    if not given:
        return None
    first = _as_int(given[0], rule[given[0]])
    if first < 1:
        raise invalid_rule(f"'{given[0]}' must be at least 1, got {first}")
    return first
