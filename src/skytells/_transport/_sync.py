"""The sync client's transport: one pooled ``httpx.Client`` behind ``send`` and ``stream``.

>>> transport = SyncTransport(config)
>>> transport.send(Request("GET", "/models"))
Reply(status=200, ...)
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator

import httpx

from .._core._config import Config
from .._core._effects import Failure, Reply, Request
from ._httpx import (
    StreamBroken,
    build_request,
    closed_error,
    configure,
    http_limits,
    reply_of,
    shared_ssl_context,
    transport_failure,
)


class SyncTransport:
    """Sends :class:`Request` effects; an ``http_client`` you pass is used (and closed) by you."""

    def __init__(self, config: Config, http_client: httpx.Client | None = None) -> None:
        self._config = config
        self.owned = http_client is None
        self.http = http_client or httpx.Client(
            limits=http_limits(config, 100, 20), verify=shared_ssl_context()
        )
        configure(self.http, config)

    @property
    def is_closed(self) -> bool:
        return self.http.is_closed

    def send(self, request: Request) -> Reply | Failure:
        """One request, read in full: its :class:`Reply`, or a :class:`Failure` when none came."""
        if self.http.is_closed:
            raise closed_error()
        started = time.perf_counter()
        try:
            response = self.http.send(build_request(self.http, request, self._config))
        except httpx.TransportError as exc:
            return transport_failure(request, exc, self._config)
        return reply_of(request, response, started)

    @contextlib.contextmanager
    def stream(self, request: Request) -> Iterator[OpenStream]:
        """An open streamed response; closed when the block ends (a caller that stops early frees it)."""
        if self.http.is_closed:
            raise closed_error()
        try:
            response = self.http.send(build_request(self.http, request, self._config), stream=True)
        except httpx.TransportError as exc:
            raise StreamBroken(transport_failure(request, exc, self._config)) from None
        try:
            yield OpenStream(request, response, self._config)
        finally:
            response.close()

    def close(self) -> None:
        if self.owned:
            self.http.close()


class OpenStream:
    """The status and headers of a streamed response, and its body as it arrives."""

    def __init__(self, request: Request, response: httpx.Response, config: Config) -> None:
        self._request = request
        self._response = response
        self._config = config
        self.status = response.status_code
        self.headers = response.headers

    def chunks(self) -> Iterator[bytes]:
        try:
            yield from self._response.iter_bytes()
        except httpx.TransportError as exc:
            raise StreamBroken(transport_failure(self._request, exc, self._config)) from None

    def read(self) -> Reply:
        """The whole body, for an answer that is not an event stream."""
        content = b"".join(self.chunks())
        return Reply(self.status, self.headers, content)
