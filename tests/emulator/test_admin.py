"""The admin API: health, reset, test outcomes, time control, and faults that fail predictions."""

from __future__ import annotations

import threading

import httpx
import pytest

from skytells.emulator import EmulatorServer
from tests.emulator.emulator_support import create, fast_config, wait_terminal
from tests.waiting import wait_until


def test_health(emulator: EmulatorServer, plain: httpx.Client) -> None:
    health = plain.get(emulator.root_url + "/_emulator/health").json()
    assert health["status"] == "ok"
    assert health["models"] >= 30


def test_reset_forgets_everything(emulator: EmulatorServer, http: httpx.Client) -> None:
    emulator.admin("POST", "/outcomes", {"model": "*", "outcome": "pending"})
    prediction = create(http)
    emulator.admin("POST", "/faults", {"route": "/v1/models", "status": 503})
    emulator.admin("POST", "/time", {"speed": 3})

    emulator.reset()

    assert emulator.admin("GET", "/accounts") == []
    assert http.get(f"/predictions/{prediction['id']}").status_code == 404
    assert http.get("/predictions").json()["pagination"]["total"] == 0
    assert http.get("/models").status_code == 200
    assert emulator.admin("GET", "/outcomes") == []
    assert emulator.admin("GET", "/time") == {"speed": emulator.config.speed}


def test_instant_outcome_is_succeeded_in_the_create_response(
    emulator: EmulatorServer, http: httpx.Client
) -> None:
    emulator.admin("POST", "/outcomes", {"model": "mera", "outcome": "instant"})
    p = create(http, model="mera", input={"prompt": "x"})
    assert p["status"] == "succeeded"
    assert p["output"].endswith(".mp4")


def test_pending_outcome_holds_until_cancelled(plain: httpx.Client) -> None:
    with EmulatorServer(fast_config(await_cap=0.5)) as emu:
        emu.admin("POST", "/outcomes", {"model": "flux-pro", "outcome": "pending"})
        with httpx.Client(
            base_url=emu.base_url, headers={"x-api-key": "sk-test-held"}, trust_env=False
        ) as http:
            held = http.post(
                "/predict", json={"model": "flux-pro", "input": {"prompt": "x"}, "await": True}
            ).json()
            cancelled = http.post(f"/predictions/{held['id']}/cancel").json()
    assert held["status"] == "pending"  # flux-pro runs for 44 ms at this speed: held past the 0.5 s cap
    assert cancelled["status"] == "cancelled"


def test_fail_outcome_with_message_and_count(emulator: EmulatorServer, http: httpx.Client) -> None:
    rule = emulator.admin(
        "POST", "/outcomes", {"model": "flux-pro", "outcome": "fail", "message": "GPU melted", "count": 1}
    )
    assert rule["count"] == 1

    failed = wait_terminal(http, create(http, model="flux-pro")["id"])
    fine = wait_terminal(http, create(http, model="flux-pro")["id"])

    assert failed["status"] == "failed"
    assert failed["error"] == failed["response"] == "GPU melted"
    assert failed["output"] is None
    assert failed["metadata"]["billing"]["credits_used"] == 0
    assert fine["status"] == "succeeded"
    assert emulator.admin("GET", "/outcomes") == []


def test_outcome_rules_only_match_their_model(emulator: EmulatorServer, http: httpx.Client) -> None:
    emulator.admin("POST", "/outcomes", {"model": "gpt-5", "outcome": "instant"})
    assert create(http, model="gpt-5", input={"prompt": "x"})["status"] == "succeeded"
    assert create(http, model="flux-pro")["status"] == "pending"
    emulator.admin("DELETE", "/outcomes")
    assert emulator.admin("GET", "/outcomes") == []


@pytest.mark.parametrize(
    "rule",
    [{"outcome": "explode"}, {"model": 3, "outcome": "fail"}, {"outcome": "fail", "count": 0}, []],
)
def test_bad_outcome_rules_are_400(emulator: EmulatorServer, plain: httpx.Client, rule: object) -> None:
    response = plain.post(emulator.root_url + "/_emulator/outcomes", json=rule)
    assert response.status_code == 400
    assert response.json()["error"]["error_id"] in ("INVALID_PARAMETER", "INVALID_REQUEST")


def test_a_fail_prediction_fault_fails_the_prediction(emulator: EmulatorServer, http: httpx.Client) -> None:
    emulator.admin(
        "POST",
        "/faults",
        {"route": "/v1/predictions", "action": "fail_prediction", "message": "Injected", "first": 1},
    )
    p = http.post("/predictions", json={"model": "flux-pro", "input": {"prompt": "x"}, "await": True}).json()
    assert p["status"] == "failed"
    assert p["error"] == "Injected"


def test_time_control_speeds_up_running_predictions(plain: httpx.Client) -> None:
    with EmulatorServer(fast_config(speed=0.01)) as emu:  # truefusion-pro would take ~12 minutes
        with httpx.Client(
            base_url=emu.base_url, headers={"x-api-key": "sk-test-time"}, trust_env=False
        ) as http:
            created = create(http)
            assert emu.admin("POST", "/time", {"speed": 1000}) == {"speed": 1000.0}
            done = wait_terminal(http, created["id"], timeout=10)
            bad = plain.post(emu.root_url + "/_emulator/time", json={"speed": 0})
    assert done["status"] == "succeeded"
    assert bad.status_code == 400


def test_await_requests_are_released_by_a_reset(emulator: EmulatorServer, http: httpx.Client) -> None:
    emulator.admin("POST", "/outcomes", {"model": "*", "outcome": "pending"})
    answers: list[int] = []

    def held() -> None:
        body = {"model": "flux-pro", "input": {"prompt": "x"}, "await": True}
        answers.append(http.post("/predictions", json=body).status_code)

    thread = threading.Thread(target=held)
    thread.start()
    wait_until(lambda: emulator.admin("GET", "/health")["in_flight"], "the held create")
    emulator.reset()
    thread.join(10)
    assert answers == [200]


def test_a_reset_cuts_off_a_request_still_in_flight(emulator: EmulatorServer) -> None:
    """A request still being served when the emulator is reset is answered 503 and leaves nothing behind."""
    rule = {"route": "/v1/predictions", "action": "latency", "latency_ms": 600_000}
    emulator.admin("POST", "/faults", rule)
    answers: list[httpx.Response] = []

    def late() -> None:
        with httpx.Client(timeout=60, trust_env=False) as client:
            headers = {"x-api-key": "sk-test-late-request"}
            answers.append(client.get(emulator.base_url + "/predictions", headers=headers))

    thread = threading.Thread(target=late)
    thread.start()
    wait_until(lambda: emulator.admin("GET", "/faults")["faults"][0]["matched"], "the request to be held")
    emulator.reset()
    thread.join(30)

    (answer,) = answers
    assert answer.status_code == 503
    assert answer.json()["error"]["error_id"] == "SERVICE_UNAVAILABLE"
    assert emulator.admin("GET", "/accounts") == [], "the cut-off request created its key's account"
    assert emulator.admin("GET", "/health")["requests"] == 0


def test_a_reset_cuts_off_a_request_whose_client_gave_up(emulator: EmulatorServer) -> None:
    """A client that timed out leaves its request held by a fault; the reset ends it, so it never lands."""
    rule = {"route": "/v1/predictions", "action": "latency", "latency_ms": 600_000}
    emulator.admin("POST", "/faults", rule)
    with httpx.Client(timeout=0.1, trust_env=False) as client, pytest.raises(httpx.TimeoutException):
        client.get(emulator.base_url + "/predictions", headers={"x-api-key": "sk-test-gave-up"})
    wait_until(lambda: emulator.admin("GET", "/faults")["faults"][0]["matched"], "the request to be held")
    assert emulator.admin("GET", "/health")["requests"] == 1

    emulator.reset()

    assert emulator.admin("GET", "/health")["requests"] == 0
    assert emulator.admin("GET", "/accounts") == []
