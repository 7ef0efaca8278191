"""The effects a flow asks its driver to perform, and what the driver sends back.

A flow is a generator: it yields a :class:`Request`, :class:`Sleep`, :class:`Notify` or :class:`Listen`
and receives a :class:`Reply` or :class:`Failure` (after a request), the next event or a
:class:`StreamEnd` (after a listen), or ``None`` (after anything else). It never does I/O itself, so
the sync and async clients drive the very same code.
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Mapping
from typing import TYPE_CHECKING, Any, TypeVar, Union

if TYPE_CHECKING:
    from ._event_stream import EventStream
    from ._sse import StreamEvent

from ._frozen import Frozen

_T = TypeVar("_T")


class Request(Frozen):
    """One HTTP call. ``url`` is a path under the base URL or an absolute URL."""

    __slots__ = ("method", "url", "params", "content", "headers", "auth", "timeout", "expect", "labels")  # noqa: RUF023
    #: ``labels`` is left out of comparison and hashing
    _compared = ("method", "url", "params", "content", "headers", "auth", "timeout", "expect")
    method: str
    url: str
    params: Mapping[str, str] | None
    #: the encoded JSON body, if any
    content: bytes | None
    headers: Mapping[str, str] | None
    #: send the API key (False for absolute URLs on another origin, e.g. a CDN)
    auth: bool
    #: seconds; None means the client's timeout
    timeout: float | None
    #: expected body: "json" (parsed and checked) or "bytes" (a download)
    expect: str
    #: what the request is about, for tracing (``model``, ``prediction.id``); never sent, never the input;
    #: not compared
    labels: Mapping[str, str] | None

    def __init__(
        self,
        method: str,
        url: str,
        params: Mapping[str, str] | None = None,
        content: bytes | None = None,
        headers: Mapping[str, str] | None = None,
        auth: bool = True,
        timeout: float | None = None,
        expect: str = "json",
        labels: Mapping[str, str] | None = None,
    ) -> None:
        self._init(
            method=method, url=url, params=params, content=content, headers=headers, auth=auth,
            timeout=timeout, expect=expect, labels=labels,
        )  # fmt: skip

    def replace(self, **changes: Any) -> Request:
        """A copy with ``changes`` applied."""
        copy: Request = self._replace(**changes)
        return copy


class Sleep(Frozen):
    """Wait ``seconds``; wake early if ``signal`` (an Event) is set."""

    __slots__ = ("seconds", "signal")
    seconds: float
    signal: Any

    def __init__(self, seconds: float, signal: Any = None) -> None:
        self._init(seconds=seconds, signal=signal)


class Notify(Frozen):
    """Call a user callback with one argument (awaited by the async driver when it returns a coroutine)."""

    __slots__ = ("callback", "argument")  # noqa: RUF023
    callback: Callable[[Any], Any]
    argument: Any

    def __init__(self, callback: Callable[[Any], Any], argument: Any) -> None:
        self._init(callback=callback, argument=argument)


class Listen(Frozen):
    """Wait for the next event of ``stream``, at most ``seconds`` (None: no limit); wake early once
    ``signal`` is set.

    The driver opens the stream on the first ``Listen`` naming it and keeps reading it between
    listens (a reconnect from ``Last-Event-ID`` included); it closes it when the flow ends. The answer
    is the next :class:`StreamEvent`, a :class:`StreamEnd` once the stream is over (the same again on
    any later listen), or ``None`` when the time ran out or the signal was set.
    """

    __slots__ = ("stream", "seconds", "signal")  # noqa: RUF023
    stream: EventStream
    seconds: float | None
    signal: Any

    def __init__(self, stream: EventStream, seconds: float | None = None, signal: Any = None) -> None:
        self._init(stream=stream, seconds=seconds, signal=signal)


class StreamEnd(Frozen):
    """A listened stream is over: it ended (``error`` None) or failed with ``error``."""

    __slots__ = ("error",)
    error: Exception | None

    def __init__(self, error: Exception | None = None) -> None:
        self._init(error=error)


class Reply(Frozen):
    """An HTTP response: status, headers with lower-case names, and the body bytes."""

    __slots__ = ("status", "headers", "content", "url")  # noqa: RUF023
    status: int
    headers: Mapping[str, str]
    content: bytes
    url: str

    def __init__(self, status: int, headers: Mapping[str, str], content: bytes, url: str = "") -> None:
        self._init(status=status, headers=headers, content=content, url=url)


class Failure(Frozen):
    """No response: ``kind`` is ``"timeout"`` or ``"network"``."""

    __slots__ = ("kind", "message", "timeout")
    kind: str
    message: str
    timeout: float | None

    def __init__(self, kind: str, message: str, timeout: float | None = None) -> None:
        self._init(kind=kind, message=message, timeout=timeout)


Effect = Union[Request, Sleep, Notify, Listen]
Answer = Union[Reply, Failure, "StreamEvent", StreamEnd, None]
Flow = Generator[Effect, Answer, _T]
