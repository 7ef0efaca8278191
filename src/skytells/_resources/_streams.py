"""What every Inference API stream object does, sync and async: iterate typed events, keep a joiner
up to date, close the connection when the caller stops early, honour the abort signal.

The first event is read when the stream is made (``_start``), so a refused request (401, 404, 429
after retries...) raises from ``create(..., stream=True)`` itself, like the non-stream call.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from types import TracebackType
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar

from .._core._sse import StreamEvent
from .._exceptions import AbortedError

if TYPE_CHECKING:
    from typing_extensions import Self

_T = TypeVar("_T")


class Joiner(Protocol):
    """Follows a stream's events (``ChunkJoiner``, ``EventJoiner``)."""

    def add(self, event: Any) -> None: ...


def _aborted() -> AbortedError:
    return AbortedError("Stream aborted", "ABORTED", "The abort signal was set; the stream was closed", 0)


class _StreamState(Generic[_T]):
    """The state both kinds of stream share."""

    def __init__(self, wrap: Callable[[Any], _T], joiner: Joiner, signal: Any) -> None:
        self._wrap = wrap
        self._joiner = joiner
        self._signal = signal
        self._first: list[Any] = []
        self._done = False

    def _took(self, event: StreamEvent) -> _T:
        self._joiner.add(event.data)
        return self._wrap(event.data)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {'done' if self._done else 'open'}>"


class SyncStream(_StreamState[_T]):
    """The base of the sync streams: ``for event in stream`` (leaving the loop early closes the
    connection), ``next(stream)``, ``with stream:`` and ``close()``."""

    def __init__(
        self, events: Iterator[StreamEvent], wrap: Callable[[Any], _T], joiner: Joiner, signal: Any = None
    ) -> None:
        super().__init__(wrap, joiner, signal)
        self._events = events

    def _start(self) -> Self:
        try:
            self._first.append(self._took(next(self._events)))
        except StopIteration:
            self._done = True
        return self

    def __next__(self) -> _T:
        if self._first:
            item: _T = self._first.pop()
            return item
        if self._done:
            raise StopIteration
        if self._signal is not None and self._signal.is_set():
            self.close()
            raise _aborted()
        try:
            return self._took(next(self._events))
        except BaseException:
            self._done = True
            raise

    def __iter__(self) -> Iterator[_T]:
        try:
            while True:
                try:
                    item = self.__next__()
                except StopIteration:
                    return
                yield item
        finally:
            if not self._done:
                self.close()

    def _drain(self) -> None:
        for _ in self:
            pass

    def close(self) -> None:
        """Stop reading and release the connection (safe to call twice)."""
        self._done = True
        self._first.clear()
        close = getattr(self._events, "close", None)
        if close is not None:
            close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


class AsyncStream(_StreamState[_T]):
    """The base of the async streams: ``async for event in stream`` (leaving the loop early closes the
    connection), ``async with stream:`` and ``await stream.aclose()``."""

    def __init__(
        self,
        events: AsyncIterator[StreamEvent],
        wrap: Callable[[Any], _T],
        joiner: Joiner,
        signal: Any = None,
    ) -> None:
        super().__init__(wrap, joiner, signal)
        self._events = events

    async def _start(self) -> Self:
        try:
            self._first.append(self._took(await self._events.__anext__()))
        except StopAsyncIteration:
            self._done = True
        return self

    async def __anext__(self) -> _T:
        if self._first:
            item: _T = self._first.pop()
            return item
        if self._done:
            raise StopAsyncIteration
        if self._signal is not None and self._signal.is_set():
            await self.aclose()
            raise _aborted()
        try:
            return self._took(await self._events.__anext__())
        except BaseException:
            self._done = True
            raise

    async def __aiter__(self) -> AsyncIterator[_T]:
        try:
            while True:
                try:
                    item = await self.__anext__()
                except StopAsyncIteration:
                    return
                yield item
        finally:
            if not self._done:
                await self.aclose()

    async def _drain(self) -> None:
        async for _ in self:
            pass

    async def aclose(self) -> None:
        """Stop reading and release the connection (safe to call twice)."""
        self._done = True
        self._first.clear()
        aclose = getattr(self._events, "aclose", None)
        if aclose is not None:
            await aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()
