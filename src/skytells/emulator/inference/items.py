"""Responses API ``input`` read into `Turn`s, and output items written from an answer.

``input`` is a string (one user message) or an array of items: messages (``role`` ``user``,
``system``, ``developer`` or ``assistant``; ``content`` a string or parts ``input_text``,
``output_text``, ``input_image`` with an ``image_url``), ``function_call`` items (an earlier call,
fed back) and ``function_call_output`` items (its result, with the ``call_id``).

>>> read_input("Hello", vision=False, earlier=[])[0].text
'Hello'
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from skytells.emulator.inference.conversation import ToolCall, Turn, call_ids
from skytells.emulator.inference.generate import Answer
from skytells.emulator.inference.messages import image_url_ok, no_vision
from skytells.emulator.inference.params import invalid, json_type, shown

MESSAGE_ROLES = ("user", "system", "developer", "assistant")
MAX_ITEMS = 4096


def _parts(value: Any, role: str, param: str, vision: bool) -> tuple[str, tuple[str, ...]]:
    if isinstance(value, str):
        return value, ()
    if not isinstance(value, list):
        raise invalid(
            f"'{param}' must be a string or an array of content parts (got {json_type(value)}).", param
        )
    texts: list[str] = []
    images: list[str] = []
    for index, part in enumerate(value):
        where = f"{param}[{index}]"
        kind = part.get("type") if isinstance(part, dict) else None
        if kind in ("input_text", "output_text") or (kind == "refusal" and role == "assistant"):
            text = part.get("refusal" if kind == "refusal" else "text")
            if not isinstance(text, str):
                raise invalid(f"'{where}.text' must be a string.", f"{where}.text")
            texts.append(text)
        elif kind == "input_image" and role == "user":
            url = part.get("image_url")
            if not image_url_ok(url):
                raise invalid(
                    f"'{where}.image_url' must be an http(s) or data:image URL.", f"{where}.image_url"
                )
            if not vision:
                raise no_vision(where)
            images.append(str(url))
        else:
            allowed = "'input_text' or 'input_image'" if role == "user" else "'input_text' or 'output_text'"
            raise invalid(
                f"'{where}.type' must be {allowed} in a {role} message (got {shown(kind)}).", f"{where}.type"
            )
    return "\n".join(texts), tuple(images)


def _item(item: Any, param: str, vision: bool, earlier: Sequence[Turn]) -> Turn:
    if not isinstance(item, dict):
        raise invalid(f"'{param}' must be an object (got {json_type(item)}).", param)
    kind = item.get("type", "message")
    if kind == "message":
        role = item.get("role")
        if role not in MESSAGE_ROLES:
            raise invalid(
                f"'{param}.role' must be one of {', '.join(MESSAGE_ROLES)} (got {shown(role)}).",
                f"{param}.role",
            )
        if "content" not in item:
            raise invalid(f"'{param}.content' is required.", f"{param}.content")
        text, images = _parts(item["content"], str(role), f"{param}.content", vision)
        return Turn(str(role), text, images)
    if kind == "function_call":
        fields = [item.get(name) for name in ("call_id", "name", "arguments")]
        if not all(isinstance(value, str) and value for value in fields[:2]) or not isinstance(
            fields[2], str
        ):
            raise invalid(f"'{param}' must have string 'call_id', 'name' and 'arguments'.", param)
        return Turn("assistant", "", (), (ToolCall(str(fields[0]), str(fields[1]), str(fields[2])),))
    if kind == "function_call_output":
        call_id, output = item.get("call_id"), item.get("output")
        if not isinstance(call_id, str) or not isinstance(output, str):
            raise invalid(f"'{param}' must have a string 'call_id' and a string 'output'.", param)
        if call_id not in call_ids(earlier):
            raise invalid(
                f"'{param}' answers call {shown(call_id)}, which no earlier function_call made.",
                f"{param}.call_id",
            )
        return Turn("tool", output, (), (), call_id)
    raise invalid(
        f"'{param}.type' must be 'message', 'function_call' or 'function_call_output' (got {shown(kind)}).",
        f"{param}.type",
    )


def read_input(value: Any, vision: bool, earlier: Sequence[Turn]) -> list[Turn]:
    """``input`` as turns; `earlier` is the conversation it continues (for ``call_id`` checks)."""
    if value is None:
        raise invalid("'input' is required: a string or an array of input items.", "input")
    if isinstance(value, str):
        return [Turn("user", value)]
    if not isinstance(value, list) or not value or len(value) > MAX_ITEMS:
        raise invalid(f"'input' must be a string or an array of 1 to {MAX_ITEMS} items.", "input")
    turns: list[Turn] = []
    for index, item in enumerate(value):
        turns.append(_item(item, f"input[{index}]", vision, [*earlier, *turns]))
    return turns


def output_items(answer: Answer, status: str) -> list[dict[str, Any]]:
    """The ``output`` of a response: one message item, or one ``function_call`` item per call."""
    if answer.tool_calls:
        return [
            {
                "id": "fc_" + uuid.uuid4().hex[:24],
                "type": "function_call",
                "status": "completed",
                "call_id": call.id,
                "name": call.name,
                "arguments": call.arguments,
            }
            for call in answer.tool_calls
        ]
    part = {"type": "output_text", "text": answer.text or "", "annotations": [], "logprobs": []}
    return [
        {
            "id": "msg_" + uuid.uuid4().hex[:24],
            "type": "message",
            "status": status,
            "role": "assistant",
            "content": [part],
        }
    ]


def output_turns(answer: Answer) -> list[Turn]:
    """The answer as conversation turns (what a follow-up response reads)."""
    if answer.tool_calls:
        return [Turn("assistant", "", (), (call,)) for call in answer.tool_calls]
    return [Turn("assistant", answer.text or "")]
