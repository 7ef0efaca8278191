"""Function tools: their definitions, ``tool_choice``, and when the emulator calls one.

**When a tool is called.** ``tool_choice: "none"`` never calls. A named function
(``{"type": "function", …"name": "get_weather"}``) always calls that one. ``"required"`` calls the
tools the last user message mentions, or the first tool when it mentions none. ``"auto"`` (the
default) calls the tools the last user message mentions, and nothing when it mentions none or when
the last message is a tool result (the reply then quotes that result). A message *mentions* a tool when
it contains its name as a word, as written (``get_weather``) or with ``_``/``-`` read as spaces
(``get weather``), in any case. With ``parallel_tool_calls: false`` only the first is called.

**Arguments** are the JSON of a small instance valid against the function's ``parameters`` schema
(`skytells.emulator.inference.instances`); a function without ``parameters`` gets ``{}``.

>>> tool = FunctionTool("get_weather", None, {"type": "object", "required": ["city"],
...                     "properties": {"city": {"type": "string"}}}, "tools[0]")
>>> [t.name for t in tools_to_call((tool,), ToolChoice("auto"), [Turn("user", "Use get_weather")], True)]
['get_weather']
>>> arguments_for(tool)
'{"city": "sample"}'
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from skytells.emulator.inference.conversation import Turn
from skytells.emulator.inference.instances import Unsatisfiable, check_schema, instance_for
from skytells.emulator.inference.params import invalid, json_type, shown

_NAME = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
MAX_TOOLS = 128


@dataclass(frozen=True)
class FunctionTool:
    """A function the model may call; `param` is where the request defined it (for errors)."""

    name: str
    description: str | None
    parameters: dict[str, Any] | None
    param: str


@dataclass(frozen=True)
class ToolChoice:
    """``none``, ``auto``, ``required`` or ``function`` (with `name`)."""

    mode: str
    name: str | None = None


AUTO = ToolChoice("auto")
NONE = ToolChoice("none")


def _function(spec: Any, param: str) -> FunctionTool:
    if not isinstance(spec, dict):
        raise invalid(f"'{param}' must be an object (got {json_type(spec)}).", param)
    name = spec.get("name")
    if not isinstance(name, str) or not _NAME.match(name):
        raise invalid(
            f"'{param}.name' must be 1 to 64 letters, digits, '_' or '-' (got {shown(name)}).",
            f"{param}.name",
        )
    description = spec.get("description")
    if description is not None and not isinstance(description, str):
        raise invalid(f"'{param}.description' must be a string.", f"{param}.description")
    parameters = spec.get("parameters")
    if parameters is not None:
        if not isinstance(parameters, dict):
            raise invalid(f"'{param}.parameters' must be a JSON Schema object.", f"{param}.parameters")
        try:
            check_schema(parameters)
        except Unsatisfiable as exc:
            raise invalid(f"'{param}.parameters' is {exc}.", f"{param}.parameters") from None
    strict = spec.get("strict")
    if strict is not None and not isinstance(strict, bool):
        raise invalid(f"'{param}.strict' must be a boolean.", f"{param}.strict")
    return FunctionTool(name, description, parameters, param)


def parse_tools(value: Any, *, nested: bool) -> tuple[FunctionTool, ...]:
    """``tools``: function tools, ``{"type": "function", "function": {...}}`` (Chat Completions,
    `nested`) or ``{"type": "function", "name": ...}`` (Responses)."""
    if value is None:
        return ()
    if not isinstance(value, list) or len(value) > MAX_TOOLS:
        raise invalid(f"'tools' must be an array of at most {MAX_TOOLS} tools.", "tools")
    tools: list[FunctionTool] = []
    for index, spec in enumerate(value):
        param = f"tools[{index}]"
        if not isinstance(spec, dict):
            raise invalid(f"'{param}' must be an object (got {json_type(spec)}).", param)
        if spec.get("type") != "function":
            raise invalid(
                f"'{param}.type' must be 'function': the emulator serves function tools only "
                f"(got {shown(spec.get('type'))}).",
                f"{param}.type",
            )
        tool = _function(spec.get("function"), f"{param}.function") if nested else _function(spec, param)
        if any(existing.name == tool.name for existing in tools):
            raise invalid(f"Tool names must be unique: '{tool.name}' is defined twice.", param)
        tools.append(tool)
    return tuple(tools)


def parse_tool_choice(value: Any, tools: Sequence[FunctionTool], *, nested: bool) -> ToolChoice:
    """``tool_choice``: ``none``/``auto``/``required`` or a named function (which must be a tool)."""
    if value is None:
        return AUTO if tools else NONE
    if value in ("none", "auto", "required"):
        if value != "none" and not tools:
            raise invalid(f"'tool_choice' is '{value}' but no 'tools' were given.", "tool_choice")
        return ToolChoice(str(value))
    if isinstance(value, dict) and value.get("type") == "function":
        spec = value.get("function") if nested else value
        name = spec.get("name") if isinstance(spec, dict) else None
        if not isinstance(name, str) or all(tool.name != name for tool in tools):
            raise invalid(
                f"'tool_choice' names a function that is not in 'tools' ({shown(name)}).", "tool_choice"
            )
        return ToolChoice("function", name)
    raise invalid(
        "'tool_choice' must be 'none', 'auto', 'required' or {\"type\": \"function\", ...} "
        f"(got {shown(value)}).",
        "tool_choice",
    )


def mentions(text: str, name: str) -> bool:
    """Whether `text` names the tool `name` (see the module docstring)."""
    lowered = text.lower()
    spellings = {name.lower(), re.sub(r"[_-]+", " ", name.lower())}
    return any(re.search(rf"(?<![a-z0-9_]){re.escape(s)}(?![a-z0-9_])", lowered) for s in spellings)


def tools_to_call(
    tools: Sequence[FunctionTool], choice: ToolChoice, turns: Sequence[Turn], parallel: bool
) -> list[FunctionTool]:
    """The tools the assistant calls now (empty: it answers with text)."""
    if not tools or choice.mode == "none":
        return []
    if choice.mode == "function":
        return [tool for tool in tools if tool.name == choice.name]
    last = turns[-1] if turns else None
    named = [
        tool for tool in tools if last is not None and last.role == "user" and mentions(last.text, tool.name)
    ]
    if choice.mode == "required" and not named:
        named = [tools[0]]
    return named if parallel else named[:1]


def arguments_for(tool: FunctionTool) -> str:
    """The JSON arguments of a call to `tool` (400 naming its parameters when none can be made)."""
    if tool.parameters is None:
        return "{}"
    try:
        return json.dumps(instance_for(tool.parameters))
    except Unsatisfiable as exc:
        raise invalid(f"Cannot call '{tool.name}': {exc}.", f"{tool.param}.parameters") from None
