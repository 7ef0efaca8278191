"""Streams that fail after their first byte, on both clients, made by the emulator's stream faults:
a cut, a malformed event or a stall raises a clear error (never a quietly shorter answer), and is never
retried; a failure before the first byte is retried like any request."""

from __future__ import annotations

import pytest

from skytells import NetworkError, RequestTimeoutError, RetryOptions, ServerError
from tests.inference.inference_support import chat, delta_text, take

CHAT_STREAM = "/v1/chat/completions"


def fault(sdk, action, after_events, route=CHAT_STREAM, **extra):
    sdk.fault(method="POST", route=route, action=action, after_events=after_events, first=1, **extra)


def test_a_cut_stream_raises_after_the_chunks_it_delivered(sdk, sleeps):
    fault(sdk, "stream_cut", 4)
    client, recorder = sdk.recording_client(retry=RetryOptions(retries=3, retry_delay=10))
    stream = chat(sdk, client, stream=True)

    delivered = take(sdk, stream, 4)
    with pytest.raises(NetworkError) as info:
        take(sdk, stream, 1)

    assert delta_text(delivered)
    assert info.value.error_id == "NETWORK_ERROR"
    assert info.value.message == "The stream broke after 4 events, before it was complete"
    assert len(recorder.matching("POST", "/chat/completions")) == 1, "retried after the first byte"
    assert sleeps.delays == []


def test_text_of_a_cut_stream_raises_instead_of_returning_half(sdk):
    fault(sdk, "stream_cut", 3)
    stream = chat(sdk, stream=True)

    error = sdk.error(lambda: stream.text())

    assert isinstance(error, NetworkError)


def test_a_cut_response_stream_raises(sdk):
    fault(sdk, "stream_cut", 5, route="/v1/responses")
    stream = sdk.resolve(sdk.client.responses.create(model="gpt-5", input="Hi", stream=True))

    error = sdk.error(lambda: stream.get_final_response())

    assert isinstance(error, NetworkError)


def test_a_cut_before_the_first_byte_is_retried(sdk, sleeps):
    fault(sdk, "stream_cut", 0)
    client, recorder = sdk.recording_client(retry=RetryOptions(retries=1, retry_delay=20))

    text = sdk.resolve(chat(sdk, client, stream=True).text())

    assert text.startswith("[Skytells emulator")
    assert len(recorder.matching("POST", "/chat/completions")) == 2
    assert sleeps.delays == [0.02]


def test_a_malformed_event_raises_invalid_json(sdk, sleeps):
    fault(sdk, "stream_malformed", 2)
    client, recorder = sdk.recording_client(retry=RetryOptions(retries=3, retry_delay=10))
    stream = chat(sdk, client, stream=True)

    error = sdk.error(lambda: stream.text())

    assert isinstance(error, ServerError)
    assert error.error_id == "INVALID_JSON"
    assert '{"broken' in error.details
    assert len(recorder.matching("POST", "/chat/completions")) == 1


def test_a_stall_longer_than_the_timeout_raises(sdk, sleeps):
    fault(sdk, "stream_stall", 2, stall_ms=3000)
    client, recorder = sdk.recording_client(timeout=400, retry=RetryOptions(retries=3, retry_on=[408, 429]))
    stream = chat(sdk, client, stream=True)

    error = sdk.error(lambda: stream.text())

    assert isinstance(error, RequestTimeoutError)
    assert error.message == "The stream stalled: no data for 400ms after 2 events"
    assert len(recorder.matching("POST", "/chat/completions")) == 1


def test_a_pause_shorter_than_the_timeout_is_fine(sdk):
    fault(sdk, "stream_stall", 1, stall_ms=50)
    client = sdk.make_client(timeout=2000)

    text = sdk.resolve(chat(sdk, client, stream=True, max_tokens=3).text())

    assert text
