"""What the Inference API tests share: models, messages, a tool, and reading a stream on both clients."""

from __future__ import annotations

from typing import Any

CHAT = "deepbrain-router"
RESPONSES = "gpt-5"
EMBED = "deepbrain-embed-small"
HELLO = [{"role": "user", "content": "Hello"}]
WEATHER_TOOL = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "The weather in a city",
        "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]},
    },
}


def chat(sdk: Any, client: Any = None, **kwargs: Any) -> Any:
    """A chat completion (or an opened stream) from the client under test."""
    kwargs.setdefault("model", CHAT)
    kwargs.setdefault("messages", HELLO)
    return sdk.resolve((client or sdk.client).chat.completions.create(**kwargs))


def take(sdk: Any, stream: Any, count: int) -> list[Any]:
    """The next `count` items of a stream, pulled one by one (the stream stays open)."""
    if sdk.is_async:
        return [sdk.resolve(stream.__anext__()) for _ in range(count)]
    return [next(stream) for _ in range(count)]


def close(sdk: Any, stream: Any) -> None:
    sdk.resolve(stream.aclose() if sdk.is_async else stream.close())


def delta_text(chunks: list[Any]) -> str:
    return "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
