"""One answer of a chat model: text or tool calls, cut at ``stop`` and ``max_tokens``, with filters.

Both APIs call `generate` once per choice. The steps, in order:

1. a prompt the content filter blocks (`filters`) gets a short refusal, ``finish_reason:
   "content_filter"``;
2. tools the rule of `tools` picks are called (``"tool_calls"``, no text);
3. otherwise the text is the `text.reply` (``json_object``: `text.json_reply`; ``json_schema``: an
   instance of the schema), cut before the first ``stop`` sequence (``"stop"``) and then to
   ``max_tokens`` tokens (``"length"``).

>>> answer = generate(model, [Turn("user", "Hello")], Settings(max_tokens=5))
>>> answer.finish_reason, answer.completion_tokens
('length', 5)
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from skytells.emulator.inference.conversation import ToolCall, Turn
from skytells.emulator.inference.filters import blocked, filter_results
from skytells.emulator.inference.formats import TEXT, OutputFormat
from skytells.emulator.inference.instances import Unsatisfiable, instance_for
from skytells.emulator.inference.models import ChatModel
from skytells.emulator.inference.params import invalid
from skytells.emulator.inference.text import (
    apply_stop,
    conversation_digest,
    count_tokens,
    json_reply,
    prefix,
    reply,
    truncate,
)
from skytells.emulator.inference.tools import NONE, FunctionTool, ToolChoice, arguments_for, tools_to_call


@dataclass(frozen=True)
class Settings:
    """What a request asks of the answer."""

    max_tokens: int | None = None
    stop: tuple[str, ...] = ()
    seed: int | None = None
    tools: tuple[FunctionTool, ...] = ()
    tool_choice: ToolChoice = NONE
    parallel_tool_calls: bool = True
    output: OutputFormat = TEXT


@dataclass(frozen=True)
class Answer:
    """One choice: its text (None with tool calls), tool calls, finish reason, tokens and filter results."""

    text: str | None
    tool_calls: tuple[ToolCall, ...]
    finish_reason: str
    completion_tokens: int
    filter_results: dict[str, Any] = field(default_factory=dict)


def prompt_texts(turns: Sequence[Turn]) -> list[str]:
    """Everything of a prompt the content filter reads: texts, image URLs, tool call arguments."""
    texts: list[str] = []
    for turn in turns:
        texts.append(turn.text)
        texts.extend(turn.images)
        texts.extend(call.arguments for call in turn.tool_calls)
    return texts


def generate(
    model: ChatModel,
    turns: Sequence[Turn],
    settings: Settings,
    index: int = 0,
    prompt_filter: dict[str, Any] | None = None,
) -> Answer:
    """The answer at choice `index` (see the module docstring)."""
    prompt_filter = prompt_filter if prompt_filter is not None else filter_results(prompt_texts(turns))
    refused = blocked(prompt_filter)
    if refused:
        text = f"{prefix(model.slug)} The request was blocked by the content filter ({', '.join(refused)})."
        return Answer(
            text, (), "content_filter", count_tokens(text), filter_results(())
        )  # nothing of the prompt
    called = tools_to_call(settings.tools, settings.tool_choice, turns, settings.parallel_tool_calls)
    if called:
        calls = tuple(
            _call(model, turns, settings, index, number, tool) for number, tool in enumerate(called)
        )
        tokens = sum(count_tokens(call.name) + count_tokens(call.arguments) for call in calls)
        return Answer(None, calls, "tool_calls", tokens, filter_results(c.arguments for c in calls))
    text = _text(model, turns, settings, index)
    text, _ = apply_stop(text, settings.stop)
    text, cut = truncate(text, settings.max_tokens)
    return Answer(text, (), "length" if cut else "stop", count_tokens(text), filter_results([text]))


def _call(
    model: ChatModel, turns: Sequence[Turn], settings: Settings, index: int, number: int, tool: FunctionTool
) -> ToolCall:
    call_id = (
        "call_" + conversation_digest(model.slug, turns, settings.seed, index * 1000 + number).hex()[:24]
    )
    return ToolCall(call_id, tool.name, arguments_for(tool))


def _text(model: ChatModel, turns: Sequence[Turn], settings: Settings, index: int) -> str:
    output = settings.output
    if output.kind == "json_object":
        return json_reply(model.slug, turns)
    if output.kind == "json_schema":
        try:
            return json.dumps(
                instance_for(output.schema if output.schema is not None else {"type": "object"})
            )
        except Unsatisfiable as exc:
            raise invalid(f"Cannot answer in this format: {exc}.", output.param) from None
    return reply(model.slug, model.type, turns, settings.seed, index)
