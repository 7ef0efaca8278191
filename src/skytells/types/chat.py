"""Chat Completions: the request parameters and the objects ``client.chat.completions`` returns.

Every object is a :class:`~skytells.types._record.Record`: a dict with attribute access.

>>> completion = client.chat.completions.create(model="deepbrain-router", messages=[...])
>>> completion.choices[0].message.content == completion["choices"][0]["message"]["content"]
True
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, TypedDict

from ._record import Record

__all__ = [
    "ChatCompletion",
    "ChatCompletionChunk",
    "ChatCompletionMessage",
    "ChatCompletionMessageToolCall",
    "ChatCompletionParams",
    "ChatMessage",
    "Choice",
    "ChoiceDelta",
    "ChoiceDeltaToolCall",
    "ChoiceDeltaToolCallFunction",
    "ChunkChoice",
    "CompletionUsage",
    "ContentFilterResults",
    "FilterDetection",
    "FilterSeverity",
    "FunctionCall",
    "PromptFilterResult",
]

#: a message of the conversation: ``{"role": "user", "content": "Hi"}`` (a returned message works too)
ChatMessage = Mapping[str, Any]


class ChatCompletionParams(TypedDict, total=False):
    """The optional parameters of ``chat.completions.create`` (OpenAI's names; None means "not sent")."""

    max_tokens: int | None
    max_completion_tokens: int | None
    temperature: float | None
    top_p: float | None
    n: int | None
    stop: str | Sequence[str] | None
    seed: int | None
    tools: Sequence[Mapping[str, Any]] | None
    tool_choice: str | Mapping[str, Any] | None
    parallel_tool_calls: bool | None
    response_format: Mapping[str, Any] | None
    stream_options: Mapping[str, Any] | None
    user: str | None
    presence_penalty: float | None
    frequency_penalty: float | None
    logprobs: bool | None
    top_logprobs: int | None
    logit_bias: Mapping[str, float] | None
    metadata: Mapping[str, str] | None
    reasoning_effort: str | None


# ---- content filters (Skytells) ----------------------------------------------------------------------


class FilterSeverity(Record):
    """A graded category: ``severity`` is ``safe``, ``low``, ``medium`` or ``high``."""

    filtered: bool
    severity: str


class FilterDetection(Record):
    """A detected-or-not category (jailbreak, protected material)."""

    filtered: bool
    detected: bool


class ContentFilterResults(Record):
    """What the content filter found in a prompt or a completion."""

    hate: FilterSeverity | None
    violence: FilterSeverity | None
    sexual: FilterSeverity | None
    self_harm: FilterSeverity | None
    jailbreak: FilterDetection | None
    protected_material_text: FilterDetection | None
    protected_material_code: FilterDetection | None


class PromptFilterResult(Record):
    """The filter results of one prompt."""

    prompt_index: int
    content_filter_results: ContentFilterResults | None


# ---- a completion -------------------------------------------------------------------------------------


class FunctionCall(Record):
    """The function a tool call invokes: its ``name`` and JSON ``arguments`` (a string)."""

    name: str
    arguments: str


class ChatCompletionMessageToolCall(Record):
    """One tool call of the assistant: answer it with ``{"role": "tool", "tool_call_id": id, ...}``."""

    id: str
    type: str
    function: FunctionCall


class ChatCompletionMessage(Record):
    """The assistant's message. Append it to ``messages`` as is to continue the conversation."""

    role: str
    content: str | None
    refusal: str | None
    annotations: list[Any] | None
    tool_calls: list[ChatCompletionMessageToolCall] | None


class Choice(Record):
    """One of the ``n`` answers."""

    index: int
    message: ChatCompletionMessage
    finish_reason: str | None
    logprobs: Any
    content_filter_results: ContentFilterResults | None


class CompletionUsage(Record):
    """Tokens the call used."""

    prompt_tokens: int
    completion_tokens: int
    total_tokens: int
    prompt_tokens_details: dict[str, Any] | None
    completion_tokens_details: dict[str, Any] | None


class ChatCompletion(Record):
    """A ``chat.completion`` object.

    >>> completion.choices[0].message.content
    'Hello! How can I help?'
    """

    id: str
    object: str
    created: int
    model: str
    system_fingerprint: str | None
    choices: list[Choice]
    usage: CompletionUsage | None
    prompt_filter_results: list[PromptFilterResult] | None


# ---- a stream -----------------------------------------------------------------------------------------


class ChoiceDeltaToolCallFunction(Record):
    """A piece of a tool call's function: the name comes first, the arguments in pieces."""

    name: str | None
    arguments: str | None


class ChoiceDeltaToolCall(Record):
    """A piece of tool call ``index`` of the message."""

    index: int
    id: str | None
    type: str | None
    function: ChoiceDeltaToolCallFunction | None


class ChoiceDelta(Record):
    """What a chunk adds to a choice's message."""

    role: str | None
    content: str | None
    refusal: str | None
    tool_calls: list[ChoiceDeltaToolCall] | None


class ChunkChoice(Record):
    """One choice's part of a chunk."""

    index: int
    delta: ChoiceDelta
    finish_reason: str | None
    logprobs: Any
    content_filter_results: ContentFilterResults | None


class ChatCompletionChunk(Record):
    """A ``chat.completion.chunk``: one event of a streamed completion.

    >>> for chunk in stream:
    ...     print(chunk.choices[0].delta.content or "", end="")
    """

    id: str
    object: str
    created: int
    model: str
    system_fingerprint: str | None
    choices: list[ChunkChoice]
    usage: CompletionUsage | None
    prompt_filter_results: list[PromptFilterResult] | None
    #: Skytells pads some chunks with random text so their size does not reveal the tokens
    obfuscation: str | None
