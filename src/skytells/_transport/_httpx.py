"""What both transports do with httpx: build a request from a :class:`Request` effect, and turn
responses and transport errors (httpx's, and httpcore's from the async pools) into :class:`Reply` and
:class:`Failure`."""

from __future__ import annotations

import functools
import logging
import ssl
import sys
import time

import httpx

from .._core._config import Config
from .._core._effects import Failure, Reply, Request
from .._exceptions import SkytellsError

logger = logging.getLogger("skytells")


@functools.lru_cache(maxsize=1)
def shared_ssl_context() -> ssl.SSLContext:
    """One TLS context for every client the SDK creates (building one costs ~60 ms)."""
    return httpx.create_ssl_context()


def http_limits(config: Config, default_max: int, default_keepalive: int) -> httpx.Limits:
    return httpx.Limits(
        max_connections=config.max_connections or default_max,
        max_keepalive_connections=config.max_keepalive_connections or default_keepalive,
    )


def failure_of(exc: Exception, timeout: float | None) -> Failure:
    """A ``"timeout"`` for httpx's and httpcore's timeouts and the sync connections' (a
    ``TimeoutError``), else ``"network"``."""
    # httpcore is not imported here (``import skytells`` does not load it): an error of its own means
    # a pool loaded it already
    core = sys.modules.get("httpcore")
    timeouts: tuple[type[Exception], ...] = (httpx.TimeoutException, TimeoutError)
    if core is not None:
        timeouts += (core.TimeoutException,)
    kind = "timeout" if isinstance(exc, timeouts) else "network"
    return Failure(kind, str(exc) or type(exc).__name__, timeout)


def closed_error() -> SkytellsError:
    return SkytellsError(
        "The client has been closed", "SDK_ERROR", "Create a new client, or stop calling close() early", 0
    )


def configure(http: httpx.Client | httpx.AsyncClient, config: Config) -> None:
    """Point an httpx client at the API: base URL, default headers (with the key), timeout."""
    http.base_url = httpx.URL(config.base_url + "/")
    http.headers.update(config.default_headers())
    http.timeout = httpx.Timeout(config.timeout)


class _BuildOnly(httpx.AsyncBaseTransport):
    """The transport of a client that only builds requests (the async pools send them)."""

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        raise RuntimeError("this client only builds requests")


def request_builder(config: Config) -> httpx.AsyncClient:
    """An httpx client configured for the API that builds requests and never sends one (it has no
    connections, so it needs no closing)."""
    builder = httpx.AsyncClient(transport=_BuildOnly(), trust_env=False)
    configure(builder, config)
    return builder


def build_request(http: httpx.Client | httpx.AsyncClient, request: Request, config: Config) -> httpx.Request:
    """The httpx request of a :class:`Request` effect; without the key when ``request.auth`` is False."""
    built = http.build_request(
        request.method,
        config.absolute(request.url),
        params=request.params,
        content=request.content,
        headers=request.headers or None,
        timeout=httpx.USE_CLIENT_DEFAULT if request.timeout is None else request.timeout,
    )
    if not request.auth:
        for name in config.auth_headers():
            built.headers.pop(name, None)
    return built


def transport_failure(request: Request, exc: Exception, config: Config) -> Failure:
    """The :class:`Failure` of a request that got no response (logged at debug level)."""
    logger.debug("%s %s failed: %s", request.method, httpx.URL(request.url).path, type(exc).__name__)
    return failure_of(exc, request.timeout if request.timeout is not None else config.timeout)


def reply_of(request: Request, response: httpx.Response, started: float) -> Reply:
    """The :class:`Reply` of a response (logged at debug level with its duration since ``started``)."""
    if logger.isEnabledFor(logging.DEBUG):
        logger.debug(
            "%s %s -> %d (%.0f ms)",
            request.method,
            response.request.url.path,
            response.status_code,
            (time.perf_counter() - started) * 1000,
        )
    url = str(response.request.url) if request.expect == "bytes" else ""
    return Reply(response.status_code, response.headers, response.content, url)


class StreamBroken(Exception):
    """A stream got no response, or its connection broke mid-body: ``failure`` says how."""

    def __init__(self, failure: Failure) -> None:
        super().__init__(failure.message)
        self.failure = failure
