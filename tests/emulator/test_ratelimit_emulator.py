"""Rate limits on the real emulator: headers on every kind of answer, 429 with Retry-After, reset."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from skytells import RateLimitError, SkytellsClient
from skytells.emulator import EmulatorServer
from skytells.emulator.openapi import openapi_document
from tests.emulator.emulator_support import fast_config

BODY = {"model": "truefusion", "input": {"prompt": "a kite"}}


@pytest.fixture
def limited(emulator: EmulatorServer) -> Iterator[EmulatorServer]:
    emulator.admin("POST", "/ratelimit", {"limit": 4, "window": 30})
    yield emulator
    emulator.admin("POST", "/ratelimit", {"limit": 0, "window": 60})


def test_every_answer_counts_and_carries_the_headers(limited: EmulatorServer, http: httpx.Client) -> None:
    answers = [
        http.post("/predictions", json=BODY),
        http.get("/predictions/00000000-0000-4000-8000-000000000000"),
        http.post("/predictions", content=b"{broken"),
        http.get("/models"),
    ]
    assert [answer.status_code for answer in answers] == [200, 404, 400, 200]
    assert [answer.headers["x-skytells-ratelimit-remaining-requests"] for answer in answers] == [
        "3",
        "2",
        "1",
        "0",
    ]
    refused = http.get("/models")
    assert refused.status_code == 429
    assert 1 <= int(refused.headers["retry-after"]) <= 30
    assert refused.json()["error"]["error_id"] == "RATE_LIMIT_EXCEEDED"
    limited.admin("POST", "/ratelimit", {"limit": 100})
    assert http.get("/predictions").json()["pagination"]["total"] == 1


def test_a_refused_create_stores_nothing(limited: EmulatorServer, http: httpx.Client) -> None:
    for _ in range(4):
        http.get("/models")
    assert http.post("/predictions", json=BODY).status_code == 429
    limited.admin("POST", "/ratelimit", {"limit": 100})
    assert http.get("/predictions").json()["pagination"]["total"] == 0


def test_a_file_fetched_with_a_key_counts_too(limited: EmulatorServer, http: httpx.Client) -> None:
    """Files need no key, but one that is sent is counted: the 429 is in the files route's OpenAPI."""
    created = http.post("/predictions", json={**BODY, "await": True}).json()
    file_url = created["metadata"]["storage"]["files"][0]["url"]
    for _ in range(3):
        assert http.get(file_url).status_code == 200
    assert http.get(file_url).status_code == 429
    assert httpx.get(file_url).status_code == 200  # without a key: not counted
    assert "429" in openapi_document()["paths"]["/v1/files/{prediction_id}/{name}"]["get"]["responses"]


def test_keys_have_their_own_budget(limited: EmulatorServer, http: httpx.Client) -> None:
    for _ in range(5):
        http.get("/models")
    other = http.get("/models", headers={"x-api-key": "sk-test-someone-else"})
    assert other.status_code == 200
    assert other.headers["x-skytells-ratelimit-remaining-requests"] == "3"


def test_reset_forgets_the_counts(limited: EmulatorServer, http: httpx.Client) -> None:
    for _ in range(5):
        http.get("/models")
    limited.reset()
    assert limited.admin("GET", "/ratelimit")["limit"] == 0  # back to the configured setting: off
    limited.admin("POST", "/ratelimit", {"limit": 4, "window": 30})
    assert http.get("/models").headers["x-skytells-ratelimit-remaining-requests"] == "3"


def test_the_sdk_sees_a_rate_limit_error_with_retry_after(limited: EmulatorServer, api_key: str) -> None:
    client = SkytellsClient(api_key=api_key, base_url=limited.base_url)
    for _ in range(4):
        client.models.list()
    with pytest.raises(RateLimitError) as caught:
        client.models.list()
    assert caught.value.error_id == "RATE_LIMIT_EXCEEDED"
    assert caught.value.http_status == 429
    assert caught.value.retry_after is not None and caught.value.retry_after >= 1
    assert api_key not in str(caught.value)
    client.close()


def test_the_command_line_limit_applies_per_minute() -> None:
    with EmulatorServer(fast_config(rate_limit=2)) as server:
        with httpx.Client(base_url=server.base_url, headers={"x-api-key": "sk-test-cli-limit"}) as client:
            statuses = [client.get("/models").status_code for _ in range(3)]
            window = client.get("/predictions").headers["x-skytells-ratelimit-window"]
    assert statuses == [200, 200, 429]
    assert window == "60"
