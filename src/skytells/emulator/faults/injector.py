"""`FaultInjector`: the active fault rules, and which one applies to a request."""

from __future__ import annotations

import itertools
import random
import threading
from collections.abc import Iterable, Mapping
from typing import Any

from skytells.emulator.faults.rules import ADMIN_PREFIX, FaultRule, invalid_rule, validate_rule


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
        self.has_stream_rules = False
        for rule in rules:
            self.add(rule)

    def add(self, rule: Mapping[str, Any]) -> dict[str, Any]:
        """Validate and add a rule; return it with its ``id`` and defaults."""
        with self._lock:
            rule_id = str(rule["id"]) if isinstance(rule, Mapping) and rule.get("id") else None
            if rule_id is not None and any(existing.id == rule_id for existing in self._rules):
                raise invalid_rule(f"a rule with id {rule_id!r} already exists")
            checked = validate_rule(rule, rule_id or f"flt_{next(self._ids)}")
            self._rules.append(checked)
            self.has_model_rules = self.has_model_rules or checked.model is not None
            self.has_stream_rules = self.has_stream_rules or checked.on_stream
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
            self.has_stream_rules = any(rule.on_stream for rule in kept)
            return removed

    def clear(self) -> None:
        """Remove every rule."""
        with self._lock:
            self._rules = []
            self.has_model_rules = False
            self.has_stream_rules = False

    def wants_model(self, method: str, path: str) -> bool:
        """Whether a live rule needs the request body's model to decide."""
        if not self.has_model_rules:
            return False
        with self._lock:
            return any(
                rule.model is not None and not rule.exhausted and rule.matches_route(method, path)
                for rule in self._rules
            )

    def wants_stream(self, method: str, path: str) -> bool:
        """Whether a live stream rule may apply to this request's answer (if it is an event stream)."""
        if not self.has_stream_rules or path.startswith(ADMIN_PREFIX):
            return False
        with self._lock:
            return any(
                rule.on_stream and not rule.exhausted and rule.matches_route(method, path)
                for rule in self._rules
            )

    def pick(self, method: str, path: str, model: str | None, *, stream: bool = False) -> FaultRule | None:
        """The first live rule that applies to this request, counting it as used; None for none.

        Request rules are picked when the request arrives; stream rules (``stream=True``) when its
        answer turns out to be an event stream, so only event streams count against their ``first``.
        """
        if path.startswith(ADMIN_PREFIX):
            return None
        with self._lock:
            for rule in self._rules:
                if rule.on_stream != stream or rule.exhausted or not rule.matches(method, path, model):
                    continue
                if rule.probability < 1.0 and self._random.random() >= rule.probability:
                    continue
                rule.matched += 1
                return rule
        return None
