"""client.responses over HTTP, sync and async: create, chained turns, streams of typed events,
retrieve and delete."""

from __future__ import annotations

import json

from skytells import NotFoundError, Response, ResponseStreamEvent
from tests.inference.inference_support import RESPONSES, WEATHER_TOOL, take


def create(sdk, client=None, **kwargs):
    kwargs.setdefault("model", RESPONSES)
    kwargs.setdefault("input", "Hello")
    return sdk.resolve((client or sdk.client).responses.create(**kwargs))


def test_a_response_has_its_output_text(sdk):
    response = create(sdk, instructions="Be brief.", metadata={"topic": "greeting"})

    assert isinstance(response, Response)
    assert response.object == "response" and response.status == "completed"
    assert response.output_text.startswith(f"[Skytells emulator · {RESPONSES}]")
    assert response.output[0].content[0].text == response.output_text
    assert response["output"][0]["type"] == "message"
    assert response.instructions == "Be brief."
    assert response.metadata == {"topic": "greeting"}
    assert response.usage.total_tokens == response.usage.input_tokens + response.usage.output_tokens
    assert [f.source_type for f in response.content_filters] == ["prompt", "completion"]
    assert json.loads(json.dumps(response)) == response


def test_parameters_are_sent_as_given(sdk):
    client, recorder = sdk.recording_client()

    create(
        sdk, client, input=[{"role": "user", "content": "Hi"}], max_output_tokens=3, store=False, top_p=None
    )

    body = recorder.matching("POST", "/responses")[0].json()
    assert body == {
        "model": RESPONSES,
        "input": [{"role": "user", "content": "Hi"}],
        "max_output_tokens": 3,
        "store": False,
    }


def test_max_output_tokens_makes_an_incomplete_response(sdk):
    response = create(sdk, max_output_tokens=3)

    assert response.status == "incomplete"
    assert response.incomplete_details == {"reason": "max_output_tokens"}


def test_turns_chain_with_previous_response_id(sdk):
    first = create(sdk, input="My name is Ada")

    second = create(sdk, input="What is my name?", previous_response_id=first.id)

    assert second.previous_response_id == first.id
    assert "turn 2" in second.output_text
    assert second.usage.input_tokens > first.usage.input_tokens


def test_a_function_call_round_trip(sdk):
    tool = {"type": "function", **WEATHER_TOOL["function"]}
    first = create(sdk, input="Use get_weather for Paris", tools=[tool])
    call = next(item for item in first.output if item.type == "function_call")
    assert call.name == "get_weather" and "city" in json.loads(call.arguments)

    second = create(
        sdk,
        input=[{"type": "function_call_output", "call_id": call.call_id, "output": "18C and sunny"}],
        previous_response_id=first.id,
        tools=[tool],
    )

    assert "18C and sunny" in second.output_text


def test_a_stream_yields_typed_events_in_order(sdk):
    plain = create(sdk, input="Stream me")

    events = sdk.collect(create(sdk, input="Stream me", stream=True))

    assert all(isinstance(e, ResponseStreamEvent) for e in events)
    types = [e.type for e in events]
    assert types[:2] == ["response.created", "response.in_progress"]
    assert types[-1] == "response.completed"
    assert [e.sequence_number for e in events] == list(range(len(events)))
    deltas = "".join(e.delta for e in events if e.type == "response.output_text.delta")
    assert deltas == plain.output_text
    assert events[0].response.status == "in_progress"
    assert events[-1].response.output_text == plain.output_text


def test_a_stream_gives_its_text_and_final_response(sdk):
    stream = create(sdk, input="Stream me", stream=True)
    take(sdk, stream, 4)
    text = sdk.resolve(stream.text())

    final = sdk.resolve(create(sdk, input="Stream me", stream=True).get_final_response())

    assert text == final.output_text
    assert isinstance(final, Response) and final.status == "completed"


def test_retrieve_and_delete_a_stored_response(sdk):
    response = create(sdk)

    again = sdk.resolve(sdk.client.responses.retrieve(response.id))
    deleted = sdk.resolve(sdk.client.responses.delete(response.id))
    gone = sdk.error(lambda: sdk.client.responses.retrieve(response.id))

    assert again == response
    assert (deleted.id, deleted.object, deleted.deleted) == (response.id, "response.deleted", True)
    assert isinstance(gone, NotFoundError)


def test_an_unstored_response_cannot_be_retrieved(sdk):
    response = create(sdk, store=False)

    error = sdk.error(lambda: sdk.client.responses.retrieve(response.id))

    assert isinstance(error, NotFoundError)
    assert error.error_code == "response_not_found"
