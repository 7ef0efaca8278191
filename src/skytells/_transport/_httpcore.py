"""The pools' exchange with httpcore's public API: an httpx request in, an httpx response out.

The request is built by httpx (so its URL, headers, body and timeouts are exactly those of an httpx
client) and handed to an httpcore pool as an ``httpcore.Request``; the answer comes back as an
``httpx.Response`` whose body, once read, is decoded as httpx decodes it. What httpcore raises when
no response came is one of :data:`CORE_ERRORS`.

>>> core = await pool.handle_async_request(core_request(built))
>>> response = httpx_response(core, built)
>>> await response.aread()
"""

from __future__ import annotations

from collections.abc import AsyncIterable, AsyncIterator

import httpcore
import httpx

__all__ = ["CORE_ERRORS", "core_request", "httpx_response"]

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
    """httpcore's answer to `built`, its body not read yet (``aclose()`` frees the connection)."""
    return httpx.Response(
        status_code=core.status,
        headers=core.headers,
        stream=_Body(core),
        extensions=core.extensions,
        request=built,
    )


class _Body(httpx.AsyncByteStream):
    """The body of an httpcore response as httpx reads it."""

    def __init__(self, core: httpcore.Response) -> None:
        self._core = core

    def __aiter__(self) -> AsyncIterator[bytes]:
        stream = self._core.stream
        assert isinstance(stream, AsyncIterable)  # an async pool's response
        return stream.__aiter__()

    async def aclose(self) -> None:
        await self._core.aclose()
