"""The sync client's own connections: an httpcore pool, and one per proxy from the environment.

Requests are built by an httpx client that never sends (so URLs, headers and timeouts are httpx's) and
handed to httpcore's public pool API; proxies from the environment are picked per URL as httpx's
``trust_env`` picks them. httpx's client-level layers (auth flows, redirects, the cookie jar, event
hooks) are features the SDK does not use, and they cost a large share of the sync client's CPU per call.

A request without a body is built once: the same :class:`Request` effect (a prediction polled again)
reuses the httpcore request built the first time. A response without a ``Content-Encoding`` becomes a
:class:`Reply` straight from httpcore's answer (its headers a dict by lower-case name); an encoded one
is decoded by an ``httpx.Response``.

Example::

    pool = SyncPool(config)
    reply = pool.send(request, time.perf_counter())  # read in full, its connection back in the pool
    pool.close()
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Iterator, Mapping

import httpcore
import httpx

from .._core._config import Config
from .._core._effects import Reply, Request
from ._httpcore import core_request, httpx_response, proxy_settings
from ._httpx import build_request, http_limits, logger, request_builder, shared_ssl_context
from ._proxies import EnvironmentProxies

__all__ = ["DEFAULT_MAX_CONNECTIONS", "DEFAULT_MAX_KEEPALIVE", "SyncPool"]

#: connection limits of the sync client (those of an ``httpx.Client`` the SDK made before)
DEFAULT_MAX_CONNECTIONS = 100
DEFAULT_MAX_KEEPALIVE = 20
#: distinct body-less requests whose built form is kept (all are dropped when this many are)
BUILT_REQUESTS = 256

_Key = tuple[object, ...]


class SyncPool:
    """The direct httpcore pool of a sync client, and one pool per proxy from the environment."""

    def __init__(self, config: Config) -> None:
        self._config = config
        self._builder = request_builder(config)
        self._proxies = EnvironmentProxies.read()
        limits = http_limits(config, DEFAULT_MAX_CONNECTIONS, DEFAULT_MAX_KEEPALIVE)
        self.is_closed = False
        self.direct = httpcore.ConnectionPool(
            ssl_context=shared_ssl_context(),
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            http1=True,
            http2=False,
        )
        self.proxied = {key: _proxy_pool(proxy, limits) for key, proxy in self._proxies.proxies.items()}
        self._built: dict[_Key, tuple[httpx.Request, httpcore.Request, httpcore.ConnectionPool]] = {}

    def send(self, request: Request, started: float) -> Reply:
        """The :class:`Reply` to `request`, read in full (its connection back in the pool), logged at
        debug level with its duration since `started`."""
        built, core_req, pool = self._build(request)
        core = pool.handle_request(core_req)
        try:
            headers: Mapping[str, str] = _plain_headers(core.headers)
            if "content-encoding" in headers:
                response = httpx_response(core, built)  # httpx decodes it
                response.read()
                headers, content = response.headers, response.content
            else:
                content = core.read()
        finally:
            core.close()
        if logger.isEnabledFor(logging.DEBUG):
            ms = (time.perf_counter() - started) * 1000
            logger.debug("%s %s -> %d (%.0f ms)", request.method, built.url.path, core.status, ms)
        return Reply(core.status, headers, content, str(built.url) if request.expect == "bytes" else "")

    @contextlib.contextmanager
    def stream(self, request: Request) -> Iterator[httpx.Response]:
        """The response to `request`, its body unread; the connection is freed (closed, if the body
        was not read to its end) when the block ends."""
        response = self._open(request)
        try:
            yield response
        finally:
            response.close()

    def close(self) -> None:
        """Close every pool."""
        self.is_closed = True
        for pool in (self.direct, *self.proxied.values()):
            pool.close()

    def _open(self, request: Request) -> httpx.Response:
        built, core_req, pool = self._build(request)
        return httpx_response(pool.handle_request(core_req), built)

    def _build(self, request: Request) -> tuple[httpx.Request, httpcore.Request, httpcore.ConnectionPool]:
        """`request` as httpx builds it, as httpcore takes it, and the pool it goes to."""
        key = _key_of(request)
        if key is not None and (found := self._built.get(key)) is not None:
            return found
        built = build_request(self._builder, request, self._config)
        proxy = self._proxies.for_url(built.url)
        entry = (built, core_request(built), self.direct if proxy is None else self.proxied[proxy])
        if key is not None:
            if len(self._built) >= BUILT_REQUESTS:  # many distinct requests: start again
                self._built.clear()
            self._built[key] = entry  # plain dict operations, safe from several threads
        return entry


def _key_of(request: Request) -> _Key | None:
    """What identifies a body-less request's bytes on the wire (None for a request with a body)."""
    if request.content is not None:
        return None
    return (
        request.method,
        request.url,
        tuple(request.params.items()) if request.params else (),
        tuple(request.headers.items()) if request.headers else (),
        request.auth,
        request.timeout,
    )


def _plain_headers(raw: list[tuple[bytes, bytes]]) -> dict[str, str]:
    """Response headers by lower-case name (a repeated one joined with ", ", as httpx joins them)."""
    headers: dict[str, str] = {}
    for raw_name, raw_value in raw:
        name, value = raw_name.decode("latin-1").lower(), raw_value.decode("latin-1")
        headers[name] = f"{headers[name]}, {value}" if name in headers else value
    return headers


def _proxy_pool(proxy: httpx.Proxy, limits: httpx.Limits) -> httpcore.ConnectionPool:
    """The pool of requests through `proxy` (see :func:`proxy_settings`)."""
    socks, settings = proxy_settings(proxy, limits, shared_ssl_context())
    return httpcore.SOCKSProxy(**settings) if socks else httpcore.HTTPProxy(**settings)
