"""The chat family: ``client.chat.completions`` (OpenAI's Chat Completions), sync and async side by side.

>>> completion = client.chat.completions.create(
...     model="deepbrain-router", messages=[{"role": "user", "content": "Hello"}]
... )
>>> completion.choices[0].message.content
'Hello! How can I help?'
>>> stream = client.chat.completions.create(model="deepbrain-router", messages=msgs, stream=True)
>>> stream.text()
'Hello! How can I help?'
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, Literal, overload

from .._core import _chat_flows as flows
from ..types.chat import ChatCompletion, ChatCompletionChunk, ChatCompletionParams, ChatMessage
from ._base import AsyncClientParts, SyncClientParts
from ._streams import AsyncStream, SyncStream

if TYPE_CHECKING:
    from typing_extensions import Unpack

__all__ = [
    "AsyncChat",
    "AsyncChatCompletionStream",
    "AsyncChatCompletions",
    "Chat",
    "ChatCompletionStream",
    "ChatCompletions",
]


class ChatCompletionStream(SyncStream[ChatCompletionChunk]):
    """The chunks of a streamed chat completion.

    Iterate it for :class:`ChatCompletionChunk` objects; ``text()`` reads to the end and returns the
    whole answer; ``get_final_completion()`` returns the :class:`ChatCompletion` the chunks add up to
    (tool calls joined). Leaving a ``for`` loop early, ``close()`` or a ``with`` block releases the
    connection. A stream cut before ``data: [DONE]``, a malformed event or a stall longer than the
    client's timeout raises a :class:`SkytellsError`.

    >>> with client.chat.completions.create(model="deepbrain-router", messages=msgs, stream=True) as s:
    ...     for chunk in s:
    ...         print(chunk.choices[0].delta.content or "", end="")
    """

    _joiner: flows.ChunkJoiner

    def text(self) -> str:
        """Read to the end; the content of the first choice (everything, also what was iterated)."""
        self._drain()
        return self._joiner.text()

    def get_final_completion(self) -> ChatCompletion:
        """Read to the end; the completion the chunks add up to, tool calls and usage included."""
        self._drain()
        return ChatCompletion(self._joiner.completion())


class AsyncChatCompletionStream(AsyncStream[ChatCompletionChunk]):
    """The chunks of a streamed chat completion, for ``async for`` (see :class:`ChatCompletionStream`)."""

    _joiner: flows.ChunkJoiner

    async def text(self) -> str:
        """Read to the end; the content of the first choice (everything, also what was iterated)."""
        await self._drain()
        return self._joiner.text()

    async def get_final_completion(self) -> ChatCompletion:
        """Read to the end; the completion the chunks add up to, tool calls and usage included."""
        await self._drain()
        return ChatCompletion(self._joiner.completion())


class ChatCompletions:
    """``client.chat.completions``: OpenAI-compatible chat completions."""

    def __init__(self, client: SyncClientParts) -> None:
        self._client = client

    @overload
    def create(
        self,
        *,
        model: str,
        messages: Iterable[ChatMessage],
        stream: Literal[False] = False,
        signal: Any = None,
        extra_body: Mapping[str, Any] | None = None,
        **params: Unpack[ChatCompletionParams],
    ) -> ChatCompletion: ...

    @overload
    def create(
        self,
        *,
        model: str,
        messages: Iterable[ChatMessage],
        stream: Literal[True],
        signal: Any = None,
        extra_body: Mapping[str, Any] | None = None,
        **params: Unpack[ChatCompletionParams],
    ) -> ChatCompletionStream: ...

    @overload
    def create(
        self,
        *,
        model: str,
        messages: Iterable[ChatMessage],
        stream: bool,
        signal: Any = None,
        extra_body: Mapping[str, Any] | None = None,
        **params: Unpack[ChatCompletionParams],
    ) -> ChatCompletion | ChatCompletionStream: ...

    def create(
        self,
        *,
        model: str,
        messages: Iterable[ChatMessage],
        stream: bool = False,
        signal: Any = None,
        extra_body: Mapping[str, Any] | None = None,
        **params: Unpack[ChatCompletionParams],
    ) -> ChatCompletion | ChatCompletionStream:
        """A chat completion of ``messages``; with ``stream=True``, a :class:`ChatCompletionStream`.

        ``params`` are OpenAI's (``max_tokens``, ``temperature``, ``tools``, ``response_format``...;
        None values are not sent); ``extra_body`` is merged into the request as is. The client's
        retries apply (to a stream only until its first byte); setting ``signal`` (a
        ``threading.Event``) stops a retry wait or a stream with ``ABORTED``.

        >>> client.chat.completions.create(
        ...     model="deepbrain-router", messages=[{"role": "user", "content": "Hi"}], max_tokens=64
        ... ).choices[0].message.content
        'Hello! How can I help?'
        """
        body = flows.chat_body(model, messages, params, extra_body)
        client = self._client
        if stream:
            events = client._driver.stream(flows.chat_stream(client._ctx, body, signal))
            return ChatCompletionStream(events, ChatCompletionChunk, flows.ChunkJoiner(), signal)._start()
        return ChatCompletion(client._driver.drive(flows.create(client._ctx, body, signal)))


class AsyncChatCompletions:
    """``client.chat.completions`` of :class:`AsyncSkytellsClient` (coroutines)."""

    def __init__(self, client: AsyncClientParts) -> None:
        self._client = client

    @overload
    async def create(
        self,
        *,
        model: str,
        messages: Iterable[ChatMessage],
        stream: Literal[False] = False,
        signal: Any = None,
        extra_body: Mapping[str, Any] | None = None,
        **params: Unpack[ChatCompletionParams],
    ) -> ChatCompletion: ...

    @overload
    async def create(
        self,
        *,
        model: str,
        messages: Iterable[ChatMessage],
        stream: Literal[True],
        signal: Any = None,
        extra_body: Mapping[str, Any] | None = None,
        **params: Unpack[ChatCompletionParams],
    ) -> AsyncChatCompletionStream: ...

    @overload
    async def create(
        self,
        *,
        model: str,
        messages: Iterable[ChatMessage],
        stream: bool,
        signal: Any = None,
        extra_body: Mapping[str, Any] | None = None,
        **params: Unpack[ChatCompletionParams],
    ) -> ChatCompletion | AsyncChatCompletionStream: ...

    async def create(
        self,
        *,
        model: str,
        messages: Iterable[ChatMessage],
        stream: bool = False,
        signal: Any = None,
        extra_body: Mapping[str, Any] | None = None,
        **params: Unpack[ChatCompletionParams],
    ) -> ChatCompletion | AsyncChatCompletionStream:
        """A chat completion; with ``stream=True``, an :class:`AsyncChatCompletionStream` (see
        :meth:`ChatCompletions.create`; ``signal`` is an ``asyncio.Event``)."""
        body = flows.chat_body(model, messages, params, extra_body)
        client = self._client
        if stream:
            events = client._driver.stream(flows.chat_stream(client._ctx, body, signal))
            return await AsyncChatCompletionStream(
                events, ChatCompletionChunk, flows.ChunkJoiner(), signal
            )._start()
        return ChatCompletion(await client._driver.drive(flows.create(client._ctx, body, signal)))


class Chat:
    """``client.chat``: ``client.chat.completions.create(...)``."""

    def __init__(self, client: SyncClientParts) -> None:
        self.completions = ChatCompletions(client)


class AsyncChat:
    """``client.chat`` of :class:`AsyncSkytellsClient`."""

    def __init__(self, client: AsyncClientParts) -> None:
        self.completions = AsyncChatCompletions(client)
