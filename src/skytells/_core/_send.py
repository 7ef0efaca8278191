"""One request with retries: the loop every API family's flows send through.

>>> data = yield from send(ctx, Request("GET", "/models"))
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from .._exceptions import AbortedError, SkytellsError
from ._config import Config
from ._effects import Failure, Flow, Reply, Request, Sleep
from ._errors import check_reply, error_from_failure, make_error, parse_json_reply, sdk_error
from ._retry import retry_delay

logger = logging.getLogger("skytells")


class Context:
    """Per-client state the flows read: configuration, clock, key source, model cache."""

    __slots__ = ("clock", "config", "models", "new_key")

    def __init__(
        self,
        config: Config,
        clock: Callable[[], float] = time.monotonic,
        new_key: Callable[[], str] | None = None,
        models: dict[str, Any] | None = None,
    ) -> None:
        self.config = config
        self.clock = clock
        self.new_key: Callable[[], str] = new_key or new_idempotency_key
        self.models: dict[str, Any] = {} if models is None else models


def new_idempotency_key() -> str:
    """A random UUID (version 4) for an ``Idempotency-Key`` (``uuid`` is loaded on the first create)."""
    import uuid

    return str(uuid.uuid4())


def send(ctx: Context, request: Request, signal: Any = None) -> Flow[Any]:
    """Send ``request`` (the same one on every retry) and return its JSON (or the Reply for bytes).

    A set ``signal`` cuts a wait between retries short with ``ABORTED``.
    """
    secret = ctx.config.api_key
    check_key(ctx.config, request.auth)
    attempt = 0
    while True:
        answer = yield request
        try:
            if not isinstance(answer, Reply):
                failure = answer if isinstance(answer, Failure) else Failure("network", "no response")
                raise error_from_failure(failure, secret)
            if request.expect == "bytes":
                return check_reply(answer, secret)
            return parse_json_reply(answer, secret)
        except SkytellsError as error:
            attempt += 1
            delay = retry_delay(error, attempt, ctx.config.retry)
            if delay is None:
                raise
            logger.info(
                "retrying %s %s in %.2fs after %s (attempt %d)",
                request.method,
                path_only(request.url),
                delay,
                error.error_id,
                attempt,
            )
        yield Sleep(delay, signal)
        check_abort(signal)


def check_key(config: Config, needed: bool = True) -> None:
    """``SDK_ERROR`` before anything is sent when there is no key (and the request needs one), or
    when the key cannot go in an HTTP header."""
    if needed and not config.api_key:
        raise make_error(
            "No API key: pass api_key= to the client or set SKYTELLS_API_KEY",
            "UNAUTHORIZED",
            "The request was not sent. Create a key in the Skytells dashboard; the local emulator takes "
            "any sk-... key",
            401,  # what the API answers a request without a key, so code written for that keeps working
        )
    if not config.key_is_sendable:
        raise sdk_error(
            "The API key contains characters that cannot be sent in an HTTP header",
            "Check SKYTELLS_API_KEY or the api_key argument: keys are ASCII, like sk-...",
        )


def check_abort(signal: Any) -> None:
    """``ABORTED`` once ``signal`` (an Event) is set."""
    if signal is not None and signal.is_set():
        raise AbortedError("Wait aborted", "ABORTED", "The abort signal was set", 0)


def path_only(url: str) -> str:
    """``url`` without its query string (a signed URL's query carries secrets: never log it)."""
    return url.split("?", 1)[0]
