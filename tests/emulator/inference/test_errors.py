"""Errors of the inference routes: the OpenAI shape, x-request-id, statuses, limits and faults."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from skytells.emulator import EmulatorServer
from tests.emulator.emulator_support import fast_config
from tests.emulator.inference.inference_support import user

CHAT = {"model": "deepbrain-router", "messages": user("Hi")}
ROUTES = [
    ("POST", "/chat/completions", CHAT),
    ("POST", "/responses", {"model": "gpt-5", "input": "Hi"}),
    ("POST", "/embeddings", {"model": "deepbrain-embed", "input": "Hi"}),
    ("GET", "/responses/resp_x", None),
    ("DELETE", "/responses/resp_x", None),
]
ERROR_FIELDS = {"message", "type", "code", "error_id", "status", "param", "request_id"}


def error_of(response: httpx.Response, status: int) -> dict[str, Any]:
    """The error of an inference answer, checking the shape every such error has."""
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == ERROR_FIELDS
    error: dict[str, Any] = body["error"]
    assert error["status"] == status
    assert error["request_id"].startswith("req_") and response.headers["x-request-id"] == error["request_id"]
    return error


@pytest.fixture(scope="module")
def strict() -> Iterator[EmulatorServer]:
    with EmulatorServer(fast_config(api_keys=("sk-test-allowed",))) as server:
        yield server


@pytest.mark.parametrize(("method", "path", "body"), ROUTES)
def test_401_for_a_bad_key_in_strict_mode(strict: EmulatorServer, method: str, path: str, body: Any) -> None:
    url = strict.base_url + path
    for headers in ({}, {"Authorization": "Bearer sk-test-unknown"}, {"x-api-key": "not-a-key"}):
        error = error_of(httpx.request(method, url, json=body, headers=headers), 401)
        assert error["type"] == "authentication_error" and error["code"] == "invalid_api_key"
        assert error["error_id"] == "UNAUTHORIZED" and error["param"] is None
    ok = httpx.post(
        strict.base_url + "/chat/completions", json=CHAT, headers={"Authorization": "Bearer sk-test-allowed"}
    )
    assert ok.status_code == 200


@pytest.mark.parametrize(("method", "path", "body"), ROUTES)
def test_403_for_a_suspended_account(
    emulator: EmulatorServer, http: httpx.Client, api_key: str, method: str, path: str, body: Any
) -> None:
    emulator.admin("POST", "/accounts", {"api_key": api_key, "suspended": True})
    error = error_of(http.request(method, path, json=body), 403)
    assert error["type"] == "permission_error" and error["code"] == "account_suspended"


def test_unknown_paths_and_methods_answer_in_the_inference_shape(http: httpx.Client) -> None:
    error = error_of(http.get("/chat/completions"), 405)
    assert error["code"] == "method_not_allowed"
    error = error_of(http.post("/chat/nothing-here", json=CHAT), 404)
    assert error["type"] == "not_found_error" and error["code"] == "unknown_url"
    error = error_of(http.put("/responses/resp_1"), 405)
    prediction_style = http.get("/nothing-here").json()
    assert (
        prediction_style["status"] is False and prediction_style["error"]["error_id"] == "ENDPOINT_NOT_FOUND"
    )


def test_a_body_over_the_size_limit_is_413_in_the_inference_shape(http: httpx.Client) -> None:
    huge = {"model": "deepbrain-router", "messages": user("x" * (11 * 1024 * 1024))}
    error = error_of(http.post("/chat/completions", json=huge), 413)
    assert error["code"] == "payload_too_large"


def test_successful_answers_carry_a_request_id_and_rate_limit_headers(
    emulator: EmulatorServer, http: httpx.Client
) -> None:
    emulator.admin("POST", "/ratelimit", {"limit": 50, "window": 60})
    first = http.post("/chat/completions", json=CHAT)
    second = http.post("/chat/completions", json=CHAT)
    ids = {first.headers["x-request-id"], second.headers["x-request-id"]}
    assert len(ids) == 2 and all(value.startswith("req_") for value in ids)
    headers = second.headers
    assert headers["x-ratelimit-limit-requests"] == "50" and headers["x-ratelimit-remaining-requests"] == "48"
    assert headers["x-ratelimit-reset-requests"] == "60s"
    assert headers["x-ratelimit-limit-tokens"] == "1000000"
    total = second.json()["usage"]["total_tokens"]
    assert headers["x-ratelimit-remaining-tokens"] == str(1_000_000 - total)
    assert headers["x-ratelimit-reset-tokens"] == "0s"
    for method, path, body in ROUTES[1:3]:
        assert http.request(method, path, json=body).headers["x-ratelimit-limit-requests"] == "50"


def test_rate_limits_refuse_inference_with_429_and_retry_after(
    emulator: EmulatorServer, http: httpx.Client
) -> None:
    emulator.admin("POST", "/ratelimit", {"limit": 2, "window": 60})
    assert [http.post("/chat/completions", json=CHAT).status_code for _ in range(2)] == [200, 200]
    refused = http.post("/embeddings", json={"model": "deepbrain-embed", "input": "x"})
    error = error_of(refused, 429)
    assert error["type"] == "rate_limit_error" and error["code"] == "rate_limit_exceeded"
    assert int(refused.headers["retry-after"]) >= 1


def test_fault_rules_answer_in_the_inference_shape(emulator: EmulatorServer, http: httpx.Client) -> None:
    emulator.admin("POST", "/faults", {"route": "/v1/chat/*", "status": 503, "first": 1, "retry_after": 2})
    refused = http.post("/chat/completions", json=CHAT)
    error = error_of(refused, 503)
    assert error["type"] == "server_error" and error["code"] == "service_unavailable"
    assert refused.headers["retry-after"] == "2"
    assert http.post("/chat/completions", json=CHAT).status_code == 200


def test_a_fault_rule_matches_the_model_of_an_inference_body(
    emulator: EmulatorServer, http: httpx.Client
) -> None:
    emulator.admin("POST", "/faults", {"model": "gpt-5*", "status": 429, "error_id": "RATE_LIMIT_EXCEEDED"})
    assert http.post("/chat/completions", json=CHAT).status_code == 200
    error_of(http.post("/chat/completions", json={**CHAT, "model": "gpt-5-mini"}), 429)
    error_of(http.post("/responses", json={"model": "gpt-5", "input": "Hi"}), 429)
    assert emulator.admin("GET", "/faults")["faults"][0]["matched"] == 2


def test_latency_and_drop_faults_apply_to_inference(emulator: EmulatorServer, http: httpx.Client) -> None:
    emulator.admin("POST", "/faults", {"route": "/v1/embeddings", "latency_ms": 50, "first": 1})
    assert http.post("/embeddings", json={"model": "deepbrain-embed", "input": "x"}).status_code == 200
    assert emulator.admin("GET", "/faults")["faults"][0]["matched"] == 1
    emulator.admin("POST", "/faults", {"route": "/v1/responses", "action": "drop", "first": 1})
    with pytest.raises(httpx.RemoteProtocolError):
        http.post("/responses", json={"model": "gpt-5", "input": "Hi"})
    assert http.post("/responses", json={"model": "gpt-5", "input": "Hi"}).status_code == 200
