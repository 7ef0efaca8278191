"""The OpenAPI document: valid, complete, served, and honoured by the live emulator under Schemathesis.

Schemathesis runs against a dedicated emulator (no rate limit, fast clock), with few examples per
operation so the whole file stays within a few seconds.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from openapi_spec_validator import validate
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    ensure_resource_availability,
    ignored_auth,
    response_schema_conformance,
    status_code_conformance,
    use_after_free,
)

import skytells.emulator.media  # noqa: F401  (see below)
from skytells.emulator import EmulatorConfig, EmulatorServer, create_app
from skytells.emulator.openapi import openapi_document
from tests.emulator.emulator_support import wait_terminal

# The emulator's render thread imports its media module (numpy, Pillow) on first use, while Hypothesis in
# this thread peeks at sys.modules["numpy"]: importing it up front keeps Hypothesis from seeing a
# half-imported numpy.

API_KEY = "sk-test-openapi-contract"
AUTH = {"x-api-key": API_KEY}
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
FUZZ = settings(
    max_examples=12,
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)


@pytest.fixture(scope="module")
def contract_emulator() -> Iterator[EmulatorServer]:
    config = EmulatorConfig(speed=200.0, rate_limit=0, await_cap=2.0, sse_keepalive=0.2)
    with EmulatorServer(config) as server:
        yield server


@pytest.fixture(scope="module")
def api_schema(contract_emulator: EmulatorServer) -> Any:
    document = httpx.get(f"{contract_emulator.root_url}/openapi.json").json()
    loaded = schemathesis.openapi.from_dict(document)
    loaded.config.update(base_url=contract_emulator.root_url)
    return loaded


# --- the document ----------------------------------------------------------------------------------


def test_the_document_is_valid_openapi() -> None:
    validate(openapi_document("http://127.0.0.1:8790/v1"))  # raises on any violation


def test_the_server_url_is_the_emulator_root() -> None:
    assert openapi_document("http://127.0.0.1:8790/v1")["servers"][0]["url"] == "http://127.0.0.1:8790"
    assert openapi_document(None)["servers"][0]["url"] == "https://api.skytells.ai"


def test_every_public_route_is_documented_and_nothing_else() -> None:
    mounted: set[tuple[str, str]] = set()
    for route in create_app(EmulatorConfig()).routes:
        path = getattr(route, "path", "")
        if path.startswith("/v1"):
            path = re.sub(r"\{(\w+):\w+\}", r"{\1}", path)
            mounted |= {(method, path) for method in getattr(route, "methods", ()) if method != "HEAD"}
    paths = openapi_document()["paths"]
    documented = {
        (method.upper(), path) for path, item in paths.items() for method in item if method != "parameters"
    }
    assert documented == mounted


def test_every_operation_declares_auth_errors_and_an_id() -> None:
    for path, item in openapi_document()["paths"].items():
        for method, operation in item.items():
            if method == "parameters":
                continue
            assert operation["operationId"]
            # A request that sends a key is counted, also where no key is needed (files): 429 everywhere.
            assert "429" in operation["responses"], (method, path)
            if operation.get("security") != []:
                assert "401" in operation["responses"], (method, path)


def test_the_live_emulator_serves_it(contract_emulator: EmulatorServer) -> None:
    response = httpx.get(f"{contract_emulator.root_url}/openapi.json")
    assert response.status_code == 200
    document = response.json()
    assert document["servers"][0]["url"] == contract_emulator.root_url
    assert document["paths"] == openapi_document()["paths"]


# --- the contract, over HTTP -----------------------------------------------------------------------


def _operations() -> list[Any]:
    """(method, path, mode) for each operation; negative data only where there is something to break."""
    cases = []
    for path, item in openapi_document()["paths"].items():
        for method, operation in item.items():
            if method == "parameters":
                continue
            cases.append((method.upper(), path, GenerationMode.POSITIVE))
            query = [
                p for p in operation.get("parameters", []) + item.get("parameters", []) if p["in"] == "query"
            ]
            if "requestBody" in operation or query:
                cases.append((method.upper(), path, GenerationMode.NEGATIVE))
    return cases


@pytest.mark.parametrize(("method", "path", "mode"), _operations())
def test_no_input_breaks_the_contract(api_schema: Any, method: str, path: str, mode: GenerationMode) -> None:
    operation = api_schema[path][method]

    @FUZZ
    @given(case=operation.as_strategy(generation_mode=mode))
    def exercise(case: Any) -> None:
        case.call_and_validate(headers=AUTH, checks=CHECKS, timeout=15)

    exercise()


def test_stateful_create_get_cancel_delete(api_schema: Any) -> None:
    class Workflow(api_schema.as_state_machine()):  # type: ignore[misc]
        def get_call_kwargs(self, case: Any) -> dict[str, Any]:
            # A fresh Idempotency-Key per call: a key reused across examples would make the server's
            # answer (409) depend on earlier examples, which Hypothesis reports as flaky generation.
            return {"headers": {**AUTH, "Idempotency-Key": uuid.uuid4().hex}, "timeout": 15}

        def validate_response(self, response: Any, case: Any, **kwargs: Any) -> None:
            checks = [*CHECKS, use_after_free, ensure_resource_availability, ignored_auth]
            case.validate_response(response, checks=checks, headers=AUTH, recorder=self.recorder)

    Workflow.run(settings=settings(FUZZ, max_examples=15, stateful_step_count=8))


def test_every_operation_answers_401_without_a_key(contract_emulator: EmulatorServer) -> None:
    some_id = "00000000-0000-4000-8000-000000000000"
    body = {"model": "truefusion", "input": {"prompt": "x"}}
    with httpx.Client(base_url=contract_emulator.root_url, timeout=15) as client:
        for path, item in openapi_document()["paths"].items():
            for method, operation in item.items():
                if method == "parameters" or operation.get("security") == []:
                    continue
                url = path.replace("{prediction_id}", some_id).replace("{slug}", "truefusion")
                for headers in ({}, {"x-api-key": "not-a-key"}, {"authorization": "Basic c2stdGVzdA=="}):
                    response = client.request(method.upper(), url, json=body, headers=headers)
                    assert response.status_code == 401, (method, path, headers, response.text)
                    assert response.json()["error"]["error_id"] == "UNAUTHORIZED"


@pytest.mark.parametrize("delete_path", ["/predictions/{id}", "/predictions/{id}/delete"])
def test_a_deleted_prediction_is_404_everywhere(contract_emulator: EmulatorServer, delete_path: str) -> None:
    with httpx.Client(base_url=contract_emulator.base_url, headers=AUTH, timeout=30) as client:
        body = {"model": "truefusion", "input": {"prompt": "a red kite"}}
        created = wait_terminal(client, client.post("/predictions", json=body).json()["id"], timeout=60)
        assert created["status"] == "succeeded"
        files = [file["url"] for file in created["metadata"]["storage"]["files"]]
        assert files and client.get(files[0]).status_code == 200
        assert client.delete(delete_path.format(id=created["id"])).status_code == 200
        one = f"/predictions/{created['id']}"
        for method, path in [
            ("GET", one),
            ("POST", f"{one}/cancel"),
            ("GET", f"{one}/stream"),
            ("DELETE", one),
        ]:
            response = client.request(method, path)
            assert response.status_code == 404, (method, path)
            assert response.json()["error"]["error_id"] == "PREDICTION_NOT_FOUND"
        assert client.get(files[0]).status_code == 404
