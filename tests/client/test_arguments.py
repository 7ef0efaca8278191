"""Calls with arguments the SDK refuses: `SDK_ERROR` naming the mistake, and nothing sent."""

from __future__ import annotations

import pytest

IMAGE = "flux-pro"

#: call -> the words of its error message
REFUSED = {
    "payload-type": (lambda c: c.predictions.create(42), "must be a dict or PredictionRequest"),
    "input-twice": (
        lambda c: c.predictions.create({"model": IMAGE, "input": {"prompt": "a"}}, {"prompt": "b"}),
        "already has an 'input'",
    ),
    "no-model": (lambda c: c.predictions.create({"input": {"prompt": "a"}}), "needs a model slug"),
    "blank-model": (lambda c: c.predictions.create(model="  ", input={}), "needs a model slug"),
    "input-list": (lambda c: c.predictions.create(IMAGE, input=["a cat"]), "input must be a dict"),
    "run-input-str": (lambda c: c.run(IMAGE, input="a cat"), "input must be a dict"),
    "model-slug": (lambda c: c.models.get(""), "A model slug is required"),
}


@pytest.mark.parametrize("case", list(REFUSED))
def test_a_refused_call_says_why_and_sends_nothing(sdk, case):
    call, words = REFUSED[case]
    error = sdk.error(lambda: call(sdk.client))

    assert error.error_id == "SDK_ERROR" and error.http_status == 0
    assert words in error.message
    assert sdk.wire.requests(path="/v1/*") == [], "nothing reached the server"


def test_a_payload_string_is_the_model_slug(sdk):
    created = sdk.resolve(sdk.client.predictions.create(IMAGE, {"prompt": "a"}))

    assert created["model"]["name"] == IMAGE
    (create,) = sdk.wire.creates()
    assert create.method == "POST"
