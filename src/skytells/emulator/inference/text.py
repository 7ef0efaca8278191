"""Deterministic text for the inference routes, and the token rule every count uses.

**Token rule.** A token is a run of at most four non-space characters: each whitespace-separated word
counts ``ceil(len(word) / 4)`` tokens, and whitespace counts nothing: ``"Hello world"`` is 4 tokens
(``Hell`` ``o`` ``worl`` ``d``). The same pieces cut an answer at ``max_tokens`` and make the stream
deltas, so a cut answer has exactly ``max_tokens`` tokens and the deltas join to the answer.

**Replies** start with ``[Skytells emulator · <model>]``, quote the last user message (or the last tool
result), and add two stock sentences picked by a SHA-256 of the model, the conversation, the seed and
the choice index: the same request always gets the same reply, another seed (or choice) another one.

>>> count_tokens("Hello world")
4
>>> split_tokens("Hello world")
['Hell', 'o', ' worl', 'd']
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Sequence
from typing import Any

from skytells.emulator.inference.conversation import Turn, last_user, tool_name_for

LABEL = "Skytells emulator"
_TOKEN = re.compile(r"\S{1,4}")
_PIECE = re.compile(r"\s*\S{1,4}")
_SHOWN_CHARS = 160
_TOOL_RESULT_CHARS = 400
#: Tokens an image in a prompt counts for (OpenAI's low-detail price).
IMAGE_TOKENS = 85

SENTENCES = (
    "This reply was written by the Skytells emulator, not by a real model.",
    "The same request always gets the same reply here.",
    "Send another seed to get another reply.",
    "Token counts follow the emulator's documented rule.",
    "Nothing left this machine to make this reply.",
    "Use it to build and test your app offline.",
    "Tools, JSON output, content filters and streaming behave like the real service.",
    "Replies stay short so that tests run fast.",
)


def count_tokens(text: str) -> int:
    """Tokens in `text`: runs of at most four non-space characters."""
    return len(_TOKEN.findall(text))


def split_tokens(text: str) -> list[str]:
    """`text` cut into tokens, each with the whitespace before it; they join back to `text`."""
    pieces = _PIECE.findall(text)
    rest = text[sum(len(piece) for piece in pieces) :]
    if rest:
        if pieces:
            pieces[-1] += rest
        else:
            pieces.append(rest)
    return pieces


def truncate(text: str, max_tokens: int | None) -> tuple[str, bool]:
    """`text` cut to its first `max_tokens` tokens, and whether it was cut."""
    if max_tokens is None:
        return text, False
    pieces = split_tokens(text)
    if count_tokens(text) <= max_tokens:
        return text, False
    return "".join(pieces[:max_tokens]), True


def apply_stop(text: str, stops: Sequence[str]) -> tuple[str, bool]:
    """`text` up to (not including) the earliest stop sequence, and whether one was found."""
    positions = [text.find(stop) for stop in stops if stop and stop in text]
    if not positions:
        return text, False
    return text[: min(positions)], True


def deltas(text: str) -> list[str]:
    """Stream deltas of `text`: one per word (a word's tokens, with the space before it)."""
    words: list[str] = []
    for piece in split_tokens(text):
        if words and not piece[:1].isspace():
            words[-1] += piece
        else:
            words.append(piece)
    return words or [""]


def turn_tokens(turn: Turn) -> int:
    """Tokens of one turn: 1 for its role, its text, its tool calls, and `IMAGE_TOKENS` per image."""
    calls = sum(count_tokens(call.name) + count_tokens(call.arguments) for call in turn.tool_calls)
    return 1 + count_tokens(turn.text) + calls + IMAGE_TOKENS * len(turn.images)


def prompt_tokens(turns: Sequence[Turn], tools: Sequence[Any] = ()) -> int:
    """Tokens of a prompt: every turn, plus the JSON of the tool definitions."""
    tool_tokens = count_tokens(json.dumps(list(tools), sort_keys=True)) if tools else 0
    return sum(turn_tokens(turn) for turn in turns) + tool_tokens


def digest(*parts: Any) -> bytes:
    """A SHA-256 of JSON-encodable `parts` (the seed of every choice the emulator makes)."""
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).digest()


def conversation_digest(model: str, turns: Sequence[Turn], seed: int | None, index: int) -> bytes:
    """The digest a reply is picked by."""
    return digest(model, [turn.to_json() for turn in turns], seed, index)


def shorten(text: str, limit: int) -> str:
    """`text` with its whitespace collapsed, cut to `limit` characters (ending in ``…``)."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def prefix(model: str) -> str:
    """``[Skytells emulator · <model>]``: how every reply starts."""
    return f"[{LABEL} · {model}]"


def summary(turns: Sequence[Turn]) -> str:
    """What a reply says about the conversation: the tool result it got, or the user's last message."""
    if turns and turns[-1].role == "tool":
        last = turns[-1]
        name = tool_name_for(turns, last.tool_call_id) or "tool"
        return f'The {name} tool returned: "{shorten(last.text, _TOOL_RESULT_CHARS)}".'
    user = last_user(turns)
    if user is None:
        return "There was no user message."
    parts = []
    if user.text.strip():
        parts.append(f'You said: "{shorten(user.text, _SHOWN_CHARS)}".')
    if user.images:
        count = len(user.images)
        parts.append(f"You sent {count} image{'s' if count != 1 else ''}.")
    user_turns = sum(1 for turn in turns if turn.role == "user")
    if user_turns > 1:
        parts.append(f"This is turn {user_turns} of our conversation.")
    return " ".join(parts) or "Your message was empty."


def reply(model: str, model_type: str, turns: Sequence[Turn], seed: int | None, index: int = 0) -> str:
    """The emulator's reply: the label, the `summary`, two stock sentences; code models add a snippet.

    >>> reply("deepbrain-router", "text", [Turn("user", "Hi there")], seed=1)[:48]
    '[Skytells emulator · deepbrain-router] You said:'
    """
    picked = conversation_digest(model, turns, seed, index)
    first = SENTENCES[picked[0] % len(SENTENCES)]
    second = SENTENCES[(picked[0] + 1 + picked[1] % (len(SENTENCES) - 1)) % len(SENTENCES)]
    text = f"{prefix(model)} {summary(turns)} {first} {second}"
    if model_type == "code":
        user = last_user(turns)
        quoted = json.dumps(shorten(user.text, 60) if user else "")
        text += f"\n\n```python\ndef emulated_answer() -> str:\n    return {quoted}\n```"
    return text


def json_reply(model: str, turns: Sequence[Turn]) -> str:
    """The reply in JSON mode (``json_object``): an object naming the model and carrying the summary."""
    return json.dumps({"emulator": LABEL, "model": model, "reply": summary(turns)})
