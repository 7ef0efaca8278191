"""Building a client: keyword and options forms, the environment, headers, injection, closing."""

from __future__ import annotations

import httpx

import skytells
from skytells import ClientOptions, RetryOptions


def _works(sdk, client):
    return sdk.resolve(client.models.get("flux-pro"))["namespace"] == "flux-pro"


def test_keyword_form(sdk):
    client = sdk.make_client(timeout=30_000, retry={"retries": 3}, headers={"X-App": "demo"})

    assert _works(sdk, client)


def test_an_explicit_default_timeout_wins_over_the_options_timeout(sdk):
    client = sdk.make_client(options={"timeout": 5_000}, timeout=60000)
    implicit = sdk.make_client(options={"timeout": 5_000})

    assert client.timeout == 60_000
    assert implicit.timeout == 5_000


def test_options_dict_form(sdk):
    client = sdk.client_class(sdk.api_key, {"base_url": sdk.base_url, "timeout": 30_000})
    sdk._closers.append(lambda: sdk.close_client(client))

    assert _works(sdk, client)


def test_client_options_form(sdk):
    options = ClientOptions(base_url=sdk.base_url, timeout=30_000, retry=RetryOptions(retries=2))
    client = sdk.client_class(sdk.api_key, options)
    sdk._closers.append(lambda: sdk.close_client(client))

    assert _works(sdk, client)


def test_key_and_base_url_come_from_the_environment(sdk, monkeypatch):
    monkeypatch.setenv("SKYTELLS_API_KEY", sdk.api_key)
    monkeypatch.setenv("SKYTELLS_BASE_URL", sdk.base_url)
    client = sdk.client_class()
    sdk._closers.append(lambda: sdk.close_client(client))

    prediction = sdk.resolve(client.run("flux-pro", input={"prompt": "from env"}))

    assert prediction.status == "succeeded"
    assert [p["id"] for p in sdk.server_predictions(sdk.api_key)] == [prediction.id]


def test_explicit_arguments_beat_the_environment(sdk, monkeypatch):
    monkeypatch.setenv("SKYTELLS_API_KEY", "sk-test-from-the-environment-000")
    monkeypatch.setenv("SKYTELLS_BASE_URL", "http://127.0.0.1:9/v1")

    client = sdk.make_client()

    assert _works(sdk, client)


def test_headers_sent_with_every_request(sdk):
    client, recorder = sdk.recording_client(headers={"X-App-Name": "demo-app"})

    sdk.resolve(client.models.list())
    sdk.resolve(client.predictions.create({"model": "flux-pro", "input": {"prompt": "x"}}))

    assert len(recorder.requests) == 2
    for request in recorder.requests:
        assert request.headers["x-app-name"] == "demo-app"
        assert request.headers["x-api-key"] == sdk.api_key
    assert recorder.requests[1].headers["content-type"].startswith("application/json")


def test_requests_go_to_the_base_url(sdk):
    client, recorder = sdk.recording_client()

    sdk.resolve(client.models.list())

    assert recorder.requests[0].url.startswith(sdk.base_url.rstrip("/") + "/models")


def test_an_injected_http_client_carries_the_requests(sdk):
    client, recorder = sdk.recording_client()

    sdk.resolve(client.models.list())

    assert [r.method for r in recorder.requests] == ["GET"]


def test_injected_http_client_stays_usable_after_close(sdk):
    http = sdk.http_client()
    client = sdk.make_client(http_client=http)
    sdk.resolve(client.models.list())

    sdk.close_client(client)

    reply = sdk.resolve(http.get(f"{sdk.base_url}/models", headers={"x-api-key": sdk.api_key}))
    assert reply.status_code == 200


def test_context_manager_returns_the_client_and_closes_it(sdk):
    client = sdk.make_client()
    if sdk.is_async:

        async def use():
            async with client as entered:
                assert entered is client
                await client.models.list()

        sdk.run_async(use())
    else:
        with client as entered:
            assert entered is client
            client.models.list()

    error = sdk.error(lambda: client.models.list())
    assert error.error_id == "SDK_ERROR", (
        "a closed client refuses with a SkytellsError, not a raw httpx error"
    )
    assert "closed" in str(error)


def test_close_twice_is_harmless(sdk):
    client = sdk.make_client()

    sdk.close_client(client)
    sdk.close_client(client)


def test_the_default_base_url_is_the_public_api(sdk, monkeypatch):
    monkeypatch.delenv("SKYTELLS_BASE_URL", raising=False)
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        return httpx.Response(200, json=[])

    http = sdk.http_client(transport=httpx.MockTransport(handler))
    client = sdk.client_class("sk-test-key-000", http_client=http)
    sdk._closers.append(lambda: sdk.close_client(client))

    sdk.resolve(client.models.list())

    assert seen == [skytells.API_BASE_URL + "/models"]
    assert skytells.API_BASE_URL == "https://api.skytells.ai/v1"


def test_skytells_factory_and_client_alias(base_url, api_key, emulator):
    with (
        skytells.Skytells(api_key, {"base_url": base_url}) as one,
        skytells.Client(api_key=api_key, base_url=base_url) as two,
    ):
        assert isinstance(one, skytells.SkytellsClient)
        assert isinstance(two, skytells.SkytellsClient)
        assert one.models.get("flux-pro")["namespace"] == two.models.get("flux-pro")["namespace"]
