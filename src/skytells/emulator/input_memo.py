"""Remembered outcomes of checking inputs against a model's ``input_schema``.

Checking a create's input with jsonschema costs more than the rest of the create, and a burst of
predictions mostly sends the same input with another prompt. A model's *free-text* properties are
those whose schema only asks for a string of some length (``prompt`` in most models). Two inputs that
differ only in free-text values of an allowed length have the same outcome: the same error, or the
same defaults filled in. So the outcome of the first is remembered and given to the others.

Only schemas whose top level has nothing but properties, required keys and annotations are
remembered (no ``anyOf`` or ``if``, which could look at a free-text value), and no input with a long
value besides free text (a ``data:`` URI is checked every time).

>>> memo = InputMemo(schema)
>>> key = memo.key(cleaned)           # None: check this input every time
>>> memo.recall(key, cleaned)          # the filled-in input, the remembered error, or None
>>> memo.remember(key, filled_or_error)
"""

from __future__ import annotations

import copy
import json
from collections import OrderedDict
from collections.abc import Mapping
from typing import Any

__all__ = ["InputMemo"]

#: outcomes kept per model (the oldest is forgotten first)
REMEMBERED = 256
#: the longest other value an input may hold and still be remembered
LONGEST_VALUE = 512
#: keywords a free-text property's schema may have
FREE_TEXT_KEYWORDS = frozenset(
    {"type", "minLength", "maxLength", "title", "description", "x-order", "examples"}
)
#: keywords a remembered schema's top level may have
TOP_LEVEL_KEYWORDS = frozenset(
    {"type", "title", "description", "required", "properties", "x-order", "$schema", "$id", "examples"}
)

_SCALARS = (str, int, float, bool, type(None))

#: an input's values other than free text (as JSON), and the free-text properties it gives
Key = tuple[str, tuple[str, ...]]


class InputMemo:
    """The remembered outcomes of one model's input checks."""

    def __init__(self, schema: Mapping[str, Any]) -> None:
        properties = schema.get("properties")
        usable = set(schema) <= TOP_LEVEL_KEYWORDS and isinstance(properties, Mapping)
        #: free-text property -> (shortest, longest) allowed length; None: nothing is remembered
        self.free_text: dict[str, tuple[int, float]] | None = None
        if usable:
            assert isinstance(properties, Mapping)
            self.free_text = {
                name: (int(sub.get("minLength", 0)), float(sub.get("maxLength", float("inf"))))
                for name, sub in properties.items()
                if isinstance(sub, Mapping) and sub.get("type") == "string" and set(sub) <= FREE_TEXT_KEYWORDS
            }
        self._outcomes: OrderedDict[Key, tuple[dict[str, Any] | Exception, bool]] = OrderedDict()

    def key(self, cleaned: Mapping[str, Any]) -> Key | None:
        """What `cleaned` shares with every input of the same outcome (its other values, and which
        free-text properties it gives); None when its outcome is not remembered."""
        free_text = self.free_text
        if free_text is None:
            return None
        shared: dict[str, Any] = {}
        given: list[str] = []
        for name, value in cleaned.items():
            bounds = free_text.get(name)
            if bounds is not None and isinstance(value, str) and bounds[0] <= len(value) <= bounds[1]:
                given.append(name)  # any allowed free text: the same outcome
                continue
            if isinstance(value, str) and len(value) > LONGEST_VALUE:
                return None
            shared[name] = value
        try:
            values = json.dumps(shared, sort_keys=True, allow_nan=False)
        except (TypeError, ValueError):
            return None
        return (values, tuple(sorted(given))) if len(values) <= 4 * LONGEST_VALUE else None

    def recall(self, key: Key | None, cleaned: Mapping[str, Any]) -> dict[str, Any] | Exception | None:
        """The remembered outcome for `cleaned`: its filled-in copy, or the error; None if unknown."""
        if key is None:
            return None
        found = self._outcomes.get(key)
        if found is None:
            return None
        self._outcomes.move_to_end(key)
        outcome, flat = found
        if isinstance(outcome, Exception):
            return outcome
        filled = dict(outcome) if flat else copy.deepcopy(outcome)
        filled.update((name, cleaned[name]) for name in key[1])  # this input's own free text
        return filled

    def remember(self, key: Key | None, outcome: dict[str, Any] | Exception) -> None:
        """Keep `outcome` (a checked input with its defaults, or its error) for inputs like it."""
        if key is None:
            return
        if isinstance(outcome, dict):
            outcome = copy.deepcopy(outcome)
            flat = all(isinstance(value, _SCALARS) for value in outcome.values())
        else:
            flat = True
        self._outcomes[key] = (outcome, flat)
        if len(self._outcomes) > REMEMBERED:
            self._outcomes.popitem(last=False)
