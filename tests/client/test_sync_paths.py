"""Every way the sync client reaches the API, over real HTTP on 127.0.0.1: its own connections
direct, an httpcore pool through a proxy from the environment, and an ``http_client`` passed in. The pool puts
byte for byte the same requests on the wire as an httpx client (built once, sent again), decodes gzip,
verifies TLS with the shared context, maps timeouts and refused connections, and closes a stream left
early."""

from __future__ import annotations

import asyncio
import gzip
import ssl

import httpx
import pytest

from skytells import SkytellsClient, SkytellsError
from skytells._core._config import resolve_config
from skytells._core._effects import Failure, Reply, Request
from skytells._transport import _sync_pool
from skytells._transport._httpx import shared_ssl_context
from skytells._transport._sync import SyncTransport
from skytells._transport._sync_passed import SyncPassedClient
from skytells._transport._sync_pool import SyncPool
from tests.client.bare_server import answering, read_request, response, threaded_server

PROXY_VARIABLES = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY")


@pytest.fixture(autouse=True)
def no_proxies_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)


@pytest.mark.parametrize("path", ["pool", "proxy", "http_client"])
def test_every_path_runs_lists_and_streams(path, emulator, api_key, monkeypatch):
    base_url, http_client = emulator.base_url, None
    if path == "proxy":
        monkeypatch.setenv("HTTP_PROXY", emulator.root_url)  # the emulator answers as the proxy
        base_url = "http://api.skytells.invalid/v1"
    elif path == "http_client":
        http_client = httpx.Client()

    with SkytellsClient(api_key, base_url=base_url, http_client=http_client) as client:
        prediction = client.run("gpt-5-mini", input={"prompt": path})
        again = client.predictions.get(prediction.id)
        models = client.models.list()
        route = client._transport.pool
        opened = {}
        if isinstance(route, SyncPool):
            opened = {"direct": len(route.direct.connections)}
            opened.update({proxy: len(pool.connections) for proxy, pool in route.proxied.items()})
        events = list(client.stream_events(prediction.id))

    assert prediction.status == again.status == "succeeded" and models and events
    if http_client is not None:
        assert isinstance(route, SyncPassedClient) and not http_client.is_closed
        http_client.close()
        return
    assert isinstance(route, SyncPool) and route.is_closed and client._transport.is_closed
    assert opened == ({"direct": 0, emulator.root_url: 1} if path == "proxy" else {"direct": 1})


def test_the_pool_puts_the_same_requests_on_the_wire_as_an_httpx_client():
    heads: list[bytes] = []

    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        while head := await read_request(reader):
            heads.append(head)
            writer.write(response(b"{}"))
            await writer.drain()
        writer.close()

    with threaded_server(handler) as origin:
        other_origin = origin.replace("127.0.0.1", "localhost")
        requests = [
            Request("POST", "/predictions", content=b'{"model": "m"}', headers={"Idempotency-Key": "k1"}),
            Request("GET", "/predictions", params={"page": "2", "q": "a b"}, timeout=3),
            Request("GET", other_origin + "/file.png", auth=False, expect="bytes"),
        ]
        config = resolve_config("sk-test-wire", None, base_url=origin + "/v1", headers={"X-Team": "t"})
        on_the_wire = {}
        for path in ("pool", "http_client"):
            http = httpx.Client(trust_env=False) if path == "http_client" else None
            transport = SyncTransport(config, http)
            replies = [transport.send(request) for request in requests * 2]  # built once, sent twice
            assert all(isinstance(reply, Reply) and reply.status == 200 for reply in replies)
            assert isinstance(replies[2], Reply) and replies[2].url == other_origin + "/file.png"
            transport.close()
            if http is not None:
                assert not transport.is_closed  # the caller's client is the caller's to close
                http.close()
            on_the_wire[path], heads[:] = list(heads), []

    assert on_the_wire["pool"] == on_the_wire["http_client"]
    create, page, download = on_the_wire["pool"][:3]
    assert on_the_wire["pool"][3:] == [create, page, download]
    assert b"x-api-key: sk-test-wire" in create and b"x-api-key" in page and b"x-api-key" not in download
    assert b"\r\nX-Team: t\r\n" in create and b"\r\nIdempotency-Key: k1\r\n" in create
    assert page.startswith(b"GET /v1/predictions?page=2&q=a+b HTTP/1.1\r\n")
    assert download.startswith(b"GET /file.png HTTP/1.1\r\nHost: localhost:")


def test_built_requests_are_dropped_when_too_many(monkeypatch):
    monkeypatch.setattr(_sync_pool, "BUILT_REQUESTS", 1)
    with threaded_server(answering(b"{}")) as origin:
        pool = SyncPool(resolve_config("sk-test-built", None, base_url=origin + "/v1"))
        first, second = Request("GET", "/a"), Request("GET", "/b", headers={"X-One": "1"})
        replies = [pool.send(request, 0.0) for request in (first, second, first, first)]
        pool.close()
    assert [reply.status for reply in replies] == [200] * 4


def test_a_compressed_answer_is_decoded_as_httpx_decodes_it():
    body = b'{"data": []}' * 100
    with threaded_server(answering(gzip.compress(body), "Content-Encoding: gzip", "X-Two: a")) as origin:
        transport = SyncTransport(resolve_config("sk-test-gzip", None, base_url=origin + "/v1"))
        reply = transport.send(Request("GET", "/models"))
        with transport.stream(Request("GET", "/models")) as streamed:
            streamed_body = streamed.read().content
        transport.close()
    assert isinstance(reply, Reply) and reply.content == streamed_body == body
    assert reply.headers["x-two"] == "a"


def test_repeated_headers_are_joined_as_httpx_joins_them():
    with threaded_server(answering(b"{}", "X-Two: a", "x-two: b")) as origin:
        transport = SyncTransport(resolve_config("sk-test-headers", None, base_url=origin + "/v1"))
        reply = transport.send(Request("GET", "/models"))
        transport.close()
    assert isinstance(reply, Reply) and reply.headers["x-two"] == "a, b"
    assert reply.headers["content-type"] == "application/octet-stream"


def test_tls_is_verified_with_the_shared_context(tmp_path, monkeypatch):
    trustme = pytest.importorskip("trustme")
    authority = trustme.CA()
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    authority.issue_cert("localhost").configure_cert(server_context)

    with threaded_server(answering(b"over tls"), tls=server_context) as origin:
        with SkytellsClient("sk-test-tls", base_url=origin + "/v1") as client:
            with pytest.raises(SkytellsError) as refused:  # the shared context does not know the CA
                client.models.list()
        assert refused.value.error_id == "NETWORK_ERROR"

        authority.cert_pem.write_to_path(str(tmp_path / "ca.pem"))
        monkeypatch.setenv("SSL_CERT_FILE", str(tmp_path / "ca.pem"))  # read by the shared context
        shared_ssl_context.cache_clear()
        try:
            with SkytellsClient("sk-test-tls", base_url=origin + "/v1") as client:
                reply = client._transport.send(Request("GET", "/models", expect="bytes"))
        finally:
            shared_ssl_context.cache_clear()
    assert isinstance(reply, Reply) and reply.content == b"over tls"


def test_a_server_that_never_answers_is_a_timeout():
    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await read_request(reader)
        await reader.read()  # holds the connection until the client gives up

    with threaded_server(handler) as origin:
        with SkytellsClient("sk-test-timeouts", base_url=origin + "/v1", timeout=200) as client:
            with pytest.raises(SkytellsError) as info:
                client.models.list()
            quick = client._transport.send(Request("GET", "/models", timeout=0.1))
    assert info.value.error_id == "REQUEST_TIMEOUT"
    assert isinstance(quick, Failure) and quick.kind == "timeout" and quick.timeout == 0.1


def test_a_refused_connection_is_a_network_error():
    with threaded_server(answering(b"")) as origin:  # a port that was open a moment ago
        pass
    with SkytellsClient("sk-test-refused", base_url=origin + "/v1") as client:
        with pytest.raises(SkytellsError) as info:
            client.models.list()
        with pytest.raises(SkytellsError) as streamed:
            list(client.stream_events("p1"))
    assert info.value.error_id == streamed.value.error_id == "NETWORK_ERROR"


def test_a_stream_left_early_closes_its_connection():
    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await read_request(reader)
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n" + b"x" * 1000)
        await writer.drain()
        await reader.read()  # the rest never comes

    with threaded_server(handler) as origin:
        transport = SyncTransport(resolve_config("sk-test-early", None, base_url=origin + "/v1"))
        pool = transport.pool
        assert isinstance(pool, SyncPool)
        with transport.stream(Request("GET", "/events")) as streamed:
            chunks = streamed.chunks()
            assert streamed.status == 200 and next(chunks)
            assert len(pool.direct.connections) == 1
        assert not pool.direct.connections
        transport.close()
    with pytest.raises(SkytellsError):
        transport.send(Request("GET", "/models"))
    with pytest.raises(SkytellsError), transport.stream(Request("GET", "/models")):
        pass
