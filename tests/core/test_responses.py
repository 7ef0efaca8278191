"""Every error body shape maps to the right error; non-JSON and bad JSON; secrets scrubbed."""

from __future__ import annotations

import pytest

from skytells import (
    ApiErrorId,
    AuthenticationError,
    InvalidInputError,
    NotFoundError,
    RateLimitError,
    ServerError,
    SkytellsError,
)
from skytells._core._effects import Reply
from skytells._core._errors import parse_json_reply, retry_after_seconds
from tests.core.core_support import FAKE_KEY, json_reply


def error_of(reply: Reply, secret: str | None = None) -> SkytellsError:
    with pytest.raises(SkytellsError) as info:
        parse_json_reply(reply, secret)
    return info.value


def test_the_unified_error_body():
    body = {
        "status": False,
        "response": "Invalid API key",
        "error": {
            "http_status": 401,
            "message": "Invalid or missing API key",
            "details": "Invalid API key",
            "error_id": "UNAUTHORIZED",
        },
    }
    error = error_of(json_reply(401, body, {"x-request-id": "req-1"}))
    assert isinstance(error, AuthenticationError)
    assert (error.error_id, error.http_status, error.status_code) == ("UNAUTHORIZED", 401, 401)
    assert error.error_id == ApiErrorId.UNAUTHORIZED
    assert str(error) == "Invalid or missing API key" and error.details == "Invalid API key"
    assert error.request_id == "req-1" and error.body == body


def test_validation_error_fixture_of_the_typescript_sdk():
    body = {
        "status": False,
        "response": "The input field is required.",
        "error": {
            "http_status": 422,
            "message": "The input field is required.",
            "details": "The input field is required.",
            "error_id": "VALIDATION_ERROR",
        },
    }
    error = error_of(json_reply(422, body))
    assert isinstance(error, InvalidInputError) and (error.error_id, error.http_status) == (
        "VALIDATION_ERROR",
        422,
    )


def test_inference_shape_with_status_code_type_and_request_id():
    body = {
        "error": {
            "message": "bad model",
            "type": "invalid_request_error",
            "code": "invalid_parameter",
            "error_id": "INVALID_PARAMETER",
            "status": 400,
            "param": "model",
            "request_id": "req_abc123xyz",
            "details": {"category": "request"},
        }
    }
    error = error_of(json_reply(400, body))
    assert (error.error_id, error.http_status, error.request_id) == (
        "INVALID_PARAMETER",
        400,
        "req_abc123xyz",
    )
    assert (error.error_type, error.error_code) == ("invalid_request_error", "invalid_parameter")
    assert error.details == {"category": "request"}


def test_response_only_body_is_api_error_with_the_http_status():
    error = error_of(json_reply(401, {"status": False, "response": "Unauthorized"}))
    assert (error.error_id, error.http_status, str(error)) == ("API_ERROR", 401, "Unauthorized")
    assert isinstance(error, AuthenticationError)


def test_flat_error_id_body_keeps_its_error_id():
    error = error_of(
        json_reply(429, {"error_id": "RATE_LIMIT_EXCEEDED", "message": "Too many"}, {"retry-after": "3"})
    )
    assert isinstance(error, RateLimitError) and error.error_id == "RATE_LIMIT_EXCEEDED"
    assert error.retry_after == 3.0


def test_fastapi_detail_body():
    error = error_of(json_reply(404, {"detail": "Not Found"}))
    assert isinstance(error, NotFoundError) and (error.error_id, str(error)) == ("HTTP_ERROR", "Not Found")


def test_empty_error_body():
    error = error_of(Reply(500, {"content-type": "application/json"}, b""))
    assert isinstance(error, ServerError) and (error.error_id, error.http_status) == ("HTTP_ERROR", 500)


def test_non_json_is_server_error_even_on_2xx():
    error = error_of(Reply(200, {"content-type": "text/html"}, b"<html>gateway</html>"))
    assert (error.error_id, error.http_status) == ("SERVER_ERROR", 200)
    assert "text/html" in str(error) and "<html>gateway" in error.details
    error = error_of(Reply(502, {"content-type": "text/plain"}, b"x" * 2000))
    assert error.http_status == 502 and error.details.endswith("[truncated]")


def test_bad_json_is_invalid_json():
    error = error_of(Reply(200, {"content-type": "application/json"}, b'{"id": '))
    assert (error.error_id, error.http_status) == ("INVALID_JSON", 200)


def test_a_2xx_with_status_false_is_an_error_unless_it_is_a_queued_prediction():
    assert (
        parse_json_reply(json_reply(200, {"status": False, "id": "p1", "error": {"message": "queued"}}))["id"]
        == "p1"
    )
    error = error_of(json_reply(200, {"status": False, "response": "nope"}))
    assert error.error_id == "API_ERROR"


def test_success_bodies_pass_through():
    assert parse_json_reply(json_reply(200, {"id": "p1", "status": "succeeded"}))["status"] == "succeeded"
    assert parse_json_reply(Reply(204, {}, b"")) is None
    assert parse_json_reply(Reply(200, {"content-type": "application/problem+json"}, b"[1]")) == [1]


def test_the_api_key_is_scrubbed_from_errors():
    body = {
        "error": {
            "message": f"Key {FAKE_KEY} is invalid",
            "details": [f"got {FAKE_KEY}"],
            "error_id": "UNAUTHORIZED",
        }
    }
    error = error_of(json_reply(401, body), FAKE_KEY)
    text = str(error) + repr(error) + str(error.details) + str(error.body) + str(error.args)
    assert FAKE_KEY not in text and "***" in str(error)


def test_retry_after_as_an_http_date():
    headers = {"retry-after": "Wed, 21 Oct 2026 07:28:05 GMT", "date": "Wed, 21 Oct 2026 07:28:00 GMT"}
    assert retry_after_seconds(headers) == 5.0
    assert retry_after_seconds({"retry-after": "soon"}) is None
    assert retry_after_seconds({}) is None
