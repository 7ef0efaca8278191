"""Faults inside event streams (stream_cut, stream_stall, stream_malformed) on every SSE route."""

from __future__ import annotations

import json
from typing import Any

import httpx
import openai
import pytest

from skytells.emulator import EmulatorServer
from skytells.emulator.faults import parse_fault_spec
from tests.emulator.emulator_support import create
from tests.emulator.inference.inference_support import data_events, named_events, user

CHAT = {"model": "gpt-5", "messages": user("Tell me a story"), "stream": True}
SSE = {"accept": "text/event-stream"}


def read_until_cut(http: httpx.Client, method: str, path: str, **kwargs: Any) -> tuple[str, bool]:
    """The body read before the stream ended, and whether it was cut (not ended properly)."""
    received: list[str] = []
    try:
        with http.stream(method, path, **kwargs) as response:
            for text in response.iter_text():
                received.append(text)
    except httpx.RemoteProtocolError:
        return "".join(received), True
    return "".join(received), False


def test_a_cut_chat_stream_ends_without_done(emulator: EmulatorServer, http: httpx.Client) -> None:
    emulator.admin(
        "POST", "/faults", {"action": "stream_cut", "route": "/v1/chat/*", "after_events": 3, "first": 1}
    )
    body, cut = read_until_cut(http, "POST", "/chat/completions", json=CHAT)
    assert cut
    events = data_events(body)
    assert len(events) == 3 and "[DONE]" not in events
    assert json.loads(events[0])["choices"][0]["delta"]["role"] == "assistant"
    whole = http.post("/chat/completions", json=CHAT)  # first=1: the next stream is whole
    assert data_events(whole.text)[-1] == "[DONE]"
    assert emulator.admin("GET", "/faults")["faults"][0]["matched"] == 1


def test_a_cut_stream_is_an_error_for_the_openai_package(emulator: EmulatorServer, api_key: str) -> None:
    emulator.admin("POST", "/faults", {"action": "stream_cut", "route": "/v1/responses", "after_events": 4})
    seen = []
    with openai.OpenAI(base_url=emulator.base_url, api_key=api_key, max_retries=0) as client:
        with pytest.raises((httpx.RemoteProtocolError, openai.APIConnectionError)):
            for event in client.responses.create(model="gpt-5", input="Hi", stream=True):
                seen.append(event.type)
    assert seen == [
        "response.created",
        "response.in_progress",
        "response.output_item.added",
        "response.content_part.added",
    ]


def test_a_stream_rule_counts_only_event_streams(emulator: EmulatorServer, http: httpx.Client) -> None:
    emulator.admin("POST", "/faults", {"action": "stream_cut", "route": "/v1/chat/*", "first": 1})
    plain = http.post("/chat/completions", json={**CHAT, "stream": False})
    assert plain.status_code == 200
    assert emulator.admin("GET", "/faults")["faults"][0]["matched"] == 0
    body, cut = read_until_cut(http, "POST", "/chat/completions", json=CHAT)
    assert cut and body == ""  # after_events 0: the answer starts, no event comes


def test_a_malformed_event_replaces_one_event(emulator: EmulatorServer, http: httpx.Client) -> None:
    whole = named_events(
        http.post("/responses", json={"model": "gpt-5", "input": "Hi", "stream": True, "store": False}).text
    )
    emulator.admin("POST", "/faults", {"spec": "stream_malformed /v1/responses after_events=2"})
    spoiled = http.post(
        "/responses", json={"model": "gpt-5", "input": "Hi", "stream": True, "store": False}
    ).text
    blocks = [block for block in spoiled.split("\n\n") if block]
    assert len(blocks) == len(whole)
    assert blocks[2] == 'data: {"broken'
    assert [name for name, _ in named_events(spoiled)] == [name for name, _ in whole[:2] + whole[3:]]


def test_a_stall_delays_events_but_delivers_them_all(emulator: EmulatorServer, http: httpx.Client) -> None:
    emulator.admin("POST", "/faults", {"route": "/v1/chat/completions", "stall_ms": 5, "after_events": 2})
    stalled = http.post("/chat/completions", json=CHAT)
    assert data_events(stalled.text)[-1] == "[DONE]"
    rule = emulator.admin("GET", "/faults")["faults"][0]
    assert rule["action"] == "stream_stall" and rule["matched"] == 1
    assert len(data_events(stalled.text)) == len(data_events(http.post("/chat/completions", json=CHAT).text))


def test_a_cut_prediction_stream_resumes_with_last_event_id(
    emulator: EmulatorServer, http: httpx.Client
) -> None:
    created = create(http, model="truefusion-x")
    route = f"/v1/predictions/{created['id']}/stream"
    emulator.admin("POST", "/faults", {"action": "stream_cut", "route": route, "after_events": 2, "first": 1})
    path = f"/predictions/{created['id']}/stream"
    first, cut = read_until_cut(http, "GET", path, headers=SSE)
    assert cut
    ids = [int(line[4:]) for line in first.splitlines() if line.startswith("id: ")]
    assert ids == [1, 2]
    rest, cut_again = read_until_cut(http, "GET", path, headers={**SSE, "Last-Event-ID": str(ids[-1])})
    assert not cut_again
    more = [int(line[4:]) for line in rest.splitlines() if line.startswith("id: ")]
    assert more == list(range(3, 3 + len(more))) and len(more) >= 3
    assert "event: done" in rest


@pytest.mark.parametrize(
    ("rule", "words"),
    [
        ({"action": "stream_stall"}, "needs a positive 'stall_ms'"),
        ({"action": "stream_cut", "after_events": -1}, "'after_events' must be between"),
        ({"action": "stream_cut", "stall_ms": 5}, "'stall_ms' is only for the action 'stream_stall'"),
        ({"action": "error", "after_events": 2}, "'after_events' is only for the actions"),
        ({"action": "stream_cut", "after_events": "many"}, "'after_events' must be an integer"),
    ],
)
def test_bad_stream_rules_are_refused(emulator: EmulatorServer, rule: dict[str, Any], words: str) -> None:
    response = httpx.post(f"{emulator.root_url}/_emulator/faults", json=rule)
    assert response.status_code == 400 and words in response.json()["error"]["message"]


def test_the_spec_syntax_reads_stream_rules() -> None:
    assert parse_fault_spec("POST /v1/chat/* stream_cut after_events=5 first=1") == {
        "method": "POST", "route": "/v1/chat/*", "action": "stream_cut", "after_events": 5, "first": 1,
    }  # fmt: skip
    assert parse_fault_spec("stall_ms=200")["action"] == "stream_stall"
    with pytest.raises(ValueError, match="after_events must be an integer"):
        parse_fault_spec("stream_malformed after_events=x")
