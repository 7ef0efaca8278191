"""The async client's own connections: one large pool kept as many small httpcore pools ("shards").

Each time a response is released, httpcore's pool walks its connections and, for every idle one,
counts the idle ones again: work that grows with the square of the pool's size. A single pool of a
thousand connections spends more CPU on that than on HTTP, so the async client keeps shards of
:data:`SHARD_SIZE` connections (:class:`~skytells._transport._shard.Shard`, httpcore pools whose
connections run on :class:`~skytells._transport._asyncio_backend.AsyncioBackend`), and sends each
request to the first shard with a free connection (a lone caller keeps reusing one warm connection).
Shards are made when a burst first needs them, so a client costs one shard until then.

Requests are built by an httpx client that never sends (so URLs, headers and timeouts are httpx's) and
handed to httpcore's public pool API; proxies from the environment are picked per URL as httpx's
``trust_env`` picks them. httpx's client-level layers (auth flows, redirects, the cookie jar, event
hooks) are features the SDK does not use, and they cost about a sixth of the client's CPU per call.

Example::

    pools = AsyncPools(config)
    response = await pools.send(request)  # an httpx.Response, read in full
    await pools.aclose()
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib.util
import math
import sys
from collections.abc import AsyncIterator

import httpx

from .._core._config import Config
from .._core._effects import Request
from ._asyncio_backend import AsyncioBackend
from ._httpcore import core_request, httpx_response
from ._httpx import build_request, request_builder, shared_ssl_context
from ._proxies import EnvironmentProxies
from ._shard import Shard

__all__ = ["DEFAULT_MAX_CONNECTIONS", "DEFAULT_MAX_KEEPALIVE", "SHARD_SIZE", "AsyncPools"]

#: connection limits of the async client: sized for thousands of concurrent predictions
DEFAULT_MAX_CONNECTIONS = 1000
DEFAULT_MAX_KEEPALIVE = 1000
#: connections per shard
SHARD_SIZE = 8


def _skip_missing_sniffio() -> None:
    """httpcore looks for ``sniffio`` with an ``import`` on every async request; when it is not
    installed each attempt scans ``sys.path`` again (about 30 file lookups per call). Recording the
    absence once (``sys.modules["sniffio"] = None``) makes the failed import instant.

    This is process-wide, so it is done when the first async client is created, not on
    ``import skytells``. Nothing changes when ``sniffio`` is installed (trio depends on it, so a trio
    program is never affected). A ``sniffio`` installed into the running process later imports only
    after ``del sys.modules["sniffio"]``."""
    if "sniffio" not in sys.modules and importlib.util.find_spec("sniffio") is None:
        sys.modules["sniffio"] = None  # type: ignore[assignment]


class AsyncPools:
    """The shards of one async client."""

    def __init__(self, config: Config) -> None:
        _skip_missing_sniffio()
        self._config = config
        self._builder = request_builder(config)
        self._proxies = EnvironmentProxies.read()
        self._backend = AsyncioBackend()
        self.is_closed = False
        total = config.max_connections or DEFAULT_MAX_CONNECTIONS
        keepalive = min(config.max_keepalive_connections or DEFAULT_MAX_KEEPALIVE, total)
        self._max_shards = max(1, math.ceil(total / SHARD_SIZE))
        self._capacity = math.ceil(total / self._max_shards)
        self._limits = httpx.Limits(
            max_connections=self._capacity,
            max_keepalive_connections=math.ceil(keepalive / self._max_shards),
        )
        self.shards: list[Shard] = []
        self._in_flight: list[int] = []
        self._add_shard()  # the rest are made when a burst needs them

    async def send(self, request: Request) -> httpx.Response:
        """Send `request` on the first shard with a free connection; the response is read in full."""
        index = self._pick()
        self._in_flight[index] += 1
        try:
            response = await self._open(self.shards[index], request)
            try:
                await response.aread()
            finally:
                await response.aclose()
            return response
        finally:
            self._in_flight[index] -= 1

    @contextlib.asynccontextmanager
    async def lease(self) -> AsyncIterator[Shard]:
        """A shard for one long request (an event stream), counted busy while it is open, so many
        concurrent streams spread over the shards as requests do."""
        index = self._pick()
        self._in_flight[index] += 1
        try:
            yield self.shards[index]
        finally:
            self._in_flight[index] -= 1

    @contextlib.asynccontextmanager
    async def stream(self, request: Request) -> AsyncIterator[httpx.Response]:
        """The response to `request`, its body unread, on a leased shard; the connection is freed
        (closed, if the body was not read to its end) when the block ends."""
        async with self.lease() as shard:
            response = await self._open(shard, request)
            try:
                yield response
            finally:
                await response.aclose()

    async def aclose(self) -> None:
        """Close every shard."""
        self.is_closed = True
        await asyncio.gather(*(shard.aclose() for shard in self.shards))

    async def _open(self, shard: Shard, request: Request) -> httpx.Response:
        built = build_request(self._builder, request, self._config)
        pool = shard.pool(self._proxies.for_url(built.url))
        return httpx_response(await pool.handle_async_request(core_request(built)), built)

    def _pick(self) -> int:
        """The first shard with a free connection slot (a new one if all are busy and the limits
        allow it), else the least busy."""
        in_flight = self._in_flight
        if self._max_shards == 1:
            return 0
        for index, count in enumerate(in_flight):
            if count < self._capacity:
                return index
        if len(self.shards) < self._max_shards:
            return self._add_shard()
        return in_flight.index(min(in_flight))

    def _add_shard(self) -> int:
        self.shards.append(Shard(self._limits, self._proxies.proxies, self._backend, shared_ssl_context()))
        self._in_flight.append(0)
        return len(self.shards) - 1
