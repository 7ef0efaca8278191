"""The shape an answer must have: plain text, any JSON object, or JSON valid against a schema.

Chat Completions name it ``response_format``, the Responses API ``text.format``; both read into an
`OutputFormat`. ``json_object`` needs the word "json" somewhere in the messages (or instructions),
as OpenAI asks. A ``json_schema`` answer is the instance `skytells.emulator.inference.instances`
makes for the schema, so it always validates.

>>> parse_response_format({"type": "json_object"}).kind
'json_object'
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from skytells.emulator.inference.instances import Unsatisfiable, check_schema
from skytells.emulator.inference.params import invalid, json_type, shown

_NAME = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
KINDS = ("text", "json_object", "json_schema")


@dataclass(frozen=True)
class OutputFormat:
    """``text``, ``json_object`` or ``json_schema`` (with the schema's `name` and `schema`)."""

    kind: str
    name: str | None = None
    schema: dict[str, Any] | None = None
    param: str = "response_format"

    def public(self, nested: bool) -> dict[str, Any]:
        """The format as the API echoes it (Responses' flat ``text.format`` unless `nested`)."""
        if self.kind != "json_schema":
            return {"type": self.kind}
        spec = {"name": self.name, "schema": self.schema, "strict": True}
        return {"type": "json_schema", "json_schema": spec} if nested else {"type": "json_schema", **spec}


TEXT = OutputFormat("text")


def _read(value: Any, param: str, nested: bool) -> OutputFormat:
    if value is None:
        return OutputFormat("text", param=param)
    if not isinstance(value, dict):
        raise invalid(f"'{param}' must be an object (got {json_type(value)}).", param)
    kind = value.get("type")
    if kind not in KINDS:
        raise invalid(
            f"'{param}.type' must be one of {', '.join(KINDS)} (got {shown(kind)}).", f"{param}.type"
        )
    if kind != "json_schema":
        return OutputFormat(str(kind), param=param)
    where = f"{param}.json_schema" if nested else param
    spec = value.get("json_schema") if nested else value
    if not isinstance(spec, dict):
        raise invalid(f"'{where}' must be an object with 'name' and 'schema'.", where)
    name = spec.get("name")
    if not isinstance(name, str) or not _NAME.match(name):
        raise invalid(
            f"'{where}.name' must be 1 to 64 letters, digits, '_' or '-' (got {shown(name)}).",
            f"{where}.name",
        )
    schema = spec.get("schema", {"type": "object"})
    if not isinstance(schema, dict):
        raise invalid(f"'{where}.schema' must be a JSON Schema object.", f"{where}.schema")
    try:
        check_schema(schema)
    except Unsatisfiable as exc:
        raise invalid(f"'{where}.schema' is {exc}.", f"{where}.schema") from None
    return OutputFormat("json_schema", name, schema, f"{where}.schema")


def parse_response_format(value: Any) -> OutputFormat:
    """Chat Completions' ``response_format``."""
    return _read(value, "response_format", nested=True)


def parse_text_format(text: Any) -> OutputFormat:
    """The Responses API's ``text`` (its ``format``)."""
    if text is None:
        return OutputFormat("text", param="text.format")
    if not isinstance(text, dict):
        raise invalid(f"'text' must be an object (got {json_type(text)}).", "text")
    return _read(text.get("format"), "text.format", nested=False)


def require_json_word(output: OutputFormat, texts: Iterable[str]) -> None:
    """400 when a ``json_object`` answer is asked for and no message says "json"."""
    if output.kind == "json_object" and not any("json" in text.lower() for text in texts):
        raise invalid(
            f"'{output.param}' of type 'json_object' needs the word 'json' in the messages.", output.param
        )
