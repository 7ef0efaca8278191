"""run() and predict(): the ways a user starts a prediction."""

from __future__ import annotations

import pytest

from skytells import Prediction, PredictionRequest, PredictionStatus

IMAGE = "flux-pro"
VIDEO = "mera"
TERMINAL = {"succeeded", "failed", "cancelled"}
FAST_POLL = {"interval": 20}


def test_run_without_progress_makes_one_awaited_create_call(sdk):
    client, recorder = sdk.recording_client()

    prediction = sdk.resolve(client.run(IMAGE, input={"prompt": "A cat wearing sunglasses"}))

    assert prediction.status == "succeeded"
    assert prediction.output
    assert len(recorder.requests) == 1
    (create,) = recorder.creates()
    assert create.json()["await"] is True
    assert create.json()["model"] == IMAGE
    assert create.json()["input"]["prompt"] == "A cat wearing sunglasses"


def test_run_returns_a_prediction_object(sdk):
    prediction = sdk.resolve(sdk.client.run(IMAGE, input={"prompt": "A cat"}))

    assert isinstance(prediction, Prediction)
    assert isinstance(prediction, dict)
    assert prediction.id == prediction["id"]
    assert prediction.status == PredictionStatus.SUCCEEDED


def test_run_on_a_video_model_keeps_waiting_until_terminal(sdk):
    sdk.speed(2000)
    client, recorder = sdk.recording_client()

    prediction = sdk.resolve(client.run(VIDEO, input={"prompt": "City at night"}, options=FAST_POLL))

    assert prediction.status == "succeeded"
    assert prediction.outputs()
    assert len(recorder.creates()) == 1
    polls = [r for r in recorder.requests if r.method == "GET"]
    assert polls, "a pending answer to an awaited create must be followed by polling"


def test_run_with_progress_reports_each_poll_and_ends_in_succeeded(sdk):
    client, recorder = sdk.recording_client()
    seen: list[str] = []

    prediction = sdk.resolve(
        client.run(
            IMAGE,
            input={"prompt": "A forest"},
            on_progress=lambda p: seen.append(p["status"]),
            options=FAST_POLL,
        )
    )

    assert prediction.status == "succeeded"
    assert seen, "on_progress was never called"
    assert seen[-1] == "succeeded"
    assert all(status in {s.value for s in PredictionStatus} for status in seen)
    (create,) = recorder.creates()
    assert not create.json().get("await"), "the progress path creates without server-side wait"


def test_run_progress_callback_receives_the_prediction_state(sdk):
    states: list[dict] = []

    sdk.resolve(sdk.client.run(IMAGE, input={"prompt": "x"}, on_progress=states.append, options=FAST_POLL))

    assert states
    last = states[-1]
    assert last["status"] == "succeeded"
    assert isinstance(last.get("metrics"), dict)
    assert last["metrics"].get("progress") in (100, 100.0)


def test_run_polls_at_the_requested_interval(sdk, sleeps):
    sdk.outcome(IMAGE, "pending")
    signal = sdk.new_signal()
    polls: list[str] = []

    def on_progress(p):
        polls.append(p["status"])
        if len(polls) == 5:
            sdk.set_signal(signal)

    error = sdk.error(
        lambda: sdk.client.run(
            IMAGE,
            input={"prompt": "x"},
            on_progress=on_progress,
            options={"interval": 250, "signal": signal, "live": False},
        )
    )

    assert error.error_id == "ABORTED"
    assert len(sleeps.delays) >= 2
    assert all(delay == pytest.approx(0.25, abs=0.01) for delay in sleeps.delays), sleeps.delays


def test_run_with_max_wait_gives_wait_timeout(sdk):
    sdk.outcome(IMAGE, "pending")

    error = sdk.error(
        lambda: sdk.client.run(
            IMAGE,
            input={"prompt": "x"},
            on_progress=lambda p: None,
            options={"interval": 20, "max_wait": 100},
        )
    )

    assert error.error_id == "WAIT_TIMEOUT"
    assert error.http_status == 408


def test_run_aborted_by_signal_during_polling(sdk):
    sdk.outcome(IMAGE, "pending")
    signal = sdk.new_signal()

    error = sdk.error(
        lambda: sdk.client.run(
            IMAGE,
            input={"prompt": "x"},
            on_progress=lambda p: sdk.set_signal(signal),
            options={"interval": 20, "signal": signal},
        )
    )

    assert error.error_id == "ABORTED"


def test_run_with_an_already_set_signal_is_aborted(sdk):
    sdk.outcome(IMAGE, "pending")
    signal = sdk.new_signal()
    sdk.set_signal(signal)

    error = sdk.error(
        lambda: sdk.client.run(
            IMAGE,
            input={"prompt": "x"},
            on_progress=lambda p: None,
            options={"interval": 20, "signal": signal},
        )
    )

    assert error.error_id == "ABORTED"


@pytest.mark.parametrize("with_progress", [False, True], ids=["await-path", "progress-path"])
def test_failed_prediction_raises_prediction_failed_with_the_prediction(sdk, with_progress):
    sdk.outcome(IMAGE, "fail", message="The GPU caught fire")
    kwargs = {"on_progress": lambda p: None, "options": FAST_POLL} if with_progress else {}

    error = sdk.error(lambda: sdk.client.run(IMAGE, input={"prompt": "x"}, **kwargs))

    assert error.error_id == "PREDICTION_FAILED"
    assert "The GPU caught fire" in str(error)
    failed = error.prediction
    assert failed["status"] == "failed"
    assert sdk.raw_get(failed["id"]).json()["status"] == "failed", "the failed prediction is the stored one"


def test_run_sends_webhook_and_stream(sdk):
    webhook = {"url": "http://127.0.0.1:9/hooks/skytells", "events": ["completed", "failed"]}

    prediction = sdk.resolve(sdk.client.run(IMAGE, input={"prompt": "x"}, webhook=webhook, stream=True))

    assert prediction["webhook"]["url"] == webhook["url"]
    assert set(prediction["webhook"]["events"]) == {"completed", "failed"}
    assert prediction["stream"] is True
    assert prediction["urls"]["stream"].startswith("http")


def test_run_accepts_input_through_run_options(sdk):
    from skytells import RunOptions

    prediction = sdk.resolve(sdk.client.run(IMAGE, options=RunOptions(input={"prompt": "from options"})))

    assert prediction["input"]["prompt"] == "from options"


@pytest.mark.parametrize("form", ["dict", "request"])
def test_run_accepts_a_whole_payload(sdk, form):
    payload = {"model": IMAGE, "input": {"prompt": "whole payload"}}
    if form == "request":
        payload = PredictionRequest(model=IMAGE, input={"prompt": "whole payload"})

    prediction = sdk.resolve(sdk.client.run(payload))

    assert prediction.status == "succeeded"
    assert prediction["input"]["prompt"] == "whole payload"


# -- predict -----------------------------------------------------------------------------------


def test_predict_with_a_payload_returns_at_once(sdk):
    sdk.outcome(IMAGE, "pending")

    response = sdk.resolve(sdk.client.predict({"model": IMAGE, "input": {"prompt": "A landscape"}}))

    assert response["status"] == "pending"
    assert response["id"]
    assert sdk.raw_get(response["id"]).status_code == 200


def test_predict_with_model_and_input_keywords(sdk):
    sdk.outcome(VIDEO, "pending")

    prediction = sdk.resolve(
        sdk.client.predict(VIDEO, input={"prompt": "City timelapse", "seconds": "8", "size": "1280x720"})
    )

    assert prediction.id == prediction["id"]
    assert prediction.status == "pending"
    assert prediction["input"]["prompt"] == "City timelapse"


def test_predict_honours_await_in_the_payload(sdk):
    response = sdk.resolve(sdk.client.predict({"model": IMAGE, "input": {"prompt": "x"}, "await": True}))

    assert response["status"] == "succeeded"


def test_predict_accepts_a_prediction_request(sdk):
    request = PredictionRequest(model=IMAGE, input={"prompt": "from a request object"}, await_=True)

    response = sdk.resolve(sdk.client.predict(request))

    assert response["status"] == "succeeded"
    assert response["input"]["prompt"] == "from a request object"


def test_predictions_create_accepts_a_prediction_request_with_webhook_and_stream(sdk):
    webhook = {"url": "http://127.0.0.1:9/hook", "events": ["completed"]}
    request = PredictionRequest(model=IMAGE, input={"prompt": "x"}, webhook=webhook, stream=True)

    response = sdk.resolve(sdk.client.predictions.create(request))

    assert response["stream"] is True
    assert response["webhook"]["url"] == webhook["url"]
    assert response["status"] not in TERMINAL


# -- compatibility check and auto-await --------------------------------------------------------


def _model_lookups(recorder):
    return [r for r in recorder.requests if r.method == "GET" and "/model" in r.url]


def test_predict_skips_the_model_lookup_by_default(sdk):
    client, recorder = sdk.recording_client()

    sdk.resolve(client.predict({"model": IMAGE, "input": {"prompt": "x"}}))

    assert _model_lookups(recorder) == []


def test_compatibility_check_looks_the_model_up_once_per_client(sdk):
    client, recorder = sdk.recording_client()

    for _ in range(2):
        sdk.resolve(
            client.predict({"model": IMAGE, "input": {"prompt": "x"}}, options={"compatibility_check": True})
        )

    lookups = _model_lookups(recorder)
    assert len(lookups) == 1
    assert IMAGE in lookups[0].url
    assert len(recorder.creates()) == 2
    assert "compatibility_check" not in recorder.creates()[0].body.decode()


def test_sdk_options_as_the_second_argument_are_not_sent_as_input(sdk):
    """The TypeScript call shape predict(payload, {compatibilityCheck: true}) in Python form."""
    client, recorder = sdk.recording_client()

    sdk.resolve(client.predict({"model": IMAGE, "input": {"prompt": "kept"}}, {"compatibility_check": True}))

    (create,) = recorder.creates()
    assert create.json()["input"] == {"prompt": "kept"}
    assert len(_model_lookups(recorder)) == 1


def test_compatibility_check_as_keywords(sdk):
    client, recorder = sdk.recording_client()

    sdk.resolve(client.predict(IMAGE, input={"prompt": "x"}, compatibility_check=True))

    assert len(_model_lookups(recorder)) == 1


def test_compatibility_check_rejects_a_chat_only_model_before_creating(sdk, chat_model):
    client, recorder = sdk.recording_client()

    error = sdk.error(
        lambda: client.predict(
            {"model": chat_model, "input": {"prompt": "x"}}, options={"compatibility_check": True}
        )
    )

    assert error.error_id == "SDK_ERROR"
    assert "Use client.chat.completions.create() instead." in error.message
    assert recorder.creates() == []


def test_compatibility_check_on_an_unknown_model_is_model_not_found(sdk):
    error = sdk.error(
        lambda: sdk.client.predict(
            {"model": "no-such-model", "input": {}}, options={"compatibility_check": True}
        )
    )

    assert error.error_id == "MODEL_NOT_FOUND"
    assert error.http_status == 404


def test_auto_await_waits_server_side_for_image_models(sdk):
    options = {"compatibility_check": True, "auto_await": True}

    image = sdk.resolve(
        sdk.client.predictions.create({"model": IMAGE, "input": {"prompt": "x"}}, options=options)
    )

    assert image["status"] == "succeeded"
    assert image["output"]


def test_auto_await_leaves_video_models_pending(sdk):
    client, recorder = sdk.recording_client()
    options = {"compatibility_check": True, "auto_await": True}

    video = sdk.resolve(
        client.predictions.create({"model": VIDEO, "input": {"prompt": "x"}}, options=options)
    )

    assert video["status"] not in TERMINAL
    assert not recorder.creates()[0].json().get("await")


def test_explicit_await_false_wins_over_auto_await(sdk):
    client, recorder = sdk.recording_client()
    options = {"compatibility_check": True, "auto_await": True}

    image = sdk.resolve(
        client.predictions.create({"model": IMAGE, "input": {"prompt": "x"}, "await": False}, options=options)
    )

    assert image["status"] not in TERMINAL
    assert recorder.creates()[0].json()["await"] is False


def test_predictions_create_never_waits_by_default(sdk):
    client, recorder = sdk.recording_client()

    response = sdk.resolve(client.predictions.create({"model": IMAGE, "input": {"prompt": "x"}}))

    assert response["status"] not in TERMINAL
    assert not recorder.creates()[0].json().get("await")


def test_a_fast_model_comes_back_finished_from_create_and_wait_sends_nothing(sdk):
    """Seed 003: fast models "often succeeded in the initial response — no polling needed"."""
    client, recorder = sdk.recording_client()

    created = sdk.resolve(client.predictions.create({"model": "truefusion-edge", "input": {"prompt": "x"}}))
    done = sdk.resolve(client.wait(created))

    assert created["status"] == "succeeded" and created.outputs()
    assert done["id"] == created["id"] and done["status"] == "succeeded"
    assert len(recorder.requests) == 1  # the create: nothing left to poll
    assert not recorder.creates()[0].json().get("await")


@pytest.mark.parametrize("slug", ["skytells/truefusion-pro", "TrueFusion-Pro"])
def test_run_takes_a_slug_in_any_case_or_with_its_vendor(sdk, slug):
    prediction = sdk.resolve(sdk.client.run(slug, input={"prompt": "x"}))

    assert prediction.status == "succeeded"
    assert prediction["model"]["name"] == "truefusion-pro"


def test_stream_prediction_has_urls_stream_for_a_streaming_prediction(sdk):
    """Seed 002: ``stream: True`` "populates urls["stream"]"; without it the key is not there."""
    streamed = sdk.resolve(
        sdk.client.predictions.create({"model": IMAGE, "input": {"prompt": "s"}, "stream": True})
    )
    plain = sdk.resolve(sdk.client.predictions.create({"model": IMAGE, "input": {"prompt": "p"}}))

    info = sdk.resolve(sdk.client.stream_prediction(streamed["id"]))
    other = sdk.resolve(sdk.client.stream_prediction(plain["id"]))

    assert info["urls"]["stream"].endswith(f"/predictions/{streamed['id']}/stream")
    assert "stream" not in other["urls"]


def test_predictions_create_with_model_and_input_keywords(sdk):
    response = sdk.resolve(sdk.client.predictions.create(model=IMAGE, input={"prompt": "keywords"}))

    assert response["input"]["prompt"] == "keywords"
    assert response["model"]["type"] == "image"


def test_create_without_a_model_is_a_clear_error_and_sends_nothing(sdk):
    client, recorder = sdk.recording_client()

    error = sdk.error(lambda: client.predict({"input": {"prompt": "x"}}))

    assert error.error_id == "SDK_ERROR"
    assert "model" in str(error)
    assert recorder.requests == []
