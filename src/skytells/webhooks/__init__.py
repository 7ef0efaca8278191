"""The receiving side of webhooks: verify and parse what Skytells sends your server when a prediction
changes state, and dispatch it to your handlers (the emulator's sending side is
``skytells.emulator.webhooks``).

Two signature schemes are accepted:

- ``X-Skytells-Signature``: lowercase hex HMAC-SHA256 of the raw body, keyed by your API key;
- Standard Webhooks: ``webhook-id``, ``webhook-timestamp`` and ``webhook-signature: v1,<base64>``
  (HMAC-SHA256 of ``"{id}.{timestamp}.{body}"``), keyed by your ``whsec_`` secret.

A receiver verifies, rejects stale and repeated deliveries, and calls your handlers by event:

>>> from skytells.webhooks import WebhookReceiver
>>> receiver = WebhookReceiver(secret=os.environ["SKYTELLS_WEBHOOK_SECRET"])
>>> @receiver.on("completed")
... def save(prediction):
...     db.save(prediction.id, prediction.outputs())

Mount it with ``skytells.webhooks.starlette`` (Starlette, FastAPI), ``.flask`` or ``.django``, or call
``receiver.handle(headers, body)`` yourself. One delivery by hand:

>>> prediction = parse_webhook(await request.body(), request.headers, api_key=key)

A bad or missing signature raises :class:`WebhookVerificationError` (``WEBHOOK_SIGNATURE_INVALID``,
401); a body that is not JSON raises it with ``INVALID_JSON`` (400).
"""

from __future__ import annotations

from .._exceptions import WebhookVerificationError
from ._events import EVENTS, canonical_event, event_of
from ._receiver import WebhookHandler, WebhookReceiver, WebhookResult
from ._signatures import (
    DEFAULT_TOLERANCE_S,
    SIGNATURE_HEADER,
    parse_webhook,
    sign_skytells,
    sign_standard,
    verify_skytells_signature,
    verify_standard_signature,
    verify_webhook,
)

__all__ = [
    "DEFAULT_TOLERANCE_S",
    "EVENTS",
    "SIGNATURE_HEADER",
    "WebhookHandler",
    "WebhookReceiver",
    "WebhookResult",
    "WebhookVerificationError",
    "canonical_event",
    "event_of",
    "parse_webhook",
    "sign_skytells",
    "sign_standard",
    "verify_skytells_signature",
    "verify_standard_signature",
    "verify_webhook",
]
