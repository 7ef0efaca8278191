"""The API key never shows in an error's message, repr, details, body, traceback, or in any log line."""

from __future__ import annotations

import logging
import traceback

from skytells import ClientOptions

SECRET = "sk-test-SECRET0123456789abcdef"
BAD_SECRET = "SECRET-but-not-a-valid-key-0123"


def _text_of(error: BaseException) -> str:
    parts = [str(error), repr(error), "".join(traceback.format_exception(error))]
    for name in ("details", "body", "message", "prediction"):
        parts.append(repr(getattr(error, name, None)))
    return "\n".join(parts)


def _scenarios(sdk):
    """(name, client, call) for failures of every kind, each made with a client holding a secret key."""
    ok = sdk.make_client(api_key=SECRET)
    bad = sdk.make_client(api_key=BAD_SECRET)
    offline = sdk.make_client(api_key=SECRET, base_url="http://127.0.0.1:9/v1")
    slow = sdk.make_client(api_key=SECRET, timeout=200)
    return [
        ("unauthorized", lambda: bad.models.list()),
        ("not-found", lambda: ok.models.get("no-such-model")),
        ("invalid-input", lambda: ok.run("flux-pro", input={"num_outputs": "x"})),
        ("server-error", lambda: ok.predictions.list()),
        ("non-json", lambda: ok.cancel_prediction("00000000-0000-4000-8000-000000000000")),
        ("network", lambda: offline.models.list()),
        ("timeout", lambda: slow.stream_prediction("00000000-0000-4000-8000-000000000000")),
        ("prediction-failed", lambda: ok.run("truefusion", input={"prompt": "x"})),
    ]


def test_no_error_reveals_the_key(sdk, caplog):
    sdk.fault(method="GET", route="/v1/predictions", action="error", status=500, first=1)
    sdk.fault(method="POST", route="/v1/predictions/*/cancel", action="non_json", status=502, first=1)
    sdk.fault(method="GET", route="/v1/predictions/*/stream", action="latency", latency_ms=3000, first=1)
    sdk.outcome("truefusion", "fail", message="failed on purpose")
    caplog.set_level(logging.DEBUG)

    for name, call in _scenarios(sdk):
        error = sdk.error(call)
        text = _text_of(error)
        assert SECRET not in text, f"{name}: the key leaked into the error"
        assert BAD_SECRET not in text, f"{name}: the key leaked into the error"

    logged = "\n".join(r.getMessage() + repr(r.args) for r in caplog.records)
    assert SECRET not in logged
    assert BAD_SECRET not in logged


def test_successful_calls_log_no_key(sdk, caplog):
    caplog.set_level(logging.DEBUG)
    client = sdk.make_client(api_key=SECRET)

    sdk.resolve(client.run("flux-pro", input={"prompt": "x"}))

    assert caplog.records, "expected some debug logging to check"
    assert SECRET not in caplog.text


def test_client_and_options_reprs_hide_the_key(sdk):
    client = sdk.make_client(api_key=SECRET)
    options = ClientOptions(api_key=SECRET, base_url=sdk.base_url)

    assert SECRET not in repr(client)
    assert SECRET not in str(client)
    assert SECRET not in repr(options)


def test_a_key_that_is_not_ascii_is_rejected_without_echoing_it(sdk):
    """Header values must be ASCII: the resulting error must still not print the key."""
    secret = "sk-test-ключ-SECRET"
    client = sdk.make_client(api_key=secret)

    error = sdk.error(lambda: client.models.list())

    assert "ключ" not in _text_of(error)
    assert error.error_id
