"""The effects a flow asks its driver to perform, and what the driver sends back.

A flow is a generator: it yields a :class:`Request`, :class:`Sleep`, :class:`Notify` or :class:`Listen`
and receives a :class:`Reply` or :class:`Failure` (after a request), the next event or a
:class:`StreamEnd` (after a listen), or ``None`` (after anything else). It never does I/O itself, so
the sync and async clients drive the very same code.
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar, Union

if TYPE_CHECKING:
    from ._event_stream import EventStream
    from ._sse import StreamEvent

_T = TypeVar("_T")


@dataclass(frozen=True)
class Request:
    """One HTTP call. ``url`` is a path under the base URL or an absolute URL."""

    method: str
    url: str
    params: Mapping[str, str] | None = None
    #: the encoded JSON body, if any
    content: bytes | None = None
    headers: Mapping[str, str] | None = None
    #: send the API key (False for absolute URLs on another origin, e.g. a CDN)
    auth: bool = True
    #: seconds; None means the client's timeout
    timeout: float | None = None
    #: expected body: "json" (parsed and checked) or "bytes" (a download)
    expect: str = "json"


@dataclass(frozen=True)
class Sleep:
    """Wait ``seconds``; wake early if ``signal`` (an Event) is set."""

    seconds: float
    signal: Any = None


@dataclass(frozen=True)
class Notify:
    """Call a user callback with one argument (awaited by the async driver when it returns a coroutine)."""

    callback: Callable[[Any], Any]
    argument: Any


@dataclass(frozen=True, eq=False)
class Listen:
    """Wait for the next event of ``stream``, at most ``seconds`` (None: no limit); wake early once
    ``signal`` is set.

    The driver opens the stream on the first ``Listen`` naming it and keeps reading it between
    listens (a reconnect from ``Last-Event-ID`` included); it closes it when the flow ends. The answer
    is the next :class:`StreamEvent`, a :class:`StreamEnd` once the stream is over (the same again on
    any later listen), or ``None`` when the time ran out or the signal was set.
    """

    stream: EventStream
    seconds: float | None = None
    signal: Any = None


@dataclass(frozen=True)
class StreamEnd:
    """A listened stream is over: it ended (``error`` None) or failed with ``error``."""

    error: Exception | None = None


@dataclass(frozen=True)
class Reply:
    """An HTTP response: status, headers with lower-case names, and the body bytes."""

    status: int
    headers: Mapping[str, str]
    content: bytes
    url: str = ""


@dataclass(frozen=True)
class Failure:
    """No response: ``kind`` is ``"timeout"`` or ``"network"``."""

    kind: str
    message: str
    timeout: float | None = None


Effect = Union[Request, Sleep, Notify, Listen]
Answer = Union[Reply, Failure, "StreamEvent", StreamEnd, None]
Flow = Generator[Effect, Answer, _T]
