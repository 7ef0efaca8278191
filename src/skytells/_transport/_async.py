"""The async client's transport: :class:`AsyncPools` behind ``send`` and ``stream``.

>>> transport = AsyncTransport(config)
>>> await transport.send(Request("GET", "/models"))
Reply(status=200, ...)
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import AsyncIterator

import httpx

from .._core._config import Config
from .._core._effects import Failure, Reply, Request
from ._async_pools import AsyncPools
from ._httpx import StreamBroken, build_request, closed_error, reply_of, transport_failure


class AsyncTransport:
    """Sends :class:`Request` effects over the pools (or the ``http_client`` you pass, used as is)."""

    def __init__(self, config: Config, http_client: httpx.AsyncClient | None = None) -> None:
        self._config = config
        self.pools = AsyncPools(config, http_client)

    @property
    def is_closed(self) -> bool:
        return self.pools.is_closed

    async def send(self, request: Request) -> Reply | Failure:
        """One request, read in full: its :class:`Reply`, or a :class:`Failure` when none came."""
        started = time.perf_counter()  # AsyncPools.send raises the closed error
        try:
            response = await self.pools.send(request, self._config)
        except httpx.TransportError as exc:
            return transport_failure(request, exc, self._config)
        return reply_of(request, response, started)

    @contextlib.asynccontextmanager
    async def stream(self, request: Request) -> AsyncIterator[AsyncOpenStream]:
        """An open streamed response; closed when the block ends (a caller that stops early frees it)."""
        if self.pools.is_closed:
            raise closed_error()
        async with self.pools.lease() as http:
            try:
                response = await http.send(build_request(http, request, self._config), stream=True)
            except httpx.TransportError as exc:
                raise StreamBroken(transport_failure(request, exc, self._config)) from None
            try:
                yield AsyncOpenStream(request, response, self._config)
            finally:
                await response.aclose()

    async def aclose(self) -> None:
        await self.pools.aclose()


class AsyncOpenStream:
    """The status and headers of a streamed response, and its body as it arrives."""

    def __init__(self, request: Request, response: httpx.Response, config: Config) -> None:
        self._request = request
        self._response = response
        self._config = config
        self.status = response.status_code
        self.headers = response.headers

    async def chunks(self) -> AsyncIterator[bytes]:
        try:
            async for chunk in self._response.aiter_bytes():
                yield chunk
        except httpx.TransportError as exc:
            raise StreamBroken(transport_failure(self._request, exc, self._config)) from None

    async def read(self) -> Reply:
        """The whole body, for an answer that is not an event stream."""
        content = b"".join([chunk async for chunk in self.chunks()])
        return Reply(self.status, self.headers, content)
