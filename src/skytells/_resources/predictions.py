"""The prediction family: ``client.predictions`` and the client-level prediction methods (``run``,
``predict``, ``wait``, ``queue``, ``dispatch``, streams, cancel, delete), sync and async side by side.

Each method parses its call shape (``_core._arguments``), runs a flow of ``_core._prediction_flows``
on the client's driver, and wraps the answer into a :class:`Prediction` bound to the client.

>>> prediction = client.predictions.create(model="flux-pro", input={"prompt": "A sunset"})
>>> client.wait(prediction).status
'succeeded'
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Mapping
from pathlib import Path
from typing import Any, TypeVar

from .._core import _prediction_flows as flows
from .._core._arguments import Polling, create_call, list_call, queue_call, run_call, wait_call
from .._core._effects import Flow
from .._core._errors import scrub_error
from .._core._outputs import folder_name_for
from .._core._send import Context
from .._core._sse import StreamEvent
from .._exceptions import DispatchError, PredictionFailedError, SkytellsError, WaitTimeoutError
from .._prediction import AsyncPrediction, Prediction, write_files
from ..types._options import (
    OnProgressCallback,
    PredictionRequest,
    PredictionSdkOptions,
    PredictionsListOptions,
    QueueItem,
    RunOptions,
    WaitOptions,
)
from ..types._pagination import PaginatedResponse
from ._base import AsyncClientParts, SyncClientParts
from ._files import aencode_body, encode_body

__all__ = [
    "AsyncPredictionMethods",
    "AsyncPredictionsAPI",
    "Payload",
    "PredictionMethods",
    "PredictionRef",
    "PredictionsAPI",
]

Payload = PredictionRequest | Mapping[str, Any]
PredictionRef = Mapping[str, Any] | str
_P = TypeVar("_P", Prediction, AsyncPrediction)
_E = TypeVar("_E", bound=SkytellsError)


# ---- wrapping answers ------------------------------------------------------------------------------


def _bind(cls: type[_P], client: Any, data: Any) -> _P:
    """``data`` as a prediction bound to ``client`` (returned as is when it already is one)."""
    if isinstance(data, cls) and data._client is client:
        return data
    return cls(data, client)


def _bind_error(cls: type[Prediction] | type[AsyncPrediction], client: Any, error: _E) -> _E:
    """An error raised by a flow itself (failed, timed out, dispatched), with the key scrubbed from
    the server text it quotes and the predictions it carries bound to the client."""
    scrub_error(error, client._ctx.config.api_key)
    if isinstance(getattr(error, "prediction", None), dict):
        error.prediction = _bind(cls, client, error.prediction)  # type: ignore[attr-defined]
    if isinstance(error, DispatchError):
        error.predictions = [_bind(cls, client, p) if isinstance(p, dict) else p for p in error.predictions]
    return error


def _page(cls: type[_P], client: Any, body: Any) -> PaginatedResponse[_P]:
    page: PaginatedResponse[_P] = PaginatedResponse(body if body is not None else {})
    page.data = [_bind(cls, client, item) for item in page.data]
    return page


def _reporting(
    cls: type[Prediction] | type[AsyncPrediction], client: Any, on_progress: OnProgressCallback | None
) -> Callable[[Any], Any] | None:
    """``on_progress`` called with each state as a prediction bound to the client."""
    if on_progress is None:
        return None
    return lambda data: on_progress(_bind(cls, client, data))


def _folder(directory: str | os.PathLike[str], prediction: Mapping[str, Any]) -> Path:
    """Where a prediction's files go: a folder named by its id, so predictions never overwrite each
    other's files."""
    return Path(directory) / folder_name_for(str(prediction.get("id") or "prediction"))


def _bind_event(
    cls: type[Prediction] | type[AsyncPrediction], client: Any, event: StreamEvent
) -> StreamEvent:
    """``event`` with the prediction it carries bound to the client (``event.prediction.status``)."""
    if event.prediction is None:
        return event
    return dataclasses.replace(event, data=_bind(cls, client, event.data))


_FLOW_ERRORS = (PredictionFailedError, WaitTimeoutError)


def _wait_flow(
    ctx: Context, prediction: PredictionRef, polling: Polling, on_progress: Callable[[Any], Any] | None
) -> Flow[dict[str, Any]]:
    """The flow of ``wait()``: following the live events when there is a callback to tell, else polling."""
    if on_progress is not None and polling.live:
        return flows.follow(
            ctx,
            prediction,
            on_progress=on_progress,
            interval_ms=polling.interval_ms,
            max_wait_ms=polling.max_wait_ms,
            signal=polling.signal,
        )
    return flows.wait(
        ctx,
        prediction,
        interval_ms=polling.interval_ms,
        max_wait_ms=polling.max_wait_ms,
        signal=polling.signal,
        on_progress=on_progress,
    )


# ---- client.predictions ----------------------------------------------------------------------------


class PredictionsAPI:
    """``client.predictions``: create, get, list, and iterate every prediction.

    >>> p = client.predictions.create(model="flux-pro", input={"prompt": "A sunset"})
    >>> client.predictions.get(p["id"])["status"]
    'processing'
    """

    def __init__(self, client: SyncClientParts) -> None:
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
        body = encode_body(body)
        client = self._client
        data = client._driver.drive(flows.create(client._ctx, body, sdk, default_await=False))
        return _bind(Prediction, client, data)

    def get(self, id: PredictionRef) -> Prediction:
        """Fetch a prediction by id (or the prediction itself: its ``urls.get`` is followed)."""
        client = self._client
        return _bind(Prediction, client, client._driver.drive(flows.get(client._ctx, id)))

    def list(
        self,
        page: int | PredictionsListOptions | Mapping[str, Any] | None = None,
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
        client = self._client
        return _page(Prediction, client, client._driver.drive(flows.list_page(client._ctx, params)))

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
        params: dict[str, str] | None = flows.list_params(
            **list_call(None, since, until, model, options, per_page, status)
        )
        client = self._client
        while params is not None:
            body = client._driver.drive(flows.list_page(client._ctx, params))
            yield from _page(Prediction, client, body).data
            params = flows.next_page(body, params)


class AsyncPredictionsAPI:
    """``client.predictions`` of :class:`AsyncSkytellsClient` (coroutines)."""

    def __init__(self, client: AsyncClientParts) -> None:
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
        body = await aencode_body(body)
        client = self._client
        data = await client._driver.drive(flows.create(client._ctx, body, sdk, default_await=False))
        return _bind(AsyncPrediction, client, data)

    async def get(self, id: PredictionRef) -> AsyncPrediction:
        """Fetch a prediction by id (or the prediction itself: its ``urls.get`` is followed)."""
        client = self._client
        return _bind(AsyncPrediction, client, await client._driver.drive(flows.get(client._ctx, id)))

    async def list(
        self,
        page: int | PredictionsListOptions | Mapping[str, Any] | None = None,
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
        client = self._client
        body = await client._driver.drive(flows.list_page(client._ctx, params))
        return _page(AsyncPrediction, client, body)

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
        params: dict[str, str] | None = flows.list_params(
            **list_call(None, since, until, model, options, per_page, status)
        )
        client = self._client
        while params is not None:
            body = await client._driver.drive(flows.list_page(client._ctx, params))
            for item in _page(AsyncPrediction, client, body).data:
                yield item
            params = flows.next_page(body, params)


# ---- the client-level prediction methods -----------------------------------------------------------


class PredictionMethods:
    """``run``, ``predict``, ``wait``, ``queue``/``dispatch``, streams, cancel and delete on
    :class:`SkytellsClient`."""

    _ctx: Any
    _driver: Any
    predictions: PredictionsAPI
    _enqueue: Callable[[dict[str, Any]], None]
    _take_queue: Callable[[], list[QueueItem]]

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
        live: bool | None = None,
    ) -> Prediction:
        """Run a model and return the finished prediction; ``PREDICTION_FAILED`` if it fails.

        Without ``on_progress``: one ``await: true`` call (then polling if the model is still
        running, e.g. video). With ``on_progress``: create, then follow the prediction's live events
        and call it with each new state, returning as soon as it ends; where the server has no live
        events, or with ``live=False``, poll every ``interval`` ms instead. ``max_wait`` (ms) gives
        ``WAIT_TIMEOUT``; setting ``signal`` gives ``ABORTED``.

        >>> client.run("flux-pro", input={"prompt": "A cat wearing sunglasses"}).status
        'succeeded'
        """
        body, polling = run_call(model, input, webhook, stream, options, interval, max_wait, signal, live)
        body = encode_body(body)
        flow = flows.run(
            self._ctx,
            body,
            on_progress=_reporting(Prediction, self, on_progress),
            interval_ms=polling.interval_ms,
            max_wait_ms=polling.max_wait_ms,
            signal=polling.signal,
            live=polling.live,
        )
        try:
            return _bind(Prediction, self, self._driver.drive(flow))
        except _FLOW_ERRORS as error:
            raise _bind_error(Prediction, self, error) from None

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
        body = encode_body(body)
        return _bind(Prediction, self, self._driver.drive(flows.create(self._ctx, body, sdk)))

    def wait(
        self,
        prediction: PredictionRef,
        options: WaitOptions | Mapping[str, Any] | None = None,
        on_progress: OnProgressCallback | None = None,
        *,
        interval: float | None = None,
        max_wait: float | None = None,
        signal: Any = None,
        live: bool | None = None,
    ) -> Prediction:
        """Poll until ``succeeded``, ``failed`` or ``cancelled`` and return the final state.

        The first poll is immediate, then every ``interval`` ms (default 5000). With ``on_progress``
        the wait follows the prediction's live events instead, where the server sends them, and
        calls it with each state that changed (``live=False`` polls). ``max_wait`` (ms) gives
        ``WAIT_TIMEOUT`` (408); a set ``signal`` gives ``ABORTED``. A failed prediction is returned,
        not raised.
        """
        polling = wait_call(options, interval, max_wait, signal, live)
        flow = _wait_flow(self._ctx, prediction, polling, _reporting(Prediction, self, on_progress))
        try:
            return _bind(Prediction, self, self._driver.drive(flow))
        except _FLOW_ERRORS as error:
            raise _bind_error(Prediction, self, error) from None

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
        body = encode_body(body)
        if at_once:
            data = self._driver.drive(flows.create(self._ctx, body, default_await=False))
            return _bind(Prediction, self, data)
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
            from concurrent.futures import ThreadPoolExecutor  # only a dispatch of several needs it

            with ThreadPoolExecutor(max_workers=min(16, len(items))) as pool:
                outcomes = list(pool.map(send, items))
        try:
            result: list[Prediction] = flows.combine_dispatch(outcomes)
        except DispatchError as error:
            raise _bind_error(Prediction, self, error) from None
        return result

    def stream_prediction(self, id: PredictionRef) -> Prediction:
        """The prediction with its streaming endpoint in ``["urls"]["stream"]``.

        Iterate live events with :meth:`stream_events` (or ``.events()`` on the result).
        """
        return _bind(Prediction, self, self._driver.drive(flows.stream_info(self._ctx, id)))

    def stream_events(self, id: PredictionRef, *, last_event_id: str | None = None) -> Iterator[StreamEvent]:
        """Live Server-Sent Events of a prediction (status, progress, output, final prediction).

        >>> for event in client.stream_events(prediction.id):
        ...     print(event.event, event.data)
        """
        machine = flows.event_stream(self._ctx, id, last_event_id)
        for event in self._driver.stream(machine):
            yield _bind_event(Prediction, self, event)

    def cancel_prediction(self, id: PredictionRef) -> Prediction:
        """Cancel a prediction; returns it with status ``cancelled``."""
        return _bind(Prediction, self, self._driver.drive(flows.cancel(self._ctx, id)))

    def delete_prediction(self, id: PredictionRef) -> Prediction:
        """Delete a prediction and its stored files; returns the deleted prediction."""
        return _bind(Prediction, self, self._driver.drive(flows.delete(self._ctx, id)))

    def _download(self, prediction: Mapping[str, Any], directory: str | os.PathLike[str]) -> list[Path]:
        files = self._driver.drive(flows.download(self._ctx, prediction))
        return write_files(_folder(directory, prediction), files)


class AsyncPredictionMethods:
    """The client-level prediction methods of :class:`AsyncSkytellsClient` (``queue()`` stays
    synchronous)."""

    _ctx: Any
    _driver: Any
    predictions: AsyncPredictionsAPI
    _enqueue: Callable[[dict[str, Any]], None]
    _take_queue: Callable[[], list[QueueItem]]

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
        live: bool | None = None,
    ) -> AsyncPrediction:
        """Run a model and return the finished prediction (see :meth:`SkytellsClient.run`)."""
        body, polling = run_call(model, input, webhook, stream, options, interval, max_wait, signal, live)
        body = await aencode_body(body)
        flow = flows.run(
            self._ctx,
            body,
            on_progress=_reporting(AsyncPrediction, self, on_progress),
            interval_ms=polling.interval_ms,
            max_wait_ms=polling.max_wait_ms,
            signal=polling.signal,
            live=polling.live,
        )
        try:
            return _bind(AsyncPrediction, self, await self._driver.drive(flow))
        except _FLOW_ERRORS as error:
            raise _bind_error(AsyncPrediction, self, error) from None

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
        body = await aencode_body(body)
        return _bind(AsyncPrediction, self, await self._driver.drive(flows.create(self._ctx, body, sdk)))

    async def wait(
        self,
        prediction: PredictionRef,
        options: WaitOptions | Mapping[str, Any] | None = None,
        on_progress: OnProgressCallback | None = None,
        *,
        interval: float | None = None,
        max_wait: float | None = None,
        signal: Any = None,
        live: bool | None = None,
    ) -> AsyncPrediction:
        """Poll until a terminal status and return the final state (see :meth:`SkytellsClient.wait`)."""
        polling = wait_call(options, interval, max_wait, signal, live)
        flow = _wait_flow(self._ctx, prediction, polling, _reporting(AsyncPrediction, self, on_progress))
        try:
            return _bind(AsyncPrediction, self, await self._driver.drive(flow))
        except _FLOW_ERRORS as error:
            raise _bind_error(AsyncPrediction, self, error) from None

    def queue(
        self,
        payload: Payload | str | None = None,
        input: Mapping[str, Any] | None = None,
        *,
        model: str | None = None,
        webhook: Mapping[str, Any] | str | None = None,
        stream: bool | None = None,
    ) -> Awaitable[AsyncPrediction] | None:
        """Queue a request locally (returns None) until :meth:`dispatch`.

        ``queue("model", input=..., webhook=...)`` returns an awaitable that starts the prediction.
        """
        body, at_once = queue_call(payload, input, model, webhook, stream)
        if at_once:
            return self._create_now(body)
        self._enqueue(encode_body(body))  # a queued file is read now: it may be closed by dispatch()
        return None

    async def _create_now(self, body: dict[str, Any]) -> AsyncPrediction:
        body = await aencode_body(body)
        data = await self._driver.drive(flows.create(self._ctx, body, default_await=False))
        return _bind(AsyncPrediction, self, data)

    async def dispatch(self) -> list[AsyncPrediction]:
        """Send every queued request concurrently; the predictions in queue order (see the sync twin)."""
        items = self._take_queue()

        async def send(item: QueueItem) -> Any:
            try:
                return await self.predictions.create(item.request)
            except SkytellsError as error:
                return error

        import asyncio  # here, so that importing the SDK does not load asyncio

        outcomes = await asyncio.gather(*(send(item) for item in items))
        try:
            result: list[AsyncPrediction] = flows.combine_dispatch(outcomes)
        except DispatchError as error:
            raise _bind_error(AsyncPrediction, self, error) from None
        return result

    async def stream_prediction(self, id: PredictionRef) -> AsyncPrediction:
        """The prediction with its streaming endpoint in ``["urls"]["stream"]``."""
        return _bind(AsyncPrediction, self, await self._driver.drive(flows.stream_info(self._ctx, id)))

    async def stream_events(
        self, id: PredictionRef, *, last_event_id: str | None = None
    ) -> AsyncIterator[StreamEvent]:
        """Live Server-Sent Events of a prediction: ``async for event in client.stream_events(id)``."""
        machine = flows.event_stream(self._ctx, id, last_event_id)
        async with contextlib.aclosing(self._driver.stream(machine)) as events:
            async for event in events:
                yield _bind_event(AsyncPrediction, self, event)

    async def cancel_prediction(self, id: PredictionRef) -> AsyncPrediction:
        """Cancel a prediction; returns it with status ``cancelled``."""
        return _bind(AsyncPrediction, self, await self._driver.drive(flows.cancel(self._ctx, id)))

    async def delete_prediction(self, id: PredictionRef) -> AsyncPrediction:
        """Delete a prediction and its stored files; returns the deleted prediction."""
        return _bind(AsyncPrediction, self, await self._driver.drive(flows.delete(self._ctx, id)))

    async def _download(self, prediction: Mapping[str, Any], directory: str | os.PathLike[str]) -> list[Path]:
        import asyncio

        files = await self._driver.drive(flows.download(self._ctx, prediction))
        return await asyncio.to_thread(write_files, _folder(directory, prediction), files)
