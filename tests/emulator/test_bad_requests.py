"""Bad requests get the one JSON error body with a 4xx status, and nothing is stored."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from skytells.emulator import EmulatorServer
from tests.emulator.emulator_support import fast_config


def assert_error(response: httpx.Response, status: int, error_id: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/json"
    body: dict[str, Any] = response.json()
    assert body["status"] is False
    assert body["error"]["http_status"] == status
    assert body["error"]["error_id"] == error_id
    assert body["response"] == body["detail"] == body["error"]["message"]
    return body


@pytest.mark.parametrize(
    ("content", "status", "error_id"),
    [
        (b"{not json", 400, "INVALID_JSON"),
        (b'{"model": "flux-pro", "input": {"prompt": NaN}}', 400, "INVALID_JSON"),
        (b'{"model": "flux-pro", "input": {"prompt": "x", "extra": 1e999}}', 400, "INVALID_JSON"),
        (b'{"model": "flux-pro", "input": {"prompt": "x", "guidance": -1e400}}', 400, "INVALID_JSON"),
        (b'{"model": "flux-pro", "input": {"prompt": "\\ud800"}}', 400, "INVALID_JSON"),
        (b"[" * 100_000, 400, "INVALID_JSON"),
        (
            b'{"model": "flux-pro", "input": {"prompt": "x", "deep": ' + b"[" * 500 + b"]" * 500 + b"}}",
            400,
            "INVALID_JSON",
        ),
        (b'{"model": "flux-pro", "zzz": ' + b"[" * 65 + b"]" * 65 + b"}", 400, "INVALID_JSON"),
        (b"\xff\xfe", 400, "INVALID_JSON"),
        (b"[1, 2]", 400, "INVALID_REQUEST"),
        (b'"flux-pro"', 400, "INVALID_REQUEST"),
        (b"{}", 422, "VALIDATION_ERROR"),
        (b'{"model": 7}', 400, "INVALID_PARAMETER"),
        (b'{"model": "no-such-model", "input": {}}', 404, "MODEL_NOT_FOUND"),
        (b'{"model": "flux-pro", "input": "a lake"}', 400, "INVALID_INPUT"),
        (b'{"model": "flux-pro", "input": {"prompt": "x", "num_outputs": "two"}}', 400, "INVALID_INPUT"),
        (b'{"model": "flux-pro", "input": {"prompt": "x"}, "await": "yes"}', 400, "INVALID_PARAMETER"),
        (b'{"model": "flux-pro", "input": {"prompt": "x"}, "stream": 1}', 400, "INVALID_PARAMETER"),
    ],
)
def test_bad_create_bodies(http: httpx.Client, content: bytes, status: int, error_id: str) -> None:
    response = http.post("/predictions", content=content, headers={"content-type": "application/json"})
    assert_error(response, status, error_id)
    assert http.get("/predictions").json()["pagination"]["total"] == 0


def test_invalid_input_names_the_field(http: httpx.Client) -> None:
    response = http.post(
        "/predictions", json={"model": "flux-pro", "input": {"prompt": "x", "num_outputs": "two"}}
    )
    assert "num_outputs" in assert_error(response, 400, "INVALID_INPUT")["error"]["message"]


def test_an_oversized_body_is_413(plain: httpx.Client) -> None:
    with EmulatorServer(fast_config(max_body_bytes=1000)) as emu:
        big = {"model": "flux-pro", "input": {"prompt": "x" * 2000}}
        response = plain.post(emu.base_url + "/predictions", json=big, headers={"x-api-key": "sk-test-big"})
        assert_error(response, 413, "PAYLOAD_TOO_LARGE")


def test_unknown_routes_are_404_json(
    http: httpx.Client, emulator: EmulatorServer, plain: httpx.Client
) -> None:
    assert_error(http.get("/no/such/route"), 404, "ENDPOINT_NOT_FOUND")
    assert_error(plain.get(emulator.root_url + "/nothing-here"), 404, "ENDPOINT_NOT_FOUND")


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        ("PUT", "/predictions", {"GET", "POST"}),
        ("GET", "/predict", {"POST"}),
        ("POST", "/predictions/abc", {"GET", "DELETE"}),
        ("GET", "/predictions/abc/cancel", {"POST"}),
        ("POST", "/models", {"GET"}),
    ],
)
def test_wrong_methods_are_405_with_allow(
    http: httpx.Client, method: str, path: str, allowed: set[str]
) -> None:
    response = http.request(method, path)
    assert_error(response, 405, "METHOD_NOT_ALLOWED")
    assert {m.strip() for m in response.headers["allow"].split(",")} - {"HEAD"} == allowed


@pytest.mark.parametrize("slug", ["no-such-model", "owner/no-such-model", "a" * 500])
@pytest.mark.parametrize("prefix", ["/model/", "/models/"])
def test_unknown_models_are_404(http: httpx.Client, prefix: str, slug: str) -> None:
    assert_error(http.get(prefix + slug), 404, "MODEL_NOT_FOUND")


@pytest.mark.parametrize("path", ["/files/abc/output-0.webp", "/files/x/y"])
def test_unknown_files_are_404(emulator: EmulatorServer, path: str, plain: httpx.Client) -> None:
    assert_error(plain.get(emulator.base_url + path), 404, "FILE_NOT_FOUND")


def test_nesting_up_to_the_limit_is_accepted(http: httpx.Client) -> None:
    nested = b"[" * 60 + b"]" * 60
    body = b'{"model": "flux-pro", "input": {"prompt": "x", "layers": ' + nested + b"}}"
    response = http.post("/predictions", content=body, headers={"content-type": "application/json"})
    assert response.status_code == 200
