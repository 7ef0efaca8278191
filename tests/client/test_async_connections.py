"""The async client's own connections: httpcore pools on asyncio transports, split into shards.

Most behaviour of these connections is covered by every async test that uses the client's own pools.
Here are the cases the emulator does not produce on its own, against small real servers on
127.0.0.1: a body far larger than the read buffer, a server closing an idle keep-alive connection,
TLS, a server that never answers, a refused connection, and a stream left early. The backend is
tested on a bare ``httpcore.AsyncConnectionPool`` (its public API), the rest through the client.
"""

from __future__ import annotations

import asyncio
import socket
import ssl
import threading

import httpcore
import pytest

from skytells import AsyncSkytellsClient, SkytellsError
from skytells._core._effects import Reply, Request
from skytells._transport._async import STARTS_PER_TURN
from skytells._transport._asyncio_backend import HIGH_WATER, AsyncioBackend
from skytells._transport._httpx import shared_ssl_context
from skytells._transport._ramp import Ramp
from tests.client.bare_server import http_server, read_request, response
from tests.waiting import wait_until_async


def backend_pool(**kwargs: object) -> httpcore.AsyncConnectionPool:
    """An httpcore pool on the asyncio backend, as each shard of the client has."""
    return httpcore.AsyncConnectionPool(network_backend=AsyncioBackend(), **kwargs)  # type: ignore[arg-type]


async def test_a_body_many_times_the_read_buffer_arrives_whole_when_read_slowly():
    body = bytes(range(256)) * (12 * HIGH_WATER // 256)  # 3 MiB: reading pauses and resumes

    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await read_request(reader)
        writer.write(response(body))
        await writer.drain()
        writer.close()

    async with http_server(handler) as origin, backend_pool() as http:
        async with http.stream("GET", origin + "/big") as streamed:
            parts = []
            async for part in streamed.aiter_stream():
                parts.append(part)
                await asyncio.sleep(0)  # the consumer lags behind the socket
        assert b"".join(parts) == body


async def test_a_keep_alive_connection_the_server_closed_while_idle_is_replaced():
    connections: list[int] = []
    closed = asyncio.Event()

    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        connections.append(len(connections))
        if await read_request(reader) is None:
            return
        writer.write(response(b"first" if len(connections) == 1 else b"second"))
        await writer.drain()
        writer.close()  # no "Connection: close": the client thinks it may reuse the connection
        await writer.wait_closed()
        closed.set()

    async with http_server(handler) as origin, backend_pool() as http:
        assert (await http.request("GET", origin + "/")).content == b"first"
        await closed.wait()
        second = await http.request("GET", origin + "/")
    assert second.content == b"second"
    assert len(connections) == 2


async def test_a_close_the_loop_has_not_read_yet_is_still_seen_before_reuse():
    """The server closes while this loop is busy (blocked here on purpose): only the socket knows."""
    listener = socket.create_server(("127.0.0.1", 0))
    origin = f"http://127.0.0.1:{listener.getsockname()[1]}"
    answered, closed = threading.Event(), threading.Event()

    def serve() -> None:
        for body in (b"first", b"second"):
            conn, _ = listener.accept()
            with conn:
                data = b""
                while b"\r\n\r\n" not in data:
                    data += conn.recv(65536)
                conn.sendall(response(body))
                answered.wait(10)  # keep the connection open until the client has read the answer
            closed.set()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        async with backend_pool() as http:
            assert (await http.request("GET", origin + "/")).content == b"first"
            answered.set()
            assert closed.wait(10)  # blocks the loop: the FIN is in the kernel, unread by asyncio
            assert (await http.request("GET", origin + "/")).content == b"second"
    finally:
        thread.join(10)
        listener.close()


async def test_tls_connections_verify_the_server_and_expose_the_session(tmp_path, monkeypatch):
    trustme = pytest.importorskip("trustme")
    authority = trustme.CA()
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    authority.issue_cert("localhost").configure_cert(server_context)
    client_context = ssl.create_default_context()
    authority.configure_trust(client_context)

    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        while await read_request(reader) is not None:
            writer.write(response(b"over tls"))
            await writer.drain()
        writer.close()

    async with http_server(handler, tls=server_context) as origin:
        async with backend_pool(ssl_context=client_context) as http:
            answered = await http.request("GET", origin + "/")
            again = await http.request("GET", origin + "/")
            stream = answered.extensions["network_stream"]
            assert answered.content == again.content == b"over tls"
            assert stream.get_extra_info("ssl_object").version().startswith("TLS")
        async with backend_pool(ssl_context=ssl.create_default_context()) as untrusting:
            with pytest.raises(httpcore.ConnectError):
                await untrusting.request("GET", origin + "/")

        async with AsyncSkytellsClient("sk-test-tls", base_url=origin + "/v1") as client:
            with pytest.raises(SkytellsError) as refused:  # the SDK's shared context does not know the CA
                await client.models.list()
        assert refused.value.error_id == "NETWORK_ERROR"

        authority.cert_pem.write_to_path(str(tmp_path / "ca.pem"))
        monkeypatch.setenv("SSL_CERT_FILE", str(tmp_path / "ca.pem"))  # read by the shared context
        shared_ssl_context.cache_clear()
        try:
            async with AsyncSkytellsClient("sk-test-tls", base_url=origin + "/v1") as client:
                reply = await client._transport.send(Request("GET", "/models", expect="bytes"))
        finally:
            shared_ssl_context.cache_clear()
        assert isinstance(reply, Reply) and reply.content == b"over tls"


async def test_a_server_that_never_answers_is_a_read_timeout():
    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await read_request(reader)
        await reader.read()  # holds the connection until the client gives up

    async with http_server(handler) as origin, backend_pool() as http:
        with pytest.raises(httpcore.ReadTimeout):
            await http.request("GET", origin + "/", extensions={"timeout": {"read": 0.2}})

        client = AsyncSkytellsClient("sk-test-timeouts", base_url=origin + "/v1", timeout=200)
        with pytest.raises(SkytellsError) as info:
            await client.models.list()
        await client.aclose()
    assert info.value.error_id == "REQUEST_TIMEOUT"


async def test_a_refused_connection_is_a_network_error():
    async with http_server(read_request) as origin:  # a port that was open a moment ago
        pass
    client = AsyncSkytellsClient("sk-test-refused", base_url=origin + "/v1")
    with pytest.raises(SkytellsError) as info:
        await client.models.list()
    await client.aclose()
    assert info.value.error_id == "NETWORK_ERROR"


async def test_a_proxy_from_the_environment_is_used(emulator, api_key, monkeypatch):
    for name in ("NO_PROXY", "no_proxy", "ALL_PROXY", "all_proxy", "HTTPS_PROXY", "https_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HTTP_PROXY", emulator.root_url)  # the emulator answers as the proxy
    client = AsyncSkytellsClient(api_key, base_url="http://api.skytells.invalid/v1")
    try:
        models = await client.models.list()
        (shard,) = client._transport.pools.shards
        assert len(shard.proxied[emulator.root_url].connections) == 1 and not shard.direct.connections
    finally:
        await client.aclose()
    assert any(model["name"] for model in models)


async def test_a_stream_left_early_closes_its_connection():
    left = asyncio.Event()

    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await read_request(reader)
        head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n"
        event = b'data: {"status": "processing"}\n\n'
        writer.write(head.encode() + b"%x\r\n%s\r\n" % (len(event), event))
        await writer.drain()
        if await reader.read() == b"":  # the client closed the connection: the stream is not left open
            left.set()
        writer.close()

    async with http_server(handler) as origin:
        async with AsyncSkytellsClient("sk-test-streams", base_url=origin + "/v1") as client:
            async for _ in client.stream_events("pred_1"):
                break
            await asyncio.wait_for(left.wait(), 5)
            assert not client._transport.pools.shards[0].connections


async def test_many_concurrent_runs_spread_over_the_shards_and_all_finish(base_url, api_key):
    async with AsyncSkytellsClient(api_key, base_url=base_url, max_connections=64) as client:
        predictions = await asyncio.gather(
            *(client.run("gpt-5-mini", input={"prompt": f"burst {i}"}) for i in range(200))
        )
        opened = [len(shard.connections) for shard in client._transport.pools.shards]
    assert [p["input"]["prompt"] for p in predictions] == [f"burst {i}" for i in range(200)]
    assert {p.status for p in predictions} == {"succeeded"}
    assert len(opened) == 8 and all(0 < count <= 8 for count in opened), opened


async def test_cancelling_a_held_create_frees_the_only_connection(emulator, base_url, api_key):
    emulator.admin("POST", "/outcomes", json={"model": "flux-pro", "outcome": "pending", "count": 1})
    async with AsyncSkytellsClient(api_key, base_url=base_url, max_connections=1, timeout=5_000) as client:
        held = asyncio.create_task(client.predictions.create("flux-pro", {"prompt": "held"}, await_=True))
        # the held create used the rule up: it is being held
        await wait_until_async(lambda: not emulator.admin("GET", "/outcomes"), "the create to be held")
        held.cancel()
        with pytest.raises(asyncio.CancelledError):
            await held
        models = await client.models.list()
    assert models


async def test_calls_still_waiting_for_their_turn_when_the_client_closes_get_the_closed_error(
    base_url, api_key
):
    client = AsyncSkytellsClient(api_key, base_url=base_url)
    calls = [asyncio.ensure_future(client.models.list()) for _ in range(40)]
    await asyncio.sleep(0)  # 16 have started; the others wait for later turns of the loop
    await client.aclose()
    results = await asyncio.gather(*calls, return_exceptions=True)
    late = results[STARTS_PER_TURN:]
    assert all(isinstance(r, SkytellsError) and r.error_id == "SDK_ERROR" for r in late), late
    assert all(shard.is_closed for shard in client._transport.pools.shards)


async def test_a_burst_starts_a_few_requests_per_loop_turn_in_call_order():
    ramp = Ramp(per_turn=4)
    turn = 0

    def tick() -> None:  # runs once per loop turn while the test lasts
        nonlocal turn
        turn += 1
        if not done.is_set():
            asyncio.get_running_loop().call_soon(tick)

    done = asyncio.Event()
    admitted: list[tuple[int, int]] = []

    async def call(n: int) -> None:
        await ramp.start()
        admitted.append((n, turn))

    asyncio.get_running_loop().call_soon(tick)
    tasks = [asyncio.create_task(call(n)) for n in range(22)]
    await asyncio.sleep(0)
    tasks[5].cancel()  # a caller cancelled while it waits gives its place up
    await asyncio.gather(*tasks, return_exceptions=True)
    done.set()

    assert [n for n, _ in admitted] == [n for n in range(22) if n != 5]
    per_turn: dict[int, int] = {}
    for _, at in admitted:
        per_turn[at] = per_turn.get(at, 0) + 1
    assert max(per_turn.values()) == 4 and len(per_turn) == 6


def test_the_ramp_starts_afresh_on_a_new_event_loop():
    """A client used under one `asyncio.run()` and then another must not wait on the first loop."""
    ramp = Ramp(per_turn=1)

    abandoned: list[asyncio.Task[None]] = []

    async def leave_one_waiting() -> None:
        for _ in range(3):  # one starts at once, one in the next turn, the last in a turn never run
            abandoned.append(asyncio.ensure_future(ramp.start()))
        await asyncio.sleep(0)

    first = asyncio.new_event_loop()
    first.run_until_complete(leave_one_waiting())
    first.close()
    assert ramp.waiting == 1
    for task in abandoned:
        task._log_destroy_pending = False  # type: ignore[attr-defined]  # left on a closed loop on purpose

    async def burst() -> None:
        await asyncio.wait_for(asyncio.gather(*(ramp.start() for _ in range(3))), 5)

    asyncio.run(burst())
