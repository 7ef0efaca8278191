"""Hostile and odd requests: always a JSON error body with a 4xx, never a 5xx, and nothing half-stored.

These complement test_bad_requests.py (the documented create errors) with the inputs a fuzzer, a
misconfigured proxy or a buggy client produce: odd types, encodings, headers, ids and query strings.
"""

from __future__ import annotations

import asyncio
import gzip
import json
import socket
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from skytells.emulator import EmulatorServer
from tests.emulator.emulator_support import fast_config, wait_terminal

PROMPT = {"prompt": "a quiet harbour"}


def assert_json_4xx(response: httpx.Response) -> dict[str, Any]:
    """The response is a client error with the standard error body."""
    assert 400 <= response.status_code < 500, (response.status_code, response.text[:300])
    assert response.headers["content-type"].startswith("application/json"), response.headers
    body: dict[str, Any] = response.json()
    assert body["status"] is False
    assert body["error"]["http_status"] == response.status_code
    assert isinstance(body["error"]["error_id"], str) and body["error"]["error_id"]
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    return body


def stored(http: httpx.Client) -> int:
    total: int = http.get("/predictions").json()["pagination"]["total"]
    return total


# --- create bodies -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        {"model": None, "input": PROMPT},
        {"model": ["truefusion"], "input": PROMPT},
        {"model": {"slug": "truefusion"}, "input": PROMPT},
        {"model": True, "input": PROMPT},
        {"model": "x" * 100_000, "input": PROMPT},
        {"model": "truefusion\u0000", "input": PROMPT},
        {"model": "../../../etc/passwd", "input": PROMPT},
        {"model": "truefusion", "input": None},
        {"model": "truefusion", "input": []},
        {"model": "truefusion", "input": 42},
        {"model": "truefusion", "input": {}},
        {"model": "truefusion", "input": {"prompt": 42}},
        {"model": "truefusion", "input": {"prompt": ""}},
        {"model": "truefusion", "input": {"prompt": ["a", "b"]}},
        {"model": "truefusion", "input": {"prompt": "x", "number_of_images": 10**30}},
        {"model": "truefusion", "input": {"prompt": "x", "number_of_images": -1}},
        {"model": "truefusion", "input": {"prompt": "x", "number_of_images": 2.5}},
        {"model": "truefusion", "input": {"prompt": "x", "aspect_ratio": "7:3"}},
        {"model": "truefusion", "input": {"prompt": "x", "seed": -5}},
        {"model": "truefusion", "input": PROMPT, "await": "true"},
        {"model": "truefusion", "input": PROMPT, "stream": "false"},
        {"model": "truefusion", "input": PROMPT, "webhook": 12},
        {"model": "truefusion", "input": PROMPT, "webhook": ["http://127.0.0.1:9/hook"]},
        {"model": "truefusion", "input": PROMPT, "webhook": "not a url"},
        {"model": "truefusion", "input": PROMPT, "webhook": "ftp://127.0.0.1/hook"},
        {"model": "truefusion", "input": PROMPT, "webhook": {"events": ["completed"]}},
        {"model": "truefusion", "input": PROMPT, "webhook": {"url": 5, "events": ["completed"]}},
        {
            "model": "truefusion",
            "input": PROMPT,
            "webhook": {"url": "http://127.0.0.1:9/h", "events": ["exploded"]},
        },
        {"model": "truefusion", "input": PROMPT, "webhook": {"url": "http://127.0.0.1:9/h", "events": [1]}},
        {
            "model": "truefusion",
            "input": PROMPT,
            "webhook": "http://127.0.0.1:9/h",
            "webhook_events_filter": "x",
        },
    ],
)
def test_wrong_types_in_a_create_are_refused_and_store_nothing(
    http: httpx.Client, body: dict[str, Any]
) -> None:
    assert_json_4xx(http.post("/predictions", json=body))
    assert stored(http) == 0


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"null",
        b"true",
        b"0",
        b'{"model": "truefusion", "input": {"prompt": "x", "seed": 1e400}}',
        b'{"model": "truefusion", "input": {"prompt": "x", "seed": ' + b"9" * 5000 + b"}}",
        b'{"model": "truefusion", "input": {"prompt": "x"}} trailing',
        b'{"model": "truefusion", "model": 5, "input": {"prompt": "x"}}',
        b'{"model": "truefusion", "input": {"prompt": "x"}, "await": Infinity}',
        b"\xef\xbb\xbf{}",
        b'{"model": "truefusion", "input": {"prompt": "\xe9"}}',
        b'{"model": "truefusion", "input": ' + b'{"a": ' * 5000 + b"1" + b"}" * 5001,
    ],
)
def test_malformed_json_is_refused_and_stores_nothing(http: httpx.Client, content: bytes) -> None:
    response = http.post("/predictions", content=content, headers={"content-type": "application/json"})
    assert_json_4xx(response)
    assert stored(http) == 0


@pytest.mark.parametrize(
    "headers",
    [
        {"content-type": "text/plain"},
        {"content-type": "application/x-www-form-urlencoded"},
        {"content-type": "multipart/form-data; boundary=x"},
        {"content-type": "application/json; charset=latin-1"},
        {"content-type": "application/json", "content-encoding": "gzip"},
        {"content-type": "application/json", "content-encoding": "br"},
    ],
)
def test_odd_content_headers_never_break_the_server(http: httpx.Client, headers: dict[str, str]) -> None:
    content = json.dumps({"model": "truefusion", "input": PROMPT}).encode()
    response = http.post("/predictions", content=content, headers=headers)
    if response.is_success:  # a lenient reading of a valid JSON body is fine; it must be a real prediction
        assert response.json()["model"]["name"] == "truefusion"
    else:
        assert_json_4xx(response)
        assert stored(http) == 0


def test_a_gzipped_body_is_not_taken_for_json(http: httpx.Client) -> None:
    content = gzip.compress(json.dumps({"model": "truefusion", "input": PROMPT}).encode())
    headers = {"content-type": "application/json", "content-encoding": "gzip"}
    assert_json_4xx(http.post("/predictions", content=content, headers=headers))
    assert stored(http) == 0


def test_form_data_is_refused(http: httpx.Client) -> None:
    assert_json_4xx(http.post("/predictions", data={"model": "truefusion", "input": "x"}))
    assert stored(http) == 0


def test_strange_but_valid_text_makes_a_real_prediction(http: httpx.Client) -> None:
    prompt = (
        "nul\u0000 tab\t rtl \u05e9\u05dc\u05d5\u05dd emoji \U0001f600 combining e\u0301 " + "long " * 1500
    )
    created = http.post("/predictions", json={"model": "truefusion", "input": {"prompt": prompt}})
    assert created.status_code == 200, created.text
    finished = wait_terminal(http, created.json()["id"])
    assert finished["status"] == "succeeded"
    assert finished["input"]["prompt"] == prompt


# --- sizes -------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def small_server() -> Iterator[EmulatorServer]:
    with EmulatorServer(fast_config(max_body_bytes=4096)) as server:
        yield server


def chunks(total: int, size: int = 1024) -> Iterator[bytes]:
    yield b'{"model": "truefusion", "input": {"prompt": "'
    for _ in range(total // size):
        yield b"x" * size
    yield b'"}}'


def test_a_chunked_body_over_the_limit_is_413(small_server: EmulatorServer) -> None:
    with httpx.Client(base_url=small_server.base_url, headers={"x-api-key": "sk-test-chunks"}) as client:
        response = client.post("/predictions", content=chunks(64 * 1024))
        assert response.status_code == 413
        assert assert_json_4xx(response)["error"]["error_id"] == "PAYLOAD_TOO_LARGE"
        assert client.get("/predictions").json()["pagination"]["total"] == 0


def test_a_huge_body_is_refused_without_reading_it_all(small_server: EmulatorServer) -> None:
    with httpx.Client(base_url=small_server.base_url, headers={"x-api-key": "sk-test-chunks"}) as client:
        big = b"x" * (8 * 1024 * 1024)
        try:
            response = client.post("/predictions", content=big, headers={"content-type": "application/json"})
        except httpx.WriteError:  # the server may answer and close before the upload ends
            response = client.get("/predictions")
            assert response.json()["pagination"]["total"] == 0
            return
        assert response.status_code == 413
        assert_json_4xx(response)


def test_many_headers_and_long_values_are_fine(http: httpx.Client) -> None:
    headers = {f"x-extra-{index}": "v" * 100 for index in range(50)}
    assert http.get("/models", headers=headers).status_code == 200


# --- keys and auth headers ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "headers",
    [
        [(b"x-api-key", b"")],
        [(b"x-api-key", b"sk-")],
        [(b"x-api-key", b"sk-\xff\xfe")],
        [(b"x-api-key", "sk-ключ".encode())],
        [(b"x-api-key", b"sk-" + b"a" * 10_000)],
        [(b"x-api-key", b"sk-test one two")],
        [(b"authorization", b"Bearer")],
        [(b"authorization", b"Token sk-test-abc")],
        [(b"authorization", b"Bearer sk-test-a Bearer sk-test-b")],
    ],
)
def test_malformed_keys_get_401(emulator: EmulatorServer, headers: list[tuple[bytes, bytes]]) -> None:
    with httpx.Client(base_url=emulator.base_url) as client:
        for path in ("/models", "/predictions"):
            response = client.get(path, headers=headers)
            assert response.status_code == 401, (headers, response.text[:200])
            body = assert_json_4xx(response)
            assert body["error"]["error_id"] == "UNAUTHORIZED"


def test_a_key_never_appears_in_an_error(emulator: EmulatorServer) -> None:
    secret = "sk-test-" + "s3cr3t" * 4
    with httpx.Client(base_url=emulator.base_url, headers={"x-api-key": secret}) as client:
        responses = [
            client.get("/predictions/nope"),
            client.post("/predictions", json={"model": "nope", "input": {}}),
            client.get("/predictions?per_page=0"),
            client.post("/predictions", content=b"{"),
        ]
    for response in responses:
        assert secret not in response.text
        assert secret not in str(response.headers)


# --- ids, paths and methods --------------------------------------------------------------------


@pytest.mark.parametrize(
    "prediction_id",
    [
        "nope",
        "00000000-0000-0000-0000-000000000000",
        "%2e%2e%2f%2e%2e%2fetc%2fpasswd",
        "..%2F..%2Fadmin",
        "a" * 5000,
        "%00",
        "%F0%9F%98%80",
        "%FF",
        "' OR 1=1 --",
    ],
)
def test_unknown_or_hostile_ids_are_404(http: httpx.Client, prediction_id: str) -> None:
    one = f"/predictions/{prediction_id}"
    for method, path in [
        ("GET", one),
        ("DELETE", one),
        ("DELETE", f"{one}/delete"),
        ("POST", f"{one}/cancel"),
        ("GET", f"{one}/stream"),
    ]:
        response = http.request(method, path)
        assert response.status_code in (404, 405), (method, path, response.status_code)
        assert_json_4xx(response)


@pytest.mark.parametrize(
    "path",
    [
        "/files/..%2F..%2F..%2Fetc/passwd",
        "/files/%2e%2e/%2e%2e",
        "/files/abc/..%2F..%2Fstore.sqlite3",
        "/files/abc/output-0.webp%00.txt",
    ],
)
def test_file_paths_cannot_escape(emulator: EmulatorServer, plain: httpx.Client, path: str) -> None:
    response = plain.get(emulator.base_url + path)
    assert response.status_code == 404
    assert_json_4xx(response)


def test_a_real_file_name_under_another_id_is_404(http: httpx.Client, plain: httpx.Client) -> None:
    created = http.post("/predictions", json={"model": "truefusion", "input": PROMPT, "await": True}).json()
    url = created["metadata"]["storage"]["files"][0]["url"]
    assert plain.get(url).status_code == 200
    other = url.replace(created["id"], "00000000-0000-4000-8000-000000000000")
    assert_json_4xx(plain.get(other))


@pytest.mark.parametrize("method", ["PUT", "PATCH", "OPTIONS", "TRACE"])
@pytest.mark.parametrize(
    "path", ["/predict", "/predictions", "/predictions/abc", "/models", "/models/truefusion"]
)
def test_unsupported_methods_are_405_json_with_allow(http: httpx.Client, method: str, path: str) -> None:
    response = http.request(method, path)
    assert response.status_code == 405
    assert_json_4xx(response)
    assert response.headers["allow"]


def test_head_requests_are_not_errors(http: httpx.Client) -> None:
    for path in ("/models", "/predictions", "/models/truefusion"):
        assert http.head(path).status_code == 200


@pytest.mark.parametrize(
    "path", ["/", "/v2/predictions", "/v1", "/v1/", "/v1/predictions/abc/def/ghi", "/%ff"]
)
def test_unknown_routes_are_404_json(emulator: EmulatorServer, plain: httpx.Client, path: str) -> None:
    response = plain.get(emulator.root_url + path, headers={"x-api-key": "sk-test-routes"})
    assert response.status_code == 404
    assert_json_4xx(response)


def test_a_get_with_a_body_ignores_it(http: httpx.Client) -> None:
    response = http.request("GET", "/models", content=b"{garbage")
    assert response.status_code == 200


# --- query strings -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        "per_page=0",
        "per_page=51",
        "per_page=-1",
        "per_page=abc",
        "per_page=1e3",
        "page=0",
        "page=-3",
        "page=one",
        "page=99999999999999999999999999999",
        "from=2026-13-45",
        "from=yesterday",
        "to=2026-02-30",
        "from=2026-05-01&to=2026-04-01",
        "since=2026/01/01",
        "status=exploded",
        "model=no-such-model",
        "per_page=%00",
    ],
)
def test_bad_list_queries_are_400_or_404(http: httpx.Client, query: str) -> None:
    assert_json_4xx(http.get(f"/predictions?{query}"))


@pytest.mark.parametrize(
    "query",
    [
        "page=1&page=2",
        "per_page=50",
        "status=canceled",
        "unknown=1",
        "page=1000",
        "from=2026-01-01&to=2026-01-01",
    ],
)
def test_odd_but_valid_list_queries_answer_a_page(http: httpx.Client, query: str) -> None:
    response = http.get(f"/predictions?{query}")
    assert response.status_code == 200, response.text
    assert isinstance(response.json()["data"], list)


@pytest.mark.parametrize("fields", ["bogus", "", ",,,", "input_schema,bogus", "x" * 5000])
def test_odd_model_fields_never_break_the_server(http: httpx.Client, fields: str) -> None:
    for path in ("/models", "/models/truefusion", "/model/truefusion"):
        response = http.get(path, params={"fields": fields})
        if response.status_code != 200:
            assert_json_4xx(response)


# --- lifecycle misuse --------------------------------------------------------------------------


def test_cancel_and_delete_twice(http: httpx.Client) -> None:
    created = http.post("/predictions", json={"model": "truefusion", "input": PROMPT}).json()
    one = f"/predictions/{created['id']}"
    assert http.post(f"{one}/cancel").status_code == 200
    assert http.post(f"{one}/cancel").json()["status"] in ("cancelled", "succeeded")
    assert http.delete(one).status_code == 200
    assert_json_4xx(http.delete(one))
    assert_json_4xx(http.post(f"{one}/cancel"))
    assert stored(http) == 0


def test_a_cancel_with_a_body_is_fine(http: httpx.Client) -> None:
    created = http.post("/predictions", json={"model": "truefusion", "input": PROMPT}).json()
    response = http.post(f"/predictions/{created['id']}/cancel", content=b"{not json")
    assert response.status_code == 200


@pytest.mark.parametrize("key", ["", "k" * 300])
def test_bad_idempotency_keys_are_refused(http: httpx.Client, key: str) -> None:
    body = {"model": "truefusion", "input": PROMPT}
    response = http.post("/predictions", json=body, headers={"Idempotency-Key": key})
    assert_json_4xx(response)
    assert stored(http) == 0


# --- the admin API -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "content"),
    [
        ("/time", b'{"speed": -1}'),
        ("/time", b'{"speed": "fast"}'),
        ("/time", b'{"speed": 1e400}'),
        ("/time", b"[]"),
        ("/outcomes", b'{"model": "truefusion", "outcome": "explode"}'),
        ("/outcomes", b'{"model": 5, "outcome": "instant"}'),
        ("/outcomes", b'{"model": "truefusion", "outcome": "instant", "count": -1}'),
        ("/accounts", b'{"api_key": 5}'),
        ("/accounts", b'{"api_key": "sk-test-x", "credits": "lots"}'),
        ("/accounts", b'{"api_key": "sk-test-x", "suspended": "yes"}'),
        ("/faults", b'{"action": "error", "status": 99}'),
        ("/ratelimit", b'{"limit": -0.5}'),
        ("/faults", b"[" * 100_000 + b"]" * 100_000),
        ("/ratelimit", b"[" * 100_000 + b"]" * 100_000),
        ("/reset", b"{not json"),
    ],
)
def test_bad_admin_requests_are_4xx(
    emulator: EmulatorServer, plain: httpx.Client, path: str, content: bytes
) -> None:
    response = plain.post(f"{emulator.root_url}/_emulator{path}", content=content)
    if path == "/reset":  # reset ignores its body
        assert response.status_code == 200
        return
    assert_json_4xx(response)


# --- raw HTTP ----------------------------------------------------------------------------------


def raw_request(server: EmulatorServer, payload: bytes) -> bytes:
    host, port = server.root_url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(payload)
        received = b""
        while chunk := sock.recv(65536):
            received += chunk
            if b"\r\n\r\n" in received and b"content-length" not in received.lower():
                break
        return received


def test_a_request_line_with_a_raw_non_ascii_path_is_not_a_5xx(emulator: EmulatorServer) -> None:
    answer = raw_request(
        emulator, b"GET /v1/predictions/\xff\xfe HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
    )
    status = int(answer.split(b" ", 2)[1])
    assert 400 <= status < 500, answer[:200]


def test_a_lying_content_length_is_not_a_5xx(emulator: EmulatorServer) -> None:
    body = b'{"model": "truefusion"}'
    answer = raw_request(
        emulator,
        b"POST /v1/predictions HTTP/1.1\r\nHost: x\r\nx-api-key: sk-test-raw\r\n"
        b"Content-Type: application/json\r\nContent-Length: 5\r\nConnection: close\r\n\r\n" + body,
    )
    status = int(answer.split(b" ", 2)[1])
    assert 400 <= status < 500, answer[:200]


# --- concurrency -------------------------------------------------------------------------------


async def test_concurrent_creates_cancels_and_deletes_leave_a_consistent_store(
    emulator: EmulatorServer, api_key: str
) -> None:
    limits = httpx.Limits(max_connections=8)
    headers = {"x-api-key": api_key}
    async with httpx.AsyncClient(
        base_url=emulator.base_url, headers=headers, limits=limits, timeout=30
    ) as client:

        async def lifecycle(index: int) -> tuple[str, bool, str]:
            body = {"model": "truefusion", "input": {"prompt": f"boat {index}"}}
            created = await client.post("/predictions", json=body)
            assert created.status_code == 200, created.text
            one = f"/predictions/{created.json()['id']}"
            answers = await asyncio.gather(
                client.post(f"{one}/cancel"), client.get(one), client.get(f"{one}/stream")
            )
            deleted = index % 3 == 0
            if deleted:
                answers += await asyncio.gather(client.delete(one), client.delete(f"{one}/delete"))
            for answer in answers:
                assert answer.status_code < 500, answer.text
            return created.json()["id"], deleted, answers[0].json()["status"]

        outcomes = await asyncio.gather(*(lifecycle(index) for index in range(60)))
        kept = {
            prediction_id: cancel_answer for prediction_id, deleted, cancel_answer in outcomes if not deleted
        }
        listed = (await client.get("/predictions", params={"per_page": 50})).json()
        pages = [listed["data"]]
        if listed["pagination"]["last_page"] > 1:
            pages.append(
                (await client.get("/predictions", params={"per_page": 50, "page": 2})).json()["data"]
            )
        found = {prediction["id"]: prediction["status"] for page in pages for prediction in page}
        assert set(found) == set(kept)
        for prediction_id, status in found.items():  # a cancel's answer is the prediction's final word
            assert kept[prediction_id] in ("cancelled", "succeeded")
            final = (await client.get(f"/predictions/{prediction_id}")).json()["status"]
            assert final == kept[prediction_id], (prediction_id, status, final)
