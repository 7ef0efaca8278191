"""An ``httpx.Client`` the caller passed in: used as it is, through its own public ``send``.

Its transport, hooks, auth and proxies all apply; the SDK only sets its base URL, default headers and
timeout, and never closes it.

>>> route = SyncPassedClient(httpx.Client(), config)
>>> reply = route.send(request, time.perf_counter())
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import httpx

from .._core._config import Config
from .._core._effects import Reply, Request
from ._httpx import build_request, configure, reply_of

__all__ = ["SyncPassedClient"]


class SyncPassedClient:
    """The same ``send`` and ``stream`` as :class:`~skytells._transport._sync_pool.SyncPool`."""

    def __init__(self, http: httpx.Client, config: Config) -> None:
        self.http = http
        self._config = config
        configure(http, config)

    @property
    def is_closed(self) -> bool:
        return self.http.is_closed

    def send(self, request: Request, started: float) -> Reply:
        """The :class:`Reply` to `request`, read in full (logged with its duration since `started`)."""
        return reply_of(request, self.http.send(build_request(self.http, request, self._config)), started)

    @contextlib.contextmanager
    def stream(self, request: Request) -> Iterator[httpx.Response]:
        """The response to `request`, its body unread; closed when the block ends."""
        response = self.http.send(build_request(self.http, request, self._config), stream=True)
        try:
            yield response
        finally:
            response.close()

    def close(self) -> None:
        """Nothing: the caller closes its own client."""
