"""Every way the async client reaches the API, against the emulator: its own pools direct, its own
pools through a proxy from the environment, an ``http_client`` passed in, and its pools on httpcore's
own backend (what the asyncio backend hands over to under another event loop)."""

from __future__ import annotations

import socket
from typing import Any

import httpcore
import httpx
import pytest

from skytells import AsyncSkytellsClient
from skytells._transport import _asyncio_backend
from skytells._transport._async_pools import AsyncPools
from skytells._transport._passed_client import PassedClient

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
