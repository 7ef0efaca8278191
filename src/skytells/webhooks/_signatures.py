"""Webhook signatures: sign, verify and parse what Skytells sends your server (the emulator's
sending side is ``skytells.emulator.webhooks``).

Two signature schemes are accepted:

- ``X-Skytells-Signature``: lowercase hex HMAC-SHA256 of the raw body, keyed by your API key;
- Standard Webhooks: ``webhook-id``, ``webhook-timestamp`` and ``webhook-signature: v1,<base64>``
  (HMAC-SHA256 of ``"{id}.{timestamp}.{body}"``), keyed by your ``whsec_`` secret.

A bad or missing signature raises :class:`WebhookVerificationError` (``WEBHOOK_SIGNATURE_INVALID``,
401); a body that is not JSON raises it with ``INVALID_JSON`` (400).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import time
from collections.abc import Mapping
from typing import Any

from .._exceptions import WebhookVerificationError
from .._prediction import Prediction

__all__ = [
    "SIGNATURE_HEADER",
    "WebhookVerificationError",
    "parse_webhook",
    "sign_skytells",
    "sign_standard",
    "verify_skytells_signature",
    "verify_standard_signature",
    "verify_webhook",
]

SIGNATURE_HEADER = "X-Skytells-Signature"
#: how far (seconds) a Standard Webhooks timestamp may be from now
DEFAULT_TOLERANCE_S = 300


def _bytes(body: bytes | str) -> bytes:
    return body.encode() if isinstance(body, str) else bytes(body)


def header(headers: Mapping[str, str] | None, name: str) -> str | None:
    """The value of header ``name`` in ``headers``, whatever the case of either; None when absent."""
    if not headers:
        return None
    lowered = name.lower()
    for key, value in headers.items():
        if key.lower() == lowered:
            return value
    return None


def sign_skytells(body: bytes | str, api_key: str) -> str:
    """The ``X-Skytells-Signature`` value for ``body`` (useful in tests of your handler)."""
    return hmac.new(api_key.encode(), _bytes(body), hashlib.sha256).hexdigest()


def _secret_key(secret: str) -> bytes:
    encoded = secret.removeprefix("whsec_")
    try:
        return base64.b64decode(encoded + "=" * (-len(encoded) % 4))
    except (binascii.Error, ValueError):
        return encoded.encode()


def sign_standard(msg_id: str, timestamp: int | str, body: bytes | str, secret: str) -> str:
    """The Standard Webhooks ``webhook-signature`` value (``v1,<base64>``)."""
    signed = f"{msg_id}.{timestamp}.".encode() + _bytes(body)
    return "v1," + base64.b64encode(hmac.new(_secret_key(secret), signed, hashlib.sha256).digest()).decode()


def verify_skytells_signature(body: bytes | str, signature: str | None, api_key: str) -> bool:
    """True when ``signature`` (hex, any case, surrounding spaces ignored) signs ``body``."""
    if not signature or not api_key:
        return False
    expected = sign_skytells(body, api_key)
    return hmac.compare_digest(expected, signature.strip().lower())


def verify_standard_signature(
    body: bytes | str,
    headers: Mapping[str, str],
    secret: str,
    *,
    tolerance: float = DEFAULT_TOLERANCE_S,
    now: float | None = None,
) -> bool:
    """True when the Standard Webhooks headers sign ``body`` with ``secret`` and are recent enough."""
    msg_id = header(headers, "webhook-id")
    timestamp = header(headers, "webhook-timestamp")
    signatures = header(headers, "webhook-signature")
    if not (msg_id and timestamp and signatures and secret):
        return False
    try:
        sent = int(timestamp)
    except ValueError:
        return False
    if abs((time.time() if now is None else now) - sent) > tolerance:
        return False
    expected = sign_standard(msg_id, timestamp, body, secret).split(",", 1)[1]
    for candidate in signatures.split():
        version, _, value = candidate.partition(",")
        if version == "v1" and hmac.compare_digest(expected, value):
            return True
    return False


def verify_webhook(
    body: bytes | str,
    headers: Mapping[str, str],
    *,
    api_key: str | None = None,
    secret: str | None = None,
    tolerance: float = DEFAULT_TOLERANCE_S,
) -> None:
    """Raise :class:`WebhookVerificationError` unless one of the signatures checks out.

    Give ``api_key`` (``X-Skytells-Signature``), ``secret`` (``whsec_...``, Standard Webhooks) or both.
    """
    if api_key is None and secret is None:
        raise ValueError("verify_webhook needs api_key=... or secret=...")
    if api_key and verify_skytells_signature(body, header(headers, SIGNATURE_HEADER), api_key):
        return
    if secret and verify_standard_signature(body, headers, secret, tolerance=tolerance):
        return
    raise WebhookVerificationError(
        "Invalid or missing webhook signature",
        "WEBHOOK_SIGNATURE_INVALID",
        "The signature headers do not match the body",
        401,
    )


def parse_webhook(
    body: bytes | str,
    headers: Mapping[str, str] | None = None,
    *,
    api_key: str | None = None,
    secret: str | None = None,
    tolerance: float = DEFAULT_TOLERANCE_S,
) -> Prediction:
    """Verify (when ``api_key`` or ``secret`` is given) and parse a webhook into a :class:`Prediction`.

    Both the bare prediction body and an envelope ``{"type": ..., "data": {prediction}}`` are accepted.
    """
    if api_key is not None or secret is not None:
        verify_webhook(body, headers or {}, api_key=api_key, secret=secret, tolerance=tolerance)
    return Prediction(load_payload(body)[0])


def load_payload(body: bytes | str) -> tuple[dict[str, Any], str | None]:
    """The prediction object of a webhook body, and the envelope's ``type`` when there is one.

    Raises :class:`WebhookVerificationError` (``INVALID_JSON``, 400) when it is not a JSON object.
    """
    try:
        data: Any = json.loads(_bytes(body))
    except ValueError:
        raise WebhookVerificationError(
            "Webhook body is not valid JSON", "INVALID_JSON", "The body could not be parsed", 400
        ) from None
    kind: str | None = None
    if isinstance(data, dict) and isinstance(data.get("data"), dict) and "status" not in data:
        kind = data["type"] if isinstance(data.get("type"), str) else None
        data = data["data"]
    if not isinstance(data, dict):
        raise WebhookVerificationError(
            "Webhook body is not a prediction object", "INVALID_JSON", f"Got {type(data).__name__}", 400
        )
    return data, kind
