"""The asyncio client: the same flows as the sync client, driven over native ``httpx.AsyncClient`` pools."""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import os
import threading
import time
from collections.abc import AsyncIterator, Mapping, Sequence
from pathlib import Path
from types import TracebackType
from typing import Any, TypeVar

import httpx

from ._async_pools import AsyncPools
from ._client import (
    BaseClient,
    Payload,
    PredictionRef,
    deprecated,
    failure_of,
    reply,
    reply_of,
    transport_failure,
)
from ._core import _flows as flows
from ._core._arguments import create_call, fields_call, list_call, queue_call, run_call, wait_call
from ._core._config import resolve_config
from ._core._effects import Failure, Flow, Notify, Reply, Request, Sleep
from ._core._responses import error_from_failure
from ._core._sse import StreamEvent
from ._exceptions import DispatchError, PredictionFailedError, SkytellsError, WaitTimeoutError
from ._prediction import AsyncPrediction, write_files
from .types._options import (
    DEFAULT_TIMEOUT_MS,
    ClientOptions,
    ModelFieldsOptions,
    OnProgressCallback,
    PredictionSdkOptions,
    PredictionsListOptions,
    QueueItem,
    RetryOptions,
    RunOptions,
    WaitOptions,
)
from .types._pagination import PaginatedResponse

__all__ = ["AsyncModelsAPI", "AsyncPredictionsAPI", "AsyncSkytellsClient"]

_T = TypeVar("_T")


class AsyncPredictionsAPI:
    """``client.predictions`` of :class:`AsyncSkytellsClient` (coroutines)."""

    def __init__(self, client: AsyncSkytellsClient) -> None:
        self._client = client

    async def create(
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
    ) -> AsyncPrediction:
        """Start a prediction in the background (``await`` false unless asked); returns it at once."""
        body, sdk = create_call(
            payload, input, options, model, webhook, stream, await_, compatibility_check, auto_await
        )
        flow = flows.create(self._client._ctx, body, sdk, default_await=False)
        return self._client._wrap(await self._client._drive(flow))

    async def get(self, id: PredictionRef) -> AsyncPrediction:
        """Fetch a prediction by id (or the prediction itself: its ``urls.get`` is followed)."""
        return self._client._wrap(await self._client._drive(flows.get(self._client._ctx, id)))

    async def list(
        self,
        page: int | None = None,
        since: str | None = None,
        until: str | None = None,
        model: str | None = None,
        options: PredictionsListOptions | Mapping[str, Any] | None = None,
        *,
        per_page: int | None = None,
        status: str | None = None,
    ) -> PaginatedResponse[AsyncPrediction]:
        """One page of predictions, newest first: ``.data`` and ``.pagination``."""
        params = flows.list_params(**list_call(page, since, until, model, options, per_page, status))
        body = await self._client._drive(flows.list_page(self._client._ctx, params))
        return self._client._page(body)

    async def list_all(
        self,
        since: str | None = None,
        until: str | None = None,
        model: str | None = None,
        options: PredictionsListOptions | Mapping[str, Any] | None = None,
        *,
        per_page: int | None = None,
        status: str | None = None,
    ) -> AsyncIterator[AsyncPrediction]:
        """Every prediction matching the filters, page after page: ``async for p in ...``."""
        args = list_call(None, since, until, model, options, per_page, status)
        params: dict[str, str] | None = flows.list_params(**args)
        while params is not None:
            body = await self._client._drive(flows.list_page(self._client._ctx, params))
            for item in self._client._page(body).data:
                yield item
            params = flows.next_page(body, params)


class AsyncModelsAPI:
    """``client.models`` of :class:`AsyncSkytellsClient` (coroutines)."""

    def __init__(self, client: AsyncSkytellsClient) -> None:
        self._client = client

    async def list(
        self,
        fields: Sequence[str] | None = None,
        options: ModelFieldsOptions | Mapping[str, Any] | None = None,
    ) -> list[dict[str, Any]]:
        """Every available model (``fields`` adds ``input_schema`` / ``output_schema``)."""
        flow = flows.list_models(self._client._ctx, fields_call(fields, options))
        result: list[dict[str, Any]] = await self._client._drive(flow)
        return result

    async def get(
        self,
        slug: str,
        fields: Sequence[str] | None = None,
        options: ModelFieldsOptions | Mapping[str, Any] | None = None,
    ) -> dict[str, Any]:
        """One model by slug; ``MODEL_NOT_FOUND`` (404) when there is none."""
        flow = flows.get_model(self._client._ctx, slug, fields_call(fields, options))
        result: dict[str, Any] = await self._client._drive(flow)
        return result


class AsyncSkytellsClient(BaseClient[AsyncPrediction]):
    """The asyncio Skytells client: the methods of :class:`SkytellsClient` as coroutines
    (``queue()`` stays synchronous), on native ``httpx.AsyncClient`` connection pools split into
    small shards that run on asyncio's own transports (see :mod:`skytells._async_pools`); an
    ``http_client`` you pass is used as the only pool.

    >>> async with AsyncSkytellsClient() as client:
    ...     results = await asyncio.gather(*(client.run("flux-pro", input={"prompt": p}) for p in prompts))
    """

    _prediction_type = AsyncPrediction
    _http: httpx.AsyncClient

    def __init__(
        self,
        api_key: str | None = None,
        options: ClientOptions | Mapping[str, Any] | None = None,
        *,
        base_url: str | None = None,
        timeout: float = DEFAULT_TIMEOUT_MS,
        headers: Mapping[str, str] | None = None,
        retry: RetryOptions | Mapping[str, Any] | None = None,
        http_client: httpx.AsyncClient | None = None,
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
        self._pools = AsyncPools(config, http_client)
        self._http = self._pools.first
        self.predictions = AsyncPredictionsAPI(self)
        self.models = AsyncModelsAPI(self)

    # ---- predictions -----------------------------------------------------------------------------

    async def run(
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
    ) -> AsyncPrediction:
        """Run a model and return the finished prediction (see :meth:`SkytellsClient.run`)."""
        body, polling = run_call(model, input, webhook, stream, options, interval, max_wait, signal)
        flow = flows.run(
            self._ctx,
            body,
            on_progress=on_progress,
            interval_ms=polling.interval_ms,
            max_wait_ms=polling.max_wait_ms,
            signal=polling.signal,
        )
        return self._wrap(await self._drive(flow))

    async def predict(
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
    ) -> AsyncPrediction:
        """Start a prediction and return it as the API answered (``await`` only when asked)."""
        body, sdk = create_call(
            payload, input, options, model, webhook, stream, await_, compatibility_check, auto_await
        )
        return self._wrap(await self._drive(flows.create(self._ctx, body, sdk)))

    async def wait(
        self,
        prediction: PredictionRef,
        options: WaitOptions | Mapping[str, Any] | None = None,
        on_progress: OnProgressCallback | None = None,
        *,
        interval: float | None = None,
        max_wait: float | None = None,
        signal: Any = None,
    ) -> AsyncPrediction:
        """Poll until a terminal status and return the final state (see :meth:`SkytellsClient.wait`)."""
        polling = wait_call(options, interval, max_wait, signal)
        flow = flows.wait(
            self._ctx,
            prediction,
            interval_ms=polling.interval_ms,
            max_wait_ms=polling.max_wait_ms,
            signal=polling.signal,
            on_progress=on_progress,
        )
        return self._wrap(await self._drive(flow))

    def queue(
        self,
        payload: Payload | str | None = None,
        input: Mapping[str, Any] | None = None,
        *,
        model: str | None = None,
        webhook: Mapping[str, Any] | str | None = None,
        stream: bool | None = None,
    ) -> Any:
        """Queue a request locally (returns None) until :meth:`dispatch`.

        ``queue("model", input=..., webhook=...)`` returns an awaitable that starts the prediction.
        """
        body, at_once = queue_call(payload, input, model, webhook, stream)
        if at_once:
            return self._create_now(body)
        self._enqueue(body)
        return None

    async def _create_now(self, body: dict[str, Any]) -> AsyncPrediction:
        return self._wrap(await self._drive(flows.create(self._ctx, body, default_await=False)))

    async def dispatch(self) -> list[AsyncPrediction]:
        """Send every queued request concurrently; the predictions in queue order (see the sync twin)."""
        items = self._take_queue()

        async def send(item: QueueItem) -> Any:
            try:
                return await self.predictions.create(item.request)
            except SkytellsError as error:
                return error

        outcomes = await asyncio.gather(*(send(item) for item in items))
        try:
            result: list[AsyncPrediction] = flows.combine_dispatch(outcomes)
        except DispatchError as error:
            raise self._rewrap(error) from None
        return result

    async def stream_prediction(self, id: PredictionRef) -> AsyncPrediction:
        """The prediction with its streaming endpoint in ``["urls"]["stream"]``."""
        return self._wrap(await self._drive(flows.stream_info(self._ctx, id)))

    async def stream_events(
        self, id: PredictionRef, *, last_event_id: str | None = None
    ) -> AsyncIterator[StreamEvent]:
        """Live Server-Sent Events of a prediction: ``async for event in client.stream_events(id)``."""
        stream = self._event_stream(id, last_event_id)
        while True:
            request = stream.request()
            try:
                async with self._http.stream(
                    request.method,
                    self._ctx.config.absolute(request.url),
                    headers=dict(request.headers or {}),
                ) as response:
                    if response.status_code != 200 or not stream.is_event_stream(response.headers):
                        await response.aread()
                        for event in stream.not_a_stream(reply(response)):
                            yield event
                        return
                    async for chunk in response.aiter_bytes():
                        for event in stream.feed(chunk):
                            yield event
                        if stream.finished:
                            return
            except httpx.TransportError as exc:
                if not stream.should_reconnect():
                    failure = failure_of(exc, self._ctx.config.timeout)
                    raise error_from_failure(failure, self._ctx.config.api_key) from None
                continue
            for event in stream.closed():
                yield event
            if not stream.should_reconnect():
                return

    async def cancel_prediction(self, id: PredictionRef) -> AsyncPrediction:
        """Cancel a prediction; returns it with status ``cancelled``."""
        return self._wrap(await self._drive(flows.cancel(self._ctx, id)))

    async def delete_prediction(self, id: PredictionRef) -> AsyncPrediction:
        """Delete a prediction and its stored files; returns the deleted prediction."""
        return self._wrap(await self._drive(flows.delete(self._ctx, id)))

    # ---- deprecated --------------------------------------------------------------------------------

    async def list_predictions(
        self,
        page: int | None = None,
        since: str | None = None,
        until: str | None = None,
        model: str | None = None,
        options: PredictionsListOptions | Mapping[str, Any] | None = None,
    ) -> PaginatedResponse[AsyncPrediction]:
        """Deprecated: use ``client.predictions.list()``."""
        deprecated("list_predictions()", "client.predictions.list()")
        return await self.predictions.list(page, since, until, model, options)

    async def list_models(
        self,
        fields: Sequence[str] | None = None,
        options: ModelFieldsOptions | Mapping[str, Any] | None = None,
    ) -> list[dict[str, Any]]:
        """Deprecated: use ``client.models.list()``."""
        deprecated("list_models()", "client.models.list()")
        return await self.models.list(fields, options)

    async def get_prediction(self, id: PredictionRef) -> AsyncPrediction:
        """Deprecated: use ``client.predictions.get()``."""
        deprecated("get_prediction()", "client.predictions.get()")
        return await self.predictions.get(id)

    async def get_model(
        self,
        slug: str,
        fields: Sequence[str] | None = None,
        options: ModelFieldsOptions | Mapping[str, Any] | None = None,
    ) -> dict[str, Any]:
        """Deprecated: use ``client.models.get()``."""
        deprecated("get_model()", "client.models.get()")
        return await self.models.get(slug, fields, options)

    # ---- lifecycle -----------------------------------------------------------------------------------

    async def aclose(self) -> None:
        """Close the pooled connections (not those of an ``http_client`` you passed in)."""
        await self._pools.aclose()

    async def __aenter__(self) -> AsyncSkytellsClient:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    # ---- the driver --------------------------------------------------------------------------------

    async def _drive(self, flow: Flow[_T]) -> _T:
        answer: Any = None
        try:
            while True:
                try:
                    effect = flow.send(answer)
                except StopIteration as stop:
                    result: _T = stop.value
                    return result
                if isinstance(effect, Request):
                    answer = await self._send(effect)
                elif isinstance(effect, Sleep):
                    await self._sleep(effect)
                    answer = None
                elif isinstance(effect, Notify):
                    answer = effect.callback(self._wrap(effect.argument))
                    if inspect.isawaitable(answer):
                        answer = await answer
        except (PredictionFailedError, WaitTimeoutError) as error:
            raise self._rewrap(error) from None
        finally:
            flow.close()

    @staticmethod
    async def _sleep(effect: Sleep) -> None:
        await _sleep(effect.seconds, effect.signal)

    async def _send(self, request: Request) -> Reply | Failure:
        started = time.perf_counter()  # AsyncPools.send raises the closed error
        try:
            response = await self._pools.send(request, self._ctx.config)
        except httpx.TransportError as exc:
            return transport_failure(request, exc, self._ctx.config)
        return reply_of(request, response, started)

    async def _download(self, prediction: Mapping[str, Any], directory: str | os.PathLike[str]) -> list[Path]:
        files = await self._drive(flows.download(self._ctx, prediction))
        return await asyncio.to_thread(write_files, directory, files)


async def _sleep(seconds: float, signal: Any) -> None:
    """Every wait of the async client (retries, polls); returns early when ``signal`` is set."""
    if isinstance(signal, asyncio.Event):
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(signal.wait(), timeout=max(0.0, seconds))
    elif isinstance(signal, threading.Event):
        deadline = time.monotonic() + seconds
        while not signal.is_set() and (left := deadline - time.monotonic()) > 0:
            await asyncio.sleep(min(0.05, left))
    else:
        await asyncio.sleep(seconds)
