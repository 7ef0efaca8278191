"""The official ``openai`` package, unchanged, against the emulator: chat, responses, embeddings, errors.

Every client here is ``OpenAI(base_url=emulator.base_url, api_key=...)`` with ``max_retries=0`` (an error
shows up as the exception the package raises for it, not as a retry).
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Iterator

import httpx
import jsonschema
import openai
import pytest
from pydantic import BaseModel

from skytells.emulator import EmulatorServer
from tests.emulator.emulator_support import fast_config
from tests.emulator.inference.inference_support import WEATHER_TOOL

MARK = "[Skytells emulator · deepbrain-router]"


@pytest.fixture
def client(emulator: EmulatorServer, api_key: str) -> Iterator[openai.OpenAI]:
    http_client = openai.DefaultHttpxClient(trust_env=False)
    with openai.OpenAI(
        base_url=emulator.base_url, api_key=api_key, max_retries=0, http_client=http_client
    ) as made:
        yield made


@pytest.fixture
async def async_client(emulator: EmulatorServer, api_key: str) -> AsyncIterator[openai.AsyncOpenAI]:
    http_client = openai.DefaultAsyncHttpxClient(trust_env=False, limits=httpx.Limits(max_connections=200))
    made = openai.AsyncOpenAI(
        base_url=emulator.base_url, api_key=api_key, max_retries=0, http_client=http_client
    )
    async with made:
        yield made


# --- chat completions ------------------------------------------------------------------------------


def test_chat_plain(client: openai.OpenAI) -> None:
    completion = client.chat.completions.create(
        model="deepbrain-router", messages=[{"role": "user", "content": "Hello from openai"}], seed=3
    )
    message = completion.choices[0].message
    assert message.content is not None and message.content.startswith(
        f'{MARK} You said: "Hello from openai".'
    )
    assert completion.choices[0].finish_reason == "stop"
    assert completion.usage is not None and completion.usage.total_tokens > completion.usage.prompt_tokens
    assert completion._request_id is not None and completion._request_id.startswith("req_")
    extra = completion.model_extra or {}
    assert extra["prompt_filter_results"][0]["content_filter_results"]["hate"]["severity"] == "safe"


def test_chat_streamed_joins_to_the_plain_answer(client: openai.OpenAI) -> None:
    messages: list[openai.types.chat.ChatCompletionMessageParam] = [{"role": "user", "content": "Stream it"}]
    plain = client.chat.completions.create(model="deepbrain-router", messages=messages)
    stream = client.chat.completions.create(
        model="deepbrain-router", messages=messages, stream=True, stream_options={"include_usage": True}
    )
    pieces, usage = [], None
    for chunk in stream:
        pieces.extend(choice.delta.content or "" for choice in chunk.choices)
        usage = chunk.usage or usage
    assert "".join(pieces) == plain.choices[0].message.content
    assert usage is not None and usage.total_tokens == plain.usage.total_tokens  # type: ignore[union-attr]
    with client.chat.completions.stream(model="deepbrain-router", messages=messages) as helper:
        final = helper.get_final_completion()
    assert final.choices[0].message.content == plain.choices[0].message.content


def test_chat_tools_round_trip(client: openai.OpenAI) -> None:
    messages: list[dict[str, object]] = [{"role": "user", "content": "Use get_weather for Lisbon"}]
    first = client.chat.completions.create(model="gpt-5", messages=messages, tools=[WEATHER_TOOL])  # type: ignore[arg-type, list-item]
    assert first.choices[0].finish_reason == "tool_calls"
    calls = first.choices[0].message.tool_calls or []
    assert [call.function.name for call in calls] == ["get_weather"]  # type: ignore[union-attr]
    arguments = json.loads(calls[0].function.arguments)  # type: ignore[union-attr]
    jsonschema.validate(arguments, WEATHER_TOOL["function"]["parameters"])  # type: ignore[index]
    messages.append(first.choices[0].message.model_dump(exclude_none=True))
    messages.append({"role": "tool", "tool_call_id": calls[0].id, "content": "Rain, 14 °C"})
    final = client.chat.completions.create(model="gpt-5", messages=messages, tools=[WEATHER_TOOL])  # type: ignore[arg-type, list-item]
    assert final.choices[0].finish_reason == "stop"
    assert 'The get_weather tool returned: "Rain, 14 °C".' in (final.choices[0].message.content or "")


def test_chat_streamed_tool_calls_assemble(client: openai.OpenAI) -> None:
    with client.chat.completions.stream(
        model="gpt-5",
        messages=[{"role": "user", "content": "call get_weather"}],
        tools=[WEATHER_TOOL],  # type: ignore[list-item]
    ) as stream:
        final = stream.get_final_completion()
    [call] = final.choices[0].message.tool_calls or []
    jsonschema.validate(json.loads(call.function.arguments), WEATHER_TOOL["function"]["parameters"])  # type: ignore[index]


def test_chat_json_modes(client: openai.OpenAI) -> None:
    completion = client.chat.completions.create(
        model="gpt-5-mini",
        messages=[{"role": "user", "content": "Answer as a JSON object"}],
        response_format={"type": "json_object"},
    )
    assert json.loads(completion.choices[0].message.content or "")["model"] == "gpt-5-mini"

    class Step(BaseModel):
        explanation: str
        output: int

    class Solution(BaseModel):
        steps: list[Step]
        final_answer: str

    parsed = client.chat.completions.parse(
        model="gpt-5", messages=[{"role": "user", "content": "Solve 8x + 7 = -23"}], response_format=Solution
    )
    assert isinstance(parsed.choices[0].message.parsed, Solution)


# --- responses -------------------------------------------------------------------------------------


def test_responses_plain_chained_retrieved_and_deleted(client: openai.OpenAI) -> None:
    first = client.responses.create(model="gpt-5.3-codex", input="Write a haiku", instructions="Be brief")
    assert first.status == "completed"
    assert first.output_text.startswith('[Skytells emulator · gpt-5.3-codex] You said: "Write a haiku".')
    second = client.responses.create(model="gpt-5.3-codex", input="Another", previous_response_id=first.id)
    assert "This is turn 2 of our conversation." in second.output_text
    assert second.usage is not None and first.usage is not None
    assert second.usage.input_tokens > first.usage.output_tokens  # the earlier turn is context now
    fetched = client.responses.retrieve(second.id)
    assert fetched.output_text == second.output_text and fetched.previous_response_id == first.id
    client.responses.delete(second.id)
    with pytest.raises(openai.NotFoundError):
        client.responses.retrieve(second.id)


def test_responses_streamed(client: openai.OpenAI) -> None:
    with client.responses.stream(model="gpt-5", input="Stream a response") as stream:
        deltas = [event.delta for event in stream if event.type == "response.output_text.delta"]
        final = stream.get_final_response()
    assert "".join(deltas) == final.output_text and final.output_text.startswith(
        "[Skytells emulator · gpt-5]"
    )
    events = list(client.responses.create(model="gpt-5", input="Stream a response", stream=True))
    assert [event.sequence_number for event in events] == list(range(len(events)))
    assert events[0].type == "response.created" and events[-1].type == "response.completed"
    assert events[-1].response.output_text == final.output_text  # type: ignore[union-attr]


def test_responses_function_call_round_trip(client: openai.OpenAI) -> None:
    tool = {"type": "function", "name": "get_weather", "parameters": WEATHER_TOOL["function"]["parameters"]}  # type: ignore[index]
    first = client.responses.create(model="gpt-5", input="get_weather in Rome", tools=[tool])  # type: ignore[list-item]
    [call] = [item for item in first.output if item.type == "function_call"]
    second = client.responses.create(
        model="gpt-5",
        previous_response_id=first.id,
        input=[{"type": "function_call_output", "call_id": call.call_id, "output": "Hot"}],
        tools=[tool],  # type: ignore[list-item]
    )
    assert 'The get_weather tool returned: "Hot".' in second.output_text


# --- embeddings ------------------------------------------------------------------------------------


def test_embeddings_base64_by_default_and_float(client: openai.OpenAI) -> None:
    default = client.embeddings.create(model="deepbrain-embed", input=["one", "two"])
    floats = client.embeddings.create(model="deepbrain-embed", input=["one", "two"], encoding_format="float")
    assert [len(item.embedding) for item in default.data] == [1024, 1024]
    assert [item.embedding for item in default.data] == [item.embedding for item in floats.data]
    short = client.embeddings.create(model="deepbrain-embed-small", input="one", dimensions=32)
    assert len(short.data[0].embedding) == 32 and short.usage.prompt_tokens == 1


# --- errors ----------------------------------------------------------------------------------------


def test_errors_are_the_packages_own_exceptions(
    emulator: EmulatorServer, client: openai.OpenAI, api_key: str
) -> None:
    with pytest.raises(openai.NotFoundError) as missing:
        client.chat.completions.create(model="no-such-model", messages=[{"role": "user", "content": "x"}])
    assert missing.value.code == "model_not_found" and missing.value.param == "model"
    assert missing.value.request_id is not None and missing.value.request_id.startswith("req_")
    with pytest.raises(openai.BadRequestError) as refused:
        client.chat.completions.create(model="flux-pro", messages=[{"role": "user", "content": "x"}])
    assert refused.value.code == "model_not_supported"
    with pytest.raises(openai.BadRequestError):
        client.embeddings.create(model="gpt-5", input="x")
    emulator.admin("POST", "/ratelimit", {"limit": 1, "window": 60})
    client.embeddings.create(model="deepbrain-embed", input="x")
    with pytest.raises(openai.RateLimitError) as limited:
        client.responses.create(model="gpt-5", input="x")
    assert int(limited.value.response.headers["retry-after"]) >= 1
    emulator.admin("POST", "/ratelimit", {"limit": 0})
    emulator.admin("POST", "/accounts", {"api_key": api_key, "suspended": True})
    with pytest.raises(openai.PermissionDeniedError):
        client.chat.completions.create(model="gpt-5", messages=[{"role": "user", "content": "x"}])


def test_a_bad_key_is_an_authentication_error() -> None:
    with EmulatorServer(fast_config(api_keys=("sk-test-good",))) as strict:
        http_client = openai.DefaultHttpxClient(trust_env=False)
        bad = openai.OpenAI(
            base_url=strict.base_url, api_key="sk-test-bad", max_retries=0, http_client=http_client
        )
        with pytest.raises(openai.AuthenticationError) as caught:
            bad.chat.completions.create(model="gpt-5", messages=[{"role": "user", "content": "x"}])
        assert caught.value.code == "invalid_api_key"
        with pytest.raises(openai.AuthenticationError):
            bad.embeddings.create(model="deepbrain-embed", input="x")


# --- async -----------------------------------------------------------------------------------------


async def test_async_chat_and_responses(async_client: openai.AsyncOpenAI) -> None:
    completion = await async_client.chat.completions.create(
        model="llama-3.3-70b", messages=[{"role": "user", "content": "Async hello"}]
    )
    assert (completion.choices[0].message.content or "").startswith("[Skytells emulator · llama-3.3-70b]")
    response = await async_client.responses.create(model="gpt-5-mini", input="Async response")
    assert response.output_text.startswith("[Skytells emulator · gpt-5-mini]")
    embedding = await async_client.embeddings.create(model="deepbrain-embed-small", input="x")
    assert len(embedding.data[0].embedding) == 256


async def test_a_hundred_concurrent_async_streams_complete(async_client: openai.AsyncOpenAI) -> None:
    async def streamed(number: int) -> str:
        stream = await async_client.chat.completions.create(
            model="deepbrain-router",
            messages=[{"role": "user", "content": f"Question {number}"}],
            stream=True,
        )
        return "".join([chunk.choices[0].delta.content or "" async for chunk in stream if chunk.choices])

    async def plain(number: int) -> str:
        completion = await async_client.chat.completions.create(
            model="deepbrain-router", messages=[{"role": "user", "content": f"Question {number}"}]
        )
        return completion.choices[0].message.content or ""

    texts = await asyncio.gather(*(streamed(number) for number in range(100)))
    expected = await asyncio.gather(*(plain(number) for number in range(100)))
    assert texts == expected
    assert all(f'You said: "Question {number}".' in text for number, text in enumerate(texts))
