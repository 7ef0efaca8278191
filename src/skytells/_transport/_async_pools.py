"""The async client's connections: one large pool kept as many small httpx pools ("shards").

Each time a response is released, httpcore's pool walks its connections and, for every idle one,
counts the idle ones again: work that grows with the square of the pool's size. A single pool of a
thousand connections spends more CPU on that than on HTTP, so the async client keeps shards of
:data:`SHARD_SIZE` connections, each an ``httpx.AsyncClient`` whose connections run on
:class:`~skytells._transport._asyncio_backend.AsyncioBackend`, and sends each request to the first
shard with a free connection (a lone caller keeps reusing one warm connection). Shards are made when a burst
first needs them, so a client costs one shard until then.

A request goes straight to the transport httpx chose for its URL (so proxies from the environment
still apply). The client-level layers on the way (auth flows, redirects, the cookie jar, event
hooks) are features the SDK does not use, and they cost about a sixth of the client's CPU per call.
An ``http_client`` passed in by the caller is used as given, through its own ``send``.

At most :data:`STARTS_PER_TURN` requests start per turn of the event loop (``_Ramp``), so a burst of
calls puts its first requests on the wire while the rest are still being prepared.

Example::

    pools = AsyncPools(config)
    response = await pools.send(request, config)
    await pools.aclose()
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import importlib.util
import math
import sys
from collections.abc import AsyncIterator

import httpx

from .._core._config import Config
from .._core._effects import Request
from ._asyncio_backend import use_asyncio_backend
from ._httpx import build_request, closed_error, configure, shared_ssl_context

__all__ = ["DEFAULT_MAX_CONNECTIONS", "DEFAULT_MAX_KEEPALIVE", "SHARD_SIZE", "STARTS_PER_TURN", "AsyncPools"]

#: connection limits of the async client: sized for thousands of concurrent predictions
DEFAULT_MAX_CONNECTIONS = 1000
DEFAULT_MAX_KEEPALIVE = 1000
#: connections per shard
SHARD_SIZE = 8
#: requests that may start in one turn of the event loop (see `_Ramp`)
STARTS_PER_TURN = 16


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


class _Ramp:
    """Lets at most `per_turn` requests start in one turn of the event loop; the others wait, in order,
    for the next turns.

    A burst of calls (``asyncio.gather`` of a thousand ``run()``) would otherwise prepare every request
    and start every connect before the loop looks at a finished connect again, so nothing reaches the
    server until all of them are prepared. Admitted a few at a time, the first requests are on the
    wire while the rest are still being prepared.
    """

    def __init__(self, per_turn: int) -> None:
        self.per_turn = per_turn
        self._started = 0
        self._waiting: collections.deque[asyncio.Future[None]] = collections.deque()
        self._turn_loop: asyncio.AbstractEventLoop | None = None  # the loop a turn callback is queued on

    async def start(self) -> None:
        loop = asyncio.get_running_loop()
        if self._turn_loop is not loop:  # first use, or a new loop after the old one stopped
            self._started, self._waiting = 0, collections.deque()
        if self._started < self.per_turn and not self._waiting:
            self._started += 1
            self._schedule(loop)
            return
        waiter = loop.create_future()
        self._waiting.append(waiter)
        self._schedule(loop)
        await waiter

    def _schedule(self, loop: asyncio.AbstractEventLoop) -> None:
        if self._turn_loop is not loop:
            self._turn_loop = loop
            loop.call_soon(self._next_turn)

    def _next_turn(self) -> None:
        loop, self._turn_loop = self._turn_loop, None
        self._started = 0
        while self._waiting and self._started < self.per_turn:
            waiter = self._waiting.popleft()
            if not waiter.done():  # a cancelled caller gives its place up
                waiter.set_result(None)
                self._started += 1
        if loop is not None and (self._waiting or self._started):
            self._schedule(loop)


class AsyncPools:
    """The shards of one async client (or the caller's own ``http_client`` alone)."""

    def __init__(self, config: Config, http_client: httpx.AsyncClient | None = None) -> None:
        _skip_missing_sniffio()
        self.owned = http_client is None
        self._config = config
        self._closed = False
        if http_client is None:
            total = config.max_connections or DEFAULT_MAX_CONNECTIONS
            keepalive = min(config.max_keepalive_connections or DEFAULT_MAX_KEEPALIVE, total)
            self._max_shards = max(1, math.ceil(total / SHARD_SIZE))
            self._capacity = math.ceil(total / self._max_shards)
            self._limits = httpx.Limits(
                max_connections=self._capacity,
                max_keepalive_connections=math.ceil(keepalive / self._max_shards),
            )
            self.shards: list[httpx.AsyncClient] = []
            self._in_flight: list[int] = []
            self._add_shard()  # the rest are made when a burst needs them
        else:
            self._max_shards, self._capacity = 1, 0
            configure(http_client, config)
            self.shards, self._in_flight = [http_client], [0]
        #: the shortcut needs one private httpx method (present from 0.18 to 0.28); without it, ``send``
        self._direct = self.owned and callable(getattr(httpx.AsyncClient, "_transport_for_url", None))
        self._ramp = _Ramp(STARTS_PER_TURN)

    @property
    def first(self) -> httpx.AsyncClient:
        """The first shard."""
        return self.shards[0]

    @contextlib.asynccontextmanager
    async def lease(self) -> AsyncIterator[httpx.AsyncClient]:
        """A shard for one long request (an event stream), counted busy while it is open, so many
        concurrent streams spread over the shards as requests do."""
        index = self._pick()
        self._in_flight[index] += 1
        try:
            yield self.shards[index]
        finally:
            self._in_flight[index] -= 1

    @property
    def is_closed(self) -> bool:
        return self._closed or self.shards[0].is_closed

    async def send(self, request: Request, config: Config) -> httpx.Response:
        """Send `request` on the first shard with a free connection; the response is read in full."""
        await self._ramp.start()
        if self.is_closed:  # closed while this call waited for its turn
            raise closed_error()
        index = self._pick()
        http = self.shards[index]
        self._in_flight[index] += 1
        try:
            built = build_request(http, request, config)
            if not self._direct:
                return await http.send(built)
            return await _send_on_transport(http, built)
        finally:
            self._in_flight[index] -= 1

    async def aclose(self) -> None:
        """Close every shard (not an ``http_client`` the caller passed in)."""
        if self.owned:
            self._closed = True
            await asyncio.gather(*(shard.aclose() for shard in self.shards))

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
        shard = httpx.AsyncClient(limits=self._limits, verify=shared_ssl_context())
        use_asyncio_backend(shard)
        configure(shard, self._config)
        self.shards.append(shard)
        self._in_flight.append(0)
        return len(self.shards) - 1


async def _send_on_transport(http: httpx.AsyncClient, request: httpx.Request) -> httpx.Response:
    """What ``http.send(request)`` does for the SDK's requests, without the layers it does not use."""
    try:
        response = await http._transport_for_url(request.url).handle_async_request(request)
        response.request = request
        try:
            await response.aread()
        finally:
            await response.aclose()
    except httpx.TransportError as exc:
        exc.request = request
        raise
    return response
