"""The Django adapter with Django's test Client (CSRF checks on), against deliveries the emulator signed.

Django is configured here, minimally; each test routes ``/webhooks/skytells`` to a fresh receiver's view.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client, override_settings
from django.urls import path

from skytells import Prediction
from skytells.webhooks import WebhookReceiver
from skytells.webhooks.django import webhook_view
from tests.docs.webhook_receiver import Delivery
from tests.webhooks.django_support import URLConf, configure_django
from tests.webhooks.webhook_support import Captured, check_adapter

configure_django()


@pytest.fixture
def receiver(captured: Captured) -> Iterator[WebhookReceiver]:
    receiver = WebhookReceiver(secret=captured.secret, clock=lambda: captured.sent_at)
    urls = URLConf([path("webhooks/skytells", webhook_view(receiver))])
    with override_settings(ROOT_URLCONF=urls):
        yield receiver


def test_a_django_view(captured: Captured, receiver: WebhookReceiver) -> None:
    handled: list[str] = []
    receiver.on("completed")(lambda prediction: handled.append(prediction.id))
    client = Client(enforce_csrf_checks=True)

    def post(delivery: Delivery) -> tuple[int, Any]:
        answer = client.post(
            "/webhooks/skytells",
            data=delivery.body,
            content_type="application/json",
            headers=delivery.headers,
        )
        return answer.status_code, answer.json()

    check_adapter(post, captured, handled)


def test_a_django_view_answers_only_posts(receiver: WebhookReceiver) -> None:
    assert Client().get("/webhooks/skytells").status_code == 405


def test_the_view_is_exempt_from_csrf_but_not_from_signatures(receiver: WebhookReceiver) -> None:
    answer = Client(enforce_csrf_checks=True).post(
        "/webhooks/skytells", data=b"{}", content_type="application/json"
    )
    assert answer.status_code == 401 and answer.json()["error"]["error_id"] == "WEBHOOK_SIGNATURE_INVALID"


def test_the_prediction_arrives_whole(captured: Captured, receiver: WebhookReceiver) -> None:
    got: list[Prediction] = []
    receiver.on("failed")(got.append)
    Client().post(
        "/webhooks/skytells",
        data=captured.failed.body,
        content_type="application/json",
        headers=captured.failed.headers,
    )
    assert got[0].status == "failed" and got[0]["error"] == "GPU melted"
