"""Retries: linear delays, Retry-After, retry_on, and idempotent creates.

The `sleeps` fixture records the delays the client asks for and skips them, so these tests check the
schedule itself without waiting for it. Each test runs on both clients and, through the `transport`
fixture, over the client's own transport (for the async client: its own pools on the asyncio backend)
and over an injected httpx client; the requests are counted where they arrive (`sdk.wire`).
"""

from __future__ import annotations

import pytest

from skytells import RetryOptions

IMAGE = "flux-pro"
MODELS = "/v1/models*"
CREATE = "/v1/predict*"


def _failing(sdk, status, first, route=MODELS, method="GET", **extra):
    sdk.fault(method=method, route=route, action="error", status=status, first=first, **extra)


def test_linear_backoff_then_success(sdk, transport, sleeps):
    _failing(sdk, 503, first=3)
    client = sdk.client_on(transport, retry=RetryOptions(retries=3, retry_delay=100))

    models = sdk.resolve(client.models.list())

    assert models
    assert len(sdk.wire.requests("GET", MODELS)) == 4
    assert sleeps.delays == pytest.approx([0.1, 0.2, 0.3])


def test_retries_given_as_a_dict(sdk, transport, sleeps):
    _failing(sdk, 502, first=1)
    client = sdk.client_on(transport, retry={"retries": 1, "retry_delay": 50})

    sdk.resolve(client.models.list())

    assert len(sdk.wire.requests("GET", MODELS)) == 2
    assert sleeps.delays == pytest.approx([0.05])


def test_the_last_error_is_raised_when_retries_run_out(sdk, transport, sleeps):
    _failing(sdk, 500, first=10)
    client = sdk.client_on(transport, retry=RetryOptions(retries=2, retry_delay=10))

    error = sdk.error(lambda: client.models.list())

    assert error.http_status == 500
    assert error.error_id == "INTERNAL_ERROR"
    assert len(sdk.wire.requests("GET", MODELS)) == 3


def test_no_retries_by_default(sdk, transport, sleeps):
    _failing(sdk, 503, first=1)
    client = sdk.client_on(transport)

    error = sdk.error(lambda: client.models.list())

    assert error.http_status == 503
    assert len(sdk.wire.requests("GET", MODELS)) == 1
    assert sleeps.delays == []


def test_retry_on_limits_which_statuses_are_retried(sdk, transport, sleeps):
    _failing(sdk, 500, first=1)
    client = sdk.client_on(transport, retry=RetryOptions(retries=3, retry_delay=10, retry_on=[503]))

    error = sdk.error(lambda: client.models.list())

    assert error.http_status == 500
    assert len(sdk.wire.requests("GET", MODELS)) == 1


def test_retry_on_can_add_a_status(sdk, transport, sleeps):
    _failing(sdk, 409, first=1, error_id="CONFLICT")
    client = sdk.client_on(transport, retry=RetryOptions(retries=1, retry_delay=10, retry_on=[409]))

    sdk.resolve(client.models.list())

    assert len(sdk.wire.requests("GET", MODELS)) == 2


def test_client_errors_are_not_retried(sdk, transport, sleeps):
    client = sdk.client_on(transport, retry=RetryOptions(retries=3, retry_delay=10))

    error = sdk.error(lambda: client.models.get("no-such-model"))

    assert error.http_status == 404
    assert len(sdk.wire.requests("GET", MODELS)) == 1


def test_retry_after_is_honoured(sdk, transport, sleeps):
    _failing(sdk, 429, first=1, error_id="RATE_LIMIT_EXCEEDED", retry_after=4)
    client = sdk.client_on(transport, retry=RetryOptions(retries=1, retry_delay=10))

    sdk.resolve(client.models.list())

    assert len(sdk.wire.requests("GET", MODELS)) == 2
    assert len(sleeps.delays) == 1
    assert sleeps.delays[0] >= 4


def test_retry_after_on_a_503_is_honoured(sdk, transport, sleeps):
    """Retry-After is the standard companion of 503 Service Unavailable, not only of 429."""
    _failing(sdk, 503, first=1, error_id="INFRASTRUCTURE_ERROR", retry_after=5)
    client = sdk.client_on(transport, retry=RetryOptions(retries=1, retry_delay=10))

    sdk.resolve(client.models.list())

    assert len(sdk.wire.requests("GET", MODELS)) == 2
    assert sleeps.delays == pytest.approx([5])


def test_every_create_carries_its_own_idempotency_key(sdk, transport):
    client = sdk.client_on(transport)

    sdk.resolve(client.predictions.create({"model": IMAGE, "input": {"prompt": "a"}}))
    sdk.resolve(client.predict({"model": IMAGE, "input": {"prompt": "b"}}))
    sdk.resolve(client.run(IMAGE, input={"prompt": "c"}))

    keys = [r.headers.get("idempotency-key") for r in sdk.wire.creates()]
    assert len(keys) == 3
    assert all(keys)
    assert len(set(keys)) == 3


def test_a_retried_create_sends_the_same_key(sdk, transport, sleeps):
    _failing(sdk, 503, first=1, route=CREATE, method="POST")
    client = sdk.client_on(transport, retry=RetryOptions(retries=2, retry_delay=10))

    created = sdk.resolve(client.predictions.create({"model": IMAGE, "input": {"prompt": "x"}}))

    creates = sdk.wire.creates()
    assert len(creates) == 2
    assert creates[0].headers["idempotency-key"] == creates[1].headers["idempotency-key"]
    assert [p["id"] for p in sdk.server_predictions()] == [created["id"]]


@pytest.mark.parametrize("call", ["create", "run"])
def test_a_create_whose_answer_was_lost_is_not_run_twice(sdk, transport, sleeps, call):
    """The server stores the prediction, then the connection drops; the retry must not make another."""
    sdk.fault(method="POST", route=CREATE, action="drop_after_store", first=1)
    client = sdk.client_on(transport, retry=RetryOptions(retries=2, retry_delay=10))

    if call == "create":
        result = sdk.resolve(client.predictions.create({"model": IMAGE, "input": {"prompt": "once"}}))
    else:
        result = sdk.resolve(client.run(IMAGE, input={"prompt": "once"}))

    creates = sdk.wire.creates()
    assert len(creates) == 2, "the lost answer was retried"
    assert creates[0].headers["idempotency-key"] == creates[1].headers["idempotency-key"]
    stored = sdk.server_predictions()
    assert [p["id"] for p in stored] == [result["id"]], "exactly one prediction exists"


def test_a_dropped_get_is_retried(sdk, transport, sleeps):
    sdk.fault(method="GET", route=MODELS, action="drop", first=1)
    client = sdk.client_on(transport, retry=RetryOptions(retries=1, retry_delay=10))

    assert sdk.resolve(client.models.list())
    assert len(sdk.wire.requests("GET", MODELS)) == 2


def test_a_timed_out_request_is_not_retried_by_default(sdk, transport, sleeps):
    sdk.fault(method="GET", route=MODELS, action="latency", latency_ms=2000, first=1)
    client = sdk.client_on(transport, timeout=200, retry=RetryOptions(retries=2, retry_delay=10))

    error = sdk.error(lambda: client.models.list())

    assert error.error_id == "REQUEST_TIMEOUT"
    assert len(sdk.wire.requests("GET", MODELS)) == 1


def test_a_timed_out_request_is_retried_when_408_is_in_retry_on(sdk, transport, sleeps):
    sdk.fault(method="GET", route=MODELS, action="latency", latency_ms=2000, first=1)
    retry = RetryOptions(retries=1, retry_delay=10, retry_on=[408, 503])
    client = sdk.client_on(transport, timeout=500, retry=retry)

    assert sdk.resolve(client.models.list())
    assert len(sdk.wire.requests("GET", MODELS)) == 2


def test_retry_after_as_an_http_date_is_honoured(sdk, sleeps):
    import email.utils
    import time

    import httpx

    answers = iter(
        [
            httpx.Response(
                429,
                json={"status": False, "error": {"http_status": 429, "error_id": "RATE_LIMIT_EXCEEDED"}},
                headers={"Retry-After": email.utils.formatdate(time.time() + 30, usegmt=True)},
            ),
            httpx.Response(200, json=[]),
        ]
    )
    client = sdk.mock_client(lambda request: next(answers), retry=RetryOptions(retries=1, retry_delay=10))

    assert sdk.resolve(client.models.list()) == []
    assert len(sleeps.delays) == 1
    assert 20 <= sleeps.delays[0] <= 31
