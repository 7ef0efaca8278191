"""The Inference API's I/O-free core: request bodies, error mapping, the stream machines, chunk joining,
embedding decoding, safety verdicts and the result records, driven with scripted replies."""

from __future__ import annotations

import base64
import json
import pickle
import struct

import pytest

from skytells import AuthenticationError, InvalidInputError, RateLimitError, SkytellsError
from skytells._core import _chat_flows as chat
from skytells._core import _embedding_flows as embeddings
from skytells._core import _response_flows as responses
from skytells._core import _safety as safety
from skytells._core._effects import Failure, Reply
from skytells.types import RetryOptions
from skytells.types.chat import ChatCompletion, ChatCompletionChunk
from skytells.types.responses import Response
from skytells.types.safety import SafetyTemplate, SafetyTemplates
from tests.core.core_support import FAKE_KEY, json_reply

MESSAGES = [{"role": "user", "content": "Hi"}]


def inference_error(status: int, error_id: str, code: str, kind: str, param: str | None = None) -> Reply:
    body = {
        "error": {
            "message": f"{error_id} happened",
            "type": kind,
            "code": code,
            "error_id": error_id,
            "status": status,
            "param": param,
            "request_id": "req_body",
        }
    }
    return json_reply(status, body, {"x-request-id": "req_header", "retry-after": "2"})


def sse(*events: object) -> bytes:
    return b"".join(f"data: {e if isinstance(e, str) else json.dumps(e)}\n\n".encode() for e in events)


def chunk(content: str | None = None, **delta: object) -> dict:
    if content is not None:
        delta["content"] = content
    return {
        "id": "c1",
        "object": "chat.completion.chunk",
        "created": 1,
        "model": "m",
        "choices": [{"index": 0, "delta": delta, "finish_reason": None}],
    }


# ---- bodies ----------------------------------------------------------------------------------------


def test_a_chat_body_sends_what_is_set_and_merges_extra_body():
    body = chat.chat_body(
        "deepbrain-router", iter(MESSAGES), {"temperature": 0.2, "seed": None}, {"x_custom": 1}
    )

    assert body == {"model": "deepbrain-router", "messages": MESSAGES, "temperature": 0.2, "x_custom": 1}


@pytest.mark.parametrize(
    ("model", "messages"), [("", MESSAGES), (None, MESSAGES), ("m", "Hi"), ("m", []), ("m", MESSAGES[0])]
)
def test_a_chat_body_without_a_model_or_a_message_list_is_refused_before_sending(model, messages):
    with pytest.raises(SkytellsError) as info:
        chat.chat_body(model, messages, {})

    assert info.value.error_id == "SDK_ERROR"


def test_embeddings_travel_as_base64_unless_asked_otherwise():
    assert embeddings.embedding_body("e", "a", {})["encoding_format"] == "base64"
    assert embeddings.embedding_body("e", ["a"], {"encoding_format": "float"})["encoding_format"] == "float"
    with pytest.raises(SkytellsError):
        embeddings.embedding_body("e", "a", {"encoding_format": "int8"})


def test_a_response_body_takes_text_or_items():
    assert responses.response_body("gpt-5", "Hi", {"store": False})["input"] == "Hi"
    assert responses.response_body("gpt-5", (m for m in [MESSAGES[0]]), {})["input"] == MESSAGES
    with pytest.raises(SkytellsError):
        responses.response_body("gpt-5", {"role": "user"}, {})


# ---- non-stream calls and their errors ------------------------------------------------------------


def test_a_chat_create_posts_the_body_once(make_ctx, script):
    run = script([json_reply(200, {"id": "c1", "object": "chat.completion", "choices": []})])

    data = run.run(chat.create(make_ctx(), {"model": "m", "messages": MESSAGES}))

    assert data["id"] == "c1"
    request = run.requests[0]
    assert (request.method, request.url) == ("POST", "/chat/completions")
    assert json.loads(request.content) == {"model": "m", "messages": MESSAGES}


@pytest.mark.parametrize(
    ("reply", "cls", "error_id"),
    [
        (
            inference_error(401, "UNAUTHORIZED", "invalid_api_key", "authentication_error"),
            AuthenticationError,
            "UNAUTHORIZED",
        ),
        (
            inference_error(
                400, "INVALID_PARAMETER", "invalid_parameter", "invalid_request_error", "temperature"
            ),
            InvalidInputError,
            "INVALID_PARAMETER",
        ),
        (
            inference_error(429, "RATE_LIMIT_EXCEEDED", "rate_limit_exceeded", "rate_limit_error"),
            RateLimitError,
            "RATE_LIMIT_EXCEEDED",
        ),
    ],
)
def test_the_inference_error_shape_maps_into_the_error_tree(make_ctx, script, reply, cls, error_id):
    run = script([reply])

    with pytest.raises(SkytellsError) as info:
        run.run(chat.create(make_ctx(), {"model": "m", "messages": MESSAGES}))

    error = info.value
    assert type(error) is cls
    assert error.error_id == error_id
    assert error.error_type == json.loads(reply.content)["error"]["type"]
    assert error.error_code == json.loads(reply.content)["error"]["code"]
    assert error.request_id == "req_body"
    assert error.details == error.message == f"{error_id} happened"
    assert error.retry_after == 2.0


def test_an_openai_error_without_error_id_still_finds_its_class_and_the_header_request_id(make_ctx, script):
    body = {
        "error": {"message": "Incorrect API key", "type": "invalid_request_error", "code": "invalid_api_key"}
    }
    run = script([json_reply(401, body, {"x-request-id": "req_header"})])

    with pytest.raises(AuthenticationError) as info:
        run.run(chat.create(make_ctx(), {"model": "m", "messages": MESSAGES}))

    assert info.value.request_id == "req_header"
    assert info.value.param is None


def test_a_429_is_retried_with_retry_after(make_ctx, script):
    ok = json_reply(200, {"object": "list", "data": [{"index": 0, "embedding": [0.5]}]})
    run = script([inference_error(429, "RATE_LIMIT_EXCEEDED", "rate_limit_exceeded", "rate_limit_error"), ok])

    ctx = make_ctx(retry={"retries": 1})
    data = run.run(embeddings.create(ctx, {"model": "e", "input": "a", "encoding_format": "float"}))

    assert data["data"][0]["embedding"] == [0.5]
    assert run.sleeps == [2.0]


def test_base64_vectors_are_decoded_to_the_floats_they_hold(make_ctx, script):
    floats = [0.25, -1.5, 3.0]
    packed = base64.b64encode(struct.pack("<3f", *floats)).decode()
    run = script([json_reply(200, {"object": "list", "data": [{"index": 0, "embedding": packed}]})])

    data = run.run(embeddings.create(make_ctx(), {"model": "e", "input": "a"}))

    assert data["data"][0]["embedding"] == floats
    with pytest.raises(SkytellsError):
        embeddings.decode_vector("not base64!")


def test_a_response_id_is_quoted_into_the_path(make_ctx, script):
    run = script([json_reply(200, {"id": "a/b"}), json_reply(200, {"deleted": True})])

    run.run(responses.retrieve(make_ctx(), "a/b"))
    run.run(responses.delete(make_ctx(), "a/b"))

    assert [r.url for r in run.requests] == ["/responses/a%2Fb", "/responses/a%2Fb"]
    assert [r.method for r in run.requests] == ["GET", "DELETE"]


# ---- the stream machines ------------------------------------------------------------------------------


def machine(make_ctx, **config):
    return chat.chat_stream(make_ctx(**config), {"model": "m", "messages": MESSAGES})


def test_a_chat_stream_asks_for_an_event_stream_and_ends_at_done(make_ctx):
    stream = machine(make_ctx)
    request = stream.request()
    assert json.loads(request.content)["stream"] is True
    assert request.headers["Accept"] == "text/event-stream"

    events = stream.feed(sse(chunk(role="assistant"), chunk("Hel")) + b"data: [DO")
    events += stream.feed(b"NE]\n\n" + sse(chunk("ignored")))

    assert [e.data["choices"][0]["delta"] for e in events] == [{"role": "assistant"}, {"content": "Hel"}]
    assert stream.finished


def test_a_chat_stream_cut_before_done_is_an_error(make_ctx):
    stream = machine(make_ctx)
    stream.feed(sse(chunk("Hel")))
    stream.closed()

    with pytest.raises(SkytellsError) as info:
        stream.reconnect()

    assert info.value.error_id == "NETWORK_ERROR"
    assert "before it was complete" in info.value.message


def test_a_malformed_event_is_an_error(make_ctx):
    stream = machine(make_ctx)

    with pytest.raises(SkytellsError) as info:
        stream.feed(b"data: {not json\n\n")

    assert info.value.error_id == "INVALID_JSON"


def test_an_error_event_in_the_stream_raises_it(make_ctx):
    stream = machine(make_ctx)
    error = {"error": {"message": "overloaded", "type": "server_error", "code": "overloaded"}}

    with pytest.raises(SkytellsError) as info:
        stream.feed(sse(chunk("Hel"), error))

    assert info.value.message == "overloaded"
    assert info.value.http_status == 500


def test_a_refused_opening_is_retried_before_the_first_byte(make_ctx):
    stream = machine(make_ctx, retry=RetryOptions(retries=2, retry_delay=100))
    refused = inference_error(429, "RATE_LIMIT_EXCEEDED", "rate_limit_exceeded", "rate_limit_error")

    assert stream.not_a_stream(refused) == []
    assert stream.retry_in == 2.0
    stream.waited()
    stream.broken(Failure("network", "connection refused"))
    assert stream.retry_in == 0.2
    stream.waited()
    with pytest.raises(RateLimitError):
        stream.not_a_stream(refused)


def test_without_retries_a_refused_opening_raises_at_once(make_ctx):
    stream = machine(make_ctx)

    with pytest.raises(AuthenticationError):
        stream.not_a_stream(inference_error(401, "UNAUTHORIZED", "invalid_api_key", "authentication_error"))


def test_after_the_first_byte_a_stream_is_never_retried(make_ctx):
    stream = machine(make_ctx, retry=RetryOptions(retries=5, retry_on=[408, 429]))
    stream.feed(sse(chunk("Hel")))

    with pytest.raises(SkytellsError) as info:
        stream.broken(Failure("timeout", "read timed out", 1.5))

    assert info.value.error_id == "REQUEST_TIMEOUT"
    assert info.value.message == "The stream stalled: no data for 1500ms after 1 events"
    assert stream.retry_in is None


def test_a_json_answer_to_a_stream_request_is_an_error(make_ctx):
    stream = machine(make_ctx)

    with pytest.raises(SkytellsError) as info:
        stream.not_a_stream(json_reply(200, {"id": "c1", "object": "chat.completion"}))

    assert info.value.error_id == "SERVER_ERROR"


def test_an_abort_during_a_retry_wait_stops_the_stream(make_ctx):
    import threading

    signal = threading.Event()
    stream = chat.chat_stream(make_ctx(retry={"retries": 3}), {"model": "m", "messages": MESSAGES}, signal)
    stream.broken(Failure("network", "refused"))
    signal.set()

    with pytest.raises(SkytellsError) as info:
        stream.waited()

    assert info.value.error_id == "ABORTED"


def test_a_response_stream_ends_with_completed_and_raises_on_failed(make_ctx):
    ctx = make_ctx()
    stream = responses.response_stream(ctx, {"model": "gpt-5", "input": "Hi"})
    events = stream.feed(
        b"event: response.created\n"
        + sse({"type": "response.created", "sequence_number": 0})
        + sse({"type": "response.completed", "sequence_number": 1, "response": {"id": "r"}})
    )
    assert [e.data["type"] for e in events] == ["response.created", "response.completed"]
    assert stream.finished

    failed = responses.response_stream(ctx, {"model": "gpt-5", "input": "Hi"})
    with pytest.raises(SkytellsError) as info:
        failed.feed(
            sse(
                {
                    "type": "response.failed",
                    "response": {"error": {"code": "server_error", "message": "boom"}},
                }
            )
        )
    assert info.value.message == "boom"
    untyped = responses.response_stream(ctx, {"model": "gpt-5", "input": "Hi"})
    with pytest.raises(SkytellsError):
        untyped.feed(sse({"sequence_number": 0}))


# ---- joining a stream -------------------------------------------------------------------------------


def test_chunks_join_into_the_completion_with_its_tool_calls():
    joiner = chat.ChunkJoiner()
    calls = [
        {
            "index": 0,
            "id": "call_1",
            "type": "function",
            "function": {"name": "get_weather", "arguments": ""},
        },
        {"index": 1, "id": "call_2", "type": "function", "function": {"name": "get_time", "arguments": "{}"}},
    ]
    for piece in [
        chunk(role="assistant", content=None),
        chunk(tool_calls=calls),
        chunk(tool_calls=[{"index": 0, "function": {"arguments": '{"city": '}}]),
        chunk(tool_calls=[{"index": 0, "function": {"arguments": '"Paris"}'}}]),
        {**chunk(), "choices": [{"index": 0, "delta": {}, "finish_reason": "tool_calls"}]},
        {**chunk(), "choices": [], "usage": {"total_tokens": 9}},
    ]:
        joiner.add(piece)

    completion = ChatCompletion(joiner.completion())

    message = completion.choices[0].message
    assert message.content is None
    assert [(c.id, c.function.name, c.function.arguments) for c in message.tool_calls] == [
        ("call_1", "get_weather", '{"city": "Paris"}'),
        ("call_2", "get_time", "{}"),
    ]
    assert completion.choices[0].finish_reason == "tool_calls"
    assert completion.usage.total_tokens == 9
    assert completion.object == "chat.completion"


def test_chunks_join_text_per_choice():
    joiner = chat.ChunkJoiner()
    for index, text in [(0, "Hel"), (1, "Bon"), (0, "lo"), (1, "jour")]:
        joiner.add({"choices": [{"index": index, "delta": {"content": text}}]})

    assert joiner.text() == "Hello"
    assert joiner.text(1) == "Bonjour"
    assert [c["message"]["content"] for c in joiner.completion()["choices"]] == ["Hello", "Bonjour"]


def test_response_events_join_into_text_and_the_final_response():
    joiner = responses.EventJoiner()
    for event in [
        {"type": "response.created", "response": {"id": "r", "status": "in_progress"}},
        {"type": "response.output_text.delta", "delta": "Hel"},
        {"type": "response.output_text.delta", "delta": "lo"},
        {"type": "response.completed", "response": {"id": "r", "status": "completed"}},
    ]:
        joiner.add(event)

    assert joiner.text() == "Hello"
    assert joiner.response == {"id": "r", "status": "completed"}


# ---- safety ---------------------------------------------------------------------------------------


def findings(**severities: str) -> dict:
    results = {name: {"filtered": s == "high", "severity": s} for name, s in severities.items()}
    results["jailbreak"] = {"filtered": False, "detected": False}
    results["protected_material_text"] = {"filtered": False, "detected": True}
    return results


@pytest.mark.parametrize(
    ("template", "flagged"),
    [
        (SafetyTemplates.STRICT, ["hate", "violence", "protected_material_text"]),
        (SafetyTemplates.MODERATE, ["violence"]),
        (SafetyTemplates.MINIMAL, []),
        (SafetyTemplates.CHILD_SAFE, ["hate", "violence"]),
        (SafetyTemplates.ENTERPRISE, ["violence", "protected_material_text"]),
    ],
)
def test_each_template_flags_from_its_thresholds(template, flagged):
    completion = {
        "prompt_filter_results": [{"prompt_index": 0, "content_filter_results": findings(hate="low")}],
        "choices": [{"index": 0, "content_filter_results": findings(violence="medium", sexual="safe")}],
    }

    verdict = safety.judge(completion, template)

    assert verdict["flagged"] == flagged
    assert verdict["safe"] is (not flagged)
    assert verdict["template"] == template.name
    assert verdict["categories"]["violence"] == {
        "filtered": False,
        "severity": "medium",
        "flagged": "violence" in flagged,
    }


def test_what_the_service_filtered_is_flagged_by_every_template():
    completion = {
        "choices": [{"content_filter_results": {"jailbreak": {"filtered": True, "detected": True}}}]
    }

    for template in SafetyTemplates.all():
        assert safety.judge(completion, template)["flagged"] == ["jailbreak"]


def test_templates_are_found_by_name_and_custom_ones_are_checked():
    assert SafetyTemplates.get("strict") is SafetyTemplates.STRICT
    assert SafetyTemplates.get("CHILD_SAFE") is SafetyTemplates.CHILD_SAFE
    assert SafetyTemplates.get(None) is SafetyTemplates.MODERATE
    with pytest.raises(SkytellsError):
        SafetyTemplates.get("lenient")
    with pytest.raises(ValueError):
        SafetyTemplate("bad", {"violence": "safe"})
    custom = SafetyTemplate("no-violence", {"violence": "low"})
    assert safety.judge(
        {"choices": [{"content_filter_results": findings(violence="low", hate="high")}]}, custom
    )["flagged"] == ["hate", "violence"]


def test_a_content_filter_refusal_error_becomes_a_verdict(make_ctx, script):
    body = {
        "error": {
            "message": "filtered",
            "type": "invalid_request_error",
            "code": "content_filter",
            "innererror": {"content_filter_result": findings(sexual="high")},
        }
    }
    run = script([json_reply(400, body)])

    verdict = run.run(safety.check(make_ctx(), safety.text_body("x"), SafetyTemplates.MINIMAL))

    assert verdict["flagged"] == ["sexual"]


def test_a_prediction_output_is_split_into_text_and_images():
    texts, images = safety.output_parts(["A poem", "https://cdn/x/out.PNG", "https://cdn/x/out.mp3", None])

    assert texts == ["A poem"]
    assert images == ["https://cdn/x/out.PNG"]


# ---- records ----------------------------------------------------------------------------------------


def test_records_read_as_attributes_and_stay_plain_json():
    data = {"id": "c1", "choices": [{"index": 0, "message": {"role": "assistant", "content": "Hi"}}]}
    completion = ChatCompletion(data)

    assert completion.choices[0].message.content == "Hi"
    assert completion["choices"][0] is completion.choices[0]
    assert completion.choices[0].message.tool_calls is None
    assert completion.usage is None
    with pytest.raises(AttributeError):
        _ = completion.no_such_field
    assert json.loads(json.dumps(completion)) == data
    assert completion == data
    assert completion.to_dict() == data and type(completion.to_dict()["choices"][0]) is dict
    again = pickle.loads(pickle.dumps(completion))
    assert again == data and type(again.choices[0]).__name__ == "Choice"
    assert repr(completion).startswith("ChatCompletion({'id': 'c1'")


def test_undeclared_fields_are_readable_too():
    piece = ChatCompletionChunk({"choices": [], "obfuscation": "xx", "brand_new": 1})

    assert piece.brand_new == 1
    assert piece.obfuscation == "xx"


def test_a_response_joins_its_output_text():
    response = Response(
        {
            "output": [
                {"type": "function_call", "name": "f"},
                {
                    "type": "message",
                    "content": [{"type": "output_text", "text": "Hel"}, {"type": "refusal", "refusal": "no"}],
                },
                {"type": "message", "content": [{"type": "output_text", "text": "lo"}]},
            ]
        }
    )

    assert response.output_text == "Hello"
    assert FAKE_KEY not in repr(response)
