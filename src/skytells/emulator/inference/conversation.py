"""The conversation a model reads, in one shape for both APIs: a list of `Turn`.

Chat Completions messages and Responses input items are both turned into turns (`skytells.emulator.
inference.chat` and `…responses` do that), so generation, token counting and content filtering are
written once. Turns are plain data and round-trip through JSON (`Turn.to_json` / `Turn.from_json`),
which is how a stored response keeps its context for ``previous_response_id``.

>>> turns = [Turn("user", "What is the weather in Paris?")]
>>> last_user(turns).text
'What is the weather in Paris?'
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

ROLES = ("system", "developer", "user", "assistant", "tool")


@dataclass(frozen=True)
class ToolCall:
    """A function call made by the assistant: its id, the function's name and its JSON arguments."""

    id: str
    name: str
    arguments: str


@dataclass(frozen=True)
class Turn:
    """One message: its role, its text, the image URLs it carries, the tool calls it made (assistant)
    or the call it answers (``tool_call_id``, role ``tool``)."""

    role: str
    text: str
    images: tuple[str, ...] = ()
    tool_calls: tuple[ToolCall, ...] = field(default=())
    tool_call_id: str | None = None

    def to_json(self) -> dict[str, Any]:
        """The turn as a JSON object (empty fields left out)."""
        data: dict[str, Any] = {"role": self.role, "text": self.text}
        if self.images:
            data["images"] = list(self.images)
        if self.tool_calls:
            data["tool_calls"] = [[c.id, c.name, c.arguments] for c in self.tool_calls]
        if self.tool_call_id is not None:
            data["tool_call_id"] = self.tool_call_id
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Turn:
        """The turn `to_json` wrote."""
        calls = tuple(ToolCall(str(a), str(b), str(c)) for a, b, c in data.get("tool_calls", ()))
        return cls(
            str(data["role"]),
            str(data.get("text", "")),
            tuple(str(url) for url in data.get("images", ())),
            calls,
            data.get("tool_call_id"),
        )


def last_user(turns: Sequence[Turn]) -> Turn | None:
    """The last ``user`` turn, if any."""
    return next((turn for turn in reversed(turns) if turn.role == "user"), None)


def tool_name_for(turns: Sequence[Turn], call_id: str | None) -> str | None:
    """The name of the function an earlier assistant turn called with `call_id`."""
    for turn in reversed(turns):
        for call in turn.tool_calls:
            if call.id == call_id:
                return call.name
    return None


def call_ids(turns: Sequence[Turn]) -> set[str]:
    """Every tool call id the assistant made in `turns`."""
    return {call.id for turn in turns for call in turn.tool_calls}
