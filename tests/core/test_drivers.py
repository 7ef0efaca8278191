"""The two drivers over httpx.MockTransport: what a server cannot produce (timeouts, dropped
connections), the headers on the wire, configuration, and secrets kept out of reprs and logs."""

from __future__ import annotations

import asyncio
import json
import logging
import threading

import httpx
import pytest

from skytells import (
    AbortedError,
    AsyncSkytellsClient,
    NetworkError,
    RequestTimeoutError,
    SkytellsClient,
)
from skytells._transport._async_pools import SHARD_SIZE
from tests.core.core_support import FAKE_KEY

BASE = "https://api.example.test/v1"


def handler_of(answers, seen):
    def handle(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        answer = answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer

    return handle


def sync_client(answers, seen, **kwargs):
    http = httpx.Client(transport=httpx.MockTransport(handler_of(answers, seen)))
    return SkytellsClient(FAKE_KEY, base_url=BASE, http_client=http, **kwargs), http


def ok(body):
    return httpx.Response(200, json=body)


def test_headers_on_the_wire():
    seen: list[httpx.Request] = []
    client, _ = sync_client([ok({"id": "p1", "status": "pending"})], seen, headers={"X-Team": "a"})
    client.predictions.create(model="flux-pro", input={"prompt": "x"})
    (request,) = seen
    assert str(request.url) == BASE + "/predictions"
    assert request.headers["x-api-key"] == FAKE_KEY
    assert request.headers["content-type"] == "application/json"
    assert request.headers["user-agent"].startswith("skytells-python/")
    assert request.headers["x-team"] == "a" and len(request.headers["idempotency-key"]) == 36
    assert json.loads(request.content) == {"model": "flux-pro", "input": {"prompt": "x"}, "await": False}


def test_a_timeout_is_request_timeout_408():
    client, _ = sync_client([httpx.ReadTimeout("timed out")], [], timeout=1500)
    with pytest.raises(RequestTimeoutError) as info:
        client.predictions.get("p1")
    assert (info.value.error_id, info.value.http_status) == ("REQUEST_TIMEOUT", 408)
    assert "1500ms" in str(info.value)


def test_no_response_is_network_error_0_and_is_retried():
    seen: list[httpx.Request] = []
    client, _ = sync_client([httpx.ConnectError("refused")], seen)
    with pytest.raises(NetworkError) as info:
        client.models.list()
    assert (info.value.error_id, info.value.http_status) == ("NETWORK_ERROR", 0)
    answers = [httpx.RemoteProtocolError("dropped"), ok({"id": "p1", "status": "pending"})]
    client, _ = sync_client(answers, seen, retry={"retries": 1, "retry_delay": 1})
    client.predictions.create(model="m", input={})
    assert seen[-1].headers["idempotency-key"] == seen[-2].headers["idempotency-key"]


def test_an_injected_http_client_is_left_open():
    client, http = sync_client([], [])
    client.close()
    assert not http.is_closed
    own = SkytellsClient(FAKE_KEY, base_url=BASE)
    with own:
        pass
    assert own._transport.http.is_closed


def test_configuration_from_the_environment(monkeypatch):
    monkeypatch.setenv("SKYTELLS_API_KEY", FAKE_KEY)
    monkeypatch.setenv("SKYTELLS_BASE_URL", "http://127.0.0.1:1/v1/")
    client = SkytellsClient()
    assert client.base_url == "http://127.0.0.1:1/v1" and client._ctx.config.api_key == FAKE_KEY
    options = SkytellsClient("sk-test-other", {"base_url": BASE, "timeout": 5000, "retry": {"retries": 2}})
    assert (options.base_url, options.timeout, options.retry.retries) == (BASE, 5000, 2)
    assert SkytellsClient(options={"timeout": 5000}, timeout=7000).timeout == 7000


def test_the_key_never_shows_in_reprs_or_logs(caplog):
    caplog.set_level(logging.DEBUG, logger="skytells")
    answers = [httpx.Response(500, json={"error": {"error_id": "INTERNAL_ERROR", "message": "x"}}), ok([])]
    client, _ = sync_client(answers, [], retry={"retries": 1, "retry_delay": 1})
    client.models.list()
    assert caplog.records, "debug and retry lines are logged"
    assert FAKE_KEY not in caplog.text
    assert FAKE_KEY not in repr(client) + repr(client._ctx.config)


#: A poll interval no test outlives: a wait the abort did not interrupt fails on the test's timeout.
AN_HOUR_MS = 3_600_000


@pytest.mark.timeout(30)
def test_sync_abort_signal_interrupts_a_poll_sleep():
    signal = threading.Event()
    answers = [ok({"id": "p1", "status": "processing"})]
    client, _ = sync_client(answers, [])
    threading.Timer(0.05, signal.set).start()
    with pytest.raises(AbortedError):
        client.wait("p1", interval=AN_HOUR_MS, signal=signal)


async def test_async_driver_same_behaviour():
    seen: list[httpx.Request] = []
    answers = [
        httpx.Response(503, json={"error": {"error_id": "INFRASTRUCTURE_ERROR", "message": "busy"}}),
        ok({"id": "p1", "status": "succeeded", "output": ["u"]}),
    ]

    async def handle(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return answers.pop(0)

    http = httpx.AsyncClient(transport=httpx.MockTransport(handle))
    async with AsyncSkytellsClient(
        FAKE_KEY, base_url=BASE, http_client=http, retry={"retries": 1, "retry_delay": 1}
    ) as client:
        prediction = await client.run("flux-pro", input={"prompt": "x"})
    assert prediction.outputs() == "u" and len(seen) == 2
    assert seen[0].headers["idempotency-key"] == seen[1].headers["idempotency-key"]
    assert not http.is_closed
    await http.aclose()


@pytest.mark.timeout(30)
async def test_async_abort_with_an_asyncio_event():
    async def handle(request: httpx.Request) -> httpx.Response:
        return ok({"id": "p1", "status": "processing"})

    http = httpx.AsyncClient(transport=httpx.MockTransport(handle))
    client = AsyncSkytellsClient(FAKE_KEY, base_url=BASE, http_client=http)
    signal = asyncio.Event()
    asyncio.get_running_loop().call_later(0.05, signal.set)
    with pytest.raises(AbortedError):
        await client.wait("p1", {"interval": AN_HOUR_MS, "signal": signal})
    await http.aclose()


@pytest.mark.timeout(30)
async def test_async_abort_with_a_threading_event_set_by_another_thread():
    async def handle(request: httpx.Request) -> httpx.Response:
        return ok({"id": "p1", "status": "processing"})

    http = httpx.AsyncClient(transport=httpx.MockTransport(handle))
    client = AsyncSkytellsClient(FAKE_KEY, base_url=BASE, http_client=http)
    signal = threading.Event()
    threading.Timer(0.05, signal.set).start()
    with pytest.raises(AbortedError):
        await client.wait("p1", {"interval": AN_HOUR_MS, "signal": signal})
    await http.aclose()


async def test_the_async_pool_is_split_and_a_lone_caller_stays_on_one_shard():
    size = SHARD_SIZE
    client = AsyncSkytellsClient(FAKE_KEY, base_url=BASE, max_connections=4 * size)
    pools = client._transport.pools
    assert len(pools.shards) == 1 and pools._pick() == 0  # one shard until a burst needs more
    pools._in_flight[:] = [size]
    assert pools._pick() == 1 and len(pools.shards) == 2
    pools._in_flight[:] = [size, 3]
    assert pools._pick() == 1
    pools._in_flight[:] = [size, size]
    assert pools._pick() == 2
    pools._in_flight[:] = [size, size, size]
    assert pools._pick() == 3 and len(pools.shards) == 4
    pools._in_flight[:] = [size] * 4
    assert pools._pick() == 0 and len(pools.shards) == 4  # the limit is reached: the least busy
    pools._in_flight[:] = [size + 6, size, size + 1, size + 2]
    assert pools._pick() == 1
    await client.aclose()
    assert all(shard.is_closed for shard in pools.shards)
