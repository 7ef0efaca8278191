"""client.chat.completions over HTTP, sync and async: plain answers, parameters, JSON mode, tools,
streams (joined, partial, closed early, aborted)."""

from __future__ import annotations

import asyncio
import json
import time

import pytest

from skytells import AbortedError, AsyncSkytellsClient, ChatCompletion, ChatCompletionChunk, SkytellsError
from tests.inference.inference_support import CHAT, HELLO, WEATHER_TOOL, chat, close, delta_text, take


def test_a_completion_reads_as_attributes_and_as_a_dict(sdk):
    completion = chat(sdk)

    assert isinstance(completion, ChatCompletion)
    assert completion.object == "chat.completion"
    assert completion.model == CHAT
    message = completion.choices[0].message
    assert message.role == "assistant"
    assert message.content.startswith(f"[Skytells emulator · {CHAT}]")
    assert completion["choices"][0]["message"]["content"] == message.content
    assert completion.choices[0].finish_reason == "stop"
    usage = completion.usage
    assert usage.total_tokens == usage.prompt_tokens + usage.completion_tokens > 0
    assert json.loads(json.dumps(completion)) == completion


def test_parameters_are_sent_as_given_and_none_is_left_out(sdk):
    client, recorder = sdk.recording_client()

    completion = chat(
        sdk,
        client,
        max_tokens=5,
        temperature=0.5,
        top_p=None,
        n=2,
        stop=["zzz"],
        seed=7,
        user="user-1",
        presence_penalty=0.1,
        frequency_penalty=0.2,
        extra_body={"logit_bias": {"42": 1}},
    )

    body = recorder.matching("POST", "/chat/completions")[0].json()
    assert body == {
        "model": CHAT,
        "messages": HELLO,
        "max_tokens": 5,
        "temperature": 0.5,
        "n": 2,
        "stop": ["zzz"],
        "seed": 7,
        "user": "user-1",
        "presence_penalty": 0.1,
        "frequency_penalty": 0.2,
        "logit_bias": {"42": 1},
    }
    assert [c.index for c in completion.choices] == [0, 1]
    assert {c.finish_reason for c in completion.choices} == {"length"}
    assert all(c.content_filter_results.violence.severity == "safe" for c in completion.choices)
    assert completion.prompt_filter_results[0].content_filter_results.hate.filtered is False


def test_json_mode_answers_a_json_object(sdk):
    completion = chat(
        sdk,
        messages=[{"role": "user", "content": "Answer in JSON please"}],
        response_format={"type": "json_object"},
    )

    assert isinstance(json.loads(completion.choices[0].message.content), dict)


def test_a_json_schema_answer_follows_the_schema(sdk):
    schema = {
        "type": "object",
        "properties": {"name": {"type": "string"}, "age": {"type": "integer"}},
        "required": ["name", "age"],
        "additionalProperties": False,
    }
    completion = chat(
        sdk,
        response_format={"type": "json_schema", "json_schema": {"name": "person", "schema": schema}},
    )

    person = json.loads(completion.choices[0].message.content)
    assert set(person) == {"name", "age"}
    assert isinstance(person["name"], str) and isinstance(person["age"], int)


def test_a_tool_call_round_trip(sdk):
    messages = [{"role": "user", "content": "What is the weather in Paris? Use get_weather."}]

    first = chat(sdk, messages=messages, tools=[WEATHER_TOOL])

    choice = first.choices[0]
    assert choice.finish_reason == "tool_calls"
    call = choice.message.tool_calls[0]
    assert call.type == "function" and call.function.name == "get_weather"
    assert "city" in json.loads(call.function.arguments)
    messages += [choice.message, {"role": "tool", "tool_call_id": call.id, "content": "18C and sunny"}]

    second = chat(sdk, messages=messages, tools=[WEATHER_TOOL])

    assert second.choices[0].finish_reason == "stop"
    assert "18C and sunny" in second.choices[0].message.content


def test_tool_choice_none_answers_with_text(sdk):
    completion = chat(
        sdk,
        messages=[{"role": "user", "content": "Use get_weather"}],
        tools=[WEATHER_TOOL],
        tool_choice="none",
        parallel_tool_calls=False,
    )

    assert completion.choices[0].message.tool_calls is None
    assert completion.choices[0].message.content


# ---- streams ------------------------------------------------------------------------------------------


def test_streamed_chunks_add_up_to_the_plain_answer(sdk):
    plain = chat(sdk, seed=1)

    chunks = sdk.collect(chat(sdk, seed=1, stream=True))

    assert chunks and all(isinstance(c, ChatCompletionChunk) for c in chunks)
    assert chunks[0].object == "chat.completion.chunk"
    assert chunks[0].choices[0].delta.role == "assistant"
    assert chunks[-1].choices[0].finish_reason == "stop"
    assert delta_text(chunks) == plain.choices[0].message.content


def test_a_stream_asks_for_an_event_stream(sdk):
    client, recorder = sdk.recording_client()

    sdk.collect(chat(sdk, client, stream=True))

    sent = recorder.matching("POST", "/chat/completions")[0]
    assert sent.json()["stream"] is True
    assert sent.headers["accept"] == "text/event-stream"


def test_text_joins_the_whole_answer_even_after_partial_iteration(sdk):
    plain = chat(sdk, seed=2).choices[0].message.content
    stream = chat(sdk, seed=2, stream=True)

    take(sdk, stream, 3)

    assert sdk.resolve(stream.text()) == plain


def test_the_final_completion_of_a_stream_matches_the_plain_one(sdk):
    plain = chat(sdk, seed=3)

    final = sdk.resolve(
        chat(sdk, seed=3, stream=True, stream_options={"include_usage": True}).get_final_completion()
    )

    assert isinstance(final, ChatCompletion)
    assert final.id.startswith("chatcmpl-")
    assert final.choices[0].message.content == plain.choices[0].message.content
    assert final.choices[0].finish_reason == "stop"
    assert final.usage.total_tokens == plain.usage.total_tokens
    assert final.prompt_filter_results[0].content_filter_results.hate.severity == "safe"


def test_a_streamed_tool_call_is_joined(sdk):
    messages = [{"role": "user", "content": "Use get_weather for Paris"}]
    plain = chat(sdk, messages=messages, tools=[WEATHER_TOOL])

    final = sdk.resolve(
        chat(sdk, messages=messages, tools=[WEATHER_TOOL], stream=True).get_final_completion()
    )

    expected = plain.choices[0].message.tool_calls[0]
    joined = final.choices[0].message.tool_calls[0]
    assert (joined.id, joined.function.name, joined.function.arguments) == (
        expected.id,
        expected.function.name,
        expected.function.arguments,
    )
    assert final.choices[0].finish_reason == "tool_calls"
    assert final.choices[0].message.content is None


def test_leaving_a_stream_early_releases_its_connection(sdk):
    client = sdk.make_client(max_connections=1, timeout=3000)
    stream = chat(sdk, client, stream=True)

    chunks = sdk.collect(stream, limit=2)  # a for loop left with break; the stream is still referenced
    started = time.monotonic()
    after = chat(sdk, client)

    assert len(chunks) == 2
    assert sdk.collect(stream) == [], "a stream left early is closed"
    assert after.choices[0].message.content
    assert time.monotonic() - started < 2, "the next call waited for the stream's connection"


def test_a_finished_stream_leaves_its_connection_for_the_next_call(sdk):
    connections = []

    def remember(response):
        connections.append(response.extensions.get("network_stream"))

    async def remember_async(response):
        remember(response)

    http = sdk.http_client(event_hooks={"response": [remember_async if sdk.is_async else remember]})
    client = sdk.make_client(http_client=http)

    for _ in range(3):
        sdk.resolve(chat(sdk, client, stream=True).text())
        sdk.collect(sdk.resolve(client.responses.create(model="gpt-5", input="Hi", stream=True)))

    assert len(connections) == 6
    assert len({id(c) for c in connections}) == 1, "each stream opened a new connection"


def test_close_releases_the_connection_and_ends_iteration(sdk):
    client = sdk.make_client(max_connections=1, timeout=3000)
    stream = chat(sdk, client, stream=True)
    take(sdk, stream, 1)

    close(sdk, stream)
    close(sdk, stream)  # twice is fine

    assert sdk.collect(stream) == []
    assert chat(sdk, client).choices[0].message.content


def test_a_with_block_closes_the_stream(sdk):
    client = sdk.make_client(max_connections=1, timeout=3000)
    stream = chat(sdk, client, stream=True)

    if sdk.is_async:

        async def use() -> object:
            async with stream as opened:
                return await opened.__anext__()

        first = sdk.run_async(use())
    else:
        with stream as opened:
            first = next(opened)

    assert first.choices[0].delta.role == "assistant"
    assert chat(sdk, client).choices[0].message.content


def test_setting_the_signal_stops_a_stream(sdk):
    signal = sdk.new_signal()
    stream = chat(sdk, stream=True, signal=signal)
    take(sdk, stream, 2)

    sdk.set_signal(signal)

    with pytest.raises(AbortedError):
        take(sdk, stream, 1)
    assert sdk.collect(stream) == []


def test_several_streams_interleave_on_one_client(sdk):
    first = chat(sdk, seed=4, stream=True)
    second = chat(sdk, seed=5, stream=True)

    a, b = take(sdk, first, 2), take(sdk, second, 2)
    rest_a, rest_b = sdk.resolve(first.text()), sdk.resolve(second.text())

    assert a[0].id != b[0].id
    assert rest_a == chat(sdk, seed=4).choices[0].message.content
    assert rest_b == chat(sdk, seed=5).choices[0].message.content


def test_a_missing_model_is_refused_before_anything_is_sent(sdk):
    client, recorder = sdk.recording_client()

    error = sdk.error(lambda: client.chat.completions.create(model="", messages=HELLO))

    assert error.error_id == "SDK_ERROR"
    assert recorder.requests == []
    assert isinstance(error, SkytellsError)


async def test_many_async_streams_stay_open_at_once(base_url, api_key):
    """More streams than one connection shard holds (8) are open together, then all read to the end."""
    async with AsyncSkytellsClient(api_key, base_url=base_url) as client:
        streams = [
            await client.chat.completions.create(
                model=CHAT, messages=[{"role": "user", "content": f"Stream {i}"}], stream=True
            )
            for i in range(24)
        ]  # every create has read its first chunk: all 24 are open now
        texts = await asyncio.gather(*(stream.text() for stream in streams))

    assert all(f"Stream {i}" in text for i, text in enumerate(texts))
