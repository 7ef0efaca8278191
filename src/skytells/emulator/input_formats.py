"""The ``format`` keywords of input schemas that the emulator checks: ``uri``.

A ``uri`` input (an input image, a reference video) must be an absolute ``http(s)`` URL with a host,
or a ``data:`` URI (RFC 2397; a ``;base64`` payload must be valid base64). Other formats are left
alone, as JSON Schema allows.

>>> is_input_uri("https://example.com/cat.png"), is_input_uri("data:image/png;base64,iVBORw0KGgo=")
(True, True)
>>> is_input_uri("file:///etc/passwd"), is_input_uri("not a url")
(False, False)
"""

from __future__ import annotations

import base64
import binascii
import re
from typing import Any
from urllib.parse import urlsplit

from jsonschema import FormatChecker

__all__ = ["INPUT_FORMATS", "URI_RULE", "is_input_uri"]

#: What a ``uri`` input must be, as error messages say it.
URI_RULE = "an http(s) URL or a data: URI"

_TOKEN = r"[A-Za-z0-9!#$&^_.+-]+"
_DATA_URI = re.compile(
    rf"^data:(?:{_TOKEN}/{_TOKEN})?(?:;{_TOKEN}=[^;,]*)*(?P<base64>;base64)?,(?P<payload>.*)$",
    re.IGNORECASE | re.DOTALL,
)
_SPACE_OR_CONTROL = re.compile(r"[\x00-\x20\x7f]")


def is_input_uri(value: str) -> bool:
    """Whether `value` is an ``http(s)`` URL with a host or a well-formed ``data:`` URI."""
    if value[:5].lower() == "data:":
        return _is_data_uri(value)
    if _SPACE_OR_CONTROL.search(value):
        return False
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018  (raises ValueError for a port that is not a number in range)
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.hostname)


def _is_data_uri(value: str) -> bool:
    found = _DATA_URI.match(value)
    if found is None:
        return False
    if not found.group("base64"):
        return not _SPACE_OR_CONTROL.search(found.group("payload"))
    try:
        base64.b64decode(found.group("payload"), validate=True)
    except (binascii.Error, ValueError):
        return False
    return True


def _check_uri(instance: Any) -> bool:
    return not isinstance(instance, str) or is_input_uri(instance)


#: The format checker input validation runs with (only the formats above are checked).
INPUT_FORMATS = FormatChecker(formats=())
INPUT_FORMATS.checks("uri")(_check_uri)
