"""Test outcomes: rules that make the next matching predictions finish at once, stay pending, or fail.

>>> rules = OutcomeRules()
>>> rules.add({"model": "truefusion", "outcome": "fail", "message": "GPU fell over", "count": 1})["id"]
'out_1'
>>> rules.take("truefusion")["outcome"]
'fail'
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from typing import Any

from skytells.emulator.errors import ApiError

OUTCOMES = ("instant", "pending", "fail")


class OutcomeRules:
    """Test outcomes: make matching predictions finish at once, stay pending, or fail."""

    def __init__(self) -> None:
        self._rules: list[dict[str, Any]] = []
        self._ids = itertools.count(1)

    def add(self, rule: Any) -> dict[str, Any]:
        if not isinstance(rule, Mapping):
            raise ApiError("INVALID_PARAMETER", "An outcome rule must be a JSON object.")
        model, outcome = rule.get("model", "*"), rule.get("outcome")
        message, count = rule.get("message"), rule.get("count")
        if not isinstance(model, str) or not model:
            raise ApiError("INVALID_PARAMETER", "'model' must be a model slug or '*'.")
        if outcome not in OUTCOMES:
            raise ApiError("INVALID_PARAMETER", f"'outcome' must be one of {', '.join(OUTCOMES)}.")
        if message is not None and not isinstance(message, str):
            raise ApiError("INVALID_PARAMETER", "'message' must be a string.")
        if count is not None and (isinstance(count, bool) or not isinstance(count, int) or count < 1):
            raise ApiError("INVALID_PARAMETER", "'count' must be a positive integer or null.")
        entry = {
            "id": f"out_{next(self._ids)}",
            "model": model,
            "outcome": outcome,
            "message": message or ("Prediction failed." if outcome == "fail" else None),
            "count": count,
        }
        self._rules.append(entry)
        return dict(entry)

    def take(self, slug: str) -> dict[str, Any] | None:
        """The first rule matching `slug`, using up one of its count."""
        for rule in self._rules:
            if rule["model"] == "*" or rule["model"].casefold() == slug.casefold():
                if rule["count"] is not None:
                    rule["count"] -= 1
                    if rule["count"] == 0:
                        self._rules.remove(rule)
                return dict(rule)
        return None

    def list(self) -> list[dict[str, Any]]:
        return [dict(rule) for rule in self._rules]

    def clear(self) -> None:
        self._rules.clear()
