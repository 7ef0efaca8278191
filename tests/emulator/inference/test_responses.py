"""The Responses API over plain HTTP: create, chain, store, retrieve, delete, tools, formats, stream."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import jsonschema
import pytest

from skytells.emulator import EmulatorServer
from tests.emulator.emulator_support import fast_config
from tests.emulator.inference.inference_support import named_events

FUNCTION_TOOL = {
    "type": "function",
    "name": "lookup_order",
    "description": "Find an order",
    "parameters": {
        "type": "object",
        "required": ["order_id"],
        "properties": {"order_id": {"type": "string", "pattern": "^[0-9]+$"}},
    },
}


def create(http: httpx.Client, status: int = 200, **body: Any) -> dict[str, Any]:
    body.setdefault("model", "gpt-5")
    response = http.post("/responses", json=body)
    assert response.status_code == status, response.text
    data: dict[str, Any] = response.json()
    return data


def text_of(response: dict[str, Any]) -> str:
    return "".join(
        part["text"] for item in response["output"] if item["type"] == "message" for part in item["content"]
    )


def test_a_response_has_the_openai_shape(http: httpx.Client) -> None:
    body = create(http, input="Hello", instructions="Be brief.", metadata={"ticket": "42"}, temperature=0.2)
    assert body["id"].startswith("resp_") and body["object"] == "response"
    assert body["status"] == "completed" and body["incomplete_details"] is None
    assert body["model"] == "gpt-5" and body["instructions"] == "Be brief."
    assert body["metadata"] == {"ticket": "42"} and body["temperature"] == 0.2 and body["store"] is True
    [message] = body["output"]
    assert (
        message["type"] == "message" and message["role"] == "assistant" and message["status"] == "completed"
    )
    assert message["id"].startswith("msg_")
    [part] = message["content"]
    assert part["type"] == "output_text" and part["annotations"] == []
    assert part["text"].startswith('[Skytells emulator · gpt-5] You said: "Hello".')
    usage = body["usage"]
    assert usage["input_tokens"] == 2 + 3 + 2  # the instructions and the input: 1 per message + words
    assert usage["total_tokens"] == usage["input_tokens"] + usage["output_tokens"]
    assert usage["input_tokens_details"] == {"cached_tokens": 0}
    assert usage["output_tokens_details"] == {"reasoning_tokens": 0}


def test_input_items_and_parts(http: httpx.Client) -> None:
    items = [
        {"role": "developer", "content": "Answer in French."},
        {
            "type": "message",
            "role": "user",
            "content": [
                {"type": "input_text", "text": "Describe"},
                {"type": "input_image", "image_url": "https://example.com/a.png"},
            ],
        },
    ]
    body = create(http, input=items)
    assert 'You said: "Describe". You sent 1 image.' in text_of(body)
    error = create(http, 400, model="llama-3.3-70b", input=items)["error"]
    assert error["param"] == "input[1].content[1]"


def test_previous_response_id_continues_the_conversation(http: httpx.Client) -> None:
    first = create(http, input="My name is Ada")
    second = create(http, input="What is my name?", previous_response_id=first["id"])
    assert second["previous_response_id"] == first["id"]
    assert "This is turn 2 of our conversation." in text_of(second)
    earlier = first["usage"]["input_tokens"] + first["usage"]["output_tokens"] + 1  # + the reply's role
    assert second["usage"]["input_tokens"] == earlier + 1 + 5  # + "What is my name?" (name? is 2)
    third = create(http, input="And again?", previous_response_id=second["id"])
    assert "This is turn 3 of our conversation." in text_of(third)


def test_an_unknown_previous_response_is_404(http: httpx.Client) -> None:
    error = create(http, 404, input="Hi", previous_response_id="resp_nope")["error"]
    assert error["param"] == "previous_response_id" and error["code"] == "response_not_found"


def test_retrieve_and_delete(http: httpx.Client) -> None:
    created = create(http, input="Keep me")
    fetched = http.get(f"/responses/{created['id']}")
    assert fetched.status_code == 200 and fetched.json() == created
    deleted = http.delete(f"/responses/{created['id']}")
    assert deleted.json() == {"id": created["id"], "object": "response.deleted", "deleted": True}
    for method in ("GET", "DELETE"):
        gone = http.request(method, f"/responses/{created['id']}")
        assert gone.status_code == 404 and gone.json()["error"]["code"] == "response_not_found"
    error = create(http, 404, input="Hi", previous_response_id=created["id"])["error"]
    assert error["code"] == "response_not_found"


def test_store_false_cannot_be_retrieved_or_continued(http: httpx.Client) -> None:
    created = create(http, input="Forget me", store=False)
    assert created["store"] is False
    assert http.get(f"/responses/{created['id']}").status_code == 404
    create(http, 404, input="Hi", previous_response_id=created["id"])


def test_another_account_cannot_see_a_response(emulator: EmulatorServer, http: httpx.Client) -> None:
    created = create(http, input="Mine")
    other = {"x-api-key": "sk-test-someone-else"}
    with httpx.Client(base_url=emulator.base_url, headers=other) as stranger:
        assert stranger.get(f"/responses/{created['id']}").status_code == 404
        assert stranger.delete(f"/responses/{created['id']}").status_code == 404
        assert (
            stranger.post(
                "/responses", json={"model": "gpt-5", "input": "x", "previous_response_id": created["id"]}
            ).status_code
            == 404
        )
    assert http.get(f"/responses/{created['id']}").status_code == 200


def test_reset_forgets_responses(emulator: EmulatorServer, http: httpx.Client) -> None:
    created = create(http, input="Short-lived")
    emulator.reset()
    assert http.get(f"/responses/{created['id']}").status_code == 404


def test_max_output_tokens_makes_an_incomplete_response(http: httpx.Client) -> None:
    body = create(http, input="Tell me everything", max_output_tokens=4)
    assert body["status"] == "incomplete"
    assert body["incomplete_details"] == {"reason": "max_output_tokens"}
    assert body["output"][0]["status"] == "incomplete"
    assert body["usage"]["output_tokens"] == 4 and body["max_output_tokens"] == 4


def test_tools_make_function_calls_and_their_output_is_answered(http: httpx.Client) -> None:
    asked = create(http, input="Please lookup_order 1234", tools=[FUNCTION_TOOL])
    [call] = asked["output"]
    assert (
        call["type"] == "function_call" and call["name"] == "lookup_order" and call["status"] == "completed"
    )
    assert call["call_id"].startswith("call_") and call["id"].startswith("fc_")
    jsonschema.validate(json.loads(call["arguments"]), FUNCTION_TOOL["parameters"])
    answered = create(
        http,
        previous_response_id=asked["id"],
        input=[{"type": "function_call_output", "call_id": call["call_id"], "output": "Shipped on Monday"}],
        tools=[FUNCTION_TOOL],
    )
    assert 'The lookup_order tool returned: "Shipped on Monday".' in text_of(answered)
    forced = create(
        http, input="Hi", tools=[FUNCTION_TOOL], tool_choice={"type": "function", "name": "lookup_order"}
    )
    assert forced["output"][0]["type"] == "function_call"
    assert forced["tool_choice"] == {"type": "function", "name": "lookup_order"}
    orphan = [{"type": "function_call_output", "call_id": "call_nope", "output": "x"}]
    assert create(http, 400, input=orphan)["error"]["param"] == "input[0].call_id"


def test_text_formats(http: httpx.Client) -> None:
    schema = {"type": "object", "required": ["city", "population"], "properties": {
        "city": {"type": "string"}, "population": {"type": "integer", "minimum": 1000}}}  # fmt: skip
    body = create(
        http, input="A city", text={"format": {"type": "json_schema", "name": "city", "schema": schema}}
    )
    jsonschema.validate(json.loads(text_of(body)), schema)
    assert body["text"]["format"]["name"] == "city"
    as_json = create(http, input="Answer in json", text={"format": {"type": "json_object"}})
    assert json.loads(text_of(as_json))["model"] == "gpt-5"
    error = create(http, 400, input="Hi", text={"format": {"type": "json_object"}})["error"]
    assert error["param"] == "text.format"


@pytest.mark.parametrize(
    ("body", "param"),
    [
        ({"input": None}, "input"),
        ({"input": []}, "input"),
        ({"input": 5}, "input"),
        ({"input": [{"role": "robot", "content": "x"}]}, "input[0].role"),
        ({"input": [{"type": "reasoning"}]}, "input[0].type"),
        ({"max_output_tokens": 0}, "max_output_tokens"),
        ({"temperature": 9}, "temperature"),
        ({"store": "no"}, "store"),
        ({"metadata": {"k": 1}}, "metadata.k"),
        ({"metadata": {f"k{i}": "v" for i in range(17)}}, "metadata"),
        ({"instructions": 3}, "instructions"),
        ({"tools": [{"type": "web_search_preview"}]}, "tools[0].type"),
        ({"text": {"format": {"type": "xml"}}}, "text.format.type"),
        ({"model": "flux-pro"}, "model"),
    ],
)
def test_bad_fields_are_400_naming_the_param(http: httpx.Client, body: dict[str, Any], param: str) -> None:
    request = {"model": "gpt-5", "input": "Hi", **body}
    response = http.post("/responses", json=request)
    assert response.status_code == 400, response.text
    assert response.json()["error"]["param"] == param


def test_the_stream_sends_every_event_in_order(http: httpx.Client) -> None:
    plain = create(http, input="Stream this please", store=False)
    response = http.post("/responses", json={"model": "gpt-5", "input": "Stream this please", "stream": True})
    assert response.headers["content-type"].startswith("text/event-stream")
    events = named_events(response.text)
    names = [name for name, _ in events]
    assert all(data["type"] == name for name, data in events)
    assert [data["sequence_number"] for _, data in events] == list(range(len(events)))
    deltas = names.count("response.output_text.delta")
    assert deltas > 3
    assert names == [
        "response.created",
        "response.in_progress",
        "response.output_item.added",
        "response.content_part.added",
        *["response.output_text.delta"] * deltas,
        "response.output_text.done",
        "response.content_part.done",
        "response.output_item.done",
        "response.completed",
    ]
    created = events[0][1]["response"]
    assert created["status"] == "in_progress" and created["output"] == []
    text = "".join(data["delta"] for name, data in events if name == "response.output_text.delta")
    assert text == text_of(plain)
    done = dict(events)["response.output_text.done"]
    assert done["text"] == text and done["item_id"] == events[2][1]["item"]["id"]
    assert done["output_index"] == 0 and done["content_index"] == 0
    final = events[-1][1]["response"]
    assert final["status"] == "completed" and text_of(final) == text
    assert http.get(f"/responses/{final['id']}").json() == final


def test_a_cut_stream_ends_with_response_incomplete(http: httpx.Client) -> None:
    response = http.post(
        "/responses", json={"model": "gpt-5", "input": "Hi", "stream": True, "max_output_tokens": 3}
    )
    events = named_events(response.text)
    assert events[-1][0] == "response.incomplete"
    assert events[-1][1]["response"]["incomplete_details"] == {"reason": "max_output_tokens"}


def test_function_calls_stream_their_arguments(http: httpx.Client) -> None:
    body = {"model": "gpt-5", "input": "lookup_order please", "tools": [FUNCTION_TOOL], "stream": True}
    events = named_events(http.post("/responses", json=body).text)
    names = [name for name, _ in events]
    assert names[2] == "response.output_item.added" and events[2][1]["item"]["type"] == "function_call"
    arguments = "".join(d["delta"] for n, d in events if n == "response.function_call_arguments.delta")
    done = dict(events)["response.function_call_arguments.done"]
    assert done["arguments"] == arguments and json.loads(arguments)["order_id"]
    assert names[-2:] == ["response.output_item.done", "response.completed"]


@pytest.mark.slow
def test_stored_responses_survive_a_restart(tmp_path: Path) -> None:
    config = fast_config(data_dir=str(tmp_path))
    headers = {"x-api-key": "sk-test-restart"}
    with EmulatorServer(config) as first:
        created = httpx.post(
            f"{first.base_url}/responses", headers=headers, json={"model": "gpt-5", "input": "Remember"}
        ).json()
    with EmulatorServer(config) as second:
        fetched = httpx.get(f"{second.base_url}/responses/{created['id']}", headers=headers)
        assert fetched.status_code == 200 and fetched.json() == created
        follow = {"model": "gpt-5", "input": "And now?", "previous_response_id": created["id"]}
        continued = httpx.post(f"{second.base_url}/responses", headers=headers, json=follow).json()
        assert "This is turn 2 of our conversation." in text_of(continued)
