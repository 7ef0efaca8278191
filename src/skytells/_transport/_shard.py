"""One shard of the async pools: a small httpcore pool, and one per proxy from the environment.

>>> shard = Shard(httpx.Limits(max_connections=8), proxies={}, backend=AsyncioBackend())
>>> core = await shard.pool(None).handle_async_request(core_request(built))
>>> await shard.aclose()
"""

from __future__ import annotations

import asyncio
import ssl
from collections.abc import Mapping

import httpcore
import httpx

from ._httpcore import proxy_settings

__all__ = ["Shard"]


class Shard:
    """httpcore pools of at most ``limits.max_connections`` connections each, on one network backend:
    the direct pool, and one per proxy (made with the shard, as httpx makes its proxy transports)."""

    def __init__(
        self,
        limits: httpx.Limits,
        proxies: Mapping[str, httpx.Proxy],
        backend: httpcore.AsyncNetworkBackend,
        ssl_context: ssl.SSLContext,
    ) -> None:
        self.is_closed = False
        self.direct = httpcore.AsyncConnectionPool(
            ssl_context=ssl_context,
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            http1=True,
            http2=False,
            network_backend=backend,
        )
        self.proxied = {
            key: _proxy_pool(proxy, limits, backend, ssl_context) for key, proxy in proxies.items()
        }

    def pool(self, proxy: str | None) -> httpcore.AsyncConnectionPool:
        """The pool for requests through `proxy` (a key of the proxies given), or the direct one."""
        return self.direct if proxy is None else self.proxied[proxy]

    @property
    def connections(self) -> list[httpcore.AsyncConnectionInterface]:
        """The connections open (or opening) in this shard's pools."""
        return [conn for pool in (self.direct, *self.proxied.values()) for conn in pool.connections]

    async def aclose(self) -> None:
        self.is_closed = True
        await asyncio.gather(*(pool.aclose() for pool in (self.direct, *self.proxied.values())))


def _proxy_pool(
    proxy: httpx.Proxy,
    limits: httpx.Limits,
    backend: httpcore.AsyncNetworkBackend,
    ssl_context: ssl.SSLContext,
) -> httpcore.AsyncConnectionPool:
    """The pool of requests through `proxy` (see :func:`proxy_settings`), on `backend`."""
    socks, settings = proxy_settings(proxy, limits, ssl_context)
    if socks:
        return httpcore.AsyncSOCKSProxy(**settings, network_backend=backend)
    return httpcore.AsyncHTTPProxy(**settings, network_backend=backend)
