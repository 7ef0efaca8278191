"""The Responses API: the request parameters and the objects ``client.responses`` returns.

>>> response = client.responses.create(model="gpt-5", input="Say hello")
>>> response.output_text
'Hello!'
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, TypedDict

from ._record import Record
from .chat import ContentFilterResults

__all__ = [
    "Response",
    "ResponseContentFilter",
    "ResponseCreateParams",
    "ResponseDeleted",
    "ResponseOutputContent",
    "ResponseOutputItem",
    "ResponseStreamEvent",
    "ResponseUsage",
]


class ResponseCreateParams(TypedDict, total=False):
    """The optional parameters of ``responses.create`` (OpenAI's names; None means "not sent")."""

    instructions: str | None
    previous_response_id: str | None
    max_output_tokens: int | None
    max_tool_calls: int | None
    temperature: float | None
    top_p: float | None
    tools: Sequence[Mapping[str, Any]] | None
    tool_choice: str | Mapping[str, Any] | None
    parallel_tool_calls: bool | None
    text: Mapping[str, Any] | None
    reasoning: Mapping[str, Any] | None
    store: bool | None
    metadata: Mapping[str, str] | None
    user: str | None
    truncation: str | None
    service_tier: str | None


class ResponseOutputContent(Record):
    """A part of an output message: ``output_text`` (``text``) or ``refusal``."""

    type: str
    text: str | None
    refusal: str | None
    annotations: list[Any] | None


class ResponseOutputItem(Record):
    """An item of ``output``: a ``message`` (``content``) or a ``function_call`` (``name``, ``arguments``,
    ``call_id``; answer it with ``{"type": "function_call_output", "call_id": ..., "output": ...}``)."""

    id: str
    type: str
    status: str | None
    role: str | None
    content: list[ResponseOutputContent] | None
    name: str | None
    arguments: str | None
    call_id: str | None


class ResponseUsage(Record):
    """Tokens the response used."""

    input_tokens: int
    output_tokens: int
    total_tokens: int
    input_tokens_details: dict[str, Any] | None
    output_tokens_details: dict[str, Any] | None


class ResponseContentFilter(Record):
    """Skytells' filter verdict on the prompt or the completion (``source_type``)."""

    blocked: bool
    source_type: str
    content_filter_results: ContentFilterResults | None


class Response(Record):
    """A ``response`` object. ``output_text`` joins the text of every output message.

    >>> response.status, response.output_text
    ('completed', 'Hello!')
    """

    id: str
    object: str
    created_at: int
    status: str
    model: str
    output: list[ResponseOutputItem]
    usage: ResponseUsage | None
    error: Any
    incomplete_details: dict[str, Any] | None
    instructions: str | None
    max_output_tokens: int | None
    previous_response_id: str | None
    store: bool | None
    metadata: dict[str, str] | None
    text: dict[str, Any] | None
    tools: list[Any] | None
    tool_choice: Any
    temperature: float | None
    top_p: float | None
    content_filters: list[ResponseContentFilter] | None

    @property
    def output_text(self) -> str:
        """The text of every ``output_text`` part of every output message, joined."""
        return output_text(self)


def output_text(response: Mapping[str, Any]) -> str:
    parts = []
    for item in response.get("output") or ():
        if isinstance(item, Mapping) and item.get("type") == "message":
            for part in item.get("content") or ():
                if isinstance(part, Mapping) and part.get("type") == "output_text":
                    parts.append(str(part.get("text") or ""))
    return "".join(parts)


class ResponseDeleted(Record):
    """The answer of ``responses.delete``: ``deleted`` is True."""

    id: str
    object: str
    deleted: bool


class ResponseStreamEvent(Record):
    """One event of a streamed response. ``type`` says which fields it has:

    ``response.created`` / ``response.in_progress`` / ``response.completed`` (``response``),
    ``response.output_item.added`` / ``.done`` (``item``, ``output_index``),
    ``response.content_part.added`` / ``.done`` (``part``), ``response.output_text.delta`` (``delta``),
    ``response.output_text.done`` (``text``), ``response.function_call_arguments.delta`` / ``.done``.
    Every event has a ``sequence_number``.
    """

    type: str
    sequence_number: int
    response: Response | None
    item: ResponseOutputItem | None
    item_id: str | None
    output_index: int | None
    content_index: int | None
    part: ResponseOutputContent | None
    delta: str | None
    text: str | None
    name: str | None
    arguments: str | None
    obfuscation: str | None
