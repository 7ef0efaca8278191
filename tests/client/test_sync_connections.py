"""The sync client's own connections (keep-alive HTTP/1.1 over ``http.client``), against small real
servers on 127.0.0.1, in the cases the emulator does not produce: a server closing an idle connection,
a body cut short, an answer that is not HTTP, a client closed while a thread reads a stream, and the
limits on open, idle and expired connections.

Most of their behaviour is covered by every sync test that uses the client's own connections.
"""

from __future__ import annotations

import asyncio
import threading

import pytest

from skytells._core._config import resolve_config
from skytells._core._effects import Failure, Reply, Request
from skytells._transport import StreamBroken
from skytells._transport._http11 import Connections, ExchangeFailed, ExchangeTimedOut, Outgoing
from skytells._transport._httpx import shared_ssl_context
from skytells._transport._sync import SyncTransport
from tests.client.bare_server import Handler, answering, read_request, response, threaded_server

TIMEOUTS = {"connect": 5.0, "read": 5.0, "write": 5.0, "pool": 5.0}


def transport_for(origin: str) -> SyncTransport:
    return SyncTransport(resolve_config("sk-test-connections", None, base_url=origin + "/v1"))


def counting(handler: Handler) -> tuple[Handler, list[int]]:
    """`handler`, and the list it grows by one per connection the server accepts."""
    accepted: list[int] = []

    async def counted(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        accepted.append(len(accepted))
        await handler(reader, writer)

    return counted, accepted


def bare(max_connections: int | None = 10, max_keepalive: int | None = 10, expiry: float | None = 5.0):
    return Connections(
        shared_ssl_context(),
        max_connections=max_connections,
        max_keepalive=max_keepalive,
        keepalive_expiry=expiry,
    )


def get(origin: str, timeouts: dict[str, float] = TIMEOUTS) -> Outgoing:
    scheme, rest = origin.split("://")
    host, port = rest.rsplit(":", 1)
    return Outgoing((scheme, host, int(port)), "GET", "/", [(b"Host", rest.encode())], None, timeouts)


@pytest.mark.parametrize("announced", [True, False], ids=["connection-close", "silent-close"])
def test_a_connection_the_server_closed_is_not_used_again(announced):
    closed = threading.Event()

    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if await read_request(reader) is None:
            return
        writer.write(response(b"{}", *(["Connection: close"] if announced else [])))
        await writer.drain()
        writer.close()  # silent: the client thinks it may keep the connection
        await writer.wait_closed()
        closed.set()

    handler, accepted = counting(handler)
    with threaded_server(handler) as origin:
        transport = transport_for(origin)
        first = transport.send(Request("GET", "/models"))
        assert closed.wait(10)
        second = transport.send(Request("GET", "/models"))  # one attempt: no retry could hide a failure
        transport.close()
    assert isinstance(first, Reply) and isinstance(second, Reply), second
    assert first.content == second.content == b"{}" and len(accepted) == 2


def test_a_kept_connection_serves_every_call_in_turn():
    handler, accepted = counting(answering(b"{}"))
    with threaded_server(handler) as origin:
        transport = transport_for(origin)
        replies = [transport.send(Request("GET", "/models")) for _ in range(20)]
        transport.close()
    assert all(isinstance(reply, Reply) and reply.status == 200 for reply in replies)
    assert len(accepted) == 1


@pytest.mark.parametrize("framing", ["content-length", "chunked"])
def test_a_body_cut_short_is_a_network_failure_whole_or_streamed(framing):
    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        while await read_request(reader) is not None:
            if framing == "chunked":
                writer.write(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n64\r\n" + b"x" * 10)
            else:
                writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n" + b"x" * 10)
            await writer.drain()
            writer.close()  # the other 90 bytes never come
            return

    with threaded_server(handler) as origin:
        transport = transport_for(origin)
        whole = transport.send(Request("GET", "/models"))
        received = []
        with pytest.raises(StreamBroken) as streamed, transport.stream(Request("GET", "/events")) as opened:
            received.extend(opened.chunks())
        transport.close()
    assert isinstance(whole, Failure) and whole.kind == "network"
    assert streamed.value.failure.kind == "network" and b"".join(received) == b"x" * 10


def test_an_answer_that_is_not_http_is_a_network_failure():
    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await read_request(reader)
        writer.write(b"SSH-2.0-OpenSSH_9.6\r\n\r\n")
        await writer.drain()
        writer.close()

    with threaded_server(handler) as origin:
        transport = transport_for(origin)
        answer = transport.send(Request("GET", "/models"))
        transport.close()
    assert isinstance(answer, Failure) and answer.kind == "network"


def test_a_body_read_until_the_server_closes_arrives_whole():
    """An answer with neither a length nor chunks (HTTP/1.0 style) ends when the connection does."""

    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await read_request(reader)
        writer.write(b"HTTP/1.0 200 OK\r\nContent-Type: application/json\r\n\r\n" + b'{"data": []}')
        await writer.drain()
        writer.close()

    handler, accepted = counting(handler)
    with threaded_server(handler) as origin:
        transport = transport_for(origin)
        replies = [transport.send(Request("GET", "/models")) for _ in range(2)]
        transport.close()
    assert all(isinstance(reply, Reply) and reply.content == b'{"data": []}' for reply in replies)
    assert len(accepted) == 2


def test_closing_the_client_wakes_a_thread_reading_a_stream():
    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await read_request(reader)
        writer.write(
            b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nContent-Length: 100000\r\n\r\n: hi\n\n"
        )
        await writer.drain()
        await reader.read()  # nothing more is sent

    with threaded_server(handler) as origin:
        transport = SyncTransport(
            resolve_config("sk-test-wake", None, base_url=origin + "/v1", timeout=60_000)
        )
        reading, outcome = threading.Event(), []

        def read() -> None:
            try:
                with transport.stream(Request("GET", "/events")) as opened:
                    for _ in opened.chunks():
                        reading.set()
            except StreamBroken as broken:
                outcome.append(broken.failure.kind)

        reader = threading.Thread(target=read)
        reader.start()
        assert reading.wait(10)
        transport.close()
        reader.join(10)
    assert not reader.is_alive() and outcome == ["network"]


def test_idle_connections_beyond_the_keepalive_limit_are_closed():
    handler, accepted = counting(answering(b"ok"))
    with threaded_server(handler) as origin:
        pool = bare(max_keepalive=1)
        answers = [pool.open(get(origin)) for _ in range(3)]  # three busy at once
        assert len(pool.connections) == 3
        assert [answer.read() for answer in answers] == [b"ok"] * 3
        kept = len(pool.connections)
        again = pool.open(get(origin)).read()
        pool.close()
    assert kept == 1 and again == b"ok" and len(accepted) == 3


def test_a_connection_idle_past_its_expiry_is_replaced():
    handler, accepted = counting(answering(b"ok"))
    with threaded_server(handler) as origin:
        pool = bare(expiry=0.0)
        bodies = [pool.open(get(origin)).read() for _ in range(3)]
        pool.close()
    assert bodies == [b"ok"] * 3 and len(accepted) == 3


def test_a_full_pool_closes_an_idle_connection_to_another_origin_to_make_room():
    with threaded_server(answering(b"a")) as first, threaded_server(answering(b"b")) as second:
        pool = bare(max_connections=1)
        bodies = [pool.open(get(first)).read(), pool.open(get(second)).read()]
        pool.close()
    assert bodies == [b"a", b"b"]


def test_a_full_pool_waits_for_a_connection_up_to_the_pool_timeout():
    with threaded_server(answering(b"ok")) as origin:
        pool = bare(max_connections=1)
        busy = pool.open(get(origin))
        with pytest.raises(ExchangeTimedOut):
            pool.open(get(origin, {**TIMEOUTS, "pool": 0.05}))
        freed = threading.Thread(target=busy.read)  # frees the connection while the next call waits
        freed.start()
        body = pool.open(get(origin)).read()
        freed.join(10)
        pool.close()
    assert body == b"ok"


def test_a_closed_pool_and_an_unknown_scheme_are_refused():
    pool = bare()
    with pytest.raises(ExchangeFailed, match="unsupported protocol"):
        pool.open(Outgoing(("ftp", "127.0.0.1", 21), "GET", "/", [], None, TIMEOUTS))
    pool.close()
    with pytest.raises(ExchangeFailed, match="closed"):
        pool.open(get("http://127.0.0.1:9"))


def test_an_answer_without_a_body_is_not_taken_for_one_cut_short():
    """A HEAD answer, a 204 or a 304 has no body, whatever its Content-Length says."""

    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        while head := await read_request(reader):
            status = "200 OK" if head.startswith(b"HEAD") else "304 Not Modified"
            writer.write(f"HTTP/1.1 {status}\r\nContent-Length: 100\r\n\r\n".encode())
            await writer.drain()

    handler, accepted = counting(handler)
    with threaded_server(handler) as origin:
        pool = bare()
        bodies = []
        for method in ("HEAD", "GET", "HEAD"):
            answer = pool.open(get(origin)._replace(method=method))
            bodies.append(b"".join(answer.chunks()))
        pool.close()
    assert bodies == [b"", b"", b""] and len(accepted) == 1
