"""The OpenAPI fragment of the webhook route, and the webhook option's schema."""

from __future__ import annotations

from typing import Any

from skytells.emulator.openapi_parts import errors, ok, operation, ref

WEBHOOK_EVENTS = [
    "started",
    "completed",
    "failed",
    "canceled",
    "cancelled",
    "prediction.started",
    "prediction.succeeded",
    "prediction.failed",
    "prediction.cancelled",
    "prediction.canceled",
]


def fragment() -> dict[str, Any]:
    """The webhook route's path, schemas and tag."""
    webhook = {
        "type": "object",
        "required": ["url"],
        "properties": {
            "url": {"type": "string", "format": "uri", "examples": ["http://127.0.0.1:9000/hooks"]},
            "events": {"type": "array", "items": {"type": "string", "enum": WEBHOOK_EVENTS}},
        },
    }
    return {
        "tags": [{"name": "webhooks", "description": "Webhook signing"}],
        "paths": {
            "/v1/webhooks/default/secret": {
                "get": operation(
                    "getWebhookSecret",
                    "The account's Standard Webhooks signing secret",
                    "webhooks",
                    {**ok(ref("WebhookSecret"), "The secret"), **errors()},
                )
            },
        },
        "schemas": {
            "Webhook": webhook,
            "WebhookSecret": {
                "type": "object",
                "required": ["secret"],
                "properties": {"secret": {"type": "string", "pattern": "^whsec_"}},
            },
        },
    }
