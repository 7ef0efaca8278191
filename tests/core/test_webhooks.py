"""Webhook verification (both schemes) and parsing."""

from __future__ import annotations

import base64
import json
import time

import pytest

from skytells.webhooks import (
    WebhookVerificationError,
    parse_webhook,
    sign_skytells,
    sign_standard,
    verify_webhook,
)

KEY = "sk-test-webhook-key"
SECRET = "whsec_" + base64.b64encode(b"0123456789abcdef01234567").decode()
BODY = json.dumps({"id": "p1", "status": "succeeded", "output": ["https://x/a.png"]}).encode()


def test_skytells_signature_round_trip():
    headers = {"x-skytells-signature": sign_skytells(BODY, KEY).upper() + " "}
    prediction = parse_webhook(BODY, headers, api_key=KEY)
    assert prediction.status == "succeeded" and prediction.outputs() == "https://x/a.png"


def test_a_tampered_body_is_rejected():
    headers = {"X-Skytells-Signature": sign_skytells(BODY, KEY)}
    with pytest.raises(WebhookVerificationError) as info:
        verify_webhook(BODY + b" ", headers, api_key=KEY)
    assert (info.value.error_id, info.value.http_status) == ("WEBHOOK_SIGNATURE_INVALID", 401)
    assert KEY not in str(info.value) + repr(info.value)


def test_standard_webhooks_signature():
    now = int(time.time())
    headers = {
        "webhook-id": "msg_1",
        "webhook-timestamp": str(now),
        "webhook-signature": "v1,bogus " + sign_standard("msg_1", now, BODY, SECRET),
    }
    assert parse_webhook(BODY, headers, secret=SECRET).id == "p1"
    with pytest.raises(WebhookVerificationError):
        verify_webhook(BODY, {**headers, "webhook-timestamp": str(now - 3600)}, secret=SECRET)
    with pytest.raises(WebhookVerificationError):
        verify_webhook(BODY, {}, api_key=KEY, secret=SECRET)


def test_bodies_that_are_not_json_or_not_objects():
    with pytest.raises(WebhookVerificationError) as info:
        parse_webhook(b"not json")
    assert (info.value.error_id, info.value.http_status) == ("INVALID_JSON", 400)
    with pytest.raises(WebhookVerificationError):
        parse_webhook(b"[1, 2]")


def test_the_envelope_form_is_unwrapped():
    envelope = {"type": "prediction.succeeded", "data": {"id": "p1", "status": "succeeded"}}
    assert parse_webhook(json.dumps(envelope)).id == "p1"
