"""Every way the async client reaches the API, against the emulator: its own pools direct, its own
pools through a proxy from the environment, an ``http_client`` passed in, and its pools on httpcore's
own backend (what the asyncio backend hands over to under another event loop). And the pools put
byte for byte the same requests on the wire as an httpx client."""

from __future__ import annotations

import asyncio
import gzip
import socket
from typing import Any

import httpcore
import httpx
import pytest

from skytells import AsyncSkytellsClient
from skytells._core._config import resolve_config
from skytells._core._effects import Reply, Request
from skytells._transport import _asyncio_backend
from skytells._transport._async import AsyncTransport
from skytells._transport._async_pools import AsyncPools
from skytells._transport._passed_client import PassedClient
from tests.client.bare_server import http_server, read_request, response

PROXY_VARIABLES = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY")


class RecordingBackend(httpcore.AnyIOBackend):
    """httpcore's anyio backend, noting each connection it opens."""

    opened: list[tuple[str, int]] = []

    async def connect_tcp(
        self, host: str, port: int, *args: Any, **kwargs: Any
    ) -> httpcore.AsyncNetworkStream:
        self.opened.append((host, port))
        return await super().connect_tcp(host, port, *args, **kwargs)


@pytest.fixture(autouse=True)
def no_proxies_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)


@pytest.mark.parametrize("path", ["pools", "proxy", "http_client", "fallback backend"])
async def test_every_path_runs_lists_and_streams(path, emulator, api_key, monkeypatch):
    base_url, http_client = emulator.base_url, None
    if path == "proxy":
        monkeypatch.setenv("HTTP_PROXY", emulator.root_url)  # the emulator answers as the proxy
        base_url = "http://api.skytells.invalid/v1"
    elif path == "http_client":
        http_client = httpx.AsyncClient()
    elif path == "fallback backend":
        RecordingBackend.opened = []
        monkeypatch.setattr(httpcore, "AnyIOBackend", RecordingBackend)
        monkeypatch.setattr(_asyncio_backend, "_asyncio_loop", lambda: None)  # as under trio

    async with AsyncSkytellsClient(api_key, base_url=base_url, http_client=http_client) as client:
        prediction = await client.run("gpt-5-mini", input={"prompt": path})
        models = await client.models.list()
        pools = client._transport.pools
        opened = {}  # the connections kept open in each of the shard's pools
        if isinstance(pools, AsyncPools):
            (shard,) = pools.shards
            opened = {"direct": len(shard.direct.connections)}
            opened.update({proxy: len(pool.connections) for proxy, pool in shard.proxied.items()})
        events = [event async for event in client.stream_events(prediction.id)]

    assert prediction.status == "succeeded" and models and events
    if http_client is not None:
        assert isinstance(pools, PassedClient) and not http_client.is_closed
        await http_client.aclose()
        return
    assert isinstance(pools, AsyncPools) and pools.is_closed
    if path == "proxy":
        assert opened == {"direct": 0, emulator.root_url: 1}
    else:
        assert opened == {"direct": 1}
    if path == "fallback backend":
        assert RecordingBackend.opened and {port for _, port in RecordingBackend.opened} == {emulator.port}


async def test_the_backend_hands_socket_options_to_its_fallback(emulator):
    fallback = RecordingBackend()
    fallback.opened = []
    options = [(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)]
    backend = _asyncio_backend.AsyncioBackend(fallback=fallback)
    async with httpcore.AsyncConnectionPool(network_backend=backend, socket_options=options) as pool:
        answer = await pool.request("GET", emulator.root_url + "/_emulator/health")
    assert answer.status == 200 and fallback.opened == [("127.0.0.1", emulator.port)]


async def test_the_pools_put_the_same_requests_on_the_wire_as_an_httpx_client():
    heads: list[bytes] = []

    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        while head := await read_request(reader):
            heads.append(head)
            writer.write(response(b"{}"))
            await writer.drain()
        writer.close()

    async with http_server(handler) as origin:
        other_origin = origin.replace("127.0.0.1", "localhost")
        requests = [
            Request("POST", "/predictions", content=b'{"model": "m"}', headers={"Idempotency-Key": "k1"}),
            Request("GET", "/predictions", params={"page": "2", "q": "a b"}, timeout=3),
            Request("GET", other_origin + "/file.png", auth=False, expect="bytes"),
        ]
        config = resolve_config("sk-test-wire", None, base_url=origin + "/v1", headers={"X-Team": "t"})
        on_the_wire = {}
        for path in ("pools", "http_client"):
            http = httpx.AsyncClient(trust_env=False) if path == "http_client" else None
            transport = AsyncTransport(config, http)
            replies = [await transport.send(request) for request in requests]
            assert all(isinstance(reply, Reply) and reply.status == 200 for reply in replies)
            await transport.aclose()
            if http is not None:
                await http.aclose()
            on_the_wire[path], heads[:] = list(heads), []

    assert on_the_wire["pools"] == on_the_wire["http_client"]
    create, page, download = on_the_wire["pools"]
    assert b"x-api-key: sk-test-wire" in create and b"x-api-key" in page and b"x-api-key" not in download
    assert b"\r\nX-Team: t\r\n" in create and b"\r\nIdempotency-Key: k1\r\n" in create
    assert page.startswith(b"GET /v1/predictions?page=2&q=a+b HTTP/1.1\r\n")
    assert download.startswith(b"GET /file.png HTTP/1.1\r\nHost: localhost:")


async def test_a_compressed_answer_is_decoded_as_httpx_decodes_it():
    body = b'{"data": []}' * 100

    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        while await read_request(reader):
            writer.write(response(gzip.compress(body), "Content-Encoding: gzip"))
            await writer.drain()
        writer.close()

    async with http_server(handler) as origin:
        transport = AsyncTransport(resolve_config("sk-test-gzip", None, base_url=origin + "/v1"))
        reply = await transport.send(Request("GET", "/models"))
        async with transport.stream(Request("GET", "/models")) as streamed:
            streamed_body = (await streamed.read()).content
        await transport.aclose()
    assert isinstance(reply, Reply) and reply.content == streamed_body == body
