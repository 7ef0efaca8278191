"""The emulator delivers webhooks over real HTTP to apps served with `serve_app` (Starlette on uvicorn,
Flask on the standard library's WSGI server), each mounting a receiver through its adapter."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from starlette.applications import Starlette

from skytells import Prediction
from skytells.emulator import EmulatorServer
from skytells.testing import EmulatorControl, serve_app
from skytells.webhooks import WebhookReceiver
from skytells.webhooks import flask as flask_adapter
from skytells.webhooks import starlette as starlette_adapter

FRAMEWORKS = ["starlette", "flask"]


def app_for(framework: str, receiver: WebhookReceiver) -> Any:
    if framework == "starlette":
        return Starlette(routes=[starlette_adapter.webhook_route(receiver, "/hooks")])
    app = Flask(__name__)
    app.add_url_rule("/hooks", view_func=flask_adapter.webhook_view(receiver), methods=["POST"])
    return app


@pytest.fixture
def control(emulator: EmulatorServer) -> Any:
    control = EmulatorControl(emulator, "sk-test-webhooks-e2e")
    yield control
    control.close()


@pytest.mark.parametrize("framework", FRAMEWORKS)
def test_a_duplicated_delivery_is_handled_once_and_acknowledged_twice(
    control: EmulatorControl, framework: str
) -> None:
    receiver = WebhookReceiver(secret=control.webhooks.secret())
    got: list[Prediction] = []
    receiver.on("completed")(got.append)
    control.webhooks.settings(duplicate=True)  # every delivery is sent a second time, same webhook-id
    control.next("flux-pro").succeeds_at_once()

    with serve_app(app_for(framework, receiver)) as url, control.client() as client:
        prediction = client.predictions.create(
            model="flux-pro",
            input={"prompt": "a kite"},
            webhook={"url": url + "/hooks", "events": ["completed"]},
        )
        entry = control.webhooks.wait_for("completed", prediction_id=prediction.id)

    assert (entry["status"], entry["response_status"], entry["attempts"]) == ("delivered", 200, 1)
    assert [p.id for p in got] == [prediction.id] and got[0].outputs()


@pytest.mark.parametrize("framework", FRAMEWORKS)
def test_a_handler_that_fails_once_gets_the_senders_retry(control: EmulatorControl, framework: str) -> None:
    receiver = WebhookReceiver(control.api_key)  # the X-Skytells-Signature scheme this time
    calls: list[str] = []

    @receiver.on("failed")
    def record(prediction: Prediction) -> None:
        calls.append(prediction["error"])
        if len(calls) == 1:
            raise RuntimeError("database briefly down")

    control.next("flux-pro").fails("GPU melted")
    with serve_app(app_for(framework, receiver)) as url, control.client() as client:
        prediction = client.predictions.create(
            model="flux-pro",
            input={"prompt": "a kite"},
            webhook={"url": url + "/hooks", "events": ["failed"]},
        )
        entry = control.webhooks.wait_for("failed", prediction_id=prediction.id)

    assert (entry["status"], entry["response_status"], entry["attempts"]) == ("delivered", 200, 2)
    assert calls == ["GPU melted", "GPU melted"]


def test_badly_signed_deliveries_are_refused_and_retried_until_the_sender_gives_up(
    control: EmulatorControl,
) -> None:
    receiver = WebhookReceiver(secret=control.webhooks.secret())
    got: list[Prediction] = []
    receiver.on("*")(got.append)
    control.webhooks.settings(bad_signature=True)
    control.next().succeeds_at_once()

    with serve_app(app_for("starlette", receiver)) as url, control.client() as client:
        prediction = client.predictions.create(
            model="flux-pro", input={"prompt": "a kite"}, webhook=url + "/hooks"
        )
        entry = control.webhooks.wait_for(prediction_id=prediction.id, status="failed")

    assert entry["response_status"] == 401 and entry["attempts"] == entry["max_attempts"] and got == []
