"""The shortest string a regular expression matches, for ``pattern`` in JSON Schemas.

Literals, character sets and ranges, ``\\d \\w \\s`` and ``.``, groups, alternation (its first branch)
and repeats (their minimum) are followed; anything else (look-arounds, back-references, negated sets
without an easy pick) gives None, and the caller falls back to its sample strings.

>>> shortest_match("^[A-Z]{2}-\\\\d+$")
'AA-0'
"""

from __future__ import annotations

import importlib
import re
from typing import Any

try:  # Python 3.11+ keeps the parser here; 3.10 as sre_parse
    _parser: Any = importlib.import_module("re._parser")
except ImportError:  # pragma: no cover
    _parser = importlib.import_module("sre_parse")

_CATEGORY = {"CATEGORY_DIGIT": "0", "CATEGORY_WORD": "a", "CATEGORY_SPACE": " "}
_MAX_LENGTH = 1000


class _Unsupported(Exception):
    pass


def shortest_match(pattern: str) -> str | None:
    """The shortest string of `pattern` the walk finds, checked with ``re.search``; None if none."""
    try:
        candidate = _walk(_parser.parse(pattern))
        return candidate if len(candidate) <= _MAX_LENGTH and re.search(pattern, candidate) else None
    except (_Unsupported, re.error, RecursionError, OverflowError, TypeError, ValueError):
        return None


def _walk(items: Any) -> str:
    return "".join(_item(str(op), value) for op, value in items)


def _item(op: str, value: Any) -> str:
    if op == "LITERAL":
        return chr(int(value))
    if op == "AT":
        return ""
    if op == "ANY":
        return "a"
    if op == "IN":
        return _in(value)
    if op == "SUBPATTERN":
        return _walk(value[-1])
    if op == "BRANCH":
        return _walk(value[1][0])
    if op in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
        low, _, items = value
        count = int(low)
        if count > _MAX_LENGTH:
            raise _Unsupported
        return _walk(items) * count
    if op == "ATOMIC_GROUP":
        return _walk(value)
    raise _Unsupported(op)


def _in(members: Any) -> str:
    for op, value in members:
        name = str(op)
        if name == "NEGATE":
            raise _Unsupported(name)
        if name == "LITERAL":
            return chr(int(value))
        if name == "RANGE":
            return chr(int(value[0]))
        if name == "CATEGORY" and str(value) in _CATEGORY:
            return str(_CATEGORY[str(value)])
    raise _Unsupported("IN")
