"""The Starlette/FastAPI adapter with Starlette's TestClient, against deliveries the emulator signed."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi import Depends, FastAPI
from starlette.applications import Starlette
from starlette.testclient import TestClient

from skytells import Prediction
from skytells.webhooks import WebhookReceiver, WebhookResult
from skytells.webhooks.starlette import webhook_dependency, webhook_endpoint, webhook_route
from tests.docs.webhook_receiver import Delivery
from tests.webhooks.webhook_support import Captured, check_adapter


def receiver_for(captured: Captured, handled: list[str]) -> WebhookReceiver:
    receiver = WebhookReceiver(secret=captured.secret, clock=lambda: captured.sent_at)

    @receiver.on("completed")
    async def save(prediction: Prediction) -> None:
        handled.append(prediction.id)

    return receiver


def poster(client: TestClient, path: str) -> Any:
    def post(delivery: Delivery) -> tuple[int, Any]:
        answer = client.post(path, content=delivery.body, headers=delivery.headers)
        return answer.status_code, answer.json()

    return post


def test_a_starlette_route(captured: Captured) -> None:
    handled: list[str] = []
    app = Starlette(routes=[webhook_route(receiver_for(captured, handled), "/hooks")])
    with TestClient(app) as client:
        check_adapter(poster(client, "/hooks"), captured, handled)
        assert client.get("/hooks").status_code == 405
        assert app.url_path_for("skytells_webhook") == "/hooks"


def test_a_fastapi_route(captured: Captured) -> None:
    handled: list[str] = []
    app = FastAPI()
    app.add_route("/webhooks/skytells", webhook_endpoint(receiver_for(captured, handled)), methods=["POST"])
    with TestClient(app) as client:
        check_adapter(poster(client, "/webhooks/skytells"), captured, handled)


def test_a_fastapi_dependency(captured: Captured) -> None:
    handled: list[str] = []
    app = FastAPI()
    verified = webhook_dependency(receiver_for(captured, handled))

    @app.post("/webhooks/skytells")
    async def hook(result: WebhookResult = Depends(verified)) -> dict[str, Any]:  # noqa: B008 (a local)
        return {"received": result.event, "duplicate": result.duplicate}

    with TestClient(app) as client:
        first = client.post(
            "/webhooks/skytells", content=captured.completed.body, headers=captured.completed.headers
        )
        again = client.post(
            "/webhooks/skytells", content=captured.completed.body, headers=captured.completed.headers
        )
        bad = client.post(
            "/webhooks/skytells", content=captured.bad_signature.body, headers=captured.bad_signature.headers
        )
        stale = client.post("/webhooks/skytells", content=captured.stale.body, headers=captured.stale.headers)

    assert (first.status_code, first.json()) == (200, {"received": "completed", "duplicate": False})
    assert (again.status_code, again.json()) == (200, {"received": "completed", "duplicate": True})
    assert bad.status_code == 401 and bad.json()["detail"].startswith("WEBHOOK_SIGNATURE_INVALID")
    assert stale.status_code == 400 and stale.json()["detail"].startswith("WEBHOOK_TIMESTAMP_EXPIRED")
    assert len(handled) == 1


@pytest.mark.parametrize("adapter", ["starlette", "flask", "django"])
def test_an_adapter_without_its_framework_says_what_to_install(
    adapter: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import importlib
    import sys

    for name in [n for n in sys.modules if n == adapter or n.startswith(adapter + ".")] or [adapter]:
        monkeypatch.setitem(sys.modules, name, None)  # makes `import <framework>` fail
    monkeypatch.delitem(sys.modules, f"skytells.webhooks.{adapter}", raising=False)
    with pytest.raises(ImportError, match=rf"skytells\.webhooks\.{adapter} needs .*: pip install"):
        importlib.import_module(f"skytells.webhooks.{adapter}")
