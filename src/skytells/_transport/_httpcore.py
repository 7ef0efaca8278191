"""The pools' exchange with httpcore's public API: an httpx request in, an httpx response out.

The request is built by httpx (so its URL, headers, body and timeouts are exactly those of an httpx
client) and handed to an httpcore pool as an ``httpcore.Request``; the answer comes back as an
``httpx.Response`` whose body, once read, is decoded as httpx decodes it. What httpcore raises when
no response came is one of :data:`CORE_ERRORS`.

>>> core = await pool.handle_async_request(core_request(built))
>>> response = httpx_response(core, built)
>>> await response.aread()

:func:`proxy_settings` is what a pool through a proxy from the environment takes, sync or async.
"""

from __future__ import annotations

import ssl
from collections.abc import AsyncIterable, AsyncIterator, Iterable, Iterator
from typing import Any

import httpcore
import httpx

__all__ = ["CORE_ERRORS", "core_request", "httpx_response", "proxy_settings"]

#: httpcore's errors for a request that got no (whole) response: the ones httpx maps to its
#: ``TransportError`` (timeouts, network and protocol errors, a refusing proxy, an unknown scheme)
CORE_ERRORS = (
    httpcore.TimeoutException,
    httpcore.NetworkError,
    httpcore.ProtocolError,
    httpcore.ProxyError,
    httpcore.UnsupportedProtocol,
)


def core_request(built: httpx.Request) -> httpcore.Request:
    """`built` as httpcore takes it: what ``httpx.AsyncHTTPTransport`` hands its pool."""
    url = built.url
    return httpcore.Request(
        method=built.method,
        url=httpcore.URL(scheme=url.raw_scheme, host=url.raw_host, port=url.port, target=url.raw_path),
        headers=built.headers.raw,
        content=built.content,
        extensions=built.extensions,
    )


def httpx_response(core: httpcore.Response, built: httpx.Request) -> httpx.Response:
    """httpcore's answer to `built`, its body not read yet (closing it frees the connection); a sync
    pool's response reads as a sync body, an async pool's as an async one."""
    stream = core.stream
    body: httpx.SyncByteStream | httpx.AsyncByteStream = (
        _SyncBody(core) if isinstance(stream, Iterable) else _AsyncBody(core)
    )
    return httpx.Response(
        status_code=core.status,
        headers=core.headers,
        stream=body,
        extensions=core.extensions,
        request=built,
    )


def proxy_settings(
    proxy: httpx.Proxy, limits: httpx.Limits, ssl_context: ssl.SSLContext
) -> tuple[bool, dict[str, Any]]:
    """Whether `proxy` is SOCKS, and the arguments of its httpcore proxy pool (``SOCKSProxy`` /
    ``HTTPProxy`` or their async twins): HTTP(S) forwarding and tunnels, or SOCKS (with ``socksio``)."""
    url = proxy.url
    socks = url.scheme in ("socks5", "socks5h")
    proxy_url = httpcore.URL(scheme=url.raw_scheme, host=url.raw_host, port=url.port, target=url.raw_path)
    settings: dict[str, Any] = {
        "proxy_url": proxy_url,
        "proxy_auth": proxy.raw_auth,
        "ssl_context": ssl_context,
        "max_connections": limits.max_connections,
        "max_keepalive_connections": limits.max_keepalive_connections,
        "keepalive_expiry": limits.keepalive_expiry,
        "http1": True,
        "http2": False,
    }
    if not socks:
        settings.update(proxy_headers=proxy.headers.raw, proxy_ssl_context=proxy.ssl_context)
    return socks, settings


class _SyncBody(httpx.SyncByteStream):
    """The body of a sync pool's httpcore response as httpx reads it."""

    def __init__(self, core: httpcore.Response) -> None:
        self._core = core

    def __iter__(self) -> Iterator[bytes]:
        stream = self._core.stream
        assert isinstance(stream, Iterable)
        return iter(stream)

    def close(self) -> None:
        self._core.close()


class _AsyncBody(httpx.AsyncByteStream):
    """The body of an async pool's httpcore response as httpx reads it."""

    def __init__(self, core: httpcore.Response) -> None:
        self._core = core

    def __aiter__(self) -> AsyncIterator[bytes]:
        stream = self._core.stream
        assert isinstance(stream, AsyncIterable)  # an async pool's response
        return stream.__aiter__()

    async def aclose(self) -> None:
        await self._core.aclose()
