"""Deliveries captured from the emulator, signed exactly as it sends them, for the receiver tests.

`capture_deliveries(server)` runs predictions with a webhook pointing at a local recording server,
with the emulator's test switches on for the stale and badly signed ones.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx

from skytells.emulator import EmulatorServer
from tests.docs.webhook_receiver import Delivery, WebhookReceiver

API_KEY = "sk-test-webhook-receivers"
#: headers of the recording server's connection, not of the delivery (a test client sets its own)
_TRANSPORT_HEADERS = {"host", "content-length", "connection", "accept-encoding"}


@dataclass(frozen=True)
class Captured:
    """Real deliveries of the emulator, and the keys they are signed with."""

    api_key: str
    secret: str
    completed: Delivery
    failed: Delivery
    stale: Delivery
    bad_signature: Delivery
    started: Delivery

    @property
    def sent_at(self) -> float:
        """When the emulator sent the good deliveries: a receiver clock at which they are fresh."""
        return float(self.completed.headers["webhook-timestamp"])


def capture_deliveries(server: EmulatorServer) -> Captured:
    server.reset()
    with (
        WebhookReceiver() as sink,
        httpx.Client(base_url=server.base_url, headers={"x-api-key": API_KEY}) as http,
    ):
        secret = http.get("/webhooks/default/secret").json()["secret"]

        def deliver(outcome: dict[str, Any], events: list[str], wanted: str) -> Delivery:
            server.admin("POST", "/outcomes", {**outcome, "count": 1})
            created = http.post(
                "/predictions",
                json={
                    "model": "flux-pro",
                    "input": {"prompt": f"a {wanted} delivery"},
                    "webhook": {"url": sink.url, "events": events},
                },
            )
            created.raise_for_status()
            prediction_id = created.json()["id"]
            found = sink.wait_for(
                lambda d: d.json()["id"] == prediction_id and d.json()["status"] == wanted, timeout=20
            )
            assert found is not None, f"no {wanted} delivery arrived"
            headers = {k: v for k, v in found.headers.items() if k not in _TRANSPORT_HEADERS}
            return Delivery(found.path, headers, found.body)

        completed = deliver({"model": "*", "outcome": "instant"}, ["completed"], "succeeded")
        failed = deliver({"model": "*", "outcome": "fail", "message": "GPU melted"}, ["failed"], "failed")
        started = deliver({"model": "*", "outcome": "fail"}, ["started"], "started")
        server.admin("POST", "/webhooks/settings", {"stale_timestamp": True})
        stale = deliver({"model": "*", "outcome": "instant"}, ["completed"], "succeeded")
        server.admin("POST", "/webhooks/settings", {"stale_timestamp": False, "bad_signature": True})
        bad = deliver({"model": "*", "outcome": "instant"}, ["completed"], "succeeded")
    server.reset()
    return Captured(API_KEY, secret, completed, failed, stale, bad, started)


#: posts a delivery to an app under test through its framework's test client: (status, JSON answer)
Post = Callable[[Delivery], tuple[int, Any]]


def check_adapter(post: Post, captured: Captured, handled: list[str]) -> None:
    """The answers every adapter gives: 200 handled, 200 duplicate (handler not run again), 401 bad
    signature, 400 stale timestamp, 400 not JSON. `handled` is what the app's handler recorded."""
    status, answer = post(captured.completed)
    assert status == 200, answer
    assert answer["ok"] is True and answer["event"] == "completed" and answer["duplicate"] is False
    assert handled == [captured.completed.json()["id"]]

    status, answer = post(captured.completed)
    assert (status, answer["duplicate"]) == (200, True)
    assert len(handled) == 1

    status, answer = post(captured.bad_signature)
    assert (status, answer["error"]["error_id"]) == (401, "WEBHOOK_SIGNATURE_INVALID")

    status, answer = post(captured.stale)
    assert (status, answer["error"]["error_id"]) == (400, "WEBHOOK_TIMESTAMP_EXPIRED")

    status, answer = post(captured.failed)
    assert (status, answer["event"]) == (200, "failed")
    assert len(handled) == 1
