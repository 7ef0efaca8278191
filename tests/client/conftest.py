"""One behaviour suite, two clients.

Every test in this folder that takes the `sdk` fixture runs twice: once with `SkytellsClient` and once
with `AsyncSkytellsClient`, both talking HTTP to the session emulator. The test body is written once::

    def test_run_returns_a_prediction(sdk):
        prediction = sdk.resolve(sdk.client.run("flux-pro", input={"prompt": "A cat"}))
        assert prediction.status == "succeeded"

`sdk.resolve(x)` awaits `x` on the test's own event loop when it is awaitable and returns it unchanged
otherwise, so the same line drives both clients.
"""

from __future__ import annotations

import asyncio
import inspect
import threading
from collections.abc import AsyncIterable, Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest

from skytells import AsyncSkytellsClient, SkytellsClient, SkytellsError
from tests.wire_log import WireLog


@dataclass
class Recorded:
    """One request as the client put it on the wire."""

    method: str
    url: str
    headers: httpx.Headers
    body: bytes

    def json(self) -> Any:
        import json

        return json.loads(self.body) if self.body else None


@dataclass
class Recorder:
    """Requests seen by an injected httpx client, and the order their starts and ends happened in."""

    requests: list[Recorded] = field(default_factory=list)
    timeline: list[tuple[str, int]] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def on_request(self, request: httpx.Request) -> None:
        with self._lock:
            index = len(self.requests)
            request.extensions["recorder_index"] = index
            try:
                body = request.content
            except httpx.RequestNotRead:
                body = b""
            self.requests.append(Recorded(request.method, str(request.url), request.headers, body))
            self.timeline.append(("start", index))

    def on_response(self, response: httpx.Response) -> None:
        with self._lock:
            self.timeline.append(("end", response.request.extensions.get("recorder_index", -1)))

    def matching(self, method: str, path_part: str) -> list[Recorded]:
        return [r for r in self.requests if r.method == method and path_part in httpx.URL(r.url).path]

    def creates(self) -> list[Recorded]:
        return [
            r
            for r in self.requests
            if r.method == "POST" and httpx.URL(r.url).path.rstrip("/").endswith(("/predict", "/predictions"))
        ]


#: One TLS context for every helper httpx client: building one costs tens of milliseconds each time.
SHARED_TLS = httpx.create_ssl_context()
#: A plain HTTP client for reading what the emulator holds, independent of the SDK under test.
PLAIN = httpx.Client(verify=SHARED_TLS, timeout=30)


class Sleeps:
    """Records the waits the SDK asks for on the test's thread and skips them."""

    def __init__(self) -> None:
        self.delays: list[float] = []


class Harness:
    """What a behaviour test needs: a client of the mode under test and a way to drive it."""

    def __init__(self, mode: str, emulator: Any, base_url: str, api_key: str, wire: WireLog) -> None:
        self.mode = mode
        self.is_async = mode == "async"
        self.emulator = emulator
        self.wire = wire
        self.base_url = base_url
        self.api_key = api_key
        self.client_class: type[Any] = AsyncSkytellsClient if self.is_async else SkytellsClient
        self.loop = asyncio.new_event_loop() if self.is_async else None
        self._closers: list[Callable[[], Any]] = []
        self.client = self.make_client()

    # -- driving --------------------------------------------------------------------------------

    def resolve(self, value: Any) -> Any:
        """Await `value` on this test's event loop if it is awaitable; return it otherwise."""
        if inspect.isawaitable(value):
            assert self.loop is not None, "the sync client returned an awaitable"
            return self.loop.run_until_complete(_awaited(value))
        return value

    def run_async(self, coroutine: Any) -> Any:
        """Run a coroutine on this test's loop (async mode only)."""
        assert self.loop is not None
        return self.loop.run_until_complete(coroutine)

    def collect(self, iterable: Any, limit: int | None = None) -> list[Any]:
        """Every item of a sync or async iterable (or of an awaitable that returns one)."""
        iterable = self.resolve(iterable)
        if isinstance(iterable, AsyncIterable):
            return self.run_async(_collect_async(iterable, limit))
        assert isinstance(iterable, Iterable), f"not iterable: {iterable!r}"
        items = []
        for item in iterable:
            items.append(item)
            if limit is not None and len(items) >= limit:
                break
        return items

    def error(self, call: Callable[[], Any]) -> SkytellsError:
        """The SkytellsError that `call()` raises (awaiting what it returns)."""
        with pytest.raises(SkytellsError) as info:
            self.resolve(call())
        return info.value

    def new_signal(self) -> Any:
        """An abort signal of the kind this client takes: threading.Event or asyncio.Event."""
        return asyncio.Event() if self.is_async else threading.Event()

    def set_signal(self, signal: Any) -> None:
        signal.set()

    # -- clients --------------------------------------------------------------------------------

    def make_client(self, api_key: Any = ..., **kwargs: Any) -> Any:
        """A client of the mode under test, pointed at the emulator, closed after the test."""
        if api_key is ...:
            api_key = self.api_key
        kwargs.setdefault("base_url", self.base_url)
        client = self.client_class(api_key, **kwargs)
        self._closers.append(lambda: self.close_client(client))
        return client

    def close_client(self, client: Any) -> None:
        if self.is_async:
            self.resolve(client.aclose())
        else:
            client.close()

    def http_client(self, **kwargs: Any) -> Any:
        """A bare httpx client of the matching kind, closed after the test."""
        kwargs.setdefault("verify", SHARED_TLS)
        http = httpx.AsyncClient(**kwargs) if self.is_async else httpx.Client(**kwargs)
        if self.is_async:
            self._closers.append(lambda: self.resolve(http.aclose()))
        else:
            self._closers.append(http.close)
        return http

    def recording_client(self, *, limits: httpx.Limits | None = None, **kwargs: Any) -> tuple[Any, Recorder]:
        """A client whose injected httpx client records every request it sends."""
        recorder = Recorder()
        if self.is_async:

            async def on_request(request: httpx.Request) -> None:
                recorder.on_request(request)

            async def on_response(response: httpx.Response) -> None:
                recorder.on_response(response)

            hooks: dict[str, list[Any]] = {"request": [on_request], "response": [on_response]}
        else:
            hooks = {"request": [recorder.on_request], "response": [recorder.on_response]}
        http_kwargs: dict[str, Any] = {"event_hooks": hooks}
        if limits is not None:
            http_kwargs["limits"] = limits
        http = self.http_client(**http_kwargs)
        return self.make_client(http_client=http, **kwargs), recorder

    def client_on(self, transport: str, **kwargs: Any) -> Any:
        """A client sending over `transport`: ``"own"`` (the pools it makes itself, on the asyncio
        backend for the async client, as users get it) or ``"injected"`` (an httpx client passed in)."""
        if transport == "own":
            return self.make_client(**kwargs)
        assert transport == "injected", transport
        return self.make_client(http_client=self.http_client(), **kwargs)

    def mock_client(self, handler: Callable[[httpx.Request], httpx.Response], **kwargs: Any) -> Any:
        """A client whose transport is `handler`: only for what the emulator cannot produce."""
        http = self.http_client(transport=httpx.MockTransport(handler))
        kwargs.setdefault("base_url", "https://api.example.test/v1")
        return self.make_client(http_client=http, **kwargs)

    # -- the emulator's admin API ---------------------------------------------------------------

    def outcome(self, model: str, outcome: str, message: str | None = None, count: int | None = None) -> None:
        """Make the next predictions of `model` finish at once, stay pending, or fail."""
        rule: dict[str, Any] = {"model": model, "outcome": outcome}
        if message is not None:
            rule["message"] = message
        if count is not None:
            rule["count"] = count
        self.emulator.admin("POST", "/outcomes", json=rule)

    def speed(self, factor: float) -> None:
        """Make simulated time run `factor` times faster than real time (reset restores the default)."""
        self.emulator.admin("POST", "/time", json={"speed": factor})

    def fault(self, **rule: Any) -> Any:
        """Add a fault rule (see docs/architecture.md, Faults)."""
        return self.emulator.admin("POST", "/faults", json=rule)

    def account(self, api_key: str, **fields: Any) -> Any:
        return self.emulator.admin("POST", "/accounts", json={"api_key": api_key, **fields})

    @property
    def plain(self) -> httpx.Client:
        """A plain sync httpx client (not the SDK) for checking files and state on the emulator."""
        return PLAIN

    def server_predictions(self, api_key: str | None = None) -> list[dict[str, Any]]:
        """Every prediction the emulator holds for a key, read with plain httpx (not the SDK)."""
        key = api_key or self.api_key
        items: list[dict[str, Any]] = []
        page = 1
        while True:
            reply = PLAIN.get(
                f"{self.base_url}/predictions",
                params={"page": page, "per_page": 50},
                headers={"x-api-key": key},
            )
            reply.raise_for_status()
            body = reply.json()
            items.extend(body["data"])
            if page >= body["pagination"]["last_page"]:
                return items
            page += 1

    def raw_get(self, prediction_id: str) -> httpx.Response:
        return PLAIN.get(f"{self.base_url}/predictions/{prediction_id}", headers={"x-api-key": self.api_key})

    # -- teardown -------------------------------------------------------------------------------

    def close(self) -> None:
        """Close every client the test made (all of them, even after a failure), then the loop.

        An error from ``close()`` / ``aclose()`` fails the test: closing is behaviour a user relies on.
        """
        errors: list[BaseException] = []
        for closer in reversed(self._closers):
            try:
                closer()
            except Exception as exc:
                errors.append(exc)
        if self.loop is not None:
            self.loop.run_until_complete(self.loop.shutdown_asyncgens())
            self.loop.close()
        if errors:
            failures = "; ".join(repr(error) for error in errors)
            raise AssertionError(f"closing the test's clients failed: {failures}") from errors[0]


async def _awaited(value: Any) -> Any:
    return await value


async def _collect_async(iterable: AsyncIterable[Any], limit: int | None) -> list[Any]:
    items = []
    async for item in iterable:
        items.append(item)
        if limit is not None and len(items) >= limit:
            break
    return items


@pytest.fixture(params=["sync", "async"])
def sdk(
    request: pytest.FixtureRequest, emulator: Any, base_url: str, api_key: str, wire: WireLog
) -> Iterator[Harness]:
    """The client under test (sync, then async) against a freshly reset emulator."""
    harness = Harness(request.param, emulator, base_url, api_key, wire)
    try:
        yield harness
    finally:
        harness.close()


@pytest.fixture(params=["own", "injected"])
def transport(request: pytest.FixtureRequest) -> str:
    """Which transport `sdk.client_on` uses: the client's own, or an injected httpx client."""
    return str(request.param)


@pytest.fixture
def sleeps(monkeypatch: pytest.MonkeyPatch) -> Sleeps:
    """Record the waits the SDK's drivers ask for (retry backoff, polling) and skip them.

    Both drivers perform every wait through their module's `sleep(seconds, signal)`; the flows decide
    the durations, so recording them checks the schedule without waiting for it. An abort signal is
    still honoured: the flow looks at it after the (skipped) wait.
    """
    from skytells import _async_driver, _sync_driver

    record = Sleeps()

    def fake_sleep(seconds: float, signal: Any) -> None:
        if seconds > 0:
            record.delays.append(seconds)

    async def fake_async_sleep(seconds: float, signal: Any) -> None:
        fake_sleep(seconds, signal)
        await asyncio.sleep(0)

    monkeypatch.setattr(_sync_driver, "sleep", fake_sleep)
    monkeypatch.setattr(_async_driver, "sleep", fake_async_sleep)
    return record


@pytest.fixture
def chat_model(base_url: str, api_key: str) -> str:
    """The slug of a catalog model that only speaks the chat API (metadata.openai_compatible)."""
    reply = PLAIN.get(f"{base_url}/models", headers={"x-api-key": api_key})
    reply.raise_for_status()
    slugs = [m["namespace"] for m in reply.json() if (m.get("metadata") or {}).get("openai_compatible")]
    assert slugs, "the emulator catalog has no OpenAI-compatible (chat) model"
    return str(slugs[0])


@pytest.fixture(scope="session", autouse=True)
def _close_plain_client() -> Iterator[None]:
    yield
    PLAIN.close()
