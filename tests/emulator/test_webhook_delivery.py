"""Webhook option parsing, signatures, retries, allow-list and the delivery log, with a real receiver."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
import threading
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest

from skytells.emulator.errors import ApiError
from skytells.emulator.webhooks.dispatcher import WebhookDispatcher
from skytells.emulator.webhooks.options import normalize_webhook
from skytells.emulator.webhooks.signing import new_secret
from skytells.webhooks import parse_webhook, verify_skytells_signature, verify_standard_signature

API_KEY = "sk-test-webhook-signing-key"
PREDICTION = {
    "id": "2b0c7d7e-0000-4000-8000-000000000001",
    "status": "succeeded",
    "output": ["http://x/o.webp"],
}


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Receiver:
    """A real HTTP server on 127.0.0.1 that records requests and answers with scripted statuses."""

    statuses: list[int] = field(default_factory=list)  # answered in order; 200 once used up
    hang: threading.Event | None = None  # when set up, requests wait until it is set
    retry_after: str | None = None  # sent with every non-2xx answer
    received: list[Received] = field(default_factory=list)
    arrived: threading.Condition = field(default_factory=threading.Condition)
    port: int = 0

    def url(self, path: str = "/hook", host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.port}{path}"

    def wait_for(self, count: int, timeout: float = 10.0) -> list[Received]:
        with self.arrived:
            assert self.arrived.wait_for(lambda: len(self.received) >= count, timeout), self.received
            return list(self.received)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    state = Receiver()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            with state.arrived:
                state.received.append(
                    Received(self.path, {k.lower(): v for k, v in self.headers.items()}, body)
                )
                status = state.statuses.pop(0) if state.statuses else 200
                state.arrived.notify_all()
            if state.hang is not None:
                state.hang.wait(10)
            try:
                self.send_response(status)
                if state.retry_after is not None and status >= 300:
                    self.send_header("Retry-After", state.retry_after)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")
            except OSError:  # the sender gave up (a cancelled delivery)
                pass

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    state.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    yield state
    if state.hang is not None:
        state.hang.set()
    server.shutdown()
    server.server_close()


@pytest.fixture
async def dispatcher() -> AsyncIterator[WebhookDispatcher]:
    hooks = WebhookDispatcher(
        allow_hosts=("127.0.0.1",), retry_schedule=(0.01, 0.02, 0.04, 0.08), timeout=2.0
    )
    await hooks.start()
    yield hooks
    await hooks.stop()


class RetryWaits:
    """Stands in for the dispatcher module's ``asyncio``: records the retry waits it asks for, skips them."""

    def __init__(self) -> None:
        self.seconds: list[float] = []

    def __getattr__(self, name: str) -> Any:
        return getattr(asyncio, name)

    async def sleep(self, seconds: float) -> None:
        self.seconds.append(seconds)
        await asyncio.sleep(0)


@pytest.fixture
def retry_waits(monkeypatch: pytest.MonkeyPatch) -> RetryWaits:
    """The waits between delivery attempts, recorded instead of waited (no assertion on wall time)."""
    from skytells.emulator.webhooks import dispatcher as dispatcher_module

    waits = RetryWaits()
    monkeypatch.setattr(dispatcher_module, "asyncio", waits)
    return waits


def notify(
    hooks: WebhookDispatcher, url: str, event: str = "completed", events: Any = None, **extra: Any
) -> Any:
    webhook = normalize_webhook({"url": url, "events": events})
    arguments: dict[str, Any] = {"signing_key": API_KEY, "secret": None, "account": "acct-1", **extra}
    return hooks.notify(webhook=webhook, event=event, prediction=PREDICTION, **arguments)


# ---- the webhook option -------------------------------------------------------------------------


def test_normalize_accepts_an_object_or_a_url_with_an_events_filter() -> None:
    assert normalize_webhook({"url": "https://example.com/h", "events": ["completed", "failed"]}) == {
        "url": "https://example.com/h",
        "events": ["completed", "failed"],
    }
    assert normalize_webhook("http://127.0.0.1:9/h", ["prediction.succeeded"]) == {
        "url": "http://127.0.0.1:9/h",
        "events": ["prediction.succeeded"],
    }
    every_terminal = ["completed", "failed", "canceled"]
    assert normalize_webhook("https://example.com/h")["events"] == every_terminal  # type: ignore[index]
    assert normalize_webhook({"url": "https://example.com/h", "events": []})["events"] == every_terminal  # type: ignore[index]
    assert normalize_webhook(None) is None and normalize_webhook("") is None


@pytest.mark.parametrize(
    "name",
    ["started", "completed", "failed", "canceled", "cancelled", "prediction.started", "prediction.succeeded",
     "prediction.failed", "prediction.cancelled", "prediction.canceled"],
)  # fmt: skip
def test_every_documented_event_name_is_accepted(name: str) -> None:
    assert normalize_webhook({"url": "https://example.com/h", "events": [name]}) == {
        "url": "https://example.com/h",
        "events": [name],
    }


@pytest.mark.parametrize(
    ("value", "events_filter", "words"),
    [
        ({"url": "ftp://example.com/h"}, None, "http:// or https://"),
        ({"url": "https://"}, None, "http:// or https://"),
        ({"url": "not a url"}, None, "http:// or https://"),
        ({"url": 42}, None, "'webhook.url'"),
        ({"events": ["completed"]}, None, "'webhook.url'"),
        ({"url": "https://example.com/h", "events": ["finished"]}, None, "Unknown webhook event 'finished'"),
        ({"url": "https://example.com/h", "events": "completed,failed"}, None, "Unknown webhook event"),
        ({"url": "https://example.com/h", "events": [1]}, None, "list of event names"),
        (["https://example.com/h"], None, "URL string or an object"),
        (None, ["completed"], "needs a 'webhook' URL"),
        ("https://example.com:99999/h", None, "not a valid URL"),
    ],
)
def test_bad_webhook_options_are_invalid_parameter(value: Any, events_filter: Any, words: str) -> None:
    with pytest.raises(ApiError) as caught:
        normalize_webhook(value, events_filter)
    assert (caught.value.error_id, caught.value.status) == ("INVALID_PARAMETER", 400)
    assert words in caught.value.message


def test_new_secret_is_a_whsec_with_24_to_64_random_bytes() -> None:
    secret = new_secret()
    assert secret.startswith("whsec_") and secret != new_secret()
    assert 24 <= len(base64.b64decode(secret.removeprefix("whsec_"))) <= 64


# ---- delivery -----------------------------------------------------------------------------------


async def test_a_delivery_carries_the_prediction_and_both_verifiable_signatures(
    dispatcher: WebhookDispatcher, receiver: Receiver
) -> None:
    secret = new_secret()
    delivery_id = notify(dispatcher, receiver.url(), secret=secret)
    (request,) = await asyncio.to_thread(receiver.wait_for, 1)
    await dispatcher.wait_idle()
    assert request.path == "/hook" and json.loads(request.body) == PREDICTION
    assert request.headers["content-type"] == "application/json"
    assert request.headers["user-agent"].startswith("Skytells-Webhooks/")
    expected_hex = hmac.new(API_KEY.encode(), request.body, hashlib.sha256).hexdigest()
    assert request.headers["x-skytells-signature"] == expected_hex
    msg_id, timestamp = request.headers["webhook-id"], request.headers["webhook-timestamp"]
    key = base64.b64decode(secret.removeprefix("whsec_"))
    signed = f"{msg_id}.{timestamp}.".encode() + request.body
    expected_b64 = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
    assert request.headers["webhook-signature"] == f"v1,{expected_b64}"
    assert msg_id == delivery_id
    (entry,) = dispatcher.deliveries()
    assert entry["status"] == "delivered" and entry["attempts"] == 1 and entry["response_status"] == 200
    assert entry["prediction_id"] == PREDICTION["id"] and entry["event"] == "completed"


async def test_events_are_filtered(dispatcher: WebhookDispatcher, receiver: Receiver) -> None:
    url = receiver.url()
    assert notify(dispatcher, url, "started", ["completed"]) is None
    assert notify(dispatcher, url, "failed", ["completed"]) is None
    assert notify(dispatcher, url, "cancelled", ["prediction.succeeded"]) is None
    assert notify(dispatcher, receiver.url("/done"), "succeeded", ["prediction.succeeded"]) is not None
    assert notify(dispatcher, receiver.url("/cancel"), "cancelled", ["canceled"]) is not None
    assert notify(dispatcher, receiver.url("/start"), "started", ["prediction.started"]) is not None
    await dispatcher.wait_idle()
    assert sorted(r.path for r in receiver.received) == ["/cancel", "/done", "/start"]
    assert sorted(e["event"] for e in dispatcher.deliveries()) == ["canceled", "completed", "started"]


async def test_terminal_events_are_retried_until_a_2xx(
    dispatcher: WebhookDispatcher, receiver: Receiver
) -> None:
    receiver.statuses = [500, 503]
    notify(dispatcher, receiver.url(), secret=new_secret())
    await dispatcher.wait_idle()
    attempts = receiver.received
    assert len(attempts) == 3
    assert len({r.headers["webhook-id"] for r in attempts}) == 1  # the same message on every attempt
    assert len({r.body for r in attempts}) == 1
    (entry,) = dispatcher.deliveries()
    assert (entry["status"], entry["attempts"], entry["response_status"]) == ("delivered", 3, 200)


async def test_a_receivers_retry_after_is_honoured(receiver: Receiver, retry_waits: RetryWaits) -> None:
    receiver.statuses, receiver.retry_after = [429], "0.3"
    hooks = WebhookDispatcher(allow_hosts=("127.0.0.1",), retry_schedule=(0.0,))
    await hooks.start()
    try:
        notify(hooks, receiver.url())
        await hooks.wait_idle()
    finally:
        await hooks.stop()
    assert len(receiver.received) == 2
    assert retry_waits.seconds == [0.3], "the retry waited what the receiver asked, not the schedule's 0"
    assert hooks.deliveries()[0]["status"] == "delivered"


async def test_a_retry_after_applies_to_the_next_retry_only(retry_waits: RetryWaits) -> None:
    sent: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        if len(sent) == 1:
            return httpx.Response(503, headers={"Retry-After": "1"})
        if len(sent) == 2:
            raise httpx.ConnectError("refused", request=request)
        return httpx.Response(200)

    hooks = WebhookDispatcher(
        allow_hosts=("127.0.0.1",), retry_schedule=(0.0,) * 4, transport=httpx.MockTransport(answer)
    )
    await hooks.start()
    try:
        notify(hooks, "http://127.0.0.1:9/hook")
        await hooks.wait_idle()
    finally:
        await hooks.stop()
    assert len(sent) == 3 and hooks.deliveries()[0]["status"] == "delivered"
    # the 503's Retry-After was honoured, and not again after the connection error that followed
    assert retry_waits.seconds == [1.0, 0.0]


async def test_a_terminal_event_fails_after_the_last_retry(
    dispatcher: WebhookDispatcher, receiver: Receiver
) -> None:
    receiver.statuses = [500] * 10
    notify(dispatcher, receiver.url())
    await dispatcher.wait_idle()
    assert len(receiver.received) == 5
    (entry,) = dispatcher.deliveries()
    assert (entry["status"], entry["attempts"], entry["last_error"]) == ("failed", 5, "HTTP 500")


async def test_started_is_sent_once(dispatcher: WebhookDispatcher, receiver: Receiver) -> None:
    receiver.statuses = [500, 500]
    notify(dispatcher, receiver.url(), "started", ["started"])
    await dispatcher.wait_idle()
    assert len(receiver.received) == 1
    assert dispatcher.deliveries()[0]["status"] == "failed"


async def test_connection_errors_are_retried_and_logged(
    dispatcher: WebhookDispatcher, receiver: Receiver
) -> None:
    closed = ThreadingHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler)
    port = closed.server_address[1]
    closed.server_close()  # nothing listens there now
    notify(dispatcher, f"http://127.0.0.1:{port}/hook")
    await dispatcher.wait_idle()
    (entry,) = dispatcher.deliveries()
    assert entry["status"] == "failed" and entry["attempts"] == 5 and entry["response_status"] is None
    assert "Connect" in entry["last_error"]


async def test_hosts_outside_the_allow_list_are_blocked_and_never_contacted(
    dispatcher: WebhookDispatcher, receiver: Receiver
) -> None:
    notify(dispatcher, receiver.url(host="localhost"))  # the same receiver, by a name not allowed
    await dispatcher.wait_idle()
    assert receiver.received == []
    (entry,) = dispatcher.deliveries()
    assert entry["status"] == "blocked" and entry["attempts"] == 0 and "localhost" in entry["last_error"]


async def test_notify_returns_at_once_while_the_receiver_hangs(receiver: Receiver) -> None:
    receiver.hang = threading.Event()
    hooks = WebhookDispatcher(allow_hosts=("127.0.0.1",), timeout=30.0)
    await hooks.start()
    try:
        notify(hooks, receiver.url())
        assert hooks.deliveries()[0]["status"] == "pending"  # back here before any answer
        await asyncio.to_thread(receiver.wait_for, 1)  # the request is in flight and unanswered
        assert hooks.deliveries()[0]["status"] == "pending"
    finally:
        await hooks.stop()  # cancels the hanging request instead of waiting for it
    receiver.hang.set()


async def test_notify_from_another_thread(dispatcher: WebhookDispatcher, receiver: Receiver) -> None:
    await asyncio.to_thread(notify, dispatcher, receiver.url())
    await asyncio.to_thread(receiver.wait_for, 1)
    await dispatcher.wait_idle()
    assert dispatcher.deliveries()[0]["status"] == "delivered"


async def test_the_log_never_holds_a_key_or_secret_and_filters_by_account(
    dispatcher: WebhookDispatcher, receiver: Receiver
) -> None:
    secret = new_secret()
    notify(dispatcher, receiver.url(), secret=secret, account="acct-1")
    notify(dispatcher, receiver.url(), secret=secret, account="acct-2")
    await dispatcher.wait_idle()
    log = json.dumps(dispatcher.deliveries())
    assert API_KEY not in log and secret not in log and secret.removeprefix("whsec_") not in log
    assert len(dispatcher.deliveries(account="acct-2")) == 1 and len(dispatcher.deliveries()) == 2
    dispatcher.clear()
    assert dispatcher.deliveries() == []


async def test_notifications_before_start_are_sent_once_started(receiver: Receiver) -> None:
    hooks = WebhookDispatcher(allow_hosts=("127.0.0.1",))
    notify(hooks, receiver.url())
    await hooks.start()
    try:
        await hooks.wait_idle()
        assert len(receiver.received) == 1 and hooks.deliveries()[0]["status"] == "delivered"
    finally:
        await hooks.stop()


async def test_a_wildcard_allow_list_allows_every_host(receiver: Receiver) -> None:
    hooks = WebhookDispatcher(allow_hosts=("*",))
    await hooks.start()
    try:
        notify(hooks, receiver.url(host="localhost"))
        await hooks.wait_idle()
        assert hooks.deliveries()[0]["status"] == "delivered"
    finally:
        await hooks.stop()


# ---- test switches and replay --------------------------------------------------------------------


async def test_switches_spoil_signatures_age_timestamps_and_duplicate(
    dispatcher: WebhookDispatcher, receiver: Receiver
) -> None:
    secret = new_secret()
    dispatcher.configure(bad_signature=True)
    notify(dispatcher, receiver.url("/bad"), secret=secret)
    await dispatcher.wait_idle()
    dispatcher.configure(bad_signature=False, stale_timestamp=True)
    notify(dispatcher, receiver.url("/stale"), secret=secret)
    await dispatcher.wait_idle()
    dispatcher.configure(stale_timestamp=False, duplicate=True)
    notify(dispatcher, receiver.url("/twice"), secret=secret)
    await dispatcher.wait_idle()
    bad, stale, *twice = receiver.received
    assert not verify_skytells_signature(bad.body, bad.headers["x-skytells-signature"], API_KEY)
    assert not verify_standard_signature(bad.body, bad.headers, secret)
    assert json.loads(bad.body) == PREDICTION  # the body itself is intact
    assert not verify_standard_signature(stale.body, stale.headers, secret)  # too old for the 5-minute window
    assert verify_standard_signature(stale.body, stale.headers, secret, tolerance=3600)
    assert [r.path for r in twice] == ["/twice", "/twice"]
    assert twice[0].headers["webhook-id"] == twice[1].headers["webhook-id"]
    dispatcher.clear()
    assert not any(dispatcher.switches.values())


def test_unknown_switches_are_invalid_parameter() -> None:
    hooks = WebhookDispatcher()
    with pytest.raises(ApiError, match="Unknown webhook test switch 'loud'"):
        hooks.configure(loud=True)
    with pytest.raises(ApiError, match="'duplicate' must be true or false"):
        hooks.configure(duplicate="yes")  # type: ignore[arg-type]
    assert hooks.configure(duplicate=True)["duplicate"] is True


async def test_replay_sends_a_logged_delivery_again(
    dispatcher: WebhookDispatcher, receiver: Receiver
) -> None:
    receiver.statuses = [500] * 5
    delivery_id = notify(dispatcher, receiver.url(), secret=new_secret())
    await dispatcher.wait_idle()
    assert dispatcher.deliveries()[0]["status"] == "failed"
    replayed = dispatcher.replay(delivery_id)
    assert replayed is not None and replayed["status"] == "pending"
    await dispatcher.wait_idle()
    (entry,) = dispatcher.deliveries()
    assert (entry["status"], entry["attempts"]) == ("delivered", 1)
    assert len(receiver.received) == 6 and {r.headers["webhook-id"] for r in receiver.received} == {
        delivery_id
    }
    assert dispatcher.replay("msg_unknown") is None


# ---- end to end, through the emulator -----------------------------------------------------------


def verify_both_signatures(request: Received, api_key: str, secret: str) -> None:
    expected_hex = hmac.new(api_key.encode(), request.body, hashlib.sha256).hexdigest()
    assert request.headers["x-skytells-signature"] == expected_hex
    key = base64.b64decode(secret.removeprefix("whsec_"))
    signed = (
        f"{request.headers['webhook-id']}.{request.headers['webhook-timestamp']}.".encode() + request.body
    )
    expected = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
    assert f"v1,{expected}" in request.headers["webhook-signature"].split(" ")


def test_the_emulator_delivers_signed_webhooks_for_a_prediction(
    emulator: Any, api_key: str, receiver: Receiver
) -> None:
    import httpx

    with httpx.Client(base_url=emulator.base_url, headers={"x-api-key": api_key}, timeout=30) as http:
        secret = http.get("/webhooks/default/secret").json()["secret"]
        created = http.post(
            "/predictions",
            json={"model": "truefusion-edge", "input": {"prompt": "A cat"},
                  "webhook": {"url": receiver.url(), "events": ["started", "completed"]}},
        ).json()  # fmt: skip
        requests = receiver.wait_for(2)
        final = http.get(f"/predictions/{created['id']}").json()
    assert not any("x-skytells-event" in r.headers for r in requests)  # no client reads such a header
    by_status = {json.loads(r.body)["status"]: json.loads(r.body) for r in requests}  # as receivers route
    by_event = {"started": by_status["started"], "completed": by_status["succeeded"]}
    assert set(by_status) == {"started", "succeeded"}
    assert by_event["started"]["id"] == by_event["completed"]["id"] == created["id"]
    assert by_event["started"]["output"] is None
    completed = by_event["completed"]
    assert completed["status"] == "succeeded" and completed["output"] == final["output"]
    for request in requests:
        verify_both_signatures(request, api_key, secret)
        for proof in ({"api_key": api_key}, {"secret": secret}):  # the SDK's verifier agrees
            assert parse_webhook(request.body, request.headers, **proof)["id"] == created["id"]
    log = emulator.admin("GET", "/webhooks/deliveries")
    entries = log["data"] if isinstance(log, dict) else log
    assert {e["event"] for e in entries} == {"started", "completed"}
    assert api_key not in json.dumps(log) and secret not in json.dumps(log)


def test_the_emulator_blocks_webhooks_to_hosts_not_allowed(emulator: Any, api_key: str) -> None:
    import httpx

    with httpx.Client(base_url=emulator.base_url, headers={"x-api-key": api_key}, timeout=30) as http:
        created = http.post(
            "/predictions",
            json={"model": "truefusion-edge", "input": {"prompt": "A cat"}, "await": True,
                  "webhook": "https://hooks.example.com/skytells"},
        ).json()  # fmt: skip
    assert created["status"] == "succeeded"
    log = emulator.admin("GET", "/webhooks/deliveries")
    entries = log["data"] if isinstance(log, dict) else log
    assert [(e["status"], e["attempts"]) for e in entries] == [("blocked", 0)]


def test_the_admin_api_sets_test_switches_and_replays_deliveries(
    emulator: Any, api_key: str, receiver: Receiver
) -> None:
    import httpx

    assert emulator.admin("POST", "/webhooks/settings", {"bad_signature": True})["bad_signature"] is True
    with httpx.Client(base_url=emulator.base_url, headers={"x-api-key": api_key}, timeout=30) as http:
        http.post(
            "/predictions",
            json={"model": "truefusion-edge", "input": {"prompt": "A cat"}, "webhook": receiver.url()},
        ).raise_for_status()
        (spoiled,) = receiver.wait_for(1)
        assert not verify_skytells_signature(spoiled.body, spoiled.headers["x-skytells-signature"], api_key)
        emulator.admin("POST", "/webhooks/settings", {"bad_signature": False})
        (entry,) = emulator.admin("GET", "/webhooks/deliveries")
        emulator.admin("POST", f"/webhooks/deliveries/{entry['id']}/replay")
        replayed = receiver.wait_for(2)[1]
        assert verify_skytells_signature(replayed.body, replayed.headers["x-skytells-signature"], api_key)
        assert replayed.headers["webhook-id"] == spoiled.headers["webhook-id"] == entry["id"]
        admin = emulator.root_url + "/_emulator/webhooks"
        wrong = http.post(f"{admin}/settings", json={"loud": True})
        missing = http.post(f"{admin}/deliveries/msg_nothing/replay")
    assert (wrong.status_code, wrong.json()["error"]["error_id"]) == (400, "INVALID_PARAMETER")
    assert missing.status_code == 404


async def test_a_payload_with_non_json_values_is_still_delivered(
    dispatcher: WebhookDispatcher, receiver: Receiver
) -> None:
    from datetime import datetime, timezone

    payload = {**PREDICTION, "completed_at": datetime(2026, 1, 1, tzinfo=timezone.utc), "note": "café"}
    webhook = normalize_webhook(receiver.url())
    dispatcher.notify(
        signing_key=API_KEY, secret=None, webhook=webhook, event="completed", prediction=payload
    )
    await dispatcher.wait_idle()
    body = json.loads(receiver.received[0].body)
    assert body["completed_at"].startswith("2026-01-01") and body["note"] == "café"
