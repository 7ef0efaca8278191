"""Fault rules on the real emulator, set through its admin API, seen by an HTTP client."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from skytells.emulator import EmulatorConfig, EmulatorServer
from skytells.emulator.faults import parse_fault_spec
from tests.emulator.emulator_support import fast_config, wait_terminal

BODY = {"model": "truefusion", "input": {"prompt": "a paper boat"}}


@pytest.fixture
def admin(emulator: EmulatorServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=f"{emulator.root_url}/_emulator", timeout=30) as client:
        yield client


def listed(http: httpx.Client) -> list[str]:
    return [prediction["id"] for prediction in http.get("/predictions").json()["data"]]


def test_first_two_creates_fail_with_retry_after_then_it_works(
    http: httpx.Client, admin: httpx.Client
) -> None:
    rule = {"spec": "POST /v1/predict* status=503 first=2 retry_after=1"}
    assert admin.post("/faults", json=rule).status_code == 201
    failures = [http.post("/predictions", json=BODY) for _ in range(2)]
    for failure in failures:
        assert failure.status_code == 503
        assert failure.headers["retry-after"] == "1"
        assert failure.json()["error"]["error_id"] == "SERVICE_UNAVAILABLE"
    assert listed(http) == []  # a refused create stores nothing
    created = http.post("/predictions", json=BODY)
    assert created.status_code == 200
    assert listed(http) == [created.json()["id"]]
    assert admin.get("/faults").json()["faults"][0]["remaining"] == 0


def test_drop_stores_nothing(http: httpx.Client, admin: httpx.Client) -> None:
    admin.post("/faults", json={"action": "drop", "method": "POST", "route": "/v1/predictions", "first": 1})
    with pytest.raises(httpx.RemoteProtocolError):
        http.post("/predictions", json=BODY)
    assert listed(http) == []


def test_drop_after_store_keeps_the_prediction_the_client_never_saw(
    http: httpx.Client, admin: httpx.Client
) -> None:
    admin.post("/faults", json={"action": "drop_after_store", "model": "truefusion", "first": 1})
    with pytest.raises(httpx.RemoteProtocolError):
        http.post("/predictions", json=BODY)
    [stored] = listed(http)
    assert wait_terminal(http, stored)["status"] == "succeeded"


def test_a_retry_with_the_same_idempotency_key_finds_the_dropped_create(
    http: httpx.Client, admin: httpx.Client
) -> None:
    admin.post("/faults", json={"action": "drop_after_store", "first": 1})
    headers = {"Idempotency-Key": "order-1234"}
    with pytest.raises(httpx.RemoteProtocolError):
        http.post("/predictions", json=BODY, headers=headers)
    retried = http.post("/predictions", json=BODY, headers=headers)
    assert retried.status_code == 200
    assert listed(http) == [retried.json()["id"]]


def test_fail_prediction_fails_only_the_chosen_model(http: httpx.Client, admin: httpx.Client) -> None:
    admin.post(
        "/faults", json={"action": "fail_prediction", "model": "truefusion", "message": "GPU fell over"}
    )
    doomed = http.post("/predictions", json=BODY).json()
    spared = http.post("/predictions", json={**BODY, "model": "truefusion-pro"}).json()
    failed = wait_terminal(http, doomed["id"])
    assert failed["status"] == "failed"
    assert failed["error"] == "GPU fell over"
    assert wait_terminal(http, spared["id"])["status"] == "succeeded"


def test_a_deeply_nested_create_read_for_a_model_rule_is_still_invalid_json(
    http: httpx.Client, admin: httpx.Client
) -> None:
    admin.post("/faults", json={"action": "latency", "latency_ms": 1, "model": "truefusion"})
    content = b'{"model": "truefusion", "input": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
    response = http.post("/predictions", content=content, headers={"content-type": "application/json"})
    assert response.status_code == 400
    assert response.json()["error"]["error_id"] == "INVALID_JSON"


def test_non_json_once_then_json_again(http: httpx.Client, admin: httpx.Client) -> None:
    admin.post("/faults", json={"action": "non_json", "route": "/v1/models", "status": 502, "first": 1})
    page = http.get("/models")
    assert page.status_code == 502
    assert page.headers["content-type"].startswith("text/html")
    assert http.get("/models").status_code == 200


def test_faults_never_touch_the_admin_api_and_reset_clears_them(
    emulator: EmulatorServer, admin: httpx.Client
) -> None:
    admin.post("/faults", json={"action": "drop"})
    assert admin.get("/health").status_code == 200
    emulator.reset()
    assert admin.get("/faults").json() == {"faults": []}


def test_bad_rules_get_a_400_and_nothing_is_added(admin: httpx.Client) -> None:
    response = admin.post("/faults", json={"action": "drop", "probability": 7})
    assert response.status_code == 400
    assert response.json()["error"]["error_id"] == "INVALID_PARAMETER"
    assert admin.get("/faults").json() == {"faults": []}


def test_rules_given_at_start_up_apply_with_a_seed() -> None:
    rules = (parse_fault_spec("GET /v1/models status=500 probability=0.5"),)
    outcomes = []
    for _ in range(2):
        with EmulatorServer(fast_config(faults=rules, seed=42)) as server:
            with httpx.Client(base_url=server.base_url, headers={"x-api-key": "sk-test-seeded"}) as client:
                outcomes.append([client.get("/models").status_code for _ in range(20)])
    assert outcomes[0] == outcomes[1]
    assert set(outcomes[0]) == {200, 500}


def test_a_config_with_a_bad_rule_is_refused() -> None:
    with pytest.raises(Exception, match="Invalid fault rule"):
        EmulatorServer(EmulatorConfig(faults=({"action": "explode"},))).start()
