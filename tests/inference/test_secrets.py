"""The API key never shows in an Inference API error (plain or stream), repr, or log line."""

from __future__ import annotations

import logging

from tests.client.test_secrets import _text_of
from tests.inference.inference_support import CHAT, HELLO

SECRET = "sk-test-SECRET0123456789abcdef"
BAD_SECRET = "SECRET-but-not-a-valid-key-0123"


def test_no_inference_error_reveals_the_key(sdk, caplog):
    caplog.set_level(logging.DEBUG)
    ok = sdk.make_client(api_key=SECRET, retry={"retries": 1, "retry_delay": 1})
    bad = sdk.make_client(api_key=BAD_SECRET)
    offline = sdk.make_client(api_key=SECRET, base_url="http://127.0.0.1:9/v1")
    sdk.fault(method="POST", route="/v1/chat/completions", model=CHAT, status=503, first=2)
    scenarios = [
        ("echoed model", lambda: ok.chat.completions.create(model=SECRET, messages=HELLO)),
        (
            "echoed model, stream",
            lambda: ok.chat.completions.create(model=SECRET, messages=HELLO, stream=True),
        ),
        ("server error after a retry", lambda: ok.chat.completions.create(model=CHAT, messages=HELLO)),
        ("unauthorized", lambda: bad.chat.completions.create(model=CHAT, messages=HELLO)),
        ("unauthorized, stream", lambda: bad.responses.create(model="gpt-5", input="Hi", stream=True)),
        ("echoed model, embeddings", lambda: ok.embeddings.create(model=SECRET, input="a")),
        ("network", lambda: offline.chat.completions.create(model=CHAT, messages=HELLO, stream=True)),
    ]

    for name, call in scenarios:
        text = _text_of(sdk.error(call))
        assert SECRET not in text, f"{name}: the key leaked into the error"
        assert BAD_SECRET not in text, f"{name}: the key leaked into the error"

    logged = "\n".join(r.getMessage() + repr(r.args) for r in caplog.records)
    assert SECRET not in logged and BAD_SECRET not in logged


def test_streams_and_results_do_not_show_the_key(sdk):
    client = sdk.make_client(api_key=SECRET)
    stream = sdk.resolve(client.chat.completions.create(model=CHAT, messages=HELLO, stream=True))

    texts = [repr(client), repr(client.chat.completions), repr(stream), str(stream)]
    texts.append(repr(sdk.resolve(stream.get_final_completion())))

    assert all(SECRET not in text for text in texts)
