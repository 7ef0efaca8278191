"""httpcore on asyncio's own transports: the network backend of the async client's pools.

httpcore's default async backend goes through anyio, so every read and write pays a cancel scope and a
checkpoint, and every check of an idle connection builds anyio's attribute table and calls ``select``.
With a thousand predictions in flight that is a large share of the client's CPU. This backend plugs
into httpcore's documented ``network_backend`` slot and uses an :class:`asyncio.Protocol` per
connection: a read returns buffered data at once or waits on one future, a write waits only when the
transport asks for back-pressure, and ``is_readable`` is answered from what the protocol has seen
(data or a close from the server) and one ``poll`` of the socket for what the loop has not read yet.

Under any other event loop (trio) and for what it does not cover (socket options, Unix sockets) it
hands the call to httpcore's public ``AnyIOBackend`` (anyio runs on asyncio and trio alike).

Example::

    pool = httpcore.AsyncConnectionPool(network_backend=AsyncioBackend())
"""

from __future__ import annotations

import asyncio
import collections
import ipaddress
import ssl
from collections.abc import Callable, Iterable
from contextlib import AbstractAsyncContextManager
from typing import Any

import httpcore

from ._readable import is_socket_readable

__all__ = ["AsyncioBackend"]

#: reading pauses while this much unread data is buffered, and resumes below the low mark
HIGH_WATER = 256 * 1024
LOW_WATER = 64 * 1024
#: a host name with several addresses tries the next one after this many seconds (RFC 8305)
HAPPY_EYEBALLS_DELAY = 0.25

#: httpcore's names for connection details -> asyncio's
_EXTRA_INFO = {
    "ssl_object": "ssl_object",
    "client_addr": "sockname",
    "server_addr": "peername",
    "socket": "socket",
}

_timeout: Callable[[float], AbstractAsyncContextManager[Any]] | None = getattr(asyncio, "timeout", None)


class _ConnectionProtocol(asyncio.Protocol):
    """Buffers what arrives and wakes the one reader or writer waiting on it."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.transport: asyncio.Transport | None = None
        self.chunks: collections.deque[bytes] = collections.deque()
        self.buffered = 0
        self.eof = False
        self.error: BaseException | None = None
        self.lost = False
        self.reading_paused = False
        self.writing_paused = False
        self._read_waiter: asyncio.Future[bool] | None = None
        self._drain_waiter: asyncio.Future[bool] | None = None

    # ---- asyncio.Protocol --------------------------------------------------------------------

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        self.chunks.append(data)
        self.buffered += len(data)
        if self.buffered > HIGH_WATER and not self.reading_paused and self.transport is not None:
            self.reading_paused = True
            self.transport.pause_reading()
        _wake(self._read_waiter)

    def eof_received(self) -> bool:
        self.eof = True
        _wake(self._read_waiter)
        return False  # close the transport: HTTP/1.1 never half-closes

    def connection_lost(self, exc: Exception | None) -> None:
        self.lost = True
        self.eof = True
        self.error = exc
        _wake(self._read_waiter)
        _wake(self._drain_waiter)

    def pause_writing(self) -> None:
        self.writing_paused = True

    def resume_writing(self) -> None:
        self.writing_paused = False
        _wake(self._drain_waiter)

    # ---- waiting -----------------------------------------------------------------------------

    async def wait_readable(self, timeout: float | None) -> None:
        """Wait for data, the end of the stream or a lost connection (``ReadTimeout`` after `timeout` s)."""
        waiter = self._read_waiter = self.loop.create_future()
        try:
            if not await _wait(self.loop, waiter, timeout):
                raise httpcore.ReadTimeout("timed out waiting for the server")
        finally:
            self._read_waiter = None

    async def drain(self, timeout: float | None) -> None:
        """Wait until the transport takes writes again (``WriteTimeout`` after `timeout` s)."""
        while self.writing_paused and not self.lost:
            waiter = self._drain_waiter = self.loop.create_future()
            try:
                if not await _wait(self.loop, waiter, timeout):
                    raise httpcore.WriteTimeout("timed out writing to the server")
            finally:
                self._drain_waiter = None

    def take(self, max_bytes: int) -> bytes:
        chunk = self.chunks.popleft()
        if len(chunk) > max_bytes:
            self.chunks.appendleft(chunk[max_bytes:])
            chunk = chunk[:max_bytes]
        self.buffered -= len(chunk)
        if self.reading_paused and self.buffered < LOW_WATER and self.transport is not None:
            self.reading_paused = False
            self.transport.resume_reading()
        return chunk


def _wake(waiter: asyncio.Future[bool] | None) -> None:
    if waiter is not None and not waiter.done():
        waiter.set_result(True)


def _expire(waiter: asyncio.Future[bool]) -> None:
    if not waiter.done():
        waiter.set_result(False)


async def _wait(loop: asyncio.AbstractEventLoop, waiter: asyncio.Future[bool], timeout: float | None) -> bool:
    """True when `waiter` was woken, False when `timeout` seconds passed first."""
    timer = loop.call_later(timeout, _expire, waiter) if timeout is not None else None
    try:
        return await waiter
    finally:
        if timer is not None:
            timer.cancel()


class AsyncioStream(httpcore.AsyncNetworkStream):
    """One connection as httpcore sees it."""

    def __init__(self, transport: asyncio.Transport, protocol: _ConnectionProtocol) -> None:
        self._transport = transport
        self._protocol = protocol

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        protocol = self._protocol
        if not protocol.chunks and not protocol.eof:
            await protocol.wait_readable(timeout)
        if protocol.chunks:
            return protocol.take(max_bytes)
        if protocol.error is not None:
            raise httpcore.ReadError(str(protocol.error) or type(protocol.error).__name__)
        return b""

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        if not buffer:
            return
        if self._protocol.lost or self._transport.is_closing():
            raise httpcore.WriteError("the connection is closed")
        self._transport.write(buffer)
        if self._protocol.writing_paused:
            await self._protocol.drain(timeout)
        if self._protocol.lost and self._protocol.error is not None:
            raise httpcore.WriteError(str(self._protocol.error) or type(self._protocol.error).__name__)

    async def aclose(self) -> None:
        if not self._transport.is_closing():
            self._transport.close()
            await asyncio.sleep(0)  # the socket itself is closed on the loop's next turn

    async def start_tls(
        self, ssl_context: ssl.SSLContext, server_hostname: str | None = None, timeout: float | None = None
    ) -> httpcore.AsyncNetworkStream:
        loop = self._protocol.loop
        try:
            transport = await loop.start_tls(
                self._transport,
                self._protocol,
                ssl_context,
                server_hostname=server_hostname,
                ssl_handshake_timeout=timeout,
            )
        except (asyncio.TimeoutError, TimeoutError) as exc:
            self._transport.close()
            raise httpcore.ConnectTimeout("timed out in the TLS handshake") from exc
        except (OSError, ssl.SSLError, ConnectionError) as exc:
            self._transport.close()
            raise httpcore.ConnectError(str(exc)) from exc
        if transport is None:  # the connection was lost during the handshake
            raise httpcore.ConnectError("the connection closed during the TLS handshake")
        assert isinstance(transport, asyncio.Transport)
        self._protocol.transport = transport
        return AsyncioStream(transport, self._protocol)

    def get_extra_info(self, info: str) -> Any:
        if info == "is_readable":  # asked of idle connections: has the server sent or closed anything?
            unread = self._protocol.chunks or self._protocol.eof  # else ask the socket, as httpcore does
            return bool(unread) or is_socket_readable(self._transport.get_extra_info("socket"))
        name = _EXTRA_INFO.get(info)
        return None if name is None else self._transport.get_extra_info(name)


class AsyncioBackend(httpcore.AsyncNetworkBackend):
    """httpcore's network backend on asyncio transports (`fallback` under other loops, with socket
    options, and for Unix sockets)."""

    def __init__(self, fallback: httpcore.AsyncNetworkBackend | None = None) -> None:
        self._fallback = fallback

    def _other(self) -> httpcore.AsyncNetworkBackend:
        if self._fallback is None:
            self._fallback = httpcore.AnyIOBackend()
        return self._fallback

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        loop = _asyncio_loop()
        if socket_options or loop is None:
            return await self._other().connect_tcp(host, port, timeout, local_address, socket_options)
        try:
            connecting = loop.create_connection(
                lambda: _ConnectionProtocol(loop),
                host,
                port,
                local_addr=(local_address, 0) if local_address else None,
                happy_eyeballs_delay=None if _is_ip_address(host) else HAPPY_EYEBALLS_DELAY,
            )
            if _timeout is None or timeout is None:
                transport, protocol = await asyncio.wait_for(connecting, timeout)
            else:
                async with _timeout(timeout):  # no extra task, unlike wait_for before Python 3.12
                    transport, protocol = await connecting
        except (asyncio.TimeoutError, TimeoutError) as exc:
            raise httpcore.ConnectTimeout(f"timed out connecting to {host}:{port}") from exc
        except OSError as exc:
            raise httpcore.ConnectError(str(exc)) from exc
        assert isinstance(transport, asyncio.Transport)
        return AsyncioStream(transport, protocol)

    async def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> httpcore.AsyncNetworkStream:
        return await self._other().connect_unix_socket(path, timeout, socket_options)

    async def sleep(self, seconds: float) -> None:
        if _asyncio_loop() is not None:
            await asyncio.sleep(seconds)
        else:
            await self._other().sleep(seconds)


def _is_ip_address(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def _asyncio_loop() -> asyncio.AbstractEventLoop | None:
    """The running asyncio loop; None under another event loop (trio)."""
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None
