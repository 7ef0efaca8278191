"""What the test helpers need of a running emulator: its URLs, its admin API, and its public API
called with a test key (plain httpx: a test's view of the server must not go through the SDK under
test)."""

from __future__ import annotations

from typing import Any, Protocol

import httpx


class EmulatorLike(Protocol):
    """An `skytells.emulator.EmulatorServer`, or anything with the same URLs and admin call."""

    @property
    def base_url(self) -> str: ...

    @property
    def root_url(self) -> str: ...

    def admin(self, method: str, path: str, json: Any = None) -> Any: ...


class ApiCaller:
    """Calls the emulator's public API (``/v1/...``) with an API key; raises on a non-2xx answer."""

    def __init__(self, server: EmulatorLike) -> None:
        self._server = server
        self._client: httpx.Client | None = None

    def get(self, path: str, api_key: str, params: dict[str, Any] | None = None) -> Any:
        if self._client is None:
            self._client = httpx.Client(timeout=30, trust_env=False)
        response = self._client.get(
            self._server.base_url + path, params=params, headers={"x-api-key": api_key}
        )
        response.raise_for_status()
        return response.json()

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None
