"""Webhook signatures: ``X-Skytells-Signature`` and Standard Webhooks (``whsec_`` secrets).

- ``X-Skytells-Signature``: hex HMAC-SHA256 of the raw body keyed by the account's API key (what the
  TypeScript SDK verifies);
- Standard Webhooks: ``webhook-id`` (stable across retries), ``webhook-timestamp`` (per attempt) and
  ``webhook-signature: v1,<base64 HMAC-SHA256 of "{id}.{timestamp}.{body}">`` keyed by the decoded
  ``whsec_`` secret of the account.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets


def new_secret() -> str:
    """A fresh Standard Webhooks signing secret: ``whsec_`` + base64 of 24 random bytes."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(24)).decode()


def sign_skytells(body: bytes, key: str) -> str:
    """``X-Skytells-Signature``: lowercase hex HMAC-SHA256 of the raw body."""
    return hmac.new(key.encode(), body, hashlib.sha256).hexdigest()


def sign_standard(msg_id: str, timestamp: int, body: bytes, secret: str) -> str:
    """``webhook-signature`` value (``v1,<base64>``) for a ``whsec_`` secret."""
    encoded = secret.removeprefix("whsec_")
    key = base64.b64decode(encoded + "=" * (-len(encoded) % 4), altchars=b"-_")  # either alphabet
    digest = hmac.new(key, f"{msg_id}.{timestamp}.".encode() + body, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()
