"""Helpers of the inference tests: requests with plain httpx and Server-Sent Events parsing."""

from __future__ import annotations

import json
from typing import Any

import httpx

CHAT_MODELS = ["deepbrain-router", "gpt-5", "gpt-5-mini", "llama-3.3-70b", "gpt-5.3-codex", "deepbrain-coder"]
VISION_MODELS = ["deepbrain-router", "gpt-5", "gpt-5-mini"]
WEATHER_TOOL = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "The weather in a city",
        "parameters": {
            "type": "object",
            "required": ["city", "unit", "days"],
            "properties": {
                "city": {"type": "string", "minLength": 2},
                "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]},
                "days": {"type": "integer", "minimum": 1, "maximum": 7},
                "hourly": {"type": "boolean"},
            },
            "additionalProperties": False,
        },
    },
}


def user(text: str) -> list[dict[str, Any]]:
    """One user message."""
    return [{"role": "user", "content": text}]


def chat(http: httpx.Client, status: int = 200, **body: Any) -> dict[str, Any]:
    """POST /chat/completions (model deepbrain-router unless given); the JSON, asserting `status`."""
    body.setdefault("model", "deepbrain-router")
    response = http.post("/chat/completions", json=body)
    assert response.status_code == status, response.text
    data: dict[str, Any] = response.json()
    return data


def content(completion: dict[str, Any], index: int = 0) -> str:
    text: str = completion["choices"][index]["message"]["content"]
    return text


def data_events(text: str) -> list[str]:
    """The ``data:`` payloads of an SSE body, in order (``[DONE]`` included as is)."""
    payloads = []
    for block in text.split("\n\n"):
        lines = [line[6:] for line in block.split("\n") if line.startswith("data: ")]
        if lines:
            payloads.append("\n".join(lines))
    return payloads


def chunks(text: str) -> list[dict[str, Any]]:
    """The JSON chunks of a chat stream (everything before ``[DONE]``)."""
    payloads = data_events(text)
    assert payloads[-1] == "[DONE]", payloads[-1:]
    return [json.loads(payload) for payload in payloads[:-1]]


def named_events(text: str) -> list[tuple[str, dict[str, Any]]]:
    """(event name, JSON data) of each event of a Responses stream."""
    events = []
    for block in text.split("\n\n"):
        lines = block.split("\n")
        name = next((line[7:] for line in lines if line.startswith("event: ")), None)
        data = next((line[6:] for line in lines if line.startswith("data: ")), None)
        if name is not None and data is not None:
            events.append((name, json.loads(data)))
    return events
