"""Inference API errors over HTTP, sync and async: the OpenAI-shaped error body mapped into the
SkytellsError tree, on plain calls and on stream openings, and the client's retries (a stream's
opening is retried like any call; see test_stream_faults for what happens after its first byte)."""

from __future__ import annotations

import pytest

from skytells import (
    AuthenticationError,
    InvalidInputError,
    NotFoundError,
    RateLimitError,
    RetryOptions,
    ServerError,
)
from tests.inference.inference_support import CHAT, EMBED, HELLO, RESPONSES, chat

CHAT_ROUTE = "/v1/chat/completions"


def test_an_unknown_model_is_not_found_with_every_field(sdk):
    error = sdk.error(lambda: sdk.client.chat.completions.create(model="no-such-model", messages=HELLO))

    assert isinstance(error, NotFoundError)
    assert (error.http_status, error.error_id) == (404, "MODEL_NOT_FOUND")
    assert (error.error_type, error.error_code, error.param) == (
        "not_found_error",
        "model_not_found",
        "model",
    )
    assert error.request_id and error.request_id.startswith("req_")
    assert error.details == error.message == "Model 'no-such-model' was not found."
    assert error.body["error"]["request_id"] == error.request_id


def test_a_bad_parameter_is_invalid_input_naming_it(sdk):
    error = sdk.error(lambda: sdk.client.chat.completions.create(model=CHAT, messages=HELLO, temperature=5))

    assert isinstance(error, InvalidInputError)
    assert (error.http_status, error.error_id, error.param) == (400, "INVALID_PARAMETER", "temperature")
    assert error.error_type == "invalid_request_error"


def test_a_prediction_model_cannot_chat(sdk):
    error = sdk.error(lambda: sdk.client.chat.completions.create(model="flux-pro", messages=HELLO))

    assert isinstance(error, InvalidInputError)
    assert error.error_id == "MODEL_NOT_SUPPORTED"


def test_a_bad_key_is_an_authentication_error_on_every_family(sdk):
    client = sdk.make_client(api_key="not-a-key-at-all-0000")
    calls = [
        lambda: client.chat.completions.create(model=CHAT, messages=HELLO),
        lambda: client.chat.completions.create(model=CHAT, messages=HELLO, stream=True),
        lambda: client.responses.create(model=RESPONSES, input="Hi"),
        lambda: client.responses.create(model=RESPONSES, input="Hi", stream=True),
        lambda: client.responses.retrieve("resp_x"),
        lambda: client.embeddings.create(model=EMBED, input="a"),
        lambda: client.safety.check_text("Hi"),
    ]

    for call in calls:
        error = sdk.error(call)
        assert isinstance(error, AuthenticationError), error
        assert error.http_status == 401
        assert error.error_code == "invalid_api_key"


def test_a_stream_request_that_is_refused_raises_from_create(sdk):
    error = sdk.error(lambda: sdk.client.chat.completions.create(model="nope", messages=HELLO, stream=True))

    assert isinstance(error, NotFoundError)
    assert error.request_id


def test_a_429_carries_retry_after_and_is_a_rate_limit_error(sdk):
    sdk.fault(method="POST", route=CHAT_ROUTE, status=429, retry_after=7, first=1)

    error = sdk.error(lambda: sdk.client.chat.completions.create(model=CHAT, messages=HELLO))

    assert isinstance(error, RateLimitError)
    assert error.retry_after == 7
    assert error.error_type == "rate_limit_error"
    assert error.request_id


@pytest.mark.parametrize("stream", [False, True], ids=["plain", "stream"])
def test_a_429_is_retried_after_retry_after(sdk, sleeps, stream):
    sdk.fault(method="POST", route=CHAT_ROUTE, status=429, retry_after=2, first=2)
    client, recorder = sdk.recording_client(retry=RetryOptions(retries=2, retry_delay=10))

    result = chat(sdk, client, stream=stream)

    text = sdk.resolve(result.text()) if stream else result.choices[0].message.content
    assert text.startswith("[Skytells emulator")
    assert len(recorder.matching("POST", "/chat/completions")) == 3
    assert sleeps.delays == [2, 2]


def test_a_stream_opening_gives_up_when_retries_run_out(sdk, sleeps):
    sdk.fault(method="POST", route=CHAT_ROUTE, status=503, first=5)
    client, recorder = sdk.recording_client(retry=RetryOptions(retries=1, retry_delay=100))

    error = sdk.error(lambda: client.chat.completions.create(model=CHAT, messages=HELLO, stream=True))

    assert isinstance(error, ServerError)
    assert error.http_status == 503
    assert len(recorder.matching("POST", "/chat/completions")) == 2
    assert sleeps.delays == [0.1]


def test_a_dropped_stream_opening_is_retried(sdk, sleeps):
    sdk.fault(method="POST", route=CHAT_ROUTE, action="drop", first=1)
    client = sdk.make_client(retry=RetryOptions(retries=1, retry_delay=50))

    stream = chat(sdk, client, stream=True)

    assert sdk.resolve(stream.text()).startswith("[Skytells emulator")
    assert sleeps.delays == [0.05]


def test_a_stream_is_not_retried_without_retry_options(sdk, sleeps):
    sdk.fault(method="POST", route=CHAT_ROUTE, status=503, first=1)

    error = sdk.error(lambda: sdk.client.chat.completions.create(model=CHAT, messages=HELLO, stream=True))

    assert error.http_status == 503
    assert sleeps.delays == []


def test_an_abort_cuts_a_retry_wait_of_a_stream_short(sdk):
    sdk.fault(method="POST", route=CHAT_ROUTE, status=429, retry_after=30, first=1)
    client = sdk.make_client(retry=RetryOptions(retries=1))
    signal = sdk.new_signal()
    sdk.set_signal(signal)

    error = sdk.error(
        lambda: client.chat.completions.create(model=CHAT, messages=HELLO, stream=True, signal=signal)
    )

    assert error.error_id == "ABORTED"


def test_errors_of_the_other_families_have_the_same_shape(sdk):
    not_stored = sdk.error(lambda: sdk.client.responses.retrieve("resp_missing"))
    too_wide = sdk.error(lambda: sdk.client.embeddings.create(model=EMBED, input="a", dimensions=100_000))
    wrong_kind = sdk.error(lambda: sdk.client.embeddings.create(model=CHAT, input="a"))

    assert isinstance(not_stored, NotFoundError) and not_stored.request_id
    assert isinstance(too_wide, InvalidInputError) and too_wide.param == "dimensions"
    assert wrong_kind.error_id == "MODEL_NOT_SUPPORTED" and wrong_kind.param == "model"
