"""The synchronous client: configuration, one pooled transport, and a namespace per API family.

Everything a call does lives elsewhere: its arguments and flow in ``_core``, its namespace in
``_resources``, the HTTP in ``_transport``; this file wires them together.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import TracebackType
from typing import Any

import httpx

from ._base_client import BaseClient
from ._core._config import resolve_config
from ._resources.deprecated import DeprecatedMethods
from ._resources.models import ModelsAPI
from ._resources.predictions import PredictionMethods, PredictionsAPI
from ._sync_driver import SyncDriver
from ._telemetry import telemetry_for
from ._transport import SyncTransport
from .types._options import DEFAULT_TIMEOUT_MS, ClientOptions, RetryOptions

__all__ = ["ModelsAPI", "PredictionsAPI", "SkytellsClient"]


class SkytellsClient(PredictionMethods, DeprecatedMethods, BaseClient):
    """The Skytells API client. Thread-safe: create one and share it.

    >>> from skytells import SkytellsClient
    >>> client = SkytellsClient()            # reads SKYTELLS_API_KEY (and SKYTELLS_BASE_URL)
    >>> prediction = client.run("truefusion-pro", input={"prompt": "A serene mountain lake"})
    >>> prediction.outputs()
    'https://.../output.webp'
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
        http_client: httpx.Client | None = None,
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
        self._transport = SyncTransport(config, http_client)
        self._driver = SyncDriver(self._transport, tracing)
        self.predictions = PredictionsAPI(self)
        self.models = ModelsAPI(self)
        # the Inference API loads with the first client, not with the SDK
        from ._resources.chat import Chat
        from ._resources.embeddings import Embeddings
        from ._resources.responses import Responses
        from ._resources.safety import Safety

        self.chat = Chat(self)
        self.responses = Responses(self)
        self.embeddings = Embeddings(self)
        self.safety = Safety(self)

    def close(self) -> None:
        """Close the pooled connections (not those of an ``http_client`` you passed in)."""
        self._transport.close()

    def __enter__(self) -> SkytellsClient:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
