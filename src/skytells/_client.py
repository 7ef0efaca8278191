"""The synchronous client: a thin driver of the core flows over one pooled ``httpx.Client``.

It also holds what the async client shares with it: :class:`BaseClient` and the httpx helpers
(``build_request``, ``transport_failure``, ``reply_of``, ``configure``...).
"""

from __future__ import annotations

import functools
import logging
import os
import ssl
import threading
import time
import warnings
from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from types import TracebackType
from typing import Any, Generic, TypeVar

import httpx

from ._core import _flows as flows
from ._core._arguments import create_call, fields_call, list_call, queue_call, run_call, wait_call
from ._core._config import Config, resolve_config
from ._core._effects import Failure, Flow, Notify, Reply, Request, Sleep
from ._core._responses import error_from_failure, scrub_error
from ._core._sse import StreamEvent
from ._core._stream import EventStream
from ._exceptions import DispatchError, PredictionFailedError, SkytellsError, WaitTimeoutError
from ._prediction import Prediction, write_files
from .types._options import (
    DEFAULT_TIMEOUT_MS,
    ClientOptions,
    ModelFieldsOptions,
    OnProgressCallback,
    PredictionRequest,
    PredictionSdkOptions,
    PredictionsListOptions,
    QueueItem,
    RetryOptions,
    RunOptions,
    WaitOptions,
)
from .types._pagination import PaginatedResponse

__all__ = ["ModelsAPI", "PredictionsAPI", "SkytellsClient"]

logger = logging.getLogger("skytells")
_T = TypeVar("_T")
_P = TypeVar("_P", bound=Prediction)
_E = TypeVar("_E", bound=SkytellsError)
Payload = PredictionRequest | Mapping[str, Any]
PredictionRef = Mapping[str, Any] | str


@functools.lru_cache(maxsize=1)
def shared_ssl_context() -> ssl.SSLContext:
    """One TLS context for every client the SDK creates (building one costs ~60 ms)."""
    return httpx.create_ssl_context()


def http_limits(config: Config, default_max: int, default_keepalive: int) -> httpx.Limits:
    return httpx.Limits(
        max_connections=config.max_connections or default_max,
        max_keepalive_connections=config.max_keepalive_connections or default_keepalive,
    )


def failure_of(exc: httpx.TransportError, timeout: float | None) -> Failure:
    kind = "timeout" if isinstance(exc, httpx.TimeoutException) else "network"
    return Failure(kind, str(exc) or type(exc).__name__, timeout)


def closed_error() -> SkytellsError:
    return SkytellsError(
        "The client has been closed", "SDK_ERROR", "Create a new client, or stop calling close() early", 0
    )


def strip_auth(request: httpx.Request, config: Config) -> httpx.Request:
    for name in config.auth_headers():
        request.headers.pop(name, None)
    return request


def configure(http: httpx.Client | httpx.AsyncClient, config: Config) -> None:
    """Point an httpx client at the API: base URL, default headers (with the key), timeout."""
    http.base_url = httpx.URL(config.base_url + "/")
    http.headers.update(config.default_headers())
    http.timeout = httpx.Timeout(config.timeout)


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
    return built if request.auth else strip_auth(built, config)


def transport_failure(request: Request, exc: httpx.TransportError, config: Config) -> Failure:
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
    return reply(response, request.expect == "bytes")


def reply(response: httpx.Response, with_url: bool = False) -> Reply:
    url = str(response.request.url) if with_url else ""
    return Reply(response.status_code, response.headers, response.content, url)


def deprecated(old: str, new: str) -> None:
    """Warn, at the line that called the deprecated method ``old``, to use ``new`` instead."""
    warnings.warn(f"{old} is deprecated; use {new} instead.", DeprecationWarning, stacklevel=3)


class BaseClient(Generic[_P]):
    """What both clients hold beside their driver: the configuration, the local queue, and the
    wrapping of API answers into predictions bound to the client."""

    _prediction_type: type[_P]
    _http: httpx.Client | httpx.AsyncClient

    def __init__(self, config: Config) -> None:
        self._ctx = flows.Context(config)
        self._queue: list[QueueItem] = []
        self._lock = threading.Lock()

    @property
    def base_url(self) -> str:
        return self._ctx.config.base_url

    @property
    def timeout(self) -> float:
        """The HTTP timeout in milliseconds."""
        return self._ctx.config.timeout_ms

    @property
    def retry(self) -> RetryOptions:
        return self._ctx.config.retry

    def __repr__(self) -> str:
        return f"{type(self).__name__}(base_url={self.base_url!r})"

    def _enqueue(self, body: dict[str, Any]) -> None:
        with self._lock:
            self._queue.append(QueueItem(PredictionRequest.from_dict(body)))

    def _take_queue(self) -> list[QueueItem]:
        with self._lock:
            items, self._queue = self._queue, []
        return items

    def _event_stream(self, id: PredictionRef, last_event_id: str | None) -> EventStream:
        """A new event stream, after the checks every request gets (a closed client, an unsendable key)."""
        if self._http.is_closed:
            raise closed_error()
        flows.check_key(self._ctx.config)
        return EventStream(self._ctx.config.api_key, flows.prediction_id(id), last_event_id)

    def _wrap(self, data: Any) -> _P:
        if isinstance(data, self._prediction_type) and data._client is self:
            return data
        return self._prediction_type(data, self)

    def _rewrap(self, error: _E) -> _E:
        """An error raised by a flow itself (failed, timed out, dispatched), with the key scrubbed from
        the server text it quotes and the predictions it carries bound to the client."""
        scrub_error(error, self._ctx.config.api_key)
        if isinstance(getattr(error, "prediction", None), dict):
            error.prediction = self._wrap(error.prediction)  # type: ignore[attr-defined]
        if isinstance(error, DispatchError):
            error.predictions = [self._wrap(p) if isinstance(p, dict) else p for p in error.predictions]
        return error

    def _page(self, body: Any) -> PaginatedResponse[_P]:
        page: PaginatedResponse[_P] = PaginatedResponse(body if body is not None else {})
        page.data = [self._wrap(item) for item in page.data]
        return page


class PredictionsAPI:
    """``client.predictions``: create, get, list, and iterate every prediction.

    >>> p = client.predictions.create(model="flux-pro", input={"prompt": "A sunset"})
    >>> client.predictions.get(p["id"])["status"]
    'processing'
    """

    def __init__(self, client: SkytellsClient) -> None:
        self._client = client

    def create(
        self,
        payload: Payload | str | None = None,
        input: Mapping[str, Any] | None = None,
        *,
        model: str | None = None,
        webhook: Mapping[str, Any] | str | None = None,
        stream: bool | None = None,
        await_: bool | None = None,
        options: PredictionSdkOptions | Mapping[str, Any] | None = None,
        compatibility_check: bool | None = None,
        auto_await: bool | None = None,
    ) -> Prediction:
        """Start a prediction in the background (``await`` false unless asked); returns it at once."""
        body, sdk = create_call(
            payload, input, options, model, webhook, stream, await_, compatibility_check, auto_await
        )
        return self._client._wrap(
            self._client._drive(flows.create(self._client._ctx, body, sdk, default_await=False))
        )

    def get(self, id: PredictionRef) -> Prediction:
        """Fetch a prediction by id (or the prediction itself: its ``urls.get`` is followed)."""
        return self._client._wrap(self._client._drive(flows.get(self._client._ctx, id)))

    def list(
        self,
        page: int | None = None,
        since: str | None = None,
        until: str | None = None,
        model: str | None = None,
        options: PredictionsListOptions | Mapping[str, Any] | None = None,
        *,
        per_page: int | None = None,
        status: str | None = None,
    ) -> PaginatedResponse[Prediction]:
        """One page of predictions, newest first: ``.data`` and ``.pagination``."""
        params = flows.list_params(**list_call(page, since, until, model, options, per_page, status))
        body = self._client._drive(flows.list_page(self._client._ctx, params))
        return self._client._page(body)

    def list_all(
        self,
        since: str | None = None,
        until: str | None = None,
        model: str | None = None,
        options: PredictionsListOptions | Mapping[str, Any] | None = None,
        *,
        per_page: int | None = None,
        status: str | None = None,
    ) -> Iterator[Prediction]:
        """Every prediction matching the filters, page after page (fetched as you iterate)."""
        args = list_call(None, since, until, model, options, per_page, status)
        params: dict[str, str] | None = flows.list_params(**args)
        while params is not None:
            body = self._client._drive(flows.list_page(self._client._ctx, params))
            yield from self._client._page(body).data
            params = flows.next_page(body, params)


class ModelsAPI:
    """``client.models``: the model catalog.

    >>> client.models.get("truefusion-pro", fields=["input_schema"])["input_schema"]["required"]
    ['prompt']
    """

    def __init__(self, client: SkytellsClient) -> None:
        self._client = client

    def list(
        self,
        fields: Sequence[str] | None = None,
        options: ModelFieldsOptions | Mapping[str, Any] | None = None,
    ) -> list[dict[str, Any]]:
        """Every available model (``fields`` adds ``input_schema`` / ``output_schema``)."""
        result: list[dict[str, Any]] = self._client._drive(
            flows.list_models(self._client._ctx, fields_call(fields, options))
        )
        return result

    def get(
        self,
        slug: str,
        fields: Sequence[str] | None = None,
        options: ModelFieldsOptions | Mapping[str, Any] | None = None,
    ) -> dict[str, Any]:
        """One model by slug; ``MODEL_NOT_FOUND`` (404) when there is none."""
        result: dict[str, Any] = self._client._drive(
            flows.get_model(self._client._ctx, slug, fields_call(fields, options))
        )
        return result


class SkytellsClient(BaseClient[Prediction]):
    """The Skytells API client. Thread-safe: create one and share it.

    >>> from skytells import SkytellsClient
    >>> client = SkytellsClient()            # reads SKYTELLS_API_KEY (and SKYTELLS_BASE_URL)
    >>> prediction = client.run("truefusion-pro", input={"prompt": "A serene mountain lake"})
    >>> prediction.outputs()
    'https://.../output.webp'
    """

    _prediction_type = Prediction
    _http: httpx.Client

    def __init__(
        self,
        api_key: str | None = None,
        options: ClientOptions | Mapping[str, Any] | None = None,
        *,
        base_url: str | None = None,
        timeout: float = DEFAULT_TIMEOUT_MS,
        headers: Mapping[str, str] | None = None,
        retry: RetryOptions | Mapping[str, Any] | None = None,
        http_client: httpx.Client | None = None,
        max_connections: int | None = None,
        max_keepalive_connections: int | None = None,
    ) -> None:
        config = resolve_config(
            api_key,
            options,
            base_url=base_url,
            timeout=timeout,
            headers=headers,
            retry=retry,
            max_connections=max_connections,
            max_keepalive_connections=max_keepalive_connections,
        )
        super().__init__(config)
        self._owns_http = http_client is None
        self._http = http_client or httpx.Client(
            limits=http_limits(config, 100, 20), verify=shared_ssl_context()
        )
        configure(self._http, config)
        self.predictions = PredictionsAPI(self)
        self.models = ModelsAPI(self)

    # ---- predictions -----------------------------------------------------------------------------

    def run(
        self,
        model: str,
        input: Mapping[str, Any] | None = None,
        on_progress: OnProgressCallback | None = None,
        *,
        webhook: Mapping[str, Any] | str | None = None,
        stream: bool = False,
        options: RunOptions | Mapping[str, Any] | None = None,
        interval: float | None = None,
        max_wait: float | None = None,
        signal: Any = None,
    ) -> Prediction:
        """Run a model and return the finished prediction; ``PREDICTION_FAILED`` if it fails.

        Without ``on_progress``: one ``await: true`` call (then polling if the model is still
        running, e.g. video). With ``on_progress``: create, then poll every ``interval`` ms and call
        it with each state. ``max_wait`` (ms) gives ``WAIT_TIMEOUT``; setting ``signal`` gives ``ABORTED``.

        >>> client.run("flux-pro", input={"prompt": "A cat wearing sunglasses"}).status
        'succeeded'
        """
        body, polling = run_call(model, input, webhook, stream, options, interval, max_wait, signal)
        flow = flows.run(
            self._ctx,
            body,
            on_progress=on_progress,
            interval_ms=polling.interval_ms,
            max_wait_ms=polling.max_wait_ms,
            signal=polling.signal,
        )
        return self._wrap(self._drive(flow))

    def predict(
        self,
        payload: Payload | str | None = None,
        input: Mapping[str, Any] | None = None,
        *,
        model: str | None = None,
        webhook: Mapping[str, Any] | str | None = None,
        stream: bool | None = None,
        await_: bool | None = None,
        options: PredictionSdkOptions | Mapping[str, Any] | None = None,
        compatibility_check: bool | None = None,
        auto_await: bool | None = None,
    ) -> Prediction:
        """Start a prediction and return it as the API answered (``await`` only when asked).

        >>> client.predict("mera", input={"prompt": "City timelapse"}).status
        'pending'
        """
        body, sdk = create_call(
            payload, input, options, model, webhook, stream, await_, compatibility_check, auto_await
        )
        return self._wrap(self._drive(flows.create(self._ctx, body, sdk)))

    def wait(
        self,
        prediction: PredictionRef,
        options: WaitOptions | Mapping[str, Any] | None = None,
        on_progress: OnProgressCallback | None = None,
        *,
        interval: float | None = None,
        max_wait: float | None = None,
        signal: Any = None,
    ) -> Prediction:
        """Poll until ``succeeded``, ``failed`` or ``cancelled`` and return the final state.

        The first poll is immediate, then every ``interval`` ms (default 5000). ``max_wait`` (ms)
        gives ``WAIT_TIMEOUT`` (408); a set ``signal`` gives ``ABORTED``. A failed prediction is
        returned, not raised.
        """
        polling = wait_call(options, interval, max_wait, signal)
        flow = flows.wait(
            self._ctx,
            prediction,
            interval_ms=polling.interval_ms,
            max_wait_ms=polling.max_wait_ms,
            signal=polling.signal,
            on_progress=on_progress,
        )
        return self._wrap(self._drive(flow))

    def queue(
        self,
        payload: Payload | str | None = None,
        input: Mapping[str, Any] | None = None,
        *,
        model: str | None = None,
        webhook: Mapping[str, Any] | str | None = None,
        stream: bool | None = None,
    ) -> Prediction | None:
        """Queue a request locally (returns None) until :meth:`dispatch`.

        ``queue("model", input=..., webhook=...)`` starts the prediction at once and returns it.
        """
        body, at_once = queue_call(payload, input, model, webhook, stream)
        if at_once:
            return self._wrap(self._drive(flows.create(self._ctx, body, default_await=False)))
        self._enqueue(body)
        return None

    def dispatch(self) -> list[Prediction]:
        """Send every queued request concurrently; returns the predictions in queue order.

        The queue is cleared. If some sends fail, :class:`DispatchError` is raised with
        ``.predictions`` (the created ones, None where a send failed) and ``.errors``.
        """
        items = self._take_queue()
        if not items:
            return []

        def send(item: QueueItem) -> Any:
            try:
                return self.predictions.create(item.request)
            except SkytellsError as error:
                return error

        if len(items) == 1:
            outcomes = [send(items[0])]
        else:
            with ThreadPoolExecutor(max_workers=min(16, len(items))) as pool:
                outcomes = list(pool.map(send, items))
        try:
            result: list[Prediction] = flows.combine_dispatch(outcomes)
        except DispatchError as error:
            raise self._rewrap(error) from None
        return result

    def stream_prediction(self, id: PredictionRef) -> Prediction:
        """The prediction with its streaming endpoint in ``["urls"]["stream"]``.

        Iterate live events with :meth:`stream_events` (or ``.events()`` on the result).
        """
        return self._wrap(self._drive(flows.stream_info(self._ctx, id)))

    def stream_events(self, id: PredictionRef, *, last_event_id: str | None = None) -> Iterator[StreamEvent]:
        """Live Server-Sent Events of a prediction (status, progress, output, final prediction).

        >>> for event in client.stream_events(prediction.id):
        ...     print(event.event, event.data)
        """
        stream = self._event_stream(id, last_event_id)
        while True:
            request = stream.request()
            try:
                with self._http.stream(
                    request.method,
                    self._ctx.config.absolute(request.url),
                    headers=dict(request.headers or {}),
                ) as response:
                    if response.status_code != 200 or not stream.is_event_stream(response.headers):
                        response.read()
                        yield from stream.not_a_stream(reply(response))
                        return
                    for chunk in response.iter_bytes():
                        yield from stream.feed(chunk)
                        if stream.finished:
                            return
            except httpx.TransportError as exc:
                if not stream.should_reconnect():
                    failure = failure_of(exc, self._ctx.config.timeout)
                    raise error_from_failure(failure, self._ctx.config.api_key) from None
                continue
            yield from stream.closed()
            if not stream.should_reconnect():
                return

    def cancel_prediction(self, id: PredictionRef) -> Prediction:
        """Cancel a prediction; returns it with status ``cancelled``."""
        return self._wrap(self._drive(flows.cancel(self._ctx, id)))

    def delete_prediction(self, id: PredictionRef) -> Prediction:
        """Delete a prediction and its stored files; returns the deleted prediction."""
        return self._wrap(self._drive(flows.delete(self._ctx, id)))

    # ---- deprecated --------------------------------------------------------------------------------

    def list_predictions(
        self,
        page: int | None = None,
        since: str | None = None,
        until: str | None = None,
        model: str | None = None,
        options: PredictionsListOptions | Mapping[str, Any] | None = None,
    ) -> PaginatedResponse[Prediction]:
        """Deprecated: use ``client.predictions.list()``."""
        deprecated("list_predictions()", "client.predictions.list()")
        return self.predictions.list(page, since, until, model, options)

    def list_models(
        self,
        fields: Sequence[str] | None = None,
        options: ModelFieldsOptions | Mapping[str, Any] | None = None,
    ) -> list[dict[str, Any]]:
        """Deprecated: use ``client.models.list()``."""
        deprecated("list_models()", "client.models.list()")
        return self.models.list(fields, options)

    def get_prediction(self, id: PredictionRef) -> Prediction:
        """Deprecated: use ``client.predictions.get()``."""
        deprecated("get_prediction()", "client.predictions.get()")
        return self.predictions.get(id)

    def get_model(
        self,
        slug: str,
        fields: Sequence[str] | None = None,
        options: ModelFieldsOptions | Mapping[str, Any] | None = None,
    ) -> dict[str, Any]:
        """Deprecated: use ``client.models.get()``."""
        deprecated("get_model()", "client.models.get()")
        return self.models.get(slug, fields, options)

    # ---- lifecycle -----------------------------------------------------------------------------------

    def close(self) -> None:
        """Close the pooled connections (not those of an ``http_client`` you passed in)."""
        if self._owns_http:
            self._http.close()

    def __enter__(self) -> SkytellsClient:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # ---- the driver --------------------------------------------------------------------------------

    def _drive(self, flow: Flow[_T]) -> _T:
        answer: Any = None
        try:
            while True:
                try:
                    effect = flow.send(answer)
                except StopIteration as stop:
                    result: _T = stop.value
                    return result
                if isinstance(effect, Request):
                    answer = self._send(effect)
                elif isinstance(effect, Sleep):
                    self._sleep(effect)
                    answer = None
                elif isinstance(effect, Notify):
                    answer = effect.callback(self._wrap(effect.argument))
        except (PredictionFailedError, WaitTimeoutError) as error:
            raise self._rewrap(error) from None
        finally:
            flow.close()

    @staticmethod
    def _sleep(effect: Sleep) -> None:
        _sleep(effect.seconds, effect.signal)

    def _send(self, request: Request) -> Reply | Failure:
        if self._http.is_closed:
            raise closed_error()
        started = time.perf_counter()
        try:
            response = self._http.send(build_request(self._http, request, self._ctx.config))
        except httpx.TransportError as exc:
            return transport_failure(request, exc, self._ctx.config)
        return reply_of(request, response, started)

    def _download(self, prediction: Mapping[str, Any], directory: str | os.PathLike[str]) -> list[Path]:
        return write_files(directory, self._drive(flows.download(self._ctx, prediction)))


def _sleep(seconds: float, signal: Any) -> None:
    """Every wait of the client (retries, polls); returns early when ``signal`` is set."""
    if isinstance(signal, threading.Event):
        signal.wait(seconds)
    elif seconds > 0:
        time.sleep(seconds)
