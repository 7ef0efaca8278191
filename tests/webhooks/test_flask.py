"""The Flask adapter with Flask's test client, against deliveries the emulator signed."""

from __future__ import annotations

from typing import Any

from flask import Flask

from skytells import Prediction
from skytells.webhooks import WebhookReceiver
from skytells.webhooks.flask import webhook_view
from tests.docs.webhook_receiver import Delivery
from tests.webhooks.webhook_support import Captured, check_adapter


def test_a_flask_view(captured: Captured) -> None:
    handled: list[str] = []
    receiver = WebhookReceiver(secret=captured.secret, clock=lambda: captured.sent_at)
    receiver.on("completed")(lambda prediction: handled.append(prediction.id))
    app = Flask(__name__)
    app.add_url_rule("/webhooks/skytells", view_func=webhook_view(receiver), methods=["POST"])
    client = app.test_client()

    def post(delivery: Delivery) -> tuple[int, Any]:
        answer = client.post("/webhooks/skytells", data=delivery.body, headers=delivery.headers)
        return answer.status_code, answer.get_json()

    check_adapter(post, captured, handled)
    assert client.get("/webhooks/skytells").status_code == 405


def test_two_receivers_in_one_flask_app(captured: Captured) -> None:
    got: list[tuple[str, Prediction]] = []
    app = Flask(__name__)
    for name in ("a", "b"):
        receiver = WebhookReceiver(secret=captured.secret, clock=lambda: captured.sent_at)
        receiver.on("*")(lambda prediction, name=name: got.append((name, prediction)))
        app.add_url_rule(
            f"/{name}", endpoint=f"hook_{name}", view_func=webhook_view(receiver), methods=["POST"]
        )
    client = app.test_client()

    for name in ("a", "b"):
        answer = client.post(f"/{name}", data=captured.failed.body, headers=captured.failed.headers)
        assert answer.status_code == 200

    assert [(name, p.status) for name, p in got] == [("a", "failed"), ("b", "failed")]
