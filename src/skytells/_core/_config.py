"""Client configuration: resolved once from arguments, options and the environment."""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from .._version import __version__
from ..types._options import DEFAULT_TIMEOUT_MS, ClientOptions, RetryOptions, to_retry_options
from ._frozen import Frozen

API_BASE_URL = "https://api.skytells.ai/v1"
ENV_API_KEY = "SKYTELLS_API_KEY"
ENV_BASE_URL = "SKYTELLS_BASE_URL"


class Config(Frozen):
    """Everything a flow and a driver need to know about the client."""

    __slots__ = (  # noqa: RUF023
        "api_key", "base_url", "timeout_ms", "headers", "retry", "max_connections",
        "max_keepalive_connections", "key_is_sendable",
    )  # fmt: skip
    api_key: str | None
    base_url: str
    timeout_ms: float
    headers: Mapping[str, str]
    retry: RetryOptions
    max_connections: int | None
    max_keepalive_connections: int | None
    #: False when the key cannot go in an HTTP header (not ASCII, or has line breaks)
    key_is_sendable: bool

    def __init__(
        self,
        api_key: str | None,
        base_url: str,
        timeout_ms: float,
        headers: Mapping[str, str],
        retry: RetryOptions,
        max_connections: int | None = None,
        max_keepalive_connections: int | None = None,
        key_is_sendable: bool | None = None,
    ) -> None:
        key = api_key or ""
        self._init(
            api_key=api_key, base_url=base_url, timeout_ms=timeout_ms, headers=headers, retry=retry,
            max_connections=max_connections, max_keepalive_connections=max_keepalive_connections,
            key_is_sendable=key.isascii() and key.isprintable(),
        )  # fmt: skip

    @property
    def timeout(self) -> float | None:
        """The HTTP timeout in seconds (None: no limit)."""
        if self.timeout_ms is None or self.timeout_ms == float("inf"):
            return None
        return self.timeout_ms / 1000.0

    @property
    def origin(self) -> tuple[str, str]:
        parts = urlsplit(self.base_url)
        return parts.scheme, parts.netloc

    def absolute(self, url: str) -> str:
        """The full URL of a path under the base URL (absolute URLs unchanged)."""
        return url if "://" in url else self.base_url + url

    def same_origin(self, url: str) -> bool:
        parts = urlsplit(url)
        return not parts.scheme or (parts.scheme, parts.netloc) == self.origin

    def auth_headers(self) -> dict[str, str]:
        return {"x-api-key": self.api_key} if self.api_key and self.key_is_sendable else {}

    def default_headers(self) -> dict[str, str]:
        """Headers of every request: JSON in and out, who we are, user headers, then the key."""
        headers = {
            "Accept": "application/json",
            "Content-Type": "application/json",
            "User-Agent": user_agent(),
        }
        headers.update(self.headers)
        headers.update(self.auth_headers())
        return headers

    def __repr__(self) -> str:
        return f"Config(base_url={self.base_url!r}, timeout_ms={self.timeout_ms!r}, api_key=***)"


def user_agent() -> str:
    version = "{}.{}.{}".format(*sys.version_info[:3])  # platform.python_version(), without platform
    return f"skytells-python/{__version__} python/{version}"


def resolve_config(
    api_key: str | None = None,
    options: ClientOptions | Mapping[str, Any] | None = None,
    *,
    base_url: str | None = None,
    timeout: float | None = DEFAULT_TIMEOUT_MS,
    headers: Mapping[str, str] | None = None,
    retry: RetryOptions | Mapping[str, Any] | None = None,
    max_connections: int | None = None,
    max_keepalive_connections: int | None = None,
    environ: Mapping[str, str] | None = None,
) -> Config:
    """Merge keyword arguments, ``options`` and the environment (in that order of priority)."""
    env = os.environ if environ is None else environ
    opts = options if isinstance(options, ClientOptions) else ClientOptions.from_dict(options or {})
    if timeout is None or timeout is DEFAULT_TIMEOUT_MS:  # not given: options.timeout applies
        timeout = opts.timeout
    key = api_key or opts.api_key or env.get(ENV_API_KEY) or None
    url = base_url or opts.base_url or env.get(ENV_BASE_URL) or API_BASE_URL
    merged_headers = {**opts.headers, **(headers or {})}
    return Config(
        api_key=key.strip() if key else None,
        base_url=url.rstrip("/"),
        timeout_ms=_timeout_ms(timeout),
        headers=merged_headers,
        retry=to_retry_options(retry) if retry is not None else to_retry_options(opts.retry),
        max_connections=max_connections or opts.max_connections,
        max_keepalive_connections=max_keepalive_connections or opts.max_keepalive_connections,
    )


def _timeout_ms(value: Any) -> float:
    try:
        ms = float(value)
    except (TypeError, ValueError):
        return float(DEFAULT_TIMEOUT_MS)
    if ms != ms or ms <= 0:  # NaN or not positive
        return float(DEFAULT_TIMEOUT_MS)
    return ms
