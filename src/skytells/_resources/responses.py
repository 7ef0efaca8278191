"""The responses family: ``client.responses`` (OpenAI's Responses API), sync and async side by side.

>>> first = client.responses.create(model="gpt-5", input="Name a colour")
>>> second = client.responses.create(model="gpt-5", input="Another one", previous_response_id=first.id)
>>> second.output_text
'Blue.'
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, Literal, Union, overload

from .._core import _response_flows as flows
from ..types.responses import Response, ResponseCreateParams, ResponseDeleted, ResponseStreamEvent
from ._base import AsyncClientParts, SyncClientParts
from ._streams import AsyncStream, SyncStream

if TYPE_CHECKING:
    from typing_extensions import Unpack

__all__ = ["AsyncResponseStream", "AsyncResponses", "ResponseInput", "ResponseStream", "Responses"]

#: text, or a list of input items (``{"role": "user", "content": "Hi"}``, function call outputs...)
ResponseInput = Union[str, Iterable[Mapping[str, Any]]]


class ResponseStream(SyncStream[ResponseStreamEvent]):
    """The events of a streamed response (:class:`ResponseStreamEvent`: ``type``,
    ``sequence_number``...). ``text()`` reads to the end and returns the output text;
    ``get_final_response()`` returns the finished :class:`Response`. Leaving a ``for`` loop early,
    ``close()`` or a ``with`` block releases the connection.

    >>> for event in client.responses.create(model="gpt-5", input="Hi", stream=True):
    ...     if event.type == "response.output_text.delta":
    ...         print(event.delta, end="")
    """

    _joiner: flows.EventJoiner

    def text(self) -> str:
        """Read to the end; the whole output text (also what was iterated)."""
        self._drain()
        return self._joiner.text()

    def get_final_response(self) -> Response:
        """Read to the end; the response of the final event (``response.completed``)."""
        self._drain()
        return Response(self._joiner.response)


class AsyncResponseStream(AsyncStream[ResponseStreamEvent]):
    """The events of a streamed response, for ``async for`` (see :class:`ResponseStream`)."""

    _joiner: flows.EventJoiner

    async def text(self) -> str:
        """Read to the end; the whole output text (also what was iterated)."""
        await self._drain()
        return self._joiner.text()

    async def get_final_response(self) -> Response:
        """Read to the end; the response of the final event (``response.completed``)."""
        await self._drain()
        return Response(self._joiner.response)


class Responses:
    """``client.responses``: create, retrieve and delete responses."""

    def __init__(self, client: SyncClientParts) -> None:
        self._client = client

    @overload
    def create(
        self,
        *,
        model: str,
        input: ResponseInput,
        stream: Literal[False] = False,
        signal: Any = None,
        extra_body: Mapping[str, Any] | None = None,
        **params: Unpack[ResponseCreateParams],
    ) -> Response: ...

    @overload
    def create(
        self,
        *,
        model: str,
        input: ResponseInput,
        stream: Literal[True],
        signal: Any = None,
        extra_body: Mapping[str, Any] | None = None,
        **params: Unpack[ResponseCreateParams],
    ) -> ResponseStream: ...

    @overload
    def create(
        self,
        *,
        model: str,
        input: ResponseInput,
        stream: bool,
        signal: Any = None,
        extra_body: Mapping[str, Any] | None = None,
        **params: Unpack[ResponseCreateParams],
    ) -> Response | ResponseStream: ...

    def create(
        self,
        *,
        model: str,
        input: ResponseInput,
        stream: bool = False,
        signal: Any = None,
        extra_body: Mapping[str, Any] | None = None,
        **params: Unpack[ResponseCreateParams],
    ) -> Response | ResponseStream:
        """A response to ``input``; with ``stream=True``, a :class:`ResponseStream` of its events.

        ``params`` are OpenAI's (``instructions``, ``previous_response_id``, ``max_output_tokens``,
        ``tools``, ``text``, ``store``, ``metadata``...; None values are not sent). Retries and
        ``signal`` work as in :meth:`ChatCompletions.create`.

        >>> client.responses.create(model="gpt-5", input="Hi", instructions="Be brief.").output_text
        'Hello!'
        """
        body = flows.response_body(model, input, params, extra_body)
        client = self._client
        if stream:
            events = client._driver.stream(flows.response_stream(client._ctx, body, signal))
            return ResponseStream(events, ResponseStreamEvent, flows.EventJoiner(), signal)._start()
        return Response(client._driver.drive(flows.create(client._ctx, body, signal)))

    def retrieve(self, response_id: str) -> Response:
        """A stored response by id; ``NotFoundError`` when there is none (or it was not stored)."""
        client = self._client
        return Response(client._driver.drive(flows.retrieve(client._ctx, response_id)))

    def delete(self, response_id: str) -> ResponseDeleted:
        """Delete a stored response; ``.deleted`` is True."""
        client = self._client
        return ResponseDeleted(client._driver.drive(flows.delete(client._ctx, response_id)))


class AsyncResponses:
    """``client.responses`` of :class:`AsyncSkytellsClient` (coroutines)."""

    def __init__(self, client: AsyncClientParts) -> None:
        self._client = client

    @overload
    async def create(
        self,
        *,
        model: str,
        input: ResponseInput,
        stream: Literal[False] = False,
        signal: Any = None,
        extra_body: Mapping[str, Any] | None = None,
        **params: Unpack[ResponseCreateParams],
    ) -> Response: ...

    @overload
    async def create(
        self,
        *,
        model: str,
        input: ResponseInput,
        stream: Literal[True],
        signal: Any = None,
        extra_body: Mapping[str, Any] | None = None,
        **params: Unpack[ResponseCreateParams],
    ) -> AsyncResponseStream: ...

    @overload
    async def create(
        self,
        *,
        model: str,
        input: ResponseInput,
        stream: bool,
        signal: Any = None,
        extra_body: Mapping[str, Any] | None = None,
        **params: Unpack[ResponseCreateParams],
    ) -> Response | AsyncResponseStream: ...

    async def create(
        self,
        *,
        model: str,
        input: ResponseInput,
        stream: bool = False,
        signal: Any = None,
        extra_body: Mapping[str, Any] | None = None,
        **params: Unpack[ResponseCreateParams],
    ) -> Response | AsyncResponseStream:
        """A response; with ``stream=True``, an :class:`AsyncResponseStream` (see
        :meth:`Responses.create`)."""
        body = flows.response_body(model, input, params, extra_body)
        client = self._client
        if stream:
            events = client._driver.stream(flows.response_stream(client._ctx, body, signal))
            return await AsyncResponseStream(
                events, ResponseStreamEvent, flows.EventJoiner(), signal
            )._start()
        return Response(await client._driver.drive(flows.create(client._ctx, body, signal)))

    async def retrieve(self, response_id: str) -> Response:
        """A stored response by id; ``NotFoundError`` when there is none (or it was not stored)."""
        client = self._client
        return Response(await client._driver.drive(flows.retrieve(client._ctx, response_id)))

    async def delete(self, response_id: str) -> ResponseDeleted:
        """Delete a stored response; ``.deleted`` is True."""
        client = self._client
        return ResponseDeleted(await client._driver.drive(flows.delete(client._ctx, response_id)))
