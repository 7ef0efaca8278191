"""WebhookReceiver: verification of both schemes, timestamp tolerance, de-duplication, dispatch by event,
against deliveries the emulator signed (and a few signed here with the SDK's own signing functions)."""

from __future__ import annotations

import asyncio
import json
import re
import subprocess
import sys
import threading
import warnings
from typing import Any

import pytest

from skytells import Prediction
from skytells.webhooks import WebhookReceiver, WebhookResult, sign_skytells, sign_standard
from skytells.webhooks._dedupe import DeliveryLog
from tests.docs.webhook_receiver import Delivery
from tests.webhooks.webhook_support import Captured


def handle(receiver: WebhookReceiver, delivery: Delivery) -> WebhookResult:
    return receiver.handle(delivery.headers, delivery.body)


def signed(
    body: Any, secret: str, *, msg_id: str = "msg_test", timestamp: float, api_key: str = ""
) -> Delivery:
    """A delivery signed both ways, as the emulator signs them."""
    raw = json.dumps(body).encode() if not isinstance(body, bytes) else body
    headers = {
        "webhook-id": msg_id,
        "webhook-timestamp": str(int(timestamp)),
        "webhook-signature": sign_standard(msg_id, int(timestamp), raw, secret),
    }
    if api_key:
        headers["x-skytells-signature"] = sign_skytells(raw, api_key)
    return Delivery("/hook", headers, raw)


@pytest.fixture
def receiver(captured: Captured) -> WebhookReceiver:
    return WebhookReceiver(secret=captured.secret, clock=lambda: captured.sent_at)


# ---- dispatch ------------------------------------------------------------------------------------


def test_a_completed_delivery_reaches_its_handler_as_a_prediction(
    receiver: WebhookReceiver, captured: Captured
) -> None:
    got: list[Prediction] = []
    receiver.on("completed")(got.append)

    result = handle(receiver, captured.completed)

    assert result.status_code == 200 and result.ok and result.handled == 1
    assert result.event == "completed" and not result.duplicate
    assert result.delivery_id == captured.completed.headers["webhook-id"]
    assert [p.id for p in got] == [captured.completed.json()["id"]]
    assert got[0].status == "succeeded" and got[0].outputs()
    assert result.body() == {
        "ok": True,
        "event": "completed",
        "id": result.delivery_id,
        "prediction_id": got[0].id,
        "duplicate": False,
    }


def test_each_event_goes_to_its_own_handlers_and_star_gets_every_one(
    receiver: WebhookReceiver, captured: Captured
) -> None:
    calls: list[tuple[str, str]] = []
    for event in ("started", "completed", "failed", "cancelled"):
        receiver.on(event)(lambda p, event=event: calls.append((event, p.status)))
    receiver.on("*")(lambda p: calls.append(("*", p.status)))

    events = [handle(receiver, d).event for d in (captured.started, captured.completed, captured.failed)]

    assert events == ["started", "completed", "failed"]
    assert calls == [
        ("started", "started"),
        ("*", "started"),
        ("completed", "succeeded"),
        ("*", "succeeded"),
        ("failed", "failed"),
        ("*", "failed"),
    ]


@pytest.mark.parametrize("name", ["cancelled", "canceled", "prediction.canceled", "prediction.cancelled"])
def test_every_spelling_of_an_event_registers_the_same_handler(captured: Captured, name: str) -> None:
    receiver = WebhookReceiver(secret=captured.secret, clock=lambda: 1000)
    got: list[str] = []
    receiver.on(name)(lambda p: got.append(p.id))

    result = handle(receiver, signed({"id": "p1", "status": "canceled"}, captured.secret, timestamp=1000))

    assert result.event == "cancelled" and got == ["p1"]


def test_an_envelope_is_dispatched_by_its_type(captured: Captured) -> None:
    receiver = WebhookReceiver(secret=captured.secret, clock=lambda: 1000)
    got: list[Prediction] = []
    receiver.on("prediction.succeeded")(got.append)
    body = {"type": "prediction.succeeded", "data": {"id": "p2", "status": "succeeded", "output": ["u"]}}

    result = handle(receiver, signed(body, captured.secret, timestamp=1000))

    assert result.event == "completed" and got[0].id == "p2" and got[0].outputs() == "u"


def test_a_delivery_without_a_handler_is_acknowledged(receiver: WebhookReceiver, captured: Captured) -> None:
    result = handle(receiver, captured.failed)
    assert result.status_code == 200 and result.handled == 0 and result.event == "failed"


def test_unknown_event_names_are_refused_when_registering(receiver: WebhookReceiver) -> None:
    with pytest.raises(ValueError, match="unknown webhook event 'finished'"):
        receiver.on("finished")
    with pytest.raises(ValueError, match="at least one event"):
        receiver.on()


# ---- signatures and timestamps -------------------------------------------------------------------


@pytest.mark.parametrize("keys", ["secret", "api_key", "both"])
def test_a_bad_signature_is_401_and_runs_no_handler(captured: Captured, keys: str) -> None:
    receiver = WebhookReceiver(
        secret=captured.secret if keys != "api_key" else None,
        api_key=captured.api_key if keys != "secret" else None,
        clock=lambda: captured.sent_at,
    )
    got: list[Prediction] = []
    receiver.on("*")(got.append)

    result = handle(receiver, captured.bad_signature)

    assert result.status_code == 401 and not result.ok and got == []
    assert result.error is not None and result.error.error_id == "WEBHOOK_SIGNATURE_INVALID"
    assert result.body()["error"]["error_id"] == "WEBHOOK_SIGNATURE_INVALID"


def test_a_delivery_without_any_signature_is_401(receiver: WebhookReceiver, captured: Captured) -> None:
    result = receiver.handle({"content-type": "application/json"}, captured.completed.body)
    assert result.status_code == 401


def test_the_secret_and_the_api_key_each_verify_the_same_real_delivery(captured: Captured) -> None:
    for receiver in (
        WebhookReceiver(captured.secret, clock=lambda: captured.sent_at),
        WebhookReceiver(captured.api_key),
    ):
        assert handle(receiver, captured.completed).status_code == 200, receiver


def test_a_stale_timestamp_is_400_when_the_secret_verifies_it(captured: Captured) -> None:
    for receiver in (
        WebhookReceiver(secret=captured.secret, clock=lambda: captured.sent_at),
        WebhookReceiver(secret=captured.secret, api_key=captured.api_key, clock=lambda: captured.sent_at),
    ):
        result = handle(receiver, captured.stale)
        assert result.status_code == 400 and result.error is not None
        assert result.error.error_id == "WEBHOOK_TIMESTAMP_EXPIRED"
        assert re.search(r"is (59\d|60\d) s old", str(result.error.details))


def test_the_api_key_scheme_signs_no_timestamp_so_it_checks_none(captured: Captured) -> None:
    receiver = WebhookReceiver(api_key=captured.api_key, clock=lambda: captured.sent_at)
    assert handle(receiver, captured.stale).status_code == 200


def test_the_tolerance_holds_both_ways(captured: Captured) -> None:
    delivery = signed({"id": "p3", "status": "succeeded"}, captured.secret, timestamp=10_000)
    cases = [
        (10_300, 200, ""),
        (9_700, 200, ""),
        (10_301, 400, "301 s old"),
        (9_699, 400, "301 s in the future"),
    ]
    for now, status, said in cases:
        receiver = WebhookReceiver(secret=captured.secret, tolerance=300, clock=lambda now=now: now)
        result = handle(receiver, delivery)
        assert result.status_code == status, (now, result)
        assert said in str(result.error.details if result.error else "")


def test_a_signed_body_that_is_not_json_is_400(captured: Captured) -> None:
    receiver = WebhookReceiver(secret=captured.secret, clock=lambda: 1000)
    result = handle(receiver, signed(b"not json", captured.secret, timestamp=1000))
    assert result.status_code == 400 and result.error is not None and result.error.error_id == "INVALID_JSON"


# ---- duplicates ----------------------------------------------------------------------------------


def test_a_duplicate_is_acknowledged_without_running_the_handler_again(
    receiver: WebhookReceiver, captured: Captured
) -> None:
    got: list[str] = []
    receiver.on("completed")(lambda p: got.append(p.id))

    first, second = handle(receiver, captured.completed), handle(receiver, captured.completed)

    assert (first.status_code, first.duplicate) == (200, False)
    assert (second.status_code, second.duplicate, second.handled) == (200, True, 0)
    assert second.body()["duplicate"] is True and len(got) == 1


def test_the_api_key_scheme_deduplicates_by_the_body(captured: Captured) -> None:
    receiver = WebhookReceiver(api_key=captured.api_key)
    got: list[str] = []
    receiver.on("*")(lambda p: got.append(p.id))
    without_ids = {k: v for k, v in captured.completed.headers.items() if not k.startswith("webhook-")}

    results = [receiver.handle(without_ids, captured.completed.body) for _ in range(2)]
    other = handle(receiver, captured.failed)

    assert [r.duplicate for r in results] == [False, True] and not other.duplicate
    assert len(got) == 2


def test_a_handler_that_raises_leaves_the_delivery_to_be_retried(
    receiver: WebhookReceiver, captured: Captured
) -> None:
    attempts: list[str] = []

    @receiver.on("completed")
    def flaky(prediction: Prediction) -> None:
        attempts.append(prediction.id)
        if len(attempts) == 1:
            raise RuntimeError("database down")

    with pytest.raises(RuntimeError, match="database down"):
        handle(receiver, captured.completed)
    retry = handle(receiver, captured.completed)

    assert retry.status_code == 200 and not retry.duplicate and len(attempts) == 2


def test_a_delivery_being_handled_is_409_to_its_duplicate(
    receiver: WebhookReceiver, captured: Captured
) -> None:
    entered, release = threading.Event(), threading.Event()

    @receiver.on("completed")
    def slow(prediction: Prediction) -> None:
        entered.set()
        assert release.wait(10)

    results: list[WebhookResult] = []
    worker = threading.Thread(target=lambda: results.append(handle(receiver, captured.completed)))
    worker.start()
    assert entered.wait(10)
    during = handle(receiver, captured.completed)
    release.set()
    worker.join(10)
    after = handle(receiver, captured.completed)

    assert (during.status_code, during.duplicate) == (409, True)
    assert during.body()["error"]["error_id"] == "WEBHOOK_IN_PROGRESS"
    assert results[0].status_code == 200 and (after.status_code, after.duplicate) == (200, True)


def test_concurrent_copies_of_a_delivery_run_the_handler_once(
    receiver: WebhookReceiver, captured: Captured
) -> None:
    calls: list[str] = []
    lock = threading.Lock()

    @receiver.on("completed")
    def count(prediction: Prediction) -> None:
        with lock:
            calls.append(prediction.id)

    start = threading.Barrier(8)
    results: list[WebhookResult] = []

    def send() -> None:
        start.wait(10)
        results.append(handle(receiver, captured.completed))

    threads = [threading.Thread(target=send) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)

    assert len(calls) == 1 and len(results) == 8
    assert sum(not r.duplicate for r in results) == 1
    assert {r.status_code for r in results if r.duplicate} <= {200, 409}


def test_deliveries_are_remembered_for_the_window_and_up_to_the_bound(captured: Captured) -> None:
    now = [1000.0]
    receiver = WebhookReceiver(captured.api_key, dedupe_window=60, max_remembered=2, clock=lambda: now[0])
    bodies = [json.dumps({"id": f"p{i}", "status": "succeeded"}).encode() for i in range(3)]

    def send(body: bytes) -> bool:
        return receiver.handle(
            {"x-skytells-signature": sign_skytells(body, captured.api_key)}, body
        ).duplicate

    assert [send(b) for b in bodies] == [False, False, False]
    assert [send(bodies[2]), send(bodies[1]), send(bodies[0])] == [True, True, False]  # p0 fell off
    now[0] += 61
    assert send(bodies[2]) is False  # the window has passed


def test_the_delivery_log_on_its_own() -> None:
    now = [0.0]
    log = DeliveryLog(window=10, max_entries=5, clock=lambda: now[0])
    assert log.begin("a") == "new" and log.begin("a") == "in_progress"
    log.abandon("a")
    assert log.begin("a") == "new"
    log.finish("a")
    assert log.begin("a") == "done" and len(log) == 1
    now[0] = 11
    assert len(log) == 0 and log.begin("a") == "new"
    with pytest.raises(ValueError):
        DeliveryLog(window=-1)


# ---- sync and async ------------------------------------------------------------------------------


def test_ahandle_awaits_coroutine_handlers_and_calls_plain_ones(
    receiver: WebhookReceiver, captured: Captured
) -> None:
    got: list[str] = []

    @receiver.on("completed")
    async def stored(prediction: Prediction) -> None:
        await asyncio.sleep(0)
        got.append("async " + prediction.status)

    receiver.on("completed")(lambda p: got.append("sync " + p.status))

    result = asyncio.run(receiver.ahandle(captured.completed.headers, captured.completed.body))

    assert result.handled == 2 and got == ["async succeeded", "sync succeeded"]


def test_handle_refuses_a_coroutine_handler_and_lets_the_retry_through(
    receiver: WebhookReceiver, captured: Captured
) -> None:
    @receiver.on("completed")
    async def stored(prediction: Prediction) -> None:
        pass

    with warnings.catch_warnings():
        warnings.simplefilter("error")  # "coroutine was never awaited" would be a warning
        with pytest.raises(TypeError, match="ahandle"):
            handle(receiver, captured.completed)
    assert asyncio.run(receiver.ahandle(captured.completed.headers, captured.completed.body)).handled == 1


def test_the_key_says_which_scheme_it_is_for() -> None:
    assert WebhookReceiver("whsec_MDEyMzQ1").secret == "whsec_MDEyMzQ1"
    assert WebhookReceiver("sk-test-key").api_key == "sk-test-key"
    assert repr(WebhookReceiver("sk-test-key")) == "WebhookReceiver(api_key, handlers=0)"
    with pytest.raises(ValueError, match="secret or an API key"):
        WebhookReceiver()


def test_the_receiver_needs_httpx_only() -> None:
    code = (
        "import sys, skytells.webhooks as w; w.WebhookReceiver('sk-test-x'); "
        "names = ('starlette', 'flask', 'django', 'fastapi', 'skytells.emulator'); "
        "print(sorted(m for m in names if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
