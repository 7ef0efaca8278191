"""Request bodies as JSON bytes."""

from __future__ import annotations

import json
from typing import Any

from ._errors import sdk_error


def encode_json(body: Any) -> bytes:
    """Compact UTF-8 JSON; ``SDK_ERROR`` before anything is sent when the body cannot be encoded."""
    try:
        return json.dumps(body, separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode()
    except (TypeError, ValueError) as exc:
        raise sdk_error("Request body could not be serialized to JSON", str(exc)) from None
