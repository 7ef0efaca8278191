"""Readers for request fields: each checks one field's type and range and names it in its 400.

>>> body = {"temperature": 3}
>>> number(body, "temperature", 0, 2)
Traceback (most recent call last):
ApiError: 'temperature' must be a number from 0 to 2 (got 3).
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from typing import Any

from skytells.emulator.errors import ApiError

_MISSING = object()


def invalid(message: str, param: str | None) -> ApiError:
    """A 400 ``INVALID_PARAMETER`` naming `param`."""
    return ApiError("INVALID_PARAMETER", message, status=400, param=param)


def json_type(value: Any) -> str:
    """The JSON type name of a value, for messages."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    return "array" if isinstance(value, list) else "object"


def shown(value: Any) -> str:
    """A short JSON rendering of a value, for messages."""
    text = json.dumps(value, default=str)
    return text if len(text) <= 60 else text[:57] + "..."


def request_object(body: Any) -> dict[str, Any]:
    """The body as an object (400 ``INVALID_REQUEST`` otherwise)."""
    if not isinstance(body, dict):
        raise ApiError("INVALID_REQUEST", "The request body must be a JSON object.", status=400)
    return body


def is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def number(body: Mapping[str, Any], name: str, low: float, high: float) -> float | None:
    """An optional number within ``[low, high]`` (None when absent or null)."""
    value = body.get(name)
    if value is None:
        return None
    if not is_number(value) or not low <= value <= high:
        raise invalid(f"'{name}' must be a number from {low:g} to {high:g} (got {shown(value)}).", name)
    return float(value)


def integer(body: Mapping[str, Any], name: str, low: int, high: int, param: str | None = None) -> int | None:
    """An optional integer within ``[low, high]`` (None when absent or null)."""
    value = body.get(name)
    if value is None:
        return None
    if not is_int(value) or not low <= value <= high:
        raise invalid(
            f"'{param or name}' must be an integer from {low} to {high} (got {shown(value)}).", param or name
        )
    return int(value)


def boolean(body: Mapping[str, Any], name: str, param: str | None = None) -> bool | None:
    """An optional boolean (None when absent or null)."""
    value = body.get(name)
    if value is None:
        return None
    if not isinstance(value, bool):
        raise invalid(f"'{param or name}' must be a boolean (got {shown(value)}).", param or name)
    return value


def string(
    body: Mapping[str, Any], name: str, max_length: int = 1_000_000, param: str | None = None
) -> str | None:
    """An optional string of at most `max_length` characters (None when absent or null)."""
    value = body.get(name)
    if value is None:
        return None
    if not isinstance(value, str):
        raise invalid(f"'{param or name}' must be a string (got {json_type(value)}).", param or name)
    if len(value) > max_length:
        raise invalid(f"'{param or name}' must be at most {max_length} characters long.", param or name)
    return value


def mapping(body: Mapping[str, Any], name: str, param: str | None = None) -> dict[str, Any] | None:
    """An optional JSON object (None when absent or null)."""
    value = body.get(name)
    if value is None:
        return None
    if not isinstance(value, dict):
        raise invalid(f"'{param or name}' must be an object (got {json_type(value)}).", param or name)
    return value


def metadata(body: Mapping[str, Any]) -> dict[str, str]:
    """``metadata``: at most 16 string keys (up to 64 characters) with string values (up to 512)."""
    value = mapping(body, "metadata") or {}
    if len(value) > 16:
        raise invalid("'metadata' may have at most 16 keys.", "metadata")
    for key, item in value.items():
        if len(key) > 64 or not isinstance(item, str) or len(item) > 512:
            raise invalid(
                "'metadata' keys must be strings of at most 64 characters and values strings of at most 512.",
                f"metadata.{key[:64]}",
            )
    return value


def model_name(body: Mapping[str, Any]) -> str:
    """The required ``model`` string."""
    value = body.get("model")
    if value is None or value == "":
        raise invalid("'model' is required: the slug of a model, e.g. 'deepbrain-router'.", "model")
    if not isinstance(value, str):
        raise invalid(f"'model' must be a string (got {json_type(value)}).", "model")
    return value
