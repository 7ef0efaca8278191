"""An ``httpx.AsyncClient`` the caller passed in: used as it is, through its own public ``send``.

Its transport, hooks, auth and proxies all apply; the SDK only sets its base URL, default headers and
timeout, and never closes it.

>>> route = PassedClient(httpx.AsyncClient(), config)
>>> response = await route.send(request)
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

import httpx

from .._core._config import Config
from .._core._effects import Request
from ._httpx import build_request, configure

__all__ = ["PassedClient"]


class PassedClient:
    """The same ``send`` and ``stream`` as :class:`~skytells._transport._async_pools.AsyncPools`."""

    def __init__(self, http: httpx.AsyncClient, config: Config) -> None:
        self.http = http
        self._config = config
        configure(http, config)

    @property
    def is_closed(self) -> bool:
        return self.http.is_closed

    async def send(self, request: Request) -> httpx.Response:
        """The response to `request`, read in full."""
        return await self.http.send(build_request(self.http, request, self._config))

    @contextlib.asynccontextmanager
    async def stream(self, request: Request) -> AsyncIterator[httpx.Response]:
        """The response to `request`, its body unread; closed when the block ends."""
        response = await self.http.send(build_request(self.http, request, self._config), stream=True)
        try:
            yield response
        finally:
            await response.aclose()

    async def aclose(self) -> None:
        """Nothing: the caller closes its own client."""
