"""The embeddings family's flow: ``POST /embeddings``, vectors always as lists of floats.

Unless ``encoding_format`` is given, vectors travel as base64 (little-endian float32: a third of the
JSON's size, and the same floats) and are decoded here.

>>> body = embedding_body("deepbrain-embed", ["a cat", "a dog"], {"dimensions": 256})
>>> result = yield from create(ctx, body)
>>> len(result["data"][0]["embedding"])
256
"""

from __future__ import annotations

import base64
import binascii
import sys
from array import array
from collections.abc import Mapping, Sequence
from typing import Any

from ._effects import Flow
from ._errors import make_error, sdk_error
from ._inference import post, request_body, require_model
from ._send import Context

PATH = "/embeddings"
ENCODINGS = ("float", "base64")


def embedding_body(
    model: str,
    input: str | Sequence[str] | Sequence[int] | Sequence[Sequence[int]],
    params: Mapping[str, Any],
    extra_body: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The request body; ``encoding_format`` is ``base64`` unless the caller chose one."""
    if isinstance(input, (bytes, Mapping)) or not isinstance(input, (str, Sequence)):
        raise sdk_error("input must be a string or a list of strings")
    encoding = params.get("encoding_format")
    if encoding is not None and encoding not in ENCODINGS:
        raise sdk_error(f"encoding_format must be 'float' or 'base64' (got {encoding!r})")
    given = input if isinstance(input, str) else list(input)
    body = request_body({"model": require_model(model), "input": given}, params, extra_body)
    body.setdefault("encoding_format", "base64")
    return body


def create(ctx: Context, body: Mapping[str, Any], signal: Any = None) -> Flow[dict[str, Any]]:
    """The embeddings of ``body["input"]``, each ``embedding`` a list of floats."""
    data = yield from post(ctx, PATH, body, signal)
    for item in data.get("data") or ():
        if isinstance(item, dict) and isinstance(item.get("embedding"), str):
            item["embedding"] = decode_vector(item["embedding"])
    return data


def decode_vector(text: str) -> list[float]:
    """The floats of a base64 vector (little-endian float32)."""
    try:
        raw = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise make_error("An embedding is not valid base64", "INVALID_JSON", text[:80], 0) from None
    if len(raw) % 4:
        raise make_error("An embedding is not a whole number of float32 values", "INVALID_JSON", "", 0)
    vector = array("f")
    vector.frombytes(raw)
    if sys.byteorder == "big":
        vector.byteswap()
    return vector.tolist()
