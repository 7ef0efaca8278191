"""Streamed chat completions: chunk order, joined deltas equal the plain answer, usage, tool calls."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.emulator.inference.inference_support import WEATHER_TOOL, chat, chunks, data_events, user


def stream(http: httpx.Client, **body: Any) -> httpx.Response:
    body.setdefault("model", "deepbrain-router")
    response = http.post("/chat/completions", json={**body, "stream": True})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/event-stream")
    return response


def joined(events: list[dict[str, Any]], index: int = 0) -> str:
    return "".join(
        choice["delta"].get("content") or ""
        for event in events
        for choice in event["choices"]
        if choice["index"] == index
    )


@pytest.mark.parametrize("extra", [{}, {"max_tokens": 7}, {"stop": "emulator,"}, {"seed": 99}])
def test_the_deltas_join_to_the_answer_of_the_same_request(http: httpx.Client, extra: dict[str, Any]) -> None:
    request = {"messages": user("Explain tides to me"), **extra}
    plain = chat(http, **request)
    events = chunks(stream(http, **request).text)
    assert joined(events) == plain["choices"][0]["message"]["content"]
    assert events[-1]["choices"][0]["finish_reason"] == plain["choices"][0]["finish_reason"]


def test_chunks_come_role_first_then_content_then_finish_then_usage_then_done(http: httpx.Client) -> None:
    response = stream(http, messages=user("Hello there"), stream_options={"include_usage": True})
    assert data_events(response.text)[-1] == "[DONE]"
    events = chunks(response.text)
    assert {event["object"] for event in events} == {"chat.completion.chunk"}
    assert len({event["id"] for event in events}) == 1 and events[0]["id"].startswith("chatcmpl-")
    assert events[0]["choices"][0]["delta"]["role"] == "assistant"
    assert events[0]["prompt_filter_results"][0]["prompt_index"] == 0
    content = events[1:-2]
    assert len(content) > 3 and all(set(e["choices"][0]["delta"]) == {"content"} for e in content)
    assert all(e["choices"][0]["finish_reason"] is None for e in events[:-2])
    finish = events[-2]["choices"][0]
    assert finish["finish_reason"] == "stop" and finish["delta"] == {}
    assert finish["content_filter_results"]["violence"] == {"filtered": False, "severity": "safe"}
    usage = events[-1]
    assert usage["choices"] == [] and usage["usage"]["completion_tokens"] > 0
    assert all(event["usage"] is None for event in events[:-1])
    plain = chat(http, messages=user("Hello there"))
    assert usage["usage"] == plain["usage"]


def test_without_include_usage_there_is_no_usage_chunk(http: httpx.Client) -> None:
    events = chunks(stream(http, messages=user("Hi")).text)
    assert events[-1]["choices"][0]["finish_reason"] == "stop"
    assert all("usage" not in event for event in events)


def test_each_of_n_choices_streams_whole(http: httpx.Client) -> None:
    request = {"messages": user("Hi"), "n": 2, "seed": 4}
    plain = chat(http, **request)
    events = chunks(stream(http, **request).text)
    for index in (0, 1):
        assert joined(events, index) == plain["choices"][index]["message"]["content"]


def test_tool_calls_stream_as_deltas_that_assemble_to_the_call(http: httpx.Client) -> None:
    request = {"messages": user("use get_weather"), "tools": [WEATHER_TOOL]}
    [expected] = chat(http, **request)["choices"][0]["message"]["tool_calls"]
    events = chunks(stream(http, **request).text)
    assert events[0]["choices"][0]["delta"]["role"] == "assistant"
    pieces = [d for e in events for d in e["choices"][0]["delta"].get("tool_calls", [])]
    opening = pieces[0]
    assert opening["index"] == 0 and opening["id"] == expected["id"] and opening["type"] == "function"
    assert opening["function"] == {"name": "get_weather", "arguments": ""}
    assert len(pieces) > 2 and all(p["index"] == 0 and "id" not in p for p in pieces[1:])
    assert "".join(p["function"]["arguments"] for p in pieces) == expected["function"]["arguments"]
    assert events[-1]["choices"][0]["finish_reason"] == "tool_calls"


def test_errors_are_json_before_any_stream_starts(http: httpx.Client) -> None:
    response = http.post("/chat/completions", json={"model": "nope", "messages": user("Hi"), "stream": True})
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/json"
