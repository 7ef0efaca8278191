"""Bad requests get the one JSON error body with a 4xx status, and nothing is stored."""

from __future__ import annotations

import base64
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
        (b'{"model": "flux-pro"}', 422, "VALIDATION_ERROR"),
        (b'{"model": "flux-pro", "input": null}', 422, "VALIDATION_ERROR"),
        (b'{"model": "flux-pro", "input": {"prompt": "x", "width": 1001}}', 400, "INVALID_INPUT"),
        (b'{"model": "truefusion-pro", "input": {"prompt": "x", "image": "cat.png"}}', 400, "INVALID_INPUT"),
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


@pytest.mark.parametrize("name", ["width", "height"])
def test_a_size_not_a_multiple_of_8_gets_seed_003s_message(http: httpx.Client, name: str) -> None:
    body = {"model": "truefusion-pro", "input": {"prompt": "x", name: 1020}}
    error = assert_error(http.post("/predictions", json=body), 400, "INVALID_INPUT")
    assert error["detail"] == f"{name} must be a multiple of 8"


@pytest.mark.parametrize(
    ("model", "field", "value"),
    [
        ("truefusion-pro", "image", "file:///etc/passwd"),
        ("mera", "input_reference", "data:image/png;base64,@@@"),
        ("lipfusion", "audio", "https://"),
    ],
)
def test_a_broken_uri_input_is_invalid_input_naming_the_field(
    http: httpx.Client, model: str, field: str, value: str
) -> None:
    inputs = {"prompt": "x", "video": "https://example.com/v.mp4", "audio": "https://example.com/a.mp3"}
    body = {"model": model, "input": {**inputs, field: value}}
    error = assert_error(http.post("/predictions", json=body), 400, "INVALID_INPUT")
    assert f"'{field}' must be an http(s) URL or a data: URI" in error["detail"]


def test_http_and_data_uri_inputs_and_sizes_in_steps_of_8_are_accepted(http: httpx.Client) -> None:
    pixel = "data:image/png;base64," + base64.b64encode(b"\x89PNG\r\n\x1a\n one pixel").decode()
    for image in (pixel, "https://example.com/cat.png"):
        body = {
            "model": "truefusion-pro",
            "input": {"prompt": "x", "image": image, "width": 1000, "height": 520},
        }
        response = http.post("/predictions", json=body)
        assert response.status_code == 200, response.text
        assert response.json()["input"]["image"] == image


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
