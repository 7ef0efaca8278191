"""Every way a call can fail maps to the right SkytellsError.

Errors the emulator produces (bad key, bad input, credits, suspension, injected faults, dropped
connections, slow answers) are tested over HTTP. Body shapes the emulator never sends (other error
envelopes, 2xx HTML, broken JSON) go through a stand-in transport.
"""

from __future__ import annotations

import httpx
import pytest

from skytells import ApiErrorId, SkytellsError
from skytells import _exceptions as errors
from tests.ports import refused_url

IMAGE = "flux-pro"


def _fault(sdk, **rule):
    rule.setdefault("method", "GET")
    rule.setdefault("route", "/v1/models*")
    rule.setdefault("first", 1)
    sdk.fault(**rule)


# -- errors from the emulator -------------------------------------------------------------------


def test_an_invalid_key_is_unauthorized(sdk):
    client = sdk.make_client(api_key="not-a-skytells-key")

    error = sdk.error(lambda: client.run(IMAGE, input={"prompt": "x"}))

    assert error.error_id == ApiErrorId.UNAUTHORIZED
    assert error.http_status == error.status_code == 401
    assert isinstance(error, errors.AuthenticationError)
    assert str(error)


def test_no_key_at_all_is_unauthorized_before_any_request(sdk, monkeypatch, emulator):
    monkeypatch.delenv("SKYTELLS_API_KEY", raising=False)
    client = sdk.make_client(api_key=None)

    error = sdk.error(lambda: client.predictions.create(model=IMAGE, input={"prompt": "x"}))

    assert error.error_id == "UNAUTHORIZED" and isinstance(error, errors.AuthenticationError)
    assert "api_key=" in error.message and "SKYTELLS_API_KEY" in error.message
    assert error.http_status == 401  # as the API would answer, though nothing was sent
    assert emulator.admin("GET", "/accounts") == []  # no request reached the server


def test_input_failing_the_schema_is_invalid_input_naming_the_field(sdk):
    error = sdk.error(lambda: sdk.client.run(IMAGE, input={"prompt": "x", "num_outputs": "many"}))

    assert error.error_id == "INVALID_INPUT"
    assert error.http_status == 400
    assert "num_outputs" in f"{error} {error.details}"
    assert isinstance(error, errors.InvalidInputError)
    assert sdk.server_predictions() == [], "a rejected create stores nothing"


@pytest.mark.parametrize(
    ("extra", "words"),
    [
        ({"width": 1020}, "width must be a multiple of 8"),  # seed 003's wording
        ({"image": "photo.png"}, "'image' must be an http(s) URL or a data: URI"),
    ],
)
def test_input_rules_of_the_docs_are_invalid_input_with_their_message(sdk, extra, words):
    error = sdk.error(lambda: sdk.client.run("truefusion-pro", input={"prompt": "x", **extra}))

    assert error.error_id == "INVALID_INPUT" and error.http_status == 400
    assert isinstance(error, errors.InvalidInputError)
    assert words in error.message
    assert sdk.server_predictions() == []


def test_an_unknown_model_is_model_not_found(sdk):
    error = sdk.error(lambda: sdk.client.run("no-such-model", input={"prompt": "x"}))

    assert error.error_id == "MODEL_NOT_FOUND"
    assert error.http_status == 404
    assert isinstance(error, errors.NotFoundError)


def test_no_credits_is_insufficient_credits(sdk):
    key = "sk-test-broke-account-0000000000"
    sdk.account(key, credits=0)
    client = sdk.make_client(api_key=key)

    error = sdk.error(lambda: client.run(IMAGE, input={"prompt": "x"}))

    assert error.error_id == "INSUFFICIENT_CREDITS"
    assert error.http_status == 402
    assert isinstance(error, errors.PaymentRequiredError)


def test_a_suspended_account_is_account_suspended(sdk):
    key = "sk-test-suspended-account-000000"
    sdk.account(key, suspended=True)
    client = sdk.make_client(api_key=key)

    error = sdk.error(lambda: client.models.list())

    assert error.error_id == "ACCOUNT_SUSPENDED"
    assert error.http_status == 403
    assert isinstance(error, errors.PermissionDeniedError)


@pytest.mark.parametrize(
    ("status", "error_id", "kind"),
    [
        (500, "INTERNAL_ERROR", errors.ServerError),
        (503, "INFRASTRUCTURE_ERROR", errors.ServerError),
        (402, "PAYMENT_REQUIRED", errors.PaymentRequiredError),
        (403, "SECURITY_VIOLATION", errors.PermissionDeniedError),
    ],
)
def test_injected_error_statuses_map_to_their_ids(sdk, status, error_id, kind):
    _fault(sdk, action="error", status=status, error_id=error_id, message="injected trouble")

    error = sdk.error(lambda: sdk.client.models.list())

    assert error.error_id == error_id
    assert error.http_status == status
    assert isinstance(error, kind)
    assert "injected trouble" in str(error)
    assert isinstance(error.body, dict) and error.body["error"]["error_id"] == error_id


def test_rate_limit_carries_retry_after(sdk):
    _fault(sdk, action="error", status=429, error_id="RATE_LIMIT_EXCEEDED", retry_after=7)

    error = sdk.error(lambda: sdk.client.models.list())

    assert error.error_id == "RATE_LIMIT_EXCEEDED"
    assert error.http_status == 429
    assert isinstance(error, errors.RateLimitError)
    assert error.retry_after == pytest.approx(7)


def test_a_non_json_answer_is_server_error(sdk):
    _fault(sdk, action="non_json", status=502)

    error = sdk.error(lambda: sdk.client.models.list())

    assert error.error_id == "SERVER_ERROR"
    assert error.http_status == 502
    assert isinstance(error, errors.ServerError)
    assert "text/html" in f"{error} {error.details}"


def test_a_dropped_connection_is_network_error(sdk, transport):
    _fault(sdk, action="drop")
    client = sdk.client_on(transport)

    error = sdk.error(lambda: client.models.list())

    assert error.error_id == "NETWORK_ERROR"
    assert error.http_status == 0
    assert isinstance(error, errors.NetworkError)


def test_a_refused_connection_is_network_error(sdk, transport):
    with refused_url() as url:
        client = sdk.client_on(transport, base_url=url)

        error = sdk.error(lambda: client.models.list())

    assert error.error_id == "NETWORK_ERROR"
    assert error.http_status == 0


def test_a_slow_answer_is_request_timeout(sdk, transport):
    _fault(sdk, action="latency", latency_ms=3000)
    client = sdk.client_on(transport, timeout=200)

    error = sdk.error(lambda: client.models.list())

    assert error.error_id == "REQUEST_TIMEOUT"
    assert error.http_status == 408
    assert isinstance(error, errors.RequestTimeoutError)


def test_a_failed_prediction_fault_is_prediction_failed(sdk):
    sdk.fault(method="POST", route="/v1/predict*", action="fail_prediction", message="model crashed", first=1)

    error = sdk.error(lambda: sdk.client.run(IMAGE, input={"prompt": "x"}))

    assert error.error_id == "PREDICTION_FAILED"
    assert isinstance(error, errors.PredictionFailedError)
    assert error.prediction["status"] == "failed"


def test_errors_can_be_caught_as_skytells_error_and_matched_by_id(sdk):
    try:
        sdk.resolve(sdk.client.models.get("no-such-model"))
    except SkytellsError as e:
        caught = e
    assert caught.error_id == ApiErrorId.MODEL_NOT_FOUND
    assert caught.details


# -- body shapes only a stand-in server produces ------------------------------------------------


def _serving(status, *, json=None, content=None, headers=None):
    def handler(request: httpx.Request) -> httpx.Response:
        if json is not None:
            return httpx.Response(status, json=json, headers=headers)
        return httpx.Response(status, content=content or b"", headers=headers)

    return handler


@pytest.mark.parametrize(
    ("status", "body", "error_id", "message", "details"),
    [
        (
            422,
            {
                "status": False,
                "response": "The input field is required.",
                "error": {
                    "http_status": 422,
                    "message": "The input field is required.",
                    "details": "The input field is required.",
                    "error_id": "VALIDATION_ERROR",
                },
            },
            "VALIDATION_ERROR",
            "The input field is required.",
            "The input field is required.",
        ),
        (401, {"status": False, "response": "Unauthorized"}, "API_ERROR", "Unauthorized", "Unauthorized"),
        (500, {}, "HTTP_ERROR", "HTTP error 500", None),
        (
            502,
            {
                "status": False,
                "response": "Error fetching prediction",
                "error": {
                    "http_status": 502,
                    "message": "Prediction serving returned an error.",
                    "details": {},
                    "error_id": "PREDICTION_FAILED",
                },
            },
            "PREDICTION_FAILED",
            "Prediction serving returned an error.",
            {},
        ),
    ],
    ids=["structured", "response-only", "empty", "object-details"],
)
def test_error_body_shapes(sdk, status, body, error_id, message, details):
    client = sdk.mock_client(_serving(status, json=body))

    error = sdk.error(lambda: client.models.list())

    assert error.error_id == error_id
    assert error.http_status == status
    assert str(error) == message
    if details is not None:
        assert error.details == details
    assert error.body == body


def test_chat_style_error_body_keeps_request_id_type_and_code(sdk):
    body = {
        "error": {
            "message": "Unknown parameter",
            "type": "invalid_request_error",
            "code": "invalid_parameter",
            "error_id": "INVALID_PARAMETER",
            "status": 400,
            "param": "model",
            "request_id": "req_abc123xyz",
            "details": {"category": "request"},
        }
    }
    client = sdk.mock_client(_serving(400, json=body))

    error = sdk.error(lambda: client.models.list())

    assert error.error_id == "INVALID_PARAMETER"
    assert error.http_status == 400
    assert error.request_id == "req_abc123xyz"
    assert error.details == {"category": "request"}


def test_error_status_in_the_body_wins_over_the_http_status(sdk):
    body = {
        "status": False,
        "error": {"http_status": 429, "message": "slow down", "error_id": "RATE_LIMIT_EXCEEDED"},
    }
    client = sdk.mock_client(_serving(400, json=body))

    error = sdk.error(lambda: client.models.list())

    assert error.http_status == 429


def test_flat_error_id_body_keeps_its_id(sdk):
    body = {"error_id": "RATE_LIMIT_EXCEEDED", "message": "Too many requests"}
    client = sdk.mock_client(_serving(429, json=body, headers={"Retry-After": "3"}))

    error = sdk.error(lambda: client.models.list())

    assert error.http_status == 429
    assert error.error_id == "RATE_LIMIT_EXCEEDED"
    assert "Too many requests" in str(error)


def test_a_2xx_html_answer_is_server_error(sdk):
    client = sdk.mock_client(
        _serving(200, content=b"<html>maintenance</html>", headers={"content-type": "text/html"})
    )

    error = sdk.error(lambda: client.models.list())

    assert error.error_id == "SERVER_ERROR"
    assert error.http_status == 200
    assert "maintenance" in str(error.details)


def test_unreadable_json_is_invalid_json(sdk):
    client = sdk.mock_client(
        _serving(200, content=b'{"id": "p1", "status":', headers={"content-type": "application/json"})
    )

    error = sdk.error(lambda: client.models.list())

    assert error.error_id == "INVALID_JSON"


def test_a_2xx_body_with_status_false_is_an_error(sdk):
    body = {
        "status": False,
        "response": "Quota exceeded",
        "error": {"message": "Quota exceeded", "error_id": "PAYMENT_REQUIRED", "http_status": 402},
    }
    client = sdk.mock_client(_serving(200, json=body))

    error = sdk.error(lambda: client.models.list())

    assert error.error_id == "PAYMENT_REQUIRED"


def test_a_queued_envelope_with_an_id_is_a_success(sdk):
    body = {"status": False, "id": "p-queued", "error": {"message": "queued"}}
    client = sdk.mock_client(_serving(200, json=body))

    response = sdk.resolve(client.predictions.get("p-queued"))

    assert response["id"] == "p-queued"
