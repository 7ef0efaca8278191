"""The chat family's flows: ``POST /chat/completions`` as one JSON answer or as a stream of chunks.

>>> body = chat_body("deepbrain-router", [{"role": "user", "content": "Hi"}], {"max_tokens": 64})
>>> completion = yield from create(ctx, body)
>>> machine = chat_stream(ctx, body)        # run by a driver's stream(); ends with data: [DONE]
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from ._effects import Flow
from ._errors import sdk_error
from ._inference import InferenceStream, post, request_body, require_model, stream_request
from ._send import Context
from ._sse import StreamEvent

PATH = "/chat/completions"
DONE = "[DONE]"


def chat_body(
    model: str,
    messages: Iterable[Mapping[str, Any]],
    params: Mapping[str, Any],
    extra_body: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The request body: ``model``, ``messages``, the parameters that are not None, ``extra_body``."""
    if isinstance(messages, (str, bytes, Mapping)) or not isinstance(messages, Iterable):
        raise sdk_error('messages must be a list of messages, e.g. [{"role": "user", "content": "Hi"}]')
    listed = list(messages)
    if not listed:
        raise sdk_error("messages must hold at least one message")
    return request_body({"model": require_model(model), "messages": listed}, params, extra_body)


def create(ctx: Context, body: Mapping[str, Any], signal: Any = None) -> Flow[dict[str, Any]]:
    """One chat completion (with the client's retries)."""
    return (yield from post(ctx, PATH, body, signal))


class ChatStream(InferenceStream):
    """The chunks of a streamed completion; ``data: [DONE]`` ends it (a stream cut before is an error)."""

    def check(self, event: StreamEvent) -> None:
        if event.data != DONE:
            super().check(event)

    def is_final(self, event: StreamEvent) -> bool:
        return bool(event.data == DONE)


def chat_stream(ctx: Context, body: Mapping[str, Any], signal: Any = None) -> ChatStream:
    """The stream machine of a completion (``stream: true`` is added to ``body``)."""
    request = stream_request(ctx, PATH, body)
    return ChatStream(request, ctx.config.api_key, retry=ctx.config.retry, signal=signal)


class ChunkJoiner:
    """Joins the chunks of a stream into the ``chat.completion`` they add up to (tool calls too).

    >>> joiner = ChunkJoiner()
    >>> for chunk in chunks:
    ...     joiner.add(chunk)
    >>> joiner.text(), joiner.completion()["choices"][0]["message"]
    """

    def __init__(self) -> None:
        self._head: dict[str, Any] = {}
        self._choices: dict[int, dict[str, Any]] = {}
        self._texts: dict[int, list[str]] = {}
        self._refusals: dict[int, list[str]] = {}
        self._calls: dict[int, dict[int, dict[str, Any]]] = {}
        self._usage: Any = None
        self._prompt_filters: Any = None

    def add(self, chunk: Mapping[str, Any]) -> None:
        if not self._head:
            self._head = {key: chunk.get(key) for key in ("id", "created", "model", "system_fingerprint")}
        if chunk.get("usage"):
            self._usage = chunk["usage"]
        if chunk.get("prompt_filter_results"):
            self._prompt_filters = chunk["prompt_filter_results"]
        for choice in chunk.get("choices") or ():
            self._add_choice(choice)

    def _add_choice(self, choice: Mapping[str, Any]) -> None:
        index = int(choice.get("index") or 0)
        state = self._choices.get(index)
        if state is None:
            state = self._choices[index] = {"index": index, "role": "assistant", "finish_reason": None}
        delta = choice.get("delta") or {}
        if delta.get("role"):
            state["role"] = delta["role"]
        content = delta.get("content")
        if isinstance(content, str):
            self._texts.setdefault(index, []).append(content)
        refusal = delta.get("refusal")
        if isinstance(refusal, str):
            self._refusals.setdefault(index, []).append(refusal)
        for call in delta.get("tool_calls") or ():
            self._add_call(self._calls.setdefault(index, {}), call)
        for key in ("finish_reason", "content_filter_results", "logprobs"):
            if choice.get(key) is not None:
                state[key] = choice[key]

    @staticmethod
    def _add_call(calls: dict[int, dict[str, Any]], piece: Mapping[str, Any]) -> None:
        number = int(piece.get("index") or 0)
        call = calls.get(number)
        if call is None:
            call = calls[number] = {"id": None, "type": "function", "function": {"name": "", "arguments": ""}}
        if piece.get("id"):
            call["id"] = piece["id"]
        if piece.get("type"):
            call["type"] = piece["type"]
        function = piece.get("function") or {}
        if function.get("name"):
            call["function"]["name"] = function["name"]
        if function.get("arguments"):
            call["function"]["arguments"] += function["arguments"]

    def text(self, index: int = 0) -> str:
        """The content of choice ``index`` so far."""
        return "".join(self._texts.get(index, ()))

    def completion(self) -> dict[str, Any]:
        """The ``chat.completion`` of the chunks so far."""
        choices = []
        for index in sorted(self._choices):
            state = self._choices[index]
            message: dict[str, Any] = {
                "role": state["role"],
                "content": "".join(self._texts[index]) if index in self._texts else None,
                "refusal": "".join(self._refusals[index]) if index in self._refusals else None,
            }
            calls = self._calls.get(index)
            if calls:
                message["tool_calls"] = [calls[number] for number in sorted(calls)]
            choice = {
                "index": index,
                "message": message,
                "finish_reason": state["finish_reason"],
                "logprobs": state.get("logprobs"),
            }
            if "content_filter_results" in state:
                choice["content_filter_results"] = state["content_filter_results"]
            choices.append(choice)
        completion = {**self._head, "object": "chat.completion", "choices": choices, "usage": self._usage}
        if self._prompt_filters is not None:
            completion["prompt_filter_results"] = self._prompt_filters
        return completion
