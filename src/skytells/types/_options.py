"""Option and request classes. Each accepts keyword arguments and converts from a plain dict.

Wherever the SDK takes one of these it also takes a dict with the same keys, so
``RetryOptions(retries=3)`` and ``{"retries": 3}`` mean the same thing.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from typing import Any, TypeVar

DEFAULT_RETRY_ON: tuple[int, ...] = (429, 500, 502, 503, 504)


class _DefaultTimeout(int):
    """The default timeout, 60000 ms: equal to ``60000`` everywhere, yet told apart from an explicit
    ``timeout=60000`` by identity, so an explicit value wins over ``options.timeout``."""

    def __repr__(self) -> str:
        return "60000"


DEFAULT_TIMEOUT_MS: int = _DefaultTimeout(60_000)
DEFAULT_POLL_INTERVAL_MS = 5_000

_T = TypeVar("_T")


_FIELD_NAMES: dict[type, frozenset[str]] = {}


def _field_names(cls: type) -> frozenset[str]:
    """The names of a dataclass's fields (looked up once per class)."""
    names = _FIELD_NAMES.get(cls)
    if names is None:
        names = _FIELD_NAMES[cls] = frozenset(f.name for f in fields(cls))
    return names


def _from_mapping(cls: type[_T], data: Mapping[str, Any], aliases: Mapping[str, str] | None = None) -> _T:
    names = _field_names(cls)
    kwargs: dict[str, Any] = {}
    for key, value in data.items():
        key = (aliases or {}).get(key, key)
        if key in names:
            kwargs[key] = value
    return cls(**kwargs)


@dataclass
class RetryOptions:
    """Automatic retries of failed HTTP calls: attempt ``n`` waits ``retry_delay * n`` ms.

    A ``Retry-After`` header on the failed response is honoured instead when present.

    >>> RetryOptions(retries=3, retry_delay=1000)   # 1s, 2s, 3s
    """

    retries: int = 0
    retry_delay: int = 1000
    retry_on: list[int] = field(default_factory=lambda: list(DEFAULT_RETRY_ON))

    DEFAULT_RETRY_ON = list(DEFAULT_RETRY_ON)

    def __post_init__(self) -> None:
        if self.retry_on is None or not list(self.retry_on):
            self.retry_on = list(DEFAULT_RETRY_ON)
        self.retry_on = [int(s) for s in self.retry_on]

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> RetryOptions:
        return _from_mapping(cls, d, {"retryDelay": "retry_delay", "retryOn": "retry_on"})


@dataclass
class ClientOptions:
    """Client configuration, the alternative to keyword arguments of :class:`SkytellsClient`."""

    base_url: str | None = None
    timeout: float = DEFAULT_TIMEOUT_MS
    headers: dict[str, str] = field(default_factory=dict)
    retry: RetryOptions | dict[str, Any] | None = None
    api_key: str | None = field(default=None, repr=False)
    max_connections: int | None = None
    max_keepalive_connections: int | None = None

    def __post_init__(self) -> None:
        self.headers = dict(self.headers or {})
        self.retry = to_retry_options(self.retry)

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> ClientOptions:
        return _from_mapping(cls, d, {"baseUrl": "base_url", "apiKey": "api_key"})


@dataclass
class WaitOptions:
    """Polling of :meth:`SkytellsClient.wait`: ``interval`` and ``max_wait`` in milliseconds.

    ``signal`` (a ``threading.Event`` or ``asyncio.Event``) stops the wait with ``ABORTED`` once set.
    With an ``on_progress`` callback the wait follows the prediction's live events where the server
    sends them (``interval`` is then the polling of a server without them); ``live=False`` polls.
    """

    interval: float = DEFAULT_POLL_INTERVAL_MS
    max_wait: float | None = None
    signal: Any = None
    live: bool = True

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> WaitOptions:
        return _from_mapping(cls, d, {"maxWait": "max_wait"})


@dataclass
class PredictionRequest:
    """The body of a create call.

    >>> PredictionRequest(model="flux-pro", input={"prompt": "A sunset"}, await_=True)
    """

    model: str
    input: dict[str, Any] = field(default_factory=dict)
    webhook: dict[str, Any] | str | None = None
    await_: bool | None = None
    stream: bool | None = None

    def to_dict(self) -> dict[str, Any]:
        body: dict[str, Any] = {"model": self.model, "input": self.input}
        if self.webhook is not None:
            body["webhook"] = self.webhook
        if self.await_ is not None:
            body["await"] = self.await_
        if self.stream:
            body["stream"] = True
        return body

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> PredictionRequest:
        data = dict(d)
        return cls(
            model=data["model"],
            input=dict(data.get("input") or {}),
            webhook=data.get("webhook"),
            await_=data.get("await", data.get("await_")),
            stream=data.get("stream"),
        )


@dataclass
class RunOptions:
    """Options of :meth:`SkytellsClient.run` given as one object (all optional)."""

    input: dict[str, Any] | None = None
    webhook: dict[str, Any] | str | None = None
    stream: bool = False
    interval: float | None = None
    max_wait: float | None = None
    signal: Any = None
    #: with ``on_progress``: follow the live events (True) or poll (False)
    live: bool = True

    def to_dict(self) -> dict[str, Any]:
        body: dict[str, Any] = {"input": self.input or {}}
        if self.webhook is not None:
            body["webhook"] = self.webhook
        if self.stream:
            body["stream"] = True
        return body

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> RunOptions:
        return _from_mapping(cls, d, {"maxWait": "max_wait"})


@dataclass
class PredictionsListOptions:
    """Filters of :meth:`PredictionsAPI.list`; ``since``/``until`` are a day (``YYYY-MM-DD``) or an
    ISO 8601 date-time (``2026-01-01T10:00:00+02:00``), sent unchanged as ``from``/``to``."""

    page: int | None = None
    since: str | None = None
    until: str | None = None
    model: str | None = None
    per_page: int | None = None
    status: str | None = None

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> PredictionsListOptions:
        return _from_mapping(cls, d, {"from": "since", "to": "until"})


@dataclass
class ModelFieldsOptions:
    """Extra fields of a model: ``"input_schema"``, ``"output_schema"``."""

    fields: list[str] = field(default_factory=list)

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> ModelFieldsOptions:
        return cls(fields=list(d.get("fields") or []))


@dataclass
class PredictionSdkOptions:
    """SDK-side create options (never sent): check the model first, await image models."""

    compatibility_check: bool = False
    auto_await: bool = False

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> PredictionSdkOptions:
        return _from_mapping(cls, d, {"compatibilityCheck": "compatibility_check", "autoAwait": "auto_await"})


@dataclass
class QueueItem:
    """A request waiting in the local queue until :meth:`SkytellsClient.dispatch`."""

    request: PredictionRequest


#: The ``on_progress`` callback: receives the latest prediction after every poll.
OnProgressCallback = Callable[[dict[str, Any]], Any]


def to_retry_options(value: RetryOptions | Mapping[str, Any] | None) -> RetryOptions:
    if value is None:
        return RetryOptions()
    if isinstance(value, RetryOptions):
        return value
    return RetryOptions.from_dict(value)


def to_wait_options(value: WaitOptions | Mapping[str, Any] | None) -> WaitOptions:
    if value is None:
        return WaitOptions()
    if isinstance(value, WaitOptions):
        return value
    return WaitOptions.from_dict(value)
