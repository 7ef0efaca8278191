"""The sync client's transport: its own :class:`SyncPool` (keep-alive HTTP/1.1 connections), or the
``http_client`` you pass, behind ``send`` and ``stream``.

>>> transport = SyncTransport(config)
>>> transport.send(Request("GET", "/models"))
Reply(status=200, ...)
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator
from typing import TYPE_CHECKING

import httpx

from .._core._config import Config
from .._core._effects import Failure, Reply, Request
from ._httpx import StreamBroken, closed_error, transport_failure
from ._sync_passed import SyncPassedClient

if TYPE_CHECKING:
    from ._sync_pool import SyncPool

__all__ = ["OpenStream", "SyncTransport"]


class SyncTransport:
    """Sends :class:`Request` effects over its pool (or the ``http_client`` you pass, used as is)."""

    def __init__(self, config: Config, http_client: httpx.Client | None = None) -> None:
        self._config = config
        self.owned = http_client is None
        self.pool: SyncPool | SyncPassedClient
        #: what a request that got no (whole) response raises
        self._errors: tuple[type[Exception], ...]
        if http_client is None:
            from ._sync_pool import SyncPool  # loaded with the first client, not with ``import skytells``

            pool = SyncPool(config)
            self.pool, self._errors = pool, (httpx.TransportError, *pool.errors)
        else:
            self.pool, self._errors = SyncPassedClient(http_client, config), (httpx.TransportError,)

    @property
    def is_closed(self) -> bool:
        return self.pool.is_closed

    def send(self, request: Request) -> Reply | Failure:
        """One request, read in full: its :class:`Reply`, or a :class:`Failure` when none came."""
        if self.pool.is_closed:
            raise closed_error()
        started = time.perf_counter()
        try:
            return self.pool.send(request, started)
        except self._errors as exc:
            return transport_failure(request, exc, self._config)

    @contextlib.contextmanager
    def stream(self, request: Request) -> Iterator[OpenStream]:
        """An open streamed response; closed when the block ends (a caller that stops early frees it)."""
        if self.pool.is_closed:
            raise closed_error()
        with contextlib.ExitStack() as opened:
            try:
                response = opened.enter_context(self.pool.stream(request))
            except self._errors as exc:
                raise StreamBroken(transport_failure(request, exc, self._config)) from None
            yield OpenStream(request, response, self._config, self._errors)

    def close(self) -> None:
        """Close the pool (not an ``http_client`` the caller passed in)."""
        self.pool.close()


class OpenStream:
    """The status and headers of a streamed response, and its body as it arrives."""

    def __init__(
        self,
        request: Request,
        response: httpx.Response,
        config: Config,
        errors: tuple[type[Exception], ...] = (httpx.TransportError,),
    ) -> None:
        self._request = request
        self._response = response
        self._config = config
        self._errors = errors
        self.status = response.status_code
        self.headers = response.headers

    def chunks(self) -> Iterator[bytes]:
        try:
            yield from self._response.iter_bytes()
        except self._errors as exc:
            raise StreamBroken(transport_failure(self._request, exc, self._config)) from None

    def read(self) -> Reply:
        """The whole body, for an answer that is not an event stream."""
        content = b"".join(self.chunks())
        return Reply(self.status, self.headers, content)
