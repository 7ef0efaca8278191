"""The asyncio client: the same namespaces and flows as the sync client, on the async transport."""

from __future__ import annotations

from collections.abc import Mapping
from types import TracebackType
from typing import Any

import httpx

from ._async_driver import AsyncDriver
from ._base_client import BaseClient
from ._core._config import resolve_config
from ._resources.deprecated import AsyncDeprecatedMethods
from ._resources.models import AsyncModelsAPI
from ._resources.predictions import AsyncPredictionMethods, AsyncPredictionsAPI
from ._telemetry import telemetry_for
from ._transport._async import AsyncTransport
from .types._options import DEFAULT_TIMEOUT_MS, ClientOptions, RetryOptions

__all__ = ["AsyncModelsAPI", "AsyncPredictionsAPI", "AsyncSkytellsClient"]


class AsyncSkytellsClient(AsyncPredictionMethods, AsyncDeprecatedMethods, BaseClient):
    """The asyncio Skytells client: the methods of :class:`SkytellsClient` as coroutines
    (``queue()`` stays synchronous), on httpx's connection pools (httpcore) split into small shards
    that run on asyncio's own transports; an ``http_client`` you pass is used instead, as it is.

    >>> async with AsyncSkytellsClient() as client:
    ...     results = await asyncio.gather(*(client.run("flux-pro", input={"prompt": p}) for p in prompts))
    """

    def __init__(
        self,
        api_key: str | None = None,
        options: ClientOptions | Mapping[str, Any] | None = None,
        *,
        base_url: str | None = None,
        timeout: float = DEFAULT_TIMEOUT_MS,
        headers: Mapping[str, str] | None = None,
        retry: RetryOptions | Mapping[str, Any] | None = None,
        http_client: httpx.AsyncClient | None = None,
        max_connections: int | None = None,
        max_keepalive_connections: int | None = None,
        telemetry: Any = None,
    ) -> None:
        config = resolve_config(
            api_key,
            options,
            base_url=base_url,
            timeout=timeout,
            headers=headers,
            retry=retry,
            max_connections=max_connections,
            max_keepalive_connections=max_keepalive_connections,
        )
        tracing = telemetry_for(telemetry, config.base_url)  # None: traced once a tracer provider is set
        super().__init__(config)
        self._transport = AsyncTransport(config, http_client)
        self._driver = AsyncDriver(self._transport, tracing)
        self.predictions = AsyncPredictionsAPI(self)
        self.models = AsyncModelsAPI(self)
        # the Inference API loads with the first client, not with the SDK
        from ._resources.chat import AsyncChat
        from ._resources.embeddings import AsyncEmbeddings
        from ._resources.responses import AsyncResponses
        from ._resources.safety import AsyncSafety

        self.chat = AsyncChat(self)
        self.responses = AsyncResponses(self)
        self.embeddings = AsyncEmbeddings(self)
        self.safety = AsyncSafety(self)

    async def aclose(self) -> None:
        """Close the pooled connections (not those of an ``http_client`` you passed in)."""
        await self._transport.aclose()

    async def __aenter__(self) -> AsyncSkytellsClient:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()
