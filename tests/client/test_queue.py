"""queue() and dispatch(): a local batch sent concurrently, in order, and nothing lost on failure."""

from __future__ import annotations

from skytells import PredictionRequest, SkytellsError

IMAGE = "flux-pro"


def test_queue_sends_nothing_until_dispatch(sdk):
    client, recorder = sdk.recording_client()

    result = client.queue({"model": IMAGE, "input": {"prompt": "Cat"}})

    assert result is None
    assert recorder.requests == []
    assert sdk.server_predictions() == []


def test_dispatch_sends_the_queue_in_order_and_clears_it(sdk):
    prompts = ["Cat", "Dog", "Bird"]
    sdk.client.queue({"model": IMAGE, "input": {"prompt": "Cat"}})
    sdk.client.queue(PredictionRequest(model=IMAGE, input={"prompt": "Dog"}))
    sdk.client.queue({"model": "truefusion", "input": {"prompt": "Bird"}})

    results = sdk.resolve(sdk.client.dispatch())
    again = sdk.resolve(sdk.client.dispatch())

    assert [r["input"]["prompt"] for r in results] == prompts
    assert all(r["status"] not in {"failed", "cancelled"} for r in results)
    assert {p["id"] for p in sdk.server_predictions()} == {r["id"] for r in results}
    assert again == []


def test_dispatch_of_an_empty_queue_returns_an_empty_list(sdk):
    client, recorder = sdk.recording_client()

    assert sdk.resolve(client.dispatch()) == []
    assert recorder.requests == []


def test_dispatch_sends_concurrently(sdk):
    sdk.fault(method="POST", route="/v1/predict*", action="latency", latency_ms=150, first=4)
    client, recorder = sdk.recording_client()
    for prompt in "abcd":
        client.queue({"model": IMAGE, "input": {"prompt": prompt}})

    results = sdk.resolve(client.dispatch())

    assert len(results) == 4
    first_end = next(i for i, (kind, _) in enumerate(recorder.timeline) if kind == "end")
    started_before_any_reply = sum(1 for kind, _ in recorder.timeline[:first_end] if kind == "start")
    assert started_before_any_reply > 1, f"the creates went one after another: {recorder.timeline}"


def test_dispatch_items_can_be_waited_on(sdk):
    for prompt in ("Cat", "Dog"):
        sdk.client.queue({"model": IMAGE, "input": {"prompt": prompt}})

    results = sdk.resolve(sdk.client.dispatch())
    completed = [sdk.resolve(sdk.client.wait(r, {"interval": 20})) for r in results]

    assert [c["status"] for c in completed] == ["succeeded", "succeeded"]


def test_partial_failure_keeps_the_predictions_that_were_created(sdk):
    sdk.client.queue({"model": IMAGE, "input": {"prompt": "first"}})
    sdk.client.queue({"model": "no-such-model", "input": {"prompt": "second"}})
    sdk.client.queue({"model": IMAGE, "input": {"prompt": "third"}})

    error = sdk.error(lambda: sdk.client.dispatch())

    assert isinstance(error, SkytellsError)
    assert error.error_id == "MODEL_NOT_FOUND"
    created = [p for p in error.predictions if p is not None and not isinstance(p, BaseException)]
    assert [p["input"]["prompt"] for p in created] == ["first", "third"]
    stored = {p["id"] for p in sdk.server_predictions()}
    assert stored == {p["id"] for p in created}, "every stored prediction is reported to the caller"
    assert sdk.resolve(sdk.client.dispatch()) == [], "the queue is cleared even when a send fails"


def test_queue_with_model_and_webhook_dispatches_at_once(sdk):
    webhook = {"url": "http://127.0.0.1:9/webhooks/skytells", "events": ["completed", "failed"]}

    prediction = sdk.resolve(
        sdk.client.queue(
            "beatfusion-2.0",
            input={"lyrics": "[Verse]\nBuilding the future...", "prompt": "Hip-hop, energetic"},
            webhook=webhook,
        )
    )

    assert prediction.id
    assert prediction["webhook"]["url"] == webhook["url"]
    assert [p["id"] for p in sdk.server_predictions()] == [prediction.id]
    assert sdk.resolve(sdk.client.dispatch()) == [], "the keyword form does not leave anything queued"


def test_a_webhook_given_as_a_url_string(sdk):
    prediction = sdk.resolve(
        sdk.client.predictions.create(model=IMAGE, input={"prompt": "x"}, webhook="http://127.0.0.1:9/hook")
    )

    assert prediction["webhook"]["url"] == "http://127.0.0.1:9/hook"
