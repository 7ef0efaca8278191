"""A small valid instance of a JSON Schema: tool call arguments and ``json_schema`` answers.

The instance is deterministic and minimal: an object gets its ``required`` properties (and more only to
reach ``minProperties``), an array its ``minItems`` items, and each value is the first that fits: a
``const``, the first ``enum`` value, a ``default`` or first of ``examples``, else a sample of its type
(``"sample"`` padded or cut to the length bounds, a ``format`` sample such as ``2026-01-01``, ``0``
moved into ``minimum``/``maximum`` and onto ``multipleOf``, ``false``, ``null``). ``$ref`` (local),
``allOf`` (merged), ``anyOf``/``oneOf`` (first branch) and type lists (first non-null type) are
followed; a ``pattern`` gets its shortest match (`patterns`). The result is checked with `jsonschema`;
a schema it cannot satisfy (a ``pattern`` it cannot follow, contradictory bounds) raises
`Unsatisfiable`.

>>> instance_for({"type": "object", "required": ["city", "days"],
...               "properties": {"city": {"type": "string"}, "days": {"type": "integer", "minimum": 1}}})
{'city': 'sample', 'days': 1}
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError

from skytells.emulator.inference.patterns import shortest_match

_MAX_DEPTH = 24
_MAX_NODES = 10_000  # values made for one instance (a schema can ask for exponentially many)
_MAX_COUNT = 1_000  # the most items, properties or characters a bound may ask for
_FORMAT_SAMPLES = {
    "date-time": "2026-01-01T00:00:00Z",
    "date": "2026-01-01",
    "time": "00:00:00Z",
    "duration": "P1D",
    "email": "user@example.com",
    "idn-email": "user@example.com",
    "hostname": "example.com",
    "idn-hostname": "example.com",
    "ipv4": "127.0.0.1",
    "ipv6": "::1",
    "uri": "https://example.com/",
    "iri": "https://example.com/",
    "uri-reference": "https://example.com/",
    "url": "https://example.com/",
    "uuid": "00000000-0000-4000-8000-000000000000",
}
_PATTERN_SAMPLES = ("sample", "a", "A", "0", "abc", "ABC", "a1", "A1", "abc123", "0000", "", "x-1")


class Unsatisfiable(ValueError):
    """The emulator cannot make an instance of this schema."""


def check_schema(schema: Any) -> None:
    """Raise `Unsatisfiable` with the reason when `schema` is not a valid JSON Schema (2020-12)."""
    if not isinstance(schema, (dict, bool)):
        raise Unsatisfiable("a JSON Schema must be an object")
    try:
        Draft202012Validator.check_schema(schema)
    except SchemaError as exc:
        raise Unsatisfiable(f"not a valid JSON Schema: {exc.message}") from None


def instance_for(schema: Any) -> Any:
    """A small instance valid against `schema` (see the module docstring); `Unsatisfiable` if none."""
    check_schema(schema)
    validator = Draft202012Validator(schema)
    for hints in (True, False):
        try:
            value = _Sampler(schema, hints).sample(schema, 0)
            if validator.is_valid(value):
                return value
        except Exception:  # a schema the sampler cannot follow is the client's 400, never a crash
            continue
    raise Unsatisfiable("the emulator cannot make a value that fits this schema")


class _Sampler:
    def __init__(self, root: Any, hints: bool) -> None:
        self.root = root
        self.hints = hints
        self.nodes = 0

    def sample(self, schema: Any, depth: int) -> Any:
        self.nodes += 1
        if depth > _MAX_DEPTH or self.nodes > _MAX_NODES:
            raise Unsatisfiable("the schema nests too deeply")
        if schema is True or schema == {}:
            return "sample"
        if not isinstance(schema, Mapping):
            raise Unsatisfiable("a false schema has no instance")
        if "$ref" in schema:
            return self.sample({**self._resolve(schema["$ref"]), **_without(schema, "$ref")}, depth + 1)
        if "allOf" in schema:
            return self.sample(_merge([_without(schema, "allOf"), *schema["allOf"]]), depth + 1)
        for key in ("anyOf", "oneOf"):
            if schema.get(key):
                return self._first_branch(schema, key, depth)
        if "const" in schema:
            return schema["const"]
        if schema.get("enum"):
            return schema["enum"][0]
        if self.hints:
            if "default" in schema:
                return schema["default"]
            examples = schema.get("examples")
            if isinstance(examples, list) and examples:
                return examples[0]
        kind = _type_of(schema)
        if kind == "object":
            return self._object(schema, depth)
        if kind == "array":
            return self._array(schema, depth)
        if kind == "string":
            return _string(schema)
        if kind in ("integer", "number"):
            return _number(schema, kind == "integer")
        if kind == "boolean":
            return False
        return None

    def _first_branch(self, schema: Mapping[str, Any], key: str, depth: int) -> Any:
        """The first branch of ``anyOf``/``oneOf`` that yields a value (the final check judges it)."""
        for branch in schema[key]:
            merged = {**_without(schema, key), **branch} if isinstance(branch, Mapping) else branch
            try:
                return self.sample(merged, depth + 1)
            except Unsatisfiable:
                continue
        raise Unsatisfiable(f"no branch of '{key}' has an instance")

    def _resolve(self, ref: str) -> Mapping[str, Any]:
        if not ref.startswith("#"):
            raise Unsatisfiable(f"only local $ref are followed, not {ref!r}")
        node: Any = self.root
        for part in ref[1:].lstrip("/").split("/") if ref != "#" else []:
            part = part.replace("~1", "/").replace("~0", "~")
            node = node[int(part)] if isinstance(node, list) else node[part]
        if node is True:
            return {}
        if not isinstance(node, Mapping):
            raise Unsatisfiable(f"$ref {ref!r} does not name a schema")
        return node

    def _object(self, schema: Mapping[str, Any], depth: int) -> dict[str, Any]:
        properties: Mapping[str, Any] = schema.get("properties") or {}
        extra = schema.get("additionalProperties", True)
        result: dict[str, Any] = {}
        for name in schema.get("required") or ():
            result[name] = self.sample(properties.get(name, extra if extra is not False else True), depth + 1)
        wanted = _bound(schema, "minProperties")
        for name, sub in properties.items():
            if len(result) >= wanted:
                break
            result.setdefault(name, self.sample(sub, depth + 1))
        return result

    def _array(self, schema: Mapping[str, Any], depth: int) -> list[Any]:
        prefix = [self.sample(sub, depth + 1) for sub in schema.get("prefixItems") or ()]
        count = max(_bound(schema, "minItems"), len(prefix))
        items = schema.get("items", True)
        values = prefix + [self.sample(items, depth + 1) for _ in range(count - len(prefix))]
        if schema.get("uniqueItems"):
            values = [_varied(value, index) for index, value in enumerate(values)]
        return values


def _bound(schema: Mapping[str, Any], key: str) -> int:
    value = int(schema.get(key, 0))
    if value > _MAX_COUNT:
        raise Unsatisfiable(f"'{key}' asks for more than {_MAX_COUNT}")
    return value


def _without(schema: Mapping[str, Any], key: str) -> dict[str, Any]:
    return {k: v for k, v in schema.items() if k != key}


def _merge(schemas: list[Any]) -> dict[str, Any]:
    merged: dict[str, Any] = {}
    for schema in schemas:
        if not isinstance(schema, Mapping):
            continue
        for key, value in schema.items():
            if key == "properties":
                merged["properties"] = {**merged.get("properties", {}), **value}
            elif key == "required":
                merged["required"] = list(dict.fromkeys([*merged.get("required", []), *value]))
            else:
                merged[key] = value
    return merged


def _type_of(schema: Mapping[str, Any]) -> str:
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "null")
    if isinstance(kind, str):
        return kind
    if "properties" in schema or "required" in schema:
        return "object"
    if "items" in schema or "prefixItems" in schema:
        return "array"
    if any(key in schema for key in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum")):
        return "number"
    return "string"


def _string(schema: Mapping[str, Any]) -> str:
    low = _bound(schema, "minLength")
    high = int(schema.get("maxLength", max(low, 64)))
    pattern = schema.get("pattern")
    candidates = [_FORMAT_SAMPLES.get(str(schema.get("format")), "sample")]
    if pattern:
        shortest = shortest_match(str(pattern))
        candidates += [*([shortest] if shortest is not None else []), *_PATTERN_SAMPLES]
    for candidate in candidates:
        value = (candidate + "x" * low)[: max(low, min(len(candidate), high))]
        if low <= len(value) <= high and (not pattern or re.search(pattern, value)):
            return value
    raise Unsatisfiable("no sample string fits the schema's pattern and length")


def _number(schema: Mapping[str, Any], integer: bool) -> int | float:
    low, high = -math.inf, math.inf
    if "minimum" in schema:
        low = float(schema["minimum"])
    if "maximum" in schema:
        high = float(schema["maximum"])
    step = 1.0 if integer else 0.5
    if "exclusiveMinimum" in schema:
        low = max(low, float(schema["exclusiveMinimum"]) + (1 if integer else 0))
    if "exclusiveMaximum" in schema:
        high = min(high, float(schema["exclusiveMaximum"]) - (1 if integer else 0))
    value = min(max(0.0, low), high)
    if not integer and "exclusiveMinimum" in schema and value <= float(schema["exclusiveMinimum"]):
        value = float(schema["exclusiveMinimum"]) + (step if high == math.inf else (high - low) / 2)
    if not integer and "exclusiveMaximum" in schema and value >= float(schema["exclusiveMaximum"]):
        value = float(schema["exclusiveMaximum"]) - (step if low == -math.inf else (high - low) / 2)
    multiple = schema.get("multipleOf")
    if multiple:
        value = math.ceil(value / float(multiple)) * float(multiple)
    if integer:
        value = math.ceil(value)
    if value < low or value > high:
        raise Unsatisfiable("the schema's bounds leave no number")
    return int(value) if integer else float(value)


def _varied(value: Any, index: int) -> Any:
    if index == 0:
        return value
    if isinstance(value, str):
        return f"{value}{index}"
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value + index
    return value
