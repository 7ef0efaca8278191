"""The TypeScript SDK's webhook unit tests (tests/webhooks.test.ts), in Python form.

Signatures here are computed independently with `hmac` (as the TypeScript tests do with Node's
`crypto.createHmac`), so they check our verifier against the wire format, not against our own signer.
"""

from __future__ import annotations

import hashlib
import hmac
import json

import pytest

from skytells import SkytellsError
from skytells.webhooks import parse_webhook, verify_skytells_signature, verify_webhook

API_KEY = "sk-test-webhook-peer-0001"
BODY = json.dumps(
    {
        "id": "pred_x",
        "status": "succeeded",
        "type": "inference",
        "stream": False,
        "input": {},
        "created_at": "2026-01-01T00:00:00Z",
        "completed_at": "2026-01-01T00:00:05Z",
        "privacy": "public",
    }
).encode()


def hex_hmac(key: str, body: bytes) -> str:
    return hmac.new(key.encode(), body, hashlib.sha256).hexdigest()


def test_general_mode_accepts_a_valid_hmac_sha256_hex_keyed_by_the_api_key() -> None:
    signature = hex_hmac(API_KEY, BODY)

    assert verify_skytells_signature(BODY, signature, API_KEY)
    assert verify_skytells_signature(BODY, f"  {signature.upper()} ", API_KEY)


def test_a_wrong_signature_is_rejected() -> None:
    assert not verify_skytells_signature(BODY, hex_hmac("sk-test-another-key-0002", BODY), API_KEY)
    assert not verify_skytells_signature(BODY, hex_hmac(API_KEY, BODY + b" "), API_KEY)
    assert not verify_skytells_signature(BODY, None, API_KEY)


def test_enterprise_mode_verifies_with_the_dashboard_secret() -> None:
    secret = "whsec_enterprise"
    signature = hex_hmac(secret, BODY)

    assert verify_skytells_signature(BODY, signature, secret)
    assert not verify_skytells_signature(BODY, signature, API_KEY)


def test_handle_verifies_then_gives_the_prediction_to_route_on() -> None:
    headers = {"X-Skytells-Signature": hex_hmac(API_KEY, BODY)}

    prediction = parse_webhook(BODY, headers, api_key=API_KEY)

    assert (prediction.id, prediction.status) == ("pred_x", "succeeded")


def test_handle_raises_webhook_signature_invalid_when_verification_fails() -> None:
    headers = {"x-skytells-signature": hex_hmac(API_KEY, BODY)}

    with pytest.raises(SkytellsError) as caught:
        verify_webhook(BODY.replace(b"succeeded", b"failed"), headers, api_key=API_KEY)

    assert (caught.value.error_id, caught.value.http_status) == ("WEBHOOK_SIGNATURE_INVALID", 401)
