"""The sync client's own connections: keep-alive HTTP/1.1 over the standard library's ``http.client``
(:class:`~skytells._transport._http11.Connections`), and an httpcore pool per proxy from the environment.

Requests are built by an httpx client that never sends (so URLs, headers and timeouts are httpx's) and
written to the wire as built; proxies from the environment are picked per URL as httpx's ``trust_env``
picks them. httpx's client-level layers (auth flows, redirects, the cookie jar, event hooks) are
features the SDK does not use; httpcore's pool and h11's state machine cost the sync client more CPU per
call than the standard library's HTTP/1.1 client does, so direct requests skip them (httpcore is loaded
only when the environment names a proxy).

A request without a body is built once: the same :class:`Request` effect (a prediction polled again)
reuses what was built the first time. An answer without a ``Content-Encoding`` becomes a :class:`Reply`
as it comes (its headers a dict by lower-case name); an encoded one is decoded by an ``httpx.Response``.

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
from typing import TYPE_CHECKING, Union

import httpx

from .._core._config import Config
from .._core._effects import Reply, Request
from ._http11 import Answer, Connections, ExchangeFailed, Outgoing
from ._httpx import build_request, http_limits, logger, request_builder, shared_ssl_context
from ._proxies import EnvironmentProxies

if TYPE_CHECKING:
    import httpcore

__all__ = ["DEFAULT_MAX_CONNECTIONS", "DEFAULT_MAX_KEEPALIVE", "SyncPool"]

#: connection limits of the sync client (those of an ``httpx.Client`` the SDK made before)
DEFAULT_MAX_CONNECTIONS = 100
DEFAULT_MAX_KEEPALIVE = 20
#: distinct body-less requests whose built form is kept (all are dropped when this many are)
BUILT_REQUESTS = 256

_Key = tuple[object, ...]
#: a request as built, and as its route takes it: direct, or through a proxy's httpcore pool
_Built = tuple[httpx.Request, Union[Outgoing, "tuple[httpcore.Request, httpcore.ConnectionPool]"]]


class SyncPool:
    """The direct connections of a sync client, and one httpcore pool per proxy from the environment."""

    def __init__(self, config: Config) -> None:
        self._config = config
        self._builder = request_builder(config)
        self._proxies = EnvironmentProxies.read()
        limits = http_limits(config, DEFAULT_MAX_CONNECTIONS, DEFAULT_MAX_KEEPALIVE)
        self.is_closed = False
        self.direct = Connections(
            shared_ssl_context(),
            max_connections=limits.max_connections,
            max_keepalive=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
        )
        #: what a request that got no (whole) answer raises, on any route
        self.errors: tuple[type[Exception], ...] = (ExchangeFailed,)
        self.proxied: dict[str, httpcore.ConnectionPool] = {}
        if self._proxies.proxies:  # httpcore loads only for a proxy
            from ._httpcore import CORE_ERRORS

            self.proxied = {key: _proxy_pool(proxy, limits) for key, proxy in self._proxies.proxies.items()}
            self.errors += CORE_ERRORS
        self._built: dict[_Key, _Built] = {}

    def send(self, request: Request, started: float) -> Reply:
        """The :class:`Reply` to `request`, read in full (its connection back in the pool), logged at
        debug level with its duration since `started`."""
        built, route = self._build(request)
        if isinstance(route, Outgoing):
            answer = self.direct.open(route)
            headers: Mapping[str, str]
            try:
                status, headers, content = answer.status, _plain_headers(answer.headers), answer.read()
            finally:
                answer.close()
            if "content-encoding" in headers:
                response = httpx.Response(status, headers=answer.headers, stream=httpx.ByteStream(content))
                headers, content = response.headers, response.read()  # httpx decodes it
        else:
            response = self._open_proxied(built, *route)
            try:
                response.read()
            finally:
                response.close()
            status, headers, content = response.status_code, response.headers, response.content
        if logger.isEnabledFor(logging.DEBUG):
            ms = (time.perf_counter() - started) * 1000
            logger.debug("%s %s -> %d (%.0f ms)", request.method, built.url.path, status, ms)
        return Reply(status, headers, content, str(built.url) if request.expect == "bytes" else "")

    @contextlib.contextmanager
    def stream(self, request: Request) -> Iterator[httpx.Response]:
        """The response to `request`, its body unread; the connection is freed (closed, if the body
        was not read to its end) when the block ends."""
        built, route = self._build(request)
        if isinstance(route, Outgoing):
            answer = self.direct.open(route)
            response = httpx.Response(
                answer.status, headers=answer.headers, stream=_AnswerBody(answer), request=built
            )
        else:
            response = self._open_proxied(built, *route)
        try:
            yield response
        finally:
            response.close()

    def close(self) -> None:
        """Close every connection."""
        self.is_closed = True
        self.direct.close()
        for pool in self.proxied.values():
            pool.close()

    def _open_proxied(
        self, built: httpx.Request, core_req: httpcore.Request, pool: httpcore.ConnectionPool
    ) -> httpx.Response:
        from ._httpcore import httpx_response

        return httpx_response(pool.handle_request(core_req), built)

    def _build(self, request: Request) -> _Built:
        """`request` as httpx builds it, and as its route (direct, or a proxy's pool) takes it."""
        key = _key_of(request)
        if key is not None and (found := self._built.get(key)) is not None:
            return found
        built = build_request(self._builder, request, self._config)
        proxy = self._proxies.for_url(built.url)
        if proxy is None:
            entry: _Built = (built, _outgoing(built))
        else:
            from ._httpcore import core_request

            entry = (built, (core_request(built), self.proxied[proxy]))
        if key is not None:
            if len(self._built) >= BUILT_REQUESTS:  # many distinct requests: start again
                self._built.clear()
            self._built[key] = entry  # plain dict operations, safe from several threads
        return entry


class _AnswerBody(httpx.SyncByteStream):
    """A direct answer's body as httpx reads it."""

    def __init__(self, answer: Answer) -> None:
        self._answer = answer

    def __iter__(self) -> Iterator[bytes]:
        return self._answer.chunks()

    def close(self) -> None:
        self._answer.close()


def _outgoing(built: httpx.Request) -> Outgoing:
    """`built` as it goes on the wire from a direct connection."""
    url = built.url
    port = url.port or (443 if url.scheme == "https" else 80)
    timeouts: Mapping[str, float | None] = built.extensions.get("timeout", {})
    return Outgoing(
        (url.scheme, url.raw_host.decode("ascii"), port),
        built.method,
        url.raw_path.decode("ascii"),
        built.headers.raw,
        built.content,
        timeouts,
    )


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


def _plain_headers(received: list[tuple[str, str]]) -> dict[str, str]:
    """Response headers by lower-case name (a repeated one joined with ", ", as httpx joins them)."""
    headers: dict[str, str] = {}
    for raw_name, value in received:
        name = raw_name.lower()
        headers[name] = f"{headers[name]}, {value}" if name in headers else value
    return headers


def _proxy_pool(proxy: httpx.Proxy, limits: httpx.Limits) -> httpcore.ConnectionPool:
    """The pool of requests through `proxy` (see :func:`~skytells._transport._httpcore.proxy_settings`)."""
    import httpcore

    from ._httpcore import proxy_settings

    socks, settings = proxy_settings(proxy, limits, shared_ssl_context())
    return httpcore.SOCKSProxy(**settings) if socks else httpcore.HTTPProxy(**settings)
