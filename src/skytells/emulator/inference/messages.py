"""Chat Completions ``messages`` read into `Turn`s, with a 400 naming the first bad field.

Roles ``system``, ``developer``, ``user``, ``assistant`` (``content`` may be null when it has
``tool_calls``) and ``tool`` (``tool_call_id`` naming an earlier assistant tool call). Content is a
string or a list of parts: ``text`` everywhere, ``image_url`` (``{"url": "https://…" or "data:…"}``) in
user messages to a model that sees images.

>>> read_messages([{"role": "user", "content": "Hi"}], vision=False)[0].text
'Hi'
"""

from __future__ import annotations

from typing import Any

from skytells.emulator.errors import ApiError
from skytells.emulator.inference.conversation import ROLES, ToolCall, Turn, call_ids
from skytells.emulator.inference.params import invalid, json_type, shown

MAX_MESSAGES = 4096


def image_url_ok(url: Any) -> bool:
    """Whether an image reference is a URL the emulator accepts (http, https or data)."""
    return isinstance(url, str) and url.startswith(("http://", "https://", "data:image/")) and len(url) > 8


def no_vision(param: str) -> ApiError:
    """The 400 for an image sent to a model that only reads text."""
    return invalid(
        f"This model does not accept images ('{param}'); use a model that does, such as 'gpt-5'.", param
    )


def _content(value: Any, role: str, param: str, vision: bool) -> tuple[str, tuple[str, ...]]:
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
        if kind == "text" or (kind == "refusal" and role == "assistant"):
            text = part.get(kind)
            if not isinstance(text, str):
                raise invalid(f"'{where}.{kind}' must be a string.", f"{where}.{kind}")
            texts.append(text)
        elif kind == "image_url" and role == "user":
            spec = part.get("image_url")
            url = spec.get("url") if isinstance(spec, dict) else None
            if not image_url_ok(url):
                raise invalid(
                    f"'{where}.image_url.url' must be an http(s) or data:image URL.", f"{where}.image_url"
                )
            if not vision:
                raise no_vision(where)
            images.append(str(url))
        else:
            allowed = "'text' or 'image_url'" if role == "user" else "'text'"
            raise invalid(
                f"'{where}.type' must be {allowed} in a {role} message (got {shown(kind)}).", f"{where}.type"
            )
    return "\n".join(texts), tuple(images)


def _tool_calls(value: Any, param: str) -> tuple[ToolCall, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        raise invalid(f"'{param}' must be an array (got {json_type(value)}).", param)
    calls = []
    for index, call in enumerate(value):
        where = f"{param}[{index}]"
        function = call.get("function") if isinstance(call, dict) else None
        if (
            not isinstance(call, dict)
            or not isinstance(call.get("id"), str)
            or not call["id"]
            or call.get("type", "function") != "function"
            or not isinstance(function, dict)
            or not isinstance(function.get("name"), str)
            or not isinstance(function.get("arguments"), str)
        ):
            raise invalid(
                f'\'{where}\' must be {{"id", "type": "function", "function": {{"name", "arguments"}}}}.',
                where,
            )
        calls.append(ToolCall(call["id"], function["name"], function["arguments"]))
    return tuple(calls)


def read_message(message: Any, param: str, vision: bool, earlier: list[Turn]) -> Turn:
    """One message as a turn."""
    if not isinstance(message, dict):
        raise invalid(f"'{param}' must be an object (got {json_type(message)}).", param)
    role = message.get("role")
    if role not in ROLES:
        raise invalid(
            f"'{param}.role' must be one of {', '.join(ROLES)} (got {shown(role)}).", f"{param}.role"
        )
    name = message.get("name")
    if name is not None and not isinstance(name, str):
        raise invalid(f"'{param}.name' must be a string.", f"{param}.name")
    content = message.get("content")
    if role == "assistant":
        calls = _tool_calls(message.get("tool_calls"), f"{param}.tool_calls")
        if content is None and not calls:
            raise invalid(f"'{param}' needs 'content' or 'tool_calls'.", f"{param}.content")
        text, _ = _content(content, role, f"{param}.content", vision) if content is not None else ("", ())
        return Turn("assistant", text, (), calls)
    if content is None:
        raise invalid(f"'{param}.content' is required.", f"{param}.content")
    text, images = _content(content, role, f"{param}.content", vision)
    if role != "tool":
        return Turn(role, text, images)
    call_id = message.get("tool_call_id")
    if not isinstance(call_id, str) or not call_id:
        raise invalid(f"'{param}.tool_call_id' is required in a tool message.", f"{param}.tool_call_id")
    if call_id not in call_ids(earlier):
        raise invalid(
            f"'{param}' answers tool call {shown(call_id)}, which no earlier assistant message made.",
            f"{param}.tool_call_id",
        )
    return Turn("tool", text, (), (), call_id)


def read_messages(value: Any, vision: bool) -> list[Turn]:
    """``messages`` (a non-empty array) as turns."""
    if value is None:
        raise invalid("'messages' is required: an array of at least one message.", "messages")
    if not isinstance(value, list) or not value or len(value) > MAX_MESSAGES:
        raise invalid(f"'messages' must be an array of 1 to {MAX_MESSAGES} messages.", "messages")
    turns: list[Turn] = []
    for index, message in enumerate(value):
        turns.append(read_message(message, f"messages[{index}]", vision, turns))
    return turns
