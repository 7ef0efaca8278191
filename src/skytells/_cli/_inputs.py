"""Turn ``-i key=value`` pairs into a model input, typed by the model's ``input_schema``.

>>> schema = {"properties": {"steps": {"type": "integer"}, "hdr": {"type": "boolean"}}}
>>> build_input(["steps=28", "hdr=yes"], schema)
{'steps': 28, 'hdr': True}

``@path`` reads a local file: a data URI for file and URI inputs (or any file that is not text), the
file's text for plain string inputs. ``@@`` at the start stands for a literal ``@``.
"""

from __future__ import annotations

import json
import mimetypes
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from skytells import SkytellsError, file_input

from ._errors import CliError, ExitCode

_TRUE = {"true", "yes", "y", "1", "on"}
_FALSE = {"false", "no", "n", "0", "off"}
_FILE_FORMATS = {"uri", "url", "data-uri", "data-url", "binary", "byte", "file"}


def invalid(message: str) -> CliError:
    """An input problem: exit code 5 with the ``INVALID_INPUT`` error id."""
    return CliError(message, "INVALID_INPUT", ExitCode.INVALID_INPUT)


def build_input(
    pairs: Sequence[str], schema: Mapping[str, Any] | None, base: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """Merge ``key=value`` pairs over `base`, converting each value as the schema types it."""
    properties: Mapping[str, Any] = (schema or {}).get("properties") or {}
    result = dict(base or {})
    for pair in pairs:
        name, raw = split_pair(pair)
        if properties and name not in properties:
            known = ", ".join(sorted(properties))
            raise invalid(f"unknown input '{name}' (this model takes: {known})")
        result[name] = convert(name, raw, properties.get(name) or {})
    return result


def split_pair(pair: str) -> tuple[str, str]:
    """Split ``key=value``; the value may itself contain ``=``."""
    name, sep, raw = pair.partition("=")
    if not sep or not name.strip():
        raise invalid(f"expected key=value, got '{pair}'")
    return name.strip(), raw


def convert(name: str, raw: str, spec: Mapping[str, Any]) -> Any:
    """Convert one raw value by its property schema (type, enum, format)."""
    kind = schema_type(spec)
    if raw.startswith("@@"):
        raw = raw[1:]
    elif raw.startswith("@") and kind in ("string", None):
        return read_file_value(name, raw[1:], spec)
    value = _by_type(name, raw, kind, spec)
    _check_enum(name, value, spec)
    return value


def schema_type(spec: Mapping[str, Any]) -> str | None:
    """The JSON type a property expects (the first non-null one), inferred from ``enum`` if unstated."""
    kind = spec.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), None)
    if kind is None:
        for option in spec.get("anyOf") or spec.get("oneOf") or ():
            if isinstance(option, Mapping) and schema_type(option) not in (None, "null"):
                return schema_type(option)
        enum = spec.get("enum")
        if enum:
            kind = {bool: "boolean", int: "integer", float: "number", str: "string"}.get(type(enum[0]))
    return kind if isinstance(kind, str) else None


def read_file_value(name: str, path_text: str, spec: Mapping[str, Any]) -> str:
    """Read ``@path`` for input `name`: a data URI, or the text of a text file for a plain string."""
    path = Path(path_text).expanduser()
    if not path.is_file():
        raise invalid(f"input '{name}': file not found: {path_text}")
    mime = mimetypes.guess_type(path.name)[0] or ""
    wants_file = str(spec.get("format", "")).lower() in _FILE_FORMATS
    if not wants_file and mime.startswith("text/"):
        try:
            return path.read_bytes().decode("utf-8")
        except UnicodeDecodeError:
            pass
    try:
        return file_input(path)  # the SDK's encoder: MIME type, size limit
    except SkytellsError as error:
        raise invalid(error.message.replace("Input 'file'", f"input '{name}'")) from None


def _by_type(name: str, raw: str, kind: str | None, spec: Mapping[str, Any]) -> Any:
    if kind == "string":
        return raw
    if kind == "integer":
        return _integer(name, raw)
    if kind == "number":
        return _number(name, raw)
    if kind == "boolean":
        return _boolean(name, raw)
    if kind == "array":
        return _array(name, raw, spec.get("items") or {})
    if kind == "object":
        return _json(name, raw, dict, "a JSON object")
    return _guess(raw)


def _integer(name: str, raw: str) -> int:
    try:
        return int(raw.strip())
    except ValueError:
        number = _number(name, raw, "an integer")
        if number.is_integer():
            return int(number)
        raise invalid(f"input '{name}' must be an integer, got '{raw}'") from None


def _number(name: str, raw: str, what: str = "a number") -> float:
    try:
        value = float(raw.strip())
    except ValueError:
        raise invalid(f"input '{name}' must be {what}, got '{raw}'") from None
    if value != value or value in (float("inf"), float("-inf")):
        raise invalid(f"input '{name}' must be {what}, got '{raw}'")
    return value


def _boolean(name: str, raw: str) -> bool:
    text = raw.strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise invalid(f"input '{name}' must be true or false, got '{raw}'")


def _array(name: str, raw: str, items: Mapping[str, Any]) -> list[Any]:
    if raw.lstrip().startswith("["):
        return list(_json(name, raw, list, "a JSON array"))
    parts = [part.strip() for part in raw.split(",")] if raw.strip() else []
    return [convert(f"{name}[{i}]", part, items) for i, part in enumerate(parts)]


def _json(name: str, raw: str, expected: type, what: str) -> Any:
    try:
        value = json.loads(raw)
    except ValueError:
        raise invalid(f"input '{name}' must be {what}, got '{raw}'") from None
    if not isinstance(value, expected):
        raise invalid(f"input '{name}' must be {what}, got '{raw}'")
    return value


def _guess(raw: str) -> Any:
    """No schema type: numbers, booleans, null and JSON stay typed; anything else is a string."""
    try:
        return json.loads(raw)
    except ValueError:
        return raw


def _check_enum(name: str, value: Any, spec: Mapping[str, Any]) -> None:
    allowed = spec.get("enum")
    if allowed and value not in allowed:
        raise invalid(_enum_message(name, value, allowed))


def _enum_message(name: str, value: Any, allowed: Sequence[Any]) -> str:
    return f"input '{name}' must be one of {', '.join(str(a) for a in allowed)}; got '{value}'"


def load_input_file(path_text: str) -> dict[str, Any]:
    """Read ``--input-file``: a JSON object of inputs."""
    path = Path(path_text).expanduser()
    try:
        value = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise invalid(f"input file not found: {path_text}") from None
    except (OSError, ValueError) as error:
        raise invalid(f"input file {path_text} is not valid JSON: {error}") from None
    if not isinstance(value, dict):
        raise invalid(f"input file {path_text} must hold a JSON object, not {type(value).__name__}")
    return value
