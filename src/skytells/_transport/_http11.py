"""The sync client's keep-alive HTTP/1.1 connections, over the standard library's ``http.client``.

A request is written as it was built (method, target, headers in their order and case, body); the
answer's status and headers come back at once and its body is read whole or chunk by chunk. A
connection whose answer was read to its end goes back to the pool; one left early, broken or timed out
is closed. Before an idle connection is used again it is dropped if it has idled past its expiry or
its socket is readable (the server closed it, or sent what nobody asked for).

Limits: at most ``max_connections`` open at once (a request waits up to its pool timeout for one), at
most ``max_keepalive`` idle. Timeouts: connect (TLS included), write, read and pool, each in seconds or
None. TLS is verified with the context given. Whatever stops an answer from arriving whole is raised as
:class:`ExchangeFailed` (:class:`ExchangeTimedOut` for a timeout).

>>> pool = Connections(ssl_context, max_connections=100, max_keepalive=20, keepalive_expiry=5.0)
>>> answer = pool.open(Outgoing(("http", "127.0.0.1", 8000), "GET", "/v1/models", headers, None, timeouts))
>>> answer.status, answer.read()
(200, b'{"data": [...]}')
"""

from __future__ import annotations

import contextlib
import http.client
import socket
import ssl
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from typing import NamedTuple

from ._readable import is_socket_readable

__all__ = ["Answer", "Connections", "ExchangeFailed", "ExchangeTimedOut", "Outgoing"]

#: how much of a streamed body one read returns at most
CHUNK = 65536
#: what goes wrong on the wire: the socket's errors (TLS and timeouts included) and http.client's own
WIRE_ERRORS = (OSError, http.client.HTTPException)

Origin = tuple[str, str, int]  # scheme, host (IDNA-encoded, no brackets), port


class ExchangeFailed(Exception):
    """No (whole) answer came: the connection could not be made, broke, or did not speak HTTP/1.1."""


class ExchangeTimedOut(ExchangeFailed, TimeoutError):
    """A connect, write, read or pool timeout ran out."""


class Outgoing(NamedTuple):
    """A request as it goes on the wire (``timeouts`` by ``connect``, ``write``, ``read``, ``pool``)."""

    origin: Origin
    method: str
    target: str
    headers: Sequence[tuple[bytes, bytes]]
    body: bytes | None
    timeouts: Mapping[str, float | None]


class Connections:
    """Keep-alive HTTP/1.1 connections by origin, shared by every thread of one client."""

    def __init__(
        self,
        ssl_context: ssl.SSLContext,
        *,
        max_connections: int | None,
        max_keepalive: int | None,
        keepalive_expiry: float | None,
    ) -> None:
        self._ssl_context = ssl_context
        self._max = max_connections
        self._max_idle = max_keepalive
        self._expiry = keepalive_expiry
        self._lock = threading.Condition()
        self._idle: dict[Origin, list[tuple[http.client.HTTPConnection, float]]] = {}
        self._idle_count = 0
        self._open: set[http.client.HTTPConnection] = set()
        self._opening = 0  # connections being made (counted against the limit)
        self.is_closed = False

    @property
    def connections(self) -> list[http.client.HTTPConnection]:
        """Every open connection, busy or idle."""
        with self._lock:
            return list(self._open)

    def open(self, outgoing: Outgoing) -> Answer:
        """Send `outgoing` and read its answer's status and headers; the body is the answer's to read."""
        connection = self._acquire(outgoing)
        timeouts = outgoing.timeouts
        try:
            sock = connection.sock
            assert sock is not None  # connected by _acquire
            sock.settimeout(timeouts.get("write"))
            connection.putrequest(outgoing.method, outgoing.target, skip_host=True, skip_accept_encoding=True)
            for name, value in outgoing.headers:
                connection.putheader(name, value)
            connection.endheaders(outgoing.body)
            sock.settimeout(timeouts.get("read"))
            response = connection.getresponse()
        except WIRE_ERRORS as exc:
            self.release(outgoing.origin, connection, reusable=False)
            raise exchange_error(exc) from exc
        except BaseException:
            self.release(outgoing.origin, connection, reusable=False)
            raise
        return Answer(self, outgoing, connection, response)

    def close(self) -> None:
        """Close every idle connection, and shut busy ones down: a thread reading one gets an error and
        closes it."""
        with self._lock:
            self.is_closed = True
            idle = {connection for entries in self._idle.values() for connection, _ in entries}
            for connection in self._open:
                if connection in idle:
                    _shut(connection)
                else:
                    _wake(connection)
            self._open.clear()
            self._idle.clear()
            self._idle_count = 0
            self._lock.notify_all()

    def _acquire(self, outgoing: Outgoing) -> http.client.HTTPConnection:
        """An idle connection to the origin that is still good, or a new one once the limit allows."""
        origin, timeouts = outgoing.origin, outgoing.timeouts
        pool_timeout = timeouts.get("pool")
        deadline = None if pool_timeout is None else time.monotonic() + pool_timeout
        with self._lock:
            while True:
                if self.is_closed:
                    raise ExchangeFailed("The connection pool is closed")
                idle = self._reuse(origin)
                if idle is not None:
                    return idle
                if self._max is None or len(self._open) + self._opening < self._max:
                    self._opening += 1
                    break
                if self._close_an_idle_one():  # idle to another origin: make room
                    continue
                remaining = None if deadline is None else deadline - time.monotonic()
                if (remaining is not None and remaining <= 0) or not self._lock.wait(remaining):
                    raise ExchangeTimedOut("timed out waiting for a free connection")
        try:
            connection = self._connect(origin, timeouts.get("connect"))
        except BaseException:
            with self._lock:
                self._opening -= 1
                self._lock.notify()
            raise
        with self._lock:
            self._opening -= 1
            if self.is_closed:
                _shut(connection)
                self._lock.notify()
                raise ExchangeFailed("The connection pool is closed")
            self._open.add(connection)
        return connection

    def _connect(self, origin: Origin, timeout: float | None) -> http.client.HTTPConnection:
        scheme, host, port = origin
        connection: http.client.HTTPConnection
        if scheme == "https":
            connection = http.client.HTTPSConnection(host, port, timeout=timeout, context=self._ssl_context)
        elif scheme == "http":
            connection = http.client.HTTPConnection(host, port, timeout=timeout)
        else:
            raise ExchangeFailed(f"Request URL has an unsupported protocol '{scheme}://'")
        try:
            connection.connect()
        except WIRE_ERRORS as exc:
            connection.close()
            raise exchange_error(exc) from exc
        return connection

    def _reuse(self, origin: Origin) -> http.client.HTTPConnection | None:
        """The newest idle connection to `origin` that is still good (the lock is held)."""
        idle = self._idle.get(origin)
        now = time.monotonic()
        while idle:
            connection, since = idle.pop()
            self._idle_count -= 1
            fresh = self._expiry is None or now - since < self._expiry
            if fresh and not is_socket_readable(connection.sock):
                return connection
            self._open.discard(connection)
            _shut(connection)
        return None

    def _close_an_idle_one(self) -> bool:
        """Close the oldest idle connection to any origin, to make room (the lock is held)."""
        idle = [entries for entries in self._idle.values() if entries]
        oldest = min(idle, key=lambda entries: entries[0][1], default=None)
        if oldest is None:
            return False
        connection, _ = oldest.pop(0)
        self._idle_count -= 1
        self._open.discard(connection)
        _shut(connection)
        return True

    def release(self, origin: Origin, connection: http.client.HTTPConnection, *, reusable: bool) -> None:
        """Give a busy connection back: idle if `reusable` and the keep-alive limit allows, else closed."""
        with self._lock:
            if connection not in self._open:  # closed with the pool meanwhile
                _shut(connection)
            elif reusable and (self._max_idle is None or self._idle_count < self._max_idle):
                self._idle.setdefault(origin, []).append((connection, time.monotonic()))
                self._idle_count += 1
            else:
                self._open.discard(connection)
                _shut(connection)
            self._lock.notify()


class Answer:
    """An answer's status and headers (as received), and its body read whole or chunk by chunk; its
    connection goes back to the pool once the body is read to its end (closed if left early)."""

    def __init__(
        self,
        pool: Connections,
        outgoing: Outgoing,
        connection: http.client.HTTPConnection,
        response: http.client.HTTPResponse,
    ) -> None:
        self._owner = pool
        self._origin = outgoing.origin
        self._connection: http.client.HTTPConnection | None = connection
        self._response = response
        self.status = response.status
        self.headers: list[tuple[str, str]] = response.getheaders()
        #: an answer that has no body whatever its Content-Length says
        self._bodiless = outgoing.method == "HEAD" or self.status in (204, 304) or self.status < 200

    def read(self) -> bytes:
        """The whole body."""
        try:
            body = self._response.read()
        except WIRE_ERRORS as exc:
            self._finish(reusable=False)
            raise exchange_error(exc) from exc
        self._finish(reusable=True)
        return body

    def chunks(self) -> Iterator[bytes]:
        """The body as it arrives; a body cut short raises :class:`ExchangeFailed`."""
        response = self._response
        if self._bodiless:
            response.close()  # its file only: the connection stays open for the next request
            self._finish(reusable=True)
            return
        expected = None if response.chunked else _content_length(response)
        received = 0
        try:
            while chunk := response.read1(CHUNK):
                received += len(chunk)
                yield chunk
        except WIRE_ERRORS as exc:
            self._finish(reusable=False)
            raise exchange_error(exc) from exc
        if expected is not None and received < expected:
            self._finish(reusable=False)
            raise ExchangeFailed(
                f"peer closed connection without sending complete message body: "
                f"received {received} bytes, expected {expected}"
            )
        self._finish(reusable=True)

    def close(self) -> None:
        """Free the connection: back to the pool if the body was read to its end, else closed."""
        self._finish(reusable=False)

    def _finish(self, *, reusable: bool) -> None:
        connection, self._connection = self._connection, None
        if connection is None:
            return
        response = self._response
        # http.client hands a connection that will close over to its response (``sock`` is None then)
        reusable = (
            reusable and response.isclosed() and not response.will_close and connection.sock is not None
        )
        if not reusable:
            response.close()
        self._owner.release(self._origin, connection, reusable=reusable)


def exchange_error(exc: BaseException) -> ExchangeFailed:
    """`exc` from the socket or http.client as :class:`ExchangeFailed` (or its timeout)."""
    message = str(exc) or type(exc).__name__
    return ExchangeTimedOut(message) if isinstance(exc, TimeoutError) else ExchangeFailed(message)


def _content_length(response: http.client.HTTPResponse) -> int | None:
    """The length the answer announced, if any (None for a missing or malformed one)."""
    try:
        return int(response.headers.get("Content-Length", ""))  # the first, as http.client frames by
    except ValueError:
        return None


def _wake(connection: http.client.HTTPConnection) -> None:
    """Shut a busy connection's socket down: a thread blocked reading it wakes to an end of stream (the
    thread closes the connection, as only it may close the answer it reads)."""
    sock = connection.sock
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)


def _shut(connection: http.client.HTTPConnection) -> None:
    """Shut down and close a connection nobody is using."""
    _wake(connection)
    connection.close()
