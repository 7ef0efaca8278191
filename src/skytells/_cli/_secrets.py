"""Keep API keys out of everything the command line prints.

The key in use is registered when the client is built; `redact` replaces it (and anything shaped
like a Skytells key) in text before it reaches the terminal. Everything printed goes through it: error
lines, `redact_value` for JSON before it is dumped, and `RedactingFile` under the rich consoles, so a
server that echoes the key back (in an error, a prediction's ``error``, an output) never gets it shown.
"""

from __future__ import annotations

import re
from typing import Any, TextIO

_KEY_PATTERN = re.compile(r"\bsk-[A-Za-z0-9_\-]{6,}")
_registered: set[str] = set()

REDACTED = "sk-***"


def register(secret: str | None) -> None:
    """Remember a secret so that `redact` hides it from now on."""
    if secret:
        _registered.add(secret)


def redact(text: str) -> str:
    """Return `text` with every registered secret and every `sk-…` key replaced by ``sk-***``."""
    for secret in sorted(_registered, key=len, reverse=True):
        text = text.replace(secret, REDACTED)
    return _KEY_PATTERN.sub(REDACTED, text)


def redact_value(value: Any) -> Any:
    """`value` with `redact` applied to every string inside it (dict keys and values, list items)."""
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, dict):
        return {redact_value(k): redact_value(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [redact_value(v) for v in value]
    return value


class RedactingFile:
    """A text stream that redacts what is written to it and passes everything else to `file`."""

    def __init__(self, file: TextIO) -> None:
        self._file = file

    def write(self, text: str) -> int:
        return self._file.write(redact(text))

    def __getattr__(self, name: str) -> Any:
        return getattr(self._file, name)
