"""Keep API keys out of everything the command line prints.

The key in use is registered when the client is built; `redact` replaces it (and anything shaped
like a Skytells key) in text before it reaches the terminal.
"""

from __future__ import annotations

import re

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
