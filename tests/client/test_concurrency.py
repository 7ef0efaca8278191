"""One sync client shared by threads; the async client under cancellation, timeouts and load.

The cancellation and timeout tests run over the async client's own pools (asyncio backend) and over an
injected httpx client (the `transport` fixture), each limited to one connection, so a connection left
checked out would make the next call wait.
"""

from __future__ import annotations

import asyncio
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager

import httpx
import pytest

from skytells import AsyncSkytellsClient, SkytellsClient, SkytellsError
from tests.client.conftest import SHARED_TLS
from tests.waiting import wait_until_async

IMAGE = "flux-pro"


def test_one_sync_client_shared_by_threads(emulator, base_url, api_key):
    errors: list[BaseException] = []
    with SkytellsClient(api_key, base_url=base_url) as client:

        def work(n: int) -> list[str]:
            ids = []
            for i in range(3):
                prediction = client.run(
                    IMAGE, input={"prompt": f"thread {n} run {i}", "width": 256, "height": 256}
                )
                assert prediction.status == "succeeded"
                assert prediction["input"]["prompt"] == f"thread {n} run {i}"
                ids.append(prediction.id)
                client.queue({"model": IMAGE, "input": {"prompt": f"queued {n}-{i}"}})
            return ids

        with ThreadPoolExecutor(max_workers=6) as pool:
            futures = [pool.submit(work, n) for n in range(6)]
            ids = []
            for future in futures:
                try:
                    ids.extend(future.result())
                except BaseException as e:  # collected so every thread's failure is reported
                    errors.append(e)
        dispatched = client.dispatch()

    assert errors == []
    assert len(ids) == len(set(ids)) == 18
    assert len(dispatched) == 18, "no queued item was lost between threads"
    assert sorted(p["input"]["prompt"] for p in dispatched) == sorted(
        f"queued {n}-{i}" for n in range(6) for i in range(3)
    )


def _async_client(base_url, api_key, http=None, **kwargs):
    return AsyncSkytellsClient(api_key, base_url=base_url, http_client=http, **kwargs)


@asynccontextmanager
async def _one_connection(transport, base_url, api_key, **kwargs):
    """An async client with a single connection: its own pools (``max_connections=1``, as users get
    them) or an injected ``httpx.AsyncClient`` limited to one connection."""
    http = None
    if transport == "own":
        kwargs["max_connections"] = 1
    else:
        http = httpx.AsyncClient(limits=httpx.Limits(max_connections=1), verify=SHARED_TLS)
    client = _async_client(base_url, api_key, http, **kwargs)
    try:
        yield client
    finally:
        await client.aclose()
        if http is not None:
            await http.aclose()


async def test_cancelling_the_awaiting_task_leaves_no_connection_checked_out(
    emulator, base_url, api_key, transport, wire
):
    emulator.admin("POST", "/outcomes", json={"model": IMAGE, "outcome": "pending"})
    async with _one_connection(transport, base_url, api_key, timeout=5_000) as client:
        task = asyncio.create_task(client.run(IMAGE, input={"prompt": "held"}))
        await wait_until_async(wire.creates, "the create to reach the server")

        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

        models = await client.models.list()
        assert models, "the only pooled connection was freed"


needs_asyncio_timeout = pytest.mark.skipif(sys.version_info < (3, 11), reason="asyncio.timeout is 3.11+")


@needs_asyncio_timeout
async def test_asyncio_timeout_stops_a_wait_cleanly(emulator, base_url, api_key, transport):
    emulator.admin("POST", "/outcomes", json={"model": IMAGE, "outcome": "pending"})
    async with _one_connection(transport, base_url, api_key, timeout=5_000) as client:
        created = await client.predictions.create({"model": IMAGE, "input": {"prompt": "x"}})

        with pytest.raises(TimeoutError):
            async with asyncio.timeout(0.3):
                await client.wait(created, {"interval": 20})

        assert (await client.predictions.get(created["id"]))["status"] == "pending"


@needs_asyncio_timeout
async def test_asyncio_timeout_around_an_awaited_run(emulator, base_url, api_key, transport):
    emulator.admin("POST", "/outcomes", json={"model": IMAGE, "outcome": "pending"})
    async with _one_connection(transport, base_url, api_key, timeout=5_000) as client:
        with pytest.raises(TimeoutError):
            async with asyncio.timeout(0.3):
                await client.run(IMAGE, input={"prompt": "held"})

        assert await client.models.get(IMAGE)


async def test_wait_for_around_an_awaited_run_frees_the_connection(emulator, base_url, api_key, transport):
    emulator.admin("POST", "/outcomes", json={"model": IMAGE, "outcome": "pending"})
    async with _one_connection(transport, base_url, api_key, timeout=5_000) as client:
        with pytest.raises(asyncio.TimeoutError):
            await asyncio.wait_for(client.run(IMAGE, input={"prompt": "held"}), 0.3)

        assert await client.models.get(IMAGE)


async def test_an_async_progress_callback_is_awaited(emulator, base_url, api_key):
    seen: list[str] = []

    async def on_progress(p):
        await asyncio.sleep(0)
        seen.append(p["status"])

    async with _async_client(base_url, api_key) as client:
        prediction = await client.run(IMAGE, input={"prompt": "x"}, on_progress=on_progress, interval=20)

    assert prediction.status == "succeeded"
    assert seen and seen[-1] == "succeeded"


async def test_async_abort_with_an_asyncio_event(emulator, base_url, api_key):
    emulator.admin("POST", "/outcomes", json={"model": IMAGE, "outcome": "pending"})
    signal = asyncio.Event()
    async with _async_client(base_url, api_key) as client:
        created = await client.predictions.create({"model": IMAGE, "input": {"prompt": "x"}})
        waiting = asyncio.create_task(client.wait(created, {"interval": 50, "signal": signal}))
        await asyncio.sleep(0)
        signal.set()

        with pytest.raises(Exception) as info:
            await waiting

    assert getattr(info.value, "error_id", None) == "ABORTED"


async def test_many_concurrent_runs(emulator, base_url, api_key):
    async with _async_client(base_url, api_key) as client:
        results = await asyncio.gather(
            *(
                client.run(IMAGE, input={"prompt": f"prompt {i}", "width": 256, "height": 256})
                for i in range(40)
            )
        )

    assert [r["input"]["prompt"] for r in results] == [f"prompt {i}" for i in range(40)]
    assert all(r.status == "succeeded" for r in results)
    assert len({r.id for r in results}) == 40


async def test_gather_with_return_exceptions_keeps_successes(emulator, base_url, api_key):
    async with _async_client(base_url, api_key) as client:
        results = await asyncio.gather(
            client.run(IMAGE, input={"prompt": "good"}),
            client.run("no-such-model", input={"prompt": "bad"}),
            return_exceptions=True,
        )

    assert results[0].status == "succeeded"
    assert getattr(results[1], "error_id", None) == "MODEL_NOT_FOUND"


async def test_the_async_client_does_not_block_the_loop(emulator, base_url, api_key):
    """While a run is held by the server, other tasks on the same loop keep running."""
    emulator.admin("POST", "/outcomes", json={"model": IMAGE, "outcome": "pending"})
    ticks = 0
    async with _async_client(base_url, api_key) as client:
        created = await client.predictions.create({"model": IMAGE, "input": {"prompt": "x"}})
        waiting = asyncio.create_task(client.wait(created, {"interval": 20}))
        while ticks < 5:
            await asyncio.sleep(0.01)
            ticks += 1
        assert not waiting.done()
        await client.cancel_prediction(created["id"])
        finished = await waiting

    assert finished["status"] == "cancelled"


def test_an_async_client_made_outside_a_loop_works_inside_one(emulator, base_url, api_key):
    """An AsyncSkytellsClient can be made outside a loop and used inside asyncio.run."""
    client = AsyncSkytellsClient(api_key, base_url=base_url)

    async def use():
        async with client:
            return await client.models.get(IMAGE)

    result: dict = {}
    thread = threading.Thread(target=lambda: result.update(asyncio.run(use())))
    thread.start()
    thread.join()

    assert result["namespace"] == IMAGE


def _cancel(base_url: str, api_key: str, prediction_id: str) -> None:
    reply = httpx.post(
        f"{base_url}/predictions/{prediction_id}/cancel", headers={"x-api-key": api_key}, verify=SHARED_TLS
    )
    reply.raise_for_status()


def test_max_connections_is_applied_to_the_sync_pool(emulator, base_url, api_key):
    """With one connection held by a live event stream, a second call waits for the pool and times out."""
    emulator.admin("POST", "/outcomes", json={"model": IMAGE, "outcome": "pending"})
    with SkytellsClient(api_key, base_url=base_url, max_connections=1, timeout=500) as client:
        created = client.predictions.create({"model": IMAGE, "input": {"prompt": "held"}})
        streaming = threading.Event()

        def hold() -> list:
            events = []
            for event in client.stream_events(created["id"]):
                events.append(event)
                streaming.set()
            return events

        with ThreadPoolExecutor(max_workers=1) as pool:
            held = pool.submit(hold)
            assert streaming.wait(10), "the stream never started"

            try:
                with pytest.raises(SkytellsError) as info:
                    client.models.list()
            finally:
                _cancel(base_url, api_key, created["id"])
            assert held.result()[-1].prediction["status"] == "cancelled"

    assert info.value.error_id == "REQUEST_TIMEOUT", "the only connection was busy"


async def test_max_connections_is_applied_to_the_async_pool(emulator, base_url, api_key):
    emulator.admin("POST", "/outcomes", json={"model": IMAGE, "outcome": "pending"})
    async with AsyncSkytellsClient(api_key, base_url=base_url, max_connections=1, timeout=500) as client:
        created = await client.predictions.create({"model": IMAGE, "input": {"prompt": "held"}})
        streaming = asyncio.Event()

        async def hold() -> list:
            events = []
            async for event in client.stream_events(created["id"]):
                events.append(event)
                streaming.set()
            return events

        held = asyncio.create_task(hold())
        await asyncio.wait_for(streaming.wait(), 10)

        try:
            with pytest.raises(SkytellsError) as info:
                await client.models.list()
        finally:
            await asyncio.to_thread(_cancel, base_url, api_key, created["id"])
        assert (await held)[-1].prediction["status"] == "cancelled"

    assert info.value.error_id == "REQUEST_TIMEOUT", "the only connection was busy"
