"""The ``--fault`` command-line syntax: `parse_fault_spec` turns one spec into a rule dict."""

from __future__ import annotations

import shlex
from typing import Any

from skytells.emulator.errors import ApiError
from skytells.emulator.faults.rules import (
    ACTIONS,
    FLOAT_FIELDS,
    INT_FIELDS,
    KNOWN_FIELDS,
    METHODS,
    validate_rule,
)


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
        if key not in KNOWN_FIELDS:
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
        if key in INT_FIELDS:
            return int(value)
        if key in FLOAT_FIELDS:
            return float(value)
    except ValueError:
        kind = "an integer" if key in INT_FIELDS else "a number"
        raise ValueError(f"{key} must be {kind}, got {value!r}") from None
    return value
