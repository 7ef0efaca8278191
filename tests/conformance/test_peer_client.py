"""TypeScript SDK unit tests (research section 6.1) that no other suite of ours covers, in Python form.

They run against the conformance emulator over HTTP; an httpx client injected with event hooks records
what our SDK puts on the wire. docs/peer-checklist.md maps every TypeScript test to its Python twin.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest

import skytells
from skytells import ModelsAPI, PredictionsAPI, RetryOptions, SkytellsClient, SkytellsError
from tests.conformance.conformance_support import API_KEY


@dataclass
class Wire:
    """Requests an injected httpx.Client sent."""

    requests: list[httpx.Request] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, request: httpx.Request) -> None:
        with self.lock:
            self.requests.append(request)

    def calls(self) -> list[tuple[str, str]]:
        return [(r.method, r.url.path) for r in self.requests]


@pytest.fixture
def wire() -> Wire:
    return Wire()


@pytest.fixture
def make_client(conformance_emulator: Any, wire: Wire) -> Iterator[Any]:
    made: list[SkytellsClient] = []

    def make(api_key: str | None = API_KEY, **kwargs: Any) -> SkytellsClient:
        http = httpx.Client(event_hooks={"request": [wire.record]}, timeout=60)
        client = SkytellsClient(api_key, base_url=conformance_emulator.base_url, http_client=http, **kwargs)
        made.append(client)
        return client

    yield make
    for client in made:
        client.close()


def _path(emu: Any, suffix: str) -> str:
    return httpx.URL(emu.base_url).path.rstrip("/") + suffix


# ---- SkytellsClient -------------------------------------------------------------------------------


def test_client_exposes_predictions_and_models_sub_apis(make_client: Any) -> None:
    client = make_client()
    assert isinstance(client.predictions, PredictionsAPI)
    assert isinstance(client.models, ModelsAPI)


def test_works_without_an_api_key_and_then_sends_no_key_header(
    make_client: Any, wire: Wire, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SKYTELLS_API_KEY", raising=False)
    client = make_client(api_key=None)

    with pytest.raises(SkytellsError) as caught:
        client.predictions.list()

    assert caught.value.error_id == "UNAUTHORIZED"
    (request,) = wire.requests
    assert "x-api-key" not in request.headers
    assert "authorization" not in request.headers


# ---- routes the SDK calls (client.predict, stream, cancel, delete) -------------------------------


def test_predict_posts_the_payload_to_the_create_route(
    make_client: Any, wire: Wire, conformance_emulator: Any
) -> None:
    client = make_client()
    payload = {"model": "flux-pro", "input": {"prompt": "A landscape"}}

    response = client.predict(payload)

    (request,) = wire.requests
    assert request.method == "POST"
    assert request.url.path in (
        _path(conformance_emulator, "/predict"),
        _path(conformance_emulator, "/predictions"),
    )
    body = json.loads(request.content)
    assert body["model"] == "flux-pro" and body["input"] == {"prompt": "A landscape"}
    assert body.get("await") in (None, False)
    assert response["id"] and response["input"]["prompt"] == "A landscape"


def test_stream_cancel_and_delete_use_their_routes(
    make_client: Any, wire: Wire, conformance_emulator: Any
) -> None:
    client = make_client()
    created = client.predictions.create(
        {"model": "mera", "input": {"prompt": "x", "seconds": "8", "size": "1280x720"}}
    )
    pid = created["id"]
    wire.requests.clear()

    streamed = client.stream_prediction(pid)
    cancelled = client.cancel_prediction(pid)
    deleted = client.delete_prediction(pid)

    method_paths = wire.calls()
    assert method_paths[0] == ("GET", _path(conformance_emulator, f"/predictions/{pid}/stream"))
    assert method_paths[1] == ("POST", _path(conformance_emulator, f"/predictions/{pid}/cancel"))
    assert method_paths[2][0] == "DELETE"
    assert method_paths[2][1] in (
        _path(conformance_emulator, f"/predictions/{pid}/delete"),
        _path(conformance_emulator, f"/predictions/{pid}"),
    )
    assert streamed["urls"]["stream"] and cancelled["status"] == "cancelled" and deleted["id"] == pid


def test_prediction_cancel_and_delete_send_to_the_prediction_urls(make_client: Any, wire: Wire) -> None:
    client = make_client()
    prediction = client.predict("mera", input={"prompt": "x", "seconds": "8", "size": "1280x720"})
    wire.requests.clear()

    prediction.cancel()
    prediction.delete()

    cancel, delete = wire.requests
    assert (cancel.method, str(cancel.url)) == ("POST", prediction["urls"]["cancel"])
    assert (delete.method, str(delete.url)) == ("DELETE", prediction["urls"]["delete"])


def test_model_routes(make_client: Any, wire: Wire, conformance_emulator: Any) -> None:
    client = make_client()

    client.models.list()
    client.models.list(fields=["input_schema"])
    client.models.get("truefusion-pro")
    client.models.get("truefusion-pro", fields=["input_schema", "output_schema"])

    lst, lst_fields, get, get_fields = wire.requests
    assert lst.url.path == _path(conformance_emulator, "/models") and not lst.url.query
    assert lst_fields.url.params["fields"] == "input_schema"
    assert get.url.path in (
        _path(conformance_emulator, "/model/truefusion-pro"),
        _path(conformance_emulator, "/models/truefusion-pro"),
    )
    assert get_fields.url.params["fields"] == "input_schema,output_schema"


def test_list_without_options_sends_no_query_string(
    make_client: Any, wire: Wire, conformance_emulator: Any
) -> None:
    client = make_client()

    client.predictions.list()
    client.predictions.list(page=2, since="2026-01-01", until="2026-03-16", model="flux-pro")

    bare, filtered = wire.requests
    assert bare.url.path == _path(conformance_emulator, "/predictions") and not bare.url.query
    assert dict(filtered.url.params) == {
        "page": "2",
        "from": "2026-01-01",
        "to": "2026-03-16",
        "model": "flux-pro",
    }


# ---- http hardening ------------------------------------------------------------------------------


def test_a_body_that_is_not_json_serializable_is_an_sdk_error_and_sends_nothing(
    make_client: Any, wire: Wire
) -> None:
    client = make_client()

    with pytest.raises(SkytellsError) as caught:
        client.predict({"model": "flux-pro", "input": {"prompt": object()}})

    assert caught.value.error_id == "SDK_ERROR"
    assert wire.requests == []


def test_negative_retries_clamp_to_a_single_attempt(
    make_client: Any, wire: Wire, conformance_emulator: Any
) -> None:
    fault = conformance_emulator.admin(
        "POST",
        "/faults",
        json={"method": "GET", "route": "/v1/models", "first": 3, "action": "error", "status": 503},
    )
    try:
        client = make_client(retry=RetryOptions(retries=-1, retry_delay=1))
        with pytest.raises(SkytellsError) as caught:
            client.models.list()
    finally:
        conformance_emulator.admin("DELETE", f"/faults/{fault['id']}")

    assert caught.value.http_status == 503
    assert len(wire.requests) == 1


# ---- SkytellsError (error.test.ts) ---------------------------------------------------------------


def test_skytells_error_is_an_exception_with_every_property() -> None:
    error = SkytellsError("Bad input", "INVALID_INPUT", "prompt is required", 400)

    assert isinstance(error, Exception)
    assert str(error) == "Bad input"
    assert (error.error_id, error.details, error.http_status, error.status_code) == (
        "INVALID_INPUT",
        "prompt is required",
        400,
        400,
    )
    with pytest.raises(SkytellsError):
        raise error


def test_skytells_error_http_status_defaults_to_zero() -> None:
    assert SkytellsError("offline", "NETWORK_ERROR", "no route").http_status == 0


# ---- exports (exports.test.ts, endpoints.test.ts) ------------------------------------------------


def test_the_documented_classes_and_constants_are_exported() -> None:
    for name in ("SkytellsClient", "AsyncSkytellsClient", "Prediction", "AsyncPrediction", "PredictionsAPI"):
        assert isinstance(getattr(skytells, name), type), name
    assert issubclass(skytells.SkytellsError, Exception)
    assert skytells.API_BASE_URL == "https://api.skytells.ai/v1"
    assert isinstance(skytells.Skytells("sk-test-exports-0001"), SkytellsClient)


def test_enums_carry_the_wire_strings() -> None:
    expected = {
        skytells.PredictionStatus: [
            "pending",
            "starting",
            "started",
            "processing",
            "succeeded",
            "failed",
            "cancelled",
        ],
        skytells.PredictionType: ["inference", "training"],
        skytells.PredictionSource: ["api", "cli", "web"],
        skytells.ModelType: ["image", "video", "audio", "music", "text", "code", "multimodal", "embedding"],
        skytells.ModelPrivacy: ["public", "private"],
        skytells.PricingOperator: ["equals", "=="],
    }
    for enum_cls, values in expected.items():
        assert [m.value for m in enum_cls] == values, enum_cls.__name__
        assert all(isinstance(m, str) for m in enum_cls), enum_cls.__name__
    ts_units = ["image", "video", "second", "prediction", "gpu", "image_megapixel", "computing_second"]
    ts_units += ["audio_second", "video_second", "token", "5 seconds", "minute"]
    assert set(ts_units) <= {m.value for m in skytells.PricingUnit}
    ts_error_ids = [
        "UNAUTHORIZED",
        "INVALID_PARAMETER",
        "MODEL_NOT_FOUND",
        "SDK_ERROR",
        "ABORTED",
        "UNKNOWN_ERROR",
    ]
    ts_error_ids += [
        "HTTP_ERROR",
        "API_ERROR",
        "SERVER_ERROR",
        "INVALID_JSON",
        "REQUEST_TIMEOUT",
        "NETWORK_ERROR",
    ]
    ts_error_ids += ["WAIT_TIMEOUT", "PREDICTION_FAILED", "WEBHOOK_SIGNATURE_INVALID"]
    assert set(ts_error_ids) <= {m.value for m in skytells.ApiErrorId}
