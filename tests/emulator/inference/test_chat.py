"""POST /v1/chat/completions over plain HTTP: shape, determinism, limits, tools, JSON output, usage."""

from __future__ import annotations

import json
import math

import httpx
import jsonschema
import pytest

from skytells.emulator import EmulatorServer
from tests.emulator.inference.inference_support import CHAT_MODELS, WEATHER_TOOL, chat, content, user


def tokens(text: str) -> int:
    """The documented token rule: each word counts ceil(len / 4)."""
    return sum(math.ceil(len(word) / 4) for word in text.split())


@pytest.mark.parametrize("model", CHAT_MODELS)
def test_every_chat_model_answers_a_marked_completion(http: httpx.Client, model: str) -> None:
    response = http.post("/chat/completions", json={"model": model, "messages": user("Name three rivers")})
    assert response.status_code == 200
    body = response.json()
    assert body["object"] == "chat.completion" and body["id"].startswith("chatcmpl-")
    assert body["model"] == model and isinstance(body["created"], int)
    choice = body["choices"][0]
    assert choice["index"] == 0 and choice["finish_reason"] == "stop"
    assert choice["message"]["role"] == "assistant"
    assert choice["message"]["content"].startswith(
        f'[Skytells emulator · {model}] You said: "Name three rivers".'
    )
    assert response.headers["x-request-id"].startswith("req_")


def test_the_same_request_gets_the_same_answer_and_another_seed_another(http: httpx.Client) -> None:
    messages = user("Tell me about the sea")
    first = content(chat(http, messages=messages, seed=7))
    assert content(chat(http, messages=messages, seed=7)) == first
    others = {content(chat(http, messages=messages, seed=seed)) for seed in range(1, 12)}
    assert len(others) > 1
    assert content(chat(http, model="gpt-5", messages=messages, seed=7)) != first


def test_n_choices_are_numbered_and_differ(http: httpx.Client) -> None:
    body = chat(http, messages=user("Hello"), n=3, seed=1)
    assert [choice["index"] for choice in body["choices"]] == [0, 1, 2]
    assert len({content(body, index) for index in range(3)}) > 1
    assert body["usage"]["completion_tokens"] == sum(tokens(content(body, i)) for i in range(3))


def test_usage_counts_tokens_by_the_documented_rule(http: httpx.Client) -> None:
    messages = [
        {"role": "system", "content": "You are terse."},
        {"role": "user", "content": "Summarise internationalization please"},
    ]
    body = chat(http, messages=messages)
    usage = body["usage"]
    # every message counts 1 for its role plus its words at ceil(len / 4)
    assert usage["prompt_tokens"] == 2 + tokens("You are terse.") + tokens(
        "Summarise internationalization please"
    )
    assert usage["completion_tokens"] == tokens(content(body))
    assert usage["total_tokens"] == usage["prompt_tokens"] + usage["completion_tokens"]


@pytest.mark.parametrize("field", ["max_tokens", "max_completion_tokens"])
def test_max_tokens_cuts_the_answer_with_finish_reason_length(http: httpx.Client, field: str) -> None:
    full = content(chat(http, messages=user("A long question about mountains")))
    body = chat(http, messages=user("A long question about mountains"), **{field: 5})
    assert body["choices"][0]["finish_reason"] == "length"
    assert body["usage"]["completion_tokens"] == 5 and tokens(content(body)) == 5
    assert full.startswith(content(body)) and len(content(body)) < len(full)


def test_stop_cuts_before_the_stop_sequence(http: httpx.Client) -> None:
    full = content(chat(http, messages=user("Hello")))
    body = chat(http, messages=user("Hello"), stop=["said", "never-there"])
    assert body["choices"][0]["finish_reason"] == "stop"
    assert content(body) == full[: full.index("said")]
    single = chat(http, messages=user("Hello"), stop="·")
    assert content(single) == "[Skytells emulator "


def test_a_named_tool_choice_calls_it_with_arguments_valid_against_its_schema(http: httpx.Client) -> None:
    choice = {"type": "function", "function": {"name": "get_weather"}}
    body = chat(http, messages=user("Hi"), tools=[WEATHER_TOOL], tool_choice=choice)
    assert body["choices"][0]["finish_reason"] == "tool_calls"
    message = body["choices"][0]["message"]
    assert message["content"] is None
    [call] = message["tool_calls"]
    assert call["type"] == "function" and call["id"].startswith("call_")
    assert call["function"]["name"] == "get_weather"
    arguments = json.loads(call["function"]["arguments"])
    jsonschema.validate(arguments, WEATHER_TOOL["function"]["parameters"])
    assert arguments["unit"] == "celsius"  # an enum's first value
    assert body["usage"]["completion_tokens"] == tokens("get_weather") + tokens(call["function"]["arguments"])


def test_required_calls_the_first_tool_when_the_message_names_none(http: httpx.Client) -> None:
    other = {"type": "function", "function": {"name": "lookup"}}
    body = chat(http, messages=user("Hi"), tools=[other, WEATHER_TOOL], tool_choice="required")
    [call] = body["choices"][0]["message"]["tool_calls"]
    assert call["function"] == {"name": "lookup", "arguments": "{}"}


def test_auto_calls_the_tools_the_message_names(http: httpx.Client) -> None:
    other = {"type": "function", "function": {"name": "get-time", "parameters": {"type": "object"}}}
    tools = [WEATHER_TOOL, other]
    asked = chat(http, messages=user("Please use get weather and Get Time for Paris"), tools=tools)
    assert [c["function"]["name"] for c in asked["choices"][0]["message"]["tool_calls"]] == [
        "get_weather",
        "get-time",
    ]
    one = chat(http, messages=user("use get_weather and get-time"), tools=tools, parallel_tool_calls=False)
    assert [c["function"]["name"] for c in one["choices"][0]["message"]["tool_calls"]] == ["get_weather"]
    plain = chat(http, messages=user("What is the weather like?"), tools=tools)
    assert (
        plain["choices"][0]["finish_reason"] == "stop" and "tool_calls" not in plain["choices"][0]["message"]
    )
    never = chat(http, messages=user("use get_weather"), tools=tools, tool_choice="none")
    assert never["choices"][0]["finish_reason"] == "stop"


def test_after_a_tool_result_the_answer_quotes_it(http: httpx.Client) -> None:
    first = chat(http, messages=user("Use get_weather for Oslo"), tools=[WEATHER_TOOL])
    call = first["choices"][0]["message"]["tool_calls"][0]
    messages = [
        *user("Use get_weather for Oslo"),
        {"role": "assistant", "content": None, "tool_calls": [call]},
        {"role": "tool", "tool_call_id": call["id"], "content": "Sunny, 21 degrees"},
    ]
    answer = chat(http, messages=messages, tools=[WEATHER_TOOL])
    assert answer["choices"][0]["finish_reason"] == "stop"
    assert 'The get_weather tool returned: "Sunny, 21 degrees".' in content(answer)


def test_a_tool_message_must_answer_an_earlier_call(http: httpx.Client) -> None:
    messages = [*user("Hi"), {"role": "tool", "tool_call_id": "call_unknown", "content": "x"}]
    error = chat(http, 400, messages=messages)["error"]
    assert error["param"] == "messages[1].tool_call_id" and "call_unknown" in error["message"]


def test_json_object_answers_valid_json_and_needs_the_word_json(http: httpx.Client) -> None:
    body = chat(http, messages=user("Reply in JSON please"), response_format={"type": "json_object"})
    parsed = json.loads(content(body))
    assert parsed["model"] == "deepbrain-router" and parsed["reply"] == 'You said: "Reply in JSON please".'
    error = chat(http, 400, messages=user("Reply please"), response_format={"type": "json_object"})["error"]
    assert error["param"] == "response_format" and "json" in error["message"]


def test_json_schema_answers_an_instance_of_the_schema(http: httpx.Client) -> None:
    schema = {
        "type": "object",
        "properties": {
            "title": {"type": "string", "maxLength": 3},
            "tags": {"type": "array", "items": {"type": "string"}, "minItems": 2, "uniqueItems": True},
            "score": {"type": "number", "exclusiveMinimum": 0, "maximum": 1},
            "kind": {"$ref": "#/$defs/kind"},
        },
        "required": ["title", "tags", "score", "kind"],
        "additionalProperties": False,
        "$defs": {"kind": {"enum": ["book", "film"]}},
    }
    response_format = {
        "type": "json_schema",
        "json_schema": {"name": "review", "schema": schema, "strict": True},
    }
    body = chat(http, messages=user("Review a book"), response_format=response_format)
    jsonschema.validate(json.loads(content(body)), schema)
    impossible = {
        "type": "json_schema",
        "json_schema": {"name": "x", "schema": {"type": "string", "pattern": "(?=a)b"}},
    }
    error = chat(http, 400, messages=user("Hi"), response_format=impossible)["error"]
    assert error["param"] == "response_format.json_schema.schema"


def test_content_parts_and_images(http: httpx.Client) -> None:
    parts = [
        {"type": "text", "text": "What is in"},
        {"type": "text", "text": "this picture?"},
        {"type": "image_url", "image_url": {"url": "https://example.com/cat.png", "detail": "low"}},
    ]
    body = chat(http, model="gpt-5", messages=[{"role": "user", "content": parts}])
    assert 'You said: "What is in this picture?". You sent 1 image.' in content(body)
    assert body["usage"]["prompt_tokens"] == 1 + tokens("What is in this picture?") + 85
    error = chat(http, 400, model="llama-3.3-70b", messages=[{"role": "user", "content": parts}])["error"]
    assert error["param"] == "messages[0].content[2]" and "does not accept images" in error["message"]


@pytest.mark.parametrize(
    ("body", "param"),
    [
        ({"messages": []}, "messages"),
        ({"messages": "Hi"}, "messages"),
        ({"messages": None}, "messages"),
        ({"messages": [{"role": "robot", "content": "x"}]}, "messages[0].role"),
        ({"messages": [{"role": "user"}]}, "messages[0].content"),
        ({"messages": [{"role": "user", "content": 5}]}, "messages[0].content"),
        ({"messages": [{"role": "user", "content": [{"type": "audio"}]}]}, "messages[0].content[0].type"),
        ({"messages": [{"role": "assistant", "content": None}]}, "messages[0].content"),
        ({"messages": [{"role": "system", "content": [{"type": "image_url", "image_url": {"url": "https://e/x.png"}}]}]},
         "messages[0].content[0].type"),
        ({"temperature": 2.5}, "temperature"),
        ({"temperature": "hot"}, "temperature"),
        ({"top_p": -0.1}, "top_p"),
        ({"n": 0}, "n"),
        ({"n": 1.5}, "n"),
        ({"max_tokens": 0}, "max_tokens"),
        ({"max_completion_tokens": 10**9}, "max_completion_tokens"),
        ({"stop": ["a", "b", "c", "d", "e"]}, "stop"),
        ({"stop": 3}, "stop"),
        ({"seed": "x"}, "seed"),
        ({"stream": "yes"}, "stream"),
        ({"stream_options": {"include_usage": True}}, "stream_options"),
        ({"tools": [{"type": "web_search"}]}, "tools[0].type"),
        ({"tools": [{"type": "function", "function": {"name": "bad name"}}]}, "tools[0].function.name"),
        ({"tools": [{"type": "function", "function": {"name": "f", "parameters": {"type": 5}}}]},
         "tools[0].function.parameters"),
        ({"tool_choice": "required"}, "tool_choice"),
        ({"tools": [WEATHER_TOOL], "tool_choice": {"type": "function", "function": {"name": "no"}}},
         "tool_choice"),
        ({"response_format": {"type": "yaml"}}, "response_format.type"),
        ({"response_format": {"type": "json_schema"}}, "response_format.json_schema"),
        ({"top_logprobs": 3}, "top_logprobs"),
        ({"model": 5}, "model"),
        ({"model": ""}, "model"),
    ],
)  # fmt: skip
def test_bad_fields_are_400_naming_the_param(http: httpx.Client, body: dict[str, object], param: str) -> None:
    request = {"model": "deepbrain-router", "messages": user("Hi"), **body}
    response = http.post("/chat/completions", json=request)
    assert response.status_code == 400, response.text
    error = response.json()["error"]
    assert error["param"] == param and error["type"] == "invalid_request_error"
    assert error["code"] == "invalid_parameter" and error["message"]


def test_a_body_that_is_not_an_object_or_not_json_is_400(http: httpx.Client) -> None:
    response = http.post("/chat/completions", json=["not", "an", "object"])
    assert response.status_code == 400 and response.json()["error"]["code"] == "invalid_request"
    broken = http.post(
        "/chat/completions", content=b'{"model": ', headers={"content-type": "application/json"}
    )
    assert broken.status_code == 400 and broken.json()["error"]["code"] == "invalid_json"


def test_models_that_cannot_chat_are_refused(http: httpx.Client) -> None:
    for model in ("flux-pro", "deepbrain-embed", "gemini-2.5-pro"):
        error = chat(http, 400, model=model, messages=user("Hi"))["error"]
        assert error["code"] == "model_not_supported" and error["param"] == "model", model
    missing = chat(http, 404, model="no-such-model", messages=user("Hi"))["error"]
    assert missing["code"] == "model_not_found" and missing["type"] == "not_found_error"
    assert missing["param"] == "model"


def test_finite_credits_are_charged_per_token_and_402_when_out(
    emulator: EmulatorServer, http: httpx.Client, api_key: str
) -> None:
    emulator.admin("POST", "/accounts", {"api_key": api_key, "credits": 1.0})
    body = chat(http, messages=user("Hello"))
    price = 6e-07  # deepbrain-router's per-token price in the catalog
    [account] = emulator.admin("GET", "/accounts")
    assert account["credits"] == pytest.approx(1.0 - price * body["usage"]["total_tokens"], abs=1e-6)
    emulator.admin("POST", "/accounts", {"api_key": api_key, "credits": 0})
    error = chat(http, 402, messages=user("Hello"))["error"]
    assert error["code"] == "insufficient_credits" and error["status"] == 402
