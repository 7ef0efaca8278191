"""The async client's transport: its own :class:`AsyncPools`, or the ``http_client`` you pass, behind
``send`` and ``stream``.

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
from ._httpcore import CORE_ERRORS
from ._httpx import StreamBroken, closed_error, reply_of, transport_failure
from ._passed_client import PassedClient
from ._ramp import Ramp

__all__ = ["STARTS_PER_TURN", "AsyncOpenStream", "AsyncTransport"]

#: requests that may start in one turn of the event loop (see :class:`~skytells._transport._ramp.Ramp`)
STARTS_PER_TURN = 16
#: what a request that got no (whole) response raises: httpx's errors, or httpcore's from the pools
TRANSPORT_ERRORS = (httpx.TransportError, *CORE_ERRORS)


class AsyncTransport:
    """Sends :class:`Request` effects over the pools (or the ``http_client`` you pass, used as is)."""

    def __init__(self, config: Config, http_client: httpx.AsyncClient | None = None) -> None:
        self._config = config
        self.pools: AsyncPools | PassedClient = (
            AsyncPools(config) if http_client is None else PassedClient(http_client, config)
        )
        self._ramp = Ramp(STARTS_PER_TURN)

    @property
    def is_closed(self) -> bool:
        return self.pools.is_closed

    async def send(self, request: Request) -> Reply | Failure:
        """One request, read in full: its :class:`Reply`, or a :class:`Failure` when none came."""
        started = time.perf_counter()
        await self._ramp.start()
        if self.pools.is_closed:  # also when closed while this call waited for its turn
            raise closed_error()
        try:
            response = await self.pools.send(request)
        except TRANSPORT_ERRORS as exc:
            return transport_failure(request, exc, self._config)
        return reply_of(request, response, started)

    @contextlib.asynccontextmanager
    async def stream(self, request: Request) -> AsyncIterator[AsyncOpenStream]:
        """An open streamed response; closed when the block ends (a caller that stops early frees it)."""
        if self.pools.is_closed:
            raise closed_error()
        async with contextlib.AsyncExitStack() as opened:
            try:
                response = await opened.enter_async_context(self.pools.stream(request))
            except TRANSPORT_ERRORS as exc:
                raise StreamBroken(transport_failure(request, exc, self._config)) from None
            yield AsyncOpenStream(request, response, self._config)

    async def aclose(self) -> None:
        """Close the pools (not an ``http_client`` the caller passed in)."""
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
        except TRANSPORT_ERRORS as exc:
            raise StreamBroken(transport_failure(self._request, exc, self._config)) from None

    async def read(self) -> Reply:
        """The whole body, for an answer that is not an event stream."""
        content = b"".join([chunk async for chunk in self.chunks()])
        return Reply(self.status, self.headers, content)
