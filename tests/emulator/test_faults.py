"""Fault rules: validation, matching, the --fault syntax, and every action seen by an HTTP client.

The HTTP tests run `FaultMiddleware` in front of a small Starlette app under a real uvicorn server,
so a dropped connection is a real dropped connection.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from skytells.emulator.errors import ApiError
from skytells.emulator.faults import FaultInjector, FaultMiddleware, fault_routes, parse_fault_spec
from tests.emulator.emulator_support import LiveServer

KEY = {"x-api-key": "sk-test-faults"}


class Backend:
    """A stand-in for the emulator: stores what it is asked to create, remembers forced outcomes."""

    def __init__(self) -> None:
        self.created: list[dict[str, Any]] = []

    async def create(self, request: Request) -> JSONResponse:
        body = await request.json()
        forced = request.scope.get("state", {}).get("forced_outcome")
        prediction = {"id": f"p{len(self.created) + 1}", "model": body.get("model"), "forced": forced}
        prediction["status"] = "failed" if forced else "succeeded"
        prediction["error"] = forced["message"] if forced else None
        self.created.append(prediction)
        return JSONResponse(prediction, status_code=201)

    async def models(self, request: Request) -> JSONResponse:
        return JSONResponse([{"namespace": "flux-pro"}])


@pytest.fixture(scope="module")
def stack() -> Iterator[tuple[LiveServer, FaultInjector, Backend]]:
    backend = Backend()
    injector = FaultInjector(seed=3)
    routes = [
        Route("/v1/predictions", backend.create, methods=["POST"]),
        Route("/v1/predict", backend.create, methods=["POST"]),
        Route("/v1/models", backend.models, methods=["GET"]),
        *fault_routes(injector),
    ]
    app = FaultMiddleware(Starlette(routes=routes), injector)
    with LiveServer(app) as server:
        yield server, injector, backend


@pytest.fixture
def live(
    stack: tuple[LiveServer, FaultInjector, Backend],
) -> Iterator[tuple[httpx.Client, FaultInjector, Backend]]:
    server, injector, backend = stack
    injector.clear()
    backend.created.clear()
    with httpx.Client(base_url=server.url, headers=KEY, timeout=5) as client:
        yield client, injector, backend


def create(client: httpx.Client, model: str = "flux-pro") -> httpx.Response:
    return client.post("/v1/predictions", json={"model": model, "input": {"prompt": "a lighthouse"}})


# --- rules -----------------------------------------------------------------------------------------


def test_add_returns_the_rule_with_an_id_and_defaults() -> None:
    faults = FaultInjector()
    rule = faults.add({"route": "/v1/predict*", "status": 503, "first": 2, "retry_after": 1})
    assert rule["id"] == "flt_1"
    assert rule["action"] == "error"
    assert rule["method"] == "*"
    assert rule["error_id"] == "SERVICE_UNAVAILABLE"
    assert rule["remaining"] == 2
    assert faults.list() == [rule]


def test_remove_and_clear() -> None:
    faults = FaultInjector([{"action": "drop"}, {"action": "drop", "id": "mine"}])
    assert [rule["id"] for rule in faults.list()] == ["flt_1", "mine"]
    assert faults.remove("mine") is True
    assert faults.remove("mine") is False
    faults.clear()
    assert faults.list() == []


@pytest.mark.parametrize(
    ("rule", "complaint"),
    [
        ({"action": "explode"}, "'action' must be one of"),
        ({}, "give an 'action'"),
        ({"status": 200}, "between 400 and 599"),
        ({"status": "abc"}, "'status' must be an integer"),
        ({"action": "error", "probability": 1.5}, "'probability' must be between 0 and 1"),
        ({"action": "drop", "first": 0}, "'first' must be at least 1"),
        ({"action": "latency"}, "needs a positive 'latency_ms'"),
        ({"action": "drop", "colour": "red"}, "unknown field(s) 'colour'"),
        ({"action": "drop", "method": "FETCH"}, "'method' must be one of"),
        ({"action": "drop", "route": "v1/models"}, "path glob starting with '/'"),
        ({"action": "error", "retry_after": -1}, "'retry_after' must not be negative"),
        ({"action": "drop", "first": 1, "times": 2}, "give one"),
    ],
)
def test_bad_rules_are_refused_with_invalid_parameter(rule: dict[str, Any], complaint: str) -> None:
    faults = FaultInjector()
    with pytest.raises(ApiError) as caught:
        faults.add(rule)
    assert caught.value.error_id == "INVALID_PARAMETER"
    assert caught.value.status == 400
    assert complaint in caught.value.message
    assert faults.list() == []


def test_duplicate_id_is_refused() -> None:
    faults = FaultInjector([{"action": "drop", "id": "x"}])
    with pytest.raises(ApiError, match="already exists"):
        faults.add({"action": "drop", "id": "x"})


def test_first_n_then_pass_through() -> None:
    faults = FaultInjector([{"action": "drop", "route": "/v1/models", "times": 2}])
    picks = [faults.pick("GET", "/v1/models", None) for _ in range(3)]
    assert [pick is not None for pick in picks] == [True, True, False]
    assert faults.list()[0]["matched"] == 2
    assert faults.list()[0]["remaining"] == 0


def test_probability_is_repeatable_with_a_seed() -> None:
    def pattern(seed: int) -> list[bool]:
        faults = FaultInjector([{"action": "drop", "probability": 0.5}], seed=seed)
        return [faults.pick("GET", "/v1/models", None) is not None for _ in range(200)]

    assert pattern(11) == pattern(11)
    assert pattern(11) != pattern(12)
    assert 60 < sum(pattern(11)) < 140


def test_matching_by_method_route_and_model() -> None:
    faults = FaultInjector([{"action": "drop", "method": "POST", "route": "/v1/predict*", "model": "FLUX-*"}])
    assert faults.pick("POST", "/v1/predictions", "flux-pro") is not None
    assert faults.pick("POST", "/v1/predict", "truefusion") is None
    assert faults.pick("POST", "/v1/predict", None) is None
    assert faults.pick("GET", "/v1/predictions", "flux-pro") is None
    assert faults.pick("POST", "/v1/models", "flux-pro") is None


def test_the_first_matching_rule_wins() -> None:
    faults = FaultInjector([{"status": 500, "first": 1}, {"status": 502}])
    assert [faults.pick("GET", "/v1/models", None).status for _ in range(2)] == [500, 502]  # type: ignore[union-attr]


def test_admin_paths_are_never_faulted() -> None:
    faults = FaultInjector([{"action": "drop"}])
    assert faults.pick("GET", "/_emulator/faults", None) is None


# --- the --fault syntax ------------------------------------------------------------------------------


def test_parse_fault_spec_reads_method_route_and_settings() -> None:
    rule = parse_fault_spec("POST /v1/predict* status=503 first=2 retry_after=1")
    assert rule == {
        "method": "POST",
        "route": "/v1/predict*",
        "status": 503,
        "first": 2,
        "retry_after": 1.0,
        "action": "error",
    }


def test_parse_fault_spec_with_action_and_model() -> None:
    assert parse_fault_spec("action=drop_after_store model=flux-pro") == {
        "action": "drop_after_store",
        "model": "flux-pro",
    }
    assert parse_fault_spec("GET /v1/models latency_ms=250")["action"] == "latency"
    assert parse_fault_spec('fail_prediction message="GPU fell over"')["message"] == "GPU fell over"


@pytest.mark.parametrize(
    ("spec", "complaint"),
    [
        ("", "empty"),
        ("POST /v1/predict status=fast", "status must be an integer"),
        ("POST /v1/predict colour=red", "unknown fault setting 'colour'"),
        ("POST GET action=drop", "method given twice"),
        ("sometimes action=drop", "cannot read 'sometimes'"),
        ("action=drop probability=2", "'probability' must be between 0 and 1"),
        ('message="unclosed', "cannot read fault spec"),
    ],
)
def test_parse_fault_spec_explains_mistakes(spec: str, complaint: str) -> None:
    with pytest.raises(ValueError) as caught:
        parse_fault_spec(spec)
    assert complaint in str(caught.value)


def test_parsed_specs_are_accepted_by_the_injector() -> None:
    faults = FaultInjector([parse_fault_spec("POST /v1/predict* status=429 retry_after=2 first=1")])
    assert faults.list()[0]["error_id"] == "RATE_LIMIT_EXCEEDED"


# --- every action over HTTP --------------------------------------------------------------------------


def test_error_rule_answers_the_standard_body_with_retry_after(live: Any) -> None:
    client, faults, backend = live
    faults.add({"method": "POST", "route": "/v1/predict*", "status": 503, "first": 2, "retry_after": 1})
    first, second, third = create(client), create(client), create(client)
    for response in (first, second):
        assert response.status_code == 503
        assert response.headers["retry-after"] == "1"
        body = response.json()
        assert body["status"] is False
        assert body["error"]["http_status"] == 503
        assert body["error"]["error_id"] == "SERVICE_UNAVAILABLE"
        assert body["error"]["message"] == body["response"] == body["detail"]
    assert third.status_code == 201
    assert len(backend.created) == 1


def test_error_rule_with_chosen_id_message_and_fractional_retry_after(live: Any) -> None:
    client, faults, _ = live
    faults.add({"error_id": "INSUFFICIENT_CREDITS", "message": "Top up first", "retry_after": 0.25})
    response = create(client)
    assert response.status_code == 402
    assert response.headers["retry-after"] == "0.25"
    assert response.json()["error"] == {
        "http_status": 402,
        "message": "Top up first",
        "details": "Top up first",
        "error_id": "INSUFFICIENT_CREDITS",
    }


def test_drop_closes_the_connection_and_stores_nothing(live: Any) -> None:
    client, faults, backend = live
    faults.add({"action": "drop", "route": "/v1/predictions", "first": 1})
    with pytest.raises(httpx.RemoteProtocolError):
        create(client)
    assert backend.created == []
    assert create(client).status_code == 201  # the server and the client's pool carry on


def test_drop_after_store_stores_then_closes(live: Any) -> None:
    client, faults, backend = live
    faults.add({"action": "drop_after_store", "first": 1})
    with pytest.raises(httpx.RemoteProtocolError):
        create(client)
    assert [prediction["model"] for prediction in backend.created] == ["flux-pro"]


async def test_drop_is_a_transport_error_for_the_async_client(stack: Any) -> None:
    server, faults, _backend = stack
    faults.clear()
    faults.add({"action": "drop", "route": "/v1/models", "first": 1})
    async with httpx.AsyncClient(base_url=server.url, headers=KEY, timeout=5) as client:
        with pytest.raises(httpx.TransportError):
            await client.get("/v1/models")
        assert (await client.get("/v1/models")).status_code == 200
    faults.clear()


@pytest.mark.parametrize("protocol", ["h11", "httptools"])
def test_drop_works_with_either_uvicorn_protocol(protocol: str) -> None:
    backend, faults = Backend(), FaultInjector([{"action": "drop", "first": 1}])
    app = FaultMiddleware(Starlette(routes=[Route("/v1/models", backend.models)]), faults)
    with LiveServer(app, http=protocol) as server, httpx.Client(base_url=server.url, timeout=5) as client:
        with pytest.raises(httpx.RemoteProtocolError, match="without sending a response"):
            client.get("/v1/models")
        assert client.get("/v1/models").status_code == 200


def test_non_json_answers_html(live: Any) -> None:
    client, faults, _backend = live
    faults.add({"action": "non_json", "route": "/v1/models"})
    response = client.get("/v1/models")
    assert response.status_code == 502
    assert response.headers["content-type"].startswith("text/html")
    assert "<html>" in response.text
    with pytest.raises(ValueError):
        response.json()


def test_latency_delays_then_serves(live: Any) -> None:
    client, faults, _ = live
    faults.add({"route": "/v1/models", "latency_ms": 200})
    started = time.monotonic()
    response = client.get("/v1/models")
    assert time.monotonic() - started >= 0.2
    assert response.json() == [{"namespace": "flux-pro"}]


def test_fail_prediction_tells_the_create_route(live: Any) -> None:
    client, faults, _backend = live
    faults.add({"action": "fail_prediction", "model": "flux-pro", "message": "CUDA out of memory"})
    failed = create(client).json()
    assert failed["forced"] == {"outcome": "fail", "message": "CUDA out of memory"}
    assert failed["status"] == "failed"
    assert create(client, "truefusion").json()["status"] == "succeeded"


def test_model_rules_replay_the_body_unchanged(live: Any) -> None:
    client, faults, backend = live
    faults.add({"action": "error", "status": 500, "model": "truefusion"})
    big_prompt = "x" * 300_000
    response = client.post("/v1/predictions", json={"model": "flux-pro", "input": {"prompt": big_prompt}})
    assert response.status_code == 201
    assert backend.created[0]["model"] == "flux-pro"
    assert create(client, "truefusion").status_code == 500


def test_a_body_too_big_to_sniff_still_reaches_the_app_whole(
    live: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    client, faults, backend = live
    monkeypatch.setattr("skytells.emulator.faults.middleware._MAX_SNIFF_BYTES", 1000)
    faults.add({"action": "error", "status": 500, "model": "flux-pro"})
    prompt = "y" * 50_000
    response = client.post("/v1/predictions", json={"model": "flux-pro", "input": {"prompt": prompt}})
    assert response.status_code == 201  # the model could not be read, so the rule does not apply
    assert backend.created[0]["model"] == "flux-pro"
    assert create(client).status_code == 500  # a small body is read and matched


# --- the admin API ---------------------------------------------------------------------------------


def test_admin_api_adds_lists_and_deletes(live: Any) -> None:
    client, _faults, _ = live
    added = client.post("/_emulator/faults", json={"route": "/v1/models", "status": 500})
    assert added.status_code == 201
    rule_id = added.json()["id"]
    assert [rule["id"] for rule in client.get("/_emulator/faults").json()["faults"]] == [rule_id]
    assert client.get("/v1/models").status_code == 500
    assert client.delete(f"/_emulator/faults/{rule_id}").json() == {"deleted": rule_id}
    assert client.get("/v1/models").status_code == 200
    missing = client.delete(f"/_emulator/faults/{rule_id}")
    assert missing.status_code == 404
    assert missing.json()["error"]["error_id"] == "FAULT_NOT_FOUND"


def test_admin_api_takes_a_spec_and_lists_and_clears(live: Any) -> None:
    client, faults, _ = live
    assert client.post("/_emulator/faults", json={"spec": "GET /v1/models status=429"}).status_code == 201
    added = client.post("/_emulator/faults", json=[{"action": "drop", "first": 1}, {"latency_ms": 5}])
    assert len(added.json()["faults"]) == 2
    assert client.get("/v1/models").status_code == 429
    assert client.delete("/_emulator/faults").json() == {"deleted": 3}
    assert faults.list() == []


@pytest.mark.parametrize(
    "payload",
    [
        b"{not json",
        b'{"action": "teleport"}',
        b'{"spec": "POST /v1/predict status=lots"}',
        b'[{"action": "drop"}, {"action": "nope"}]',
        b'"drop"',
    ],
)
def test_admin_api_refuses_bad_rules_and_adds_nothing(live: Any, payload: bytes) -> None:
    client, faults, _ = live
    response = client.post("/_emulator/faults", content=payload, headers={"content-type": "application/json"})
    assert response.status_code == 400
    assert response.json()["error"]["error_id"] in {"INVALID_PARAMETER", "INVALID_JSON"}
    assert faults.list() == []


def test_a_catch_all_rule_leaves_the_admin_api_working(live: Any) -> None:
    client, faults, _ = live
    faults.add({"action": "drop"})
    assert client.get("/_emulator/faults").status_code == 200
    assert client.delete("/_emulator/faults").status_code == 200
    assert client.get("/v1/models").status_code == 200
