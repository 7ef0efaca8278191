"""The Prediction object: a dict with properties, normalised outputs and lifecycle methods."""

from __future__ import annotations

import json

import httpx
import pytest

from skytells import AsyncPrediction, Prediction

IMAGE = "flux-pro"


def _run(sdk, **input_):
    return sdk.resolve(sdk.client.run(IMAGE, input={"prompt": "A cat", **input_}))


def test_properties_match_the_raw_response(sdk):
    prediction = _run(sdk)

    assert prediction.id == prediction["id"]
    assert prediction.status == prediction["status"] == "succeeded"
    assert prediction.output == prediction["output"]
    assert prediction.response == prediction.raw() == dict(prediction)


def test_async_client_returns_async_predictions(sdk):
    prediction = _run(sdk)

    assert isinstance(prediction, AsyncPrediction if sdk.is_async else Prediction)


def test_it_behaves_as_a_dict(sdk):
    prediction = _run(sdk)

    assert isinstance(prediction, dict)
    assert prediction.get("status") == "succeeded"
    assert "metrics" in prediction
    assert set(prediction.keys()) >= {"id", "status", "input", "output", "urls", "metadata", "created_at"}
    assert json.loads(json.dumps(prediction)) == dict(prediction)


def test_raw_holds_metrics_and_billing(sdk):
    raw = _run(sdk).raw()

    assert isinstance(raw["metrics"]["predict_time"], (int, float))
    assert raw["metadata"]["billing"]["credits_used"] > 0


def test_outputs_unwraps_a_single_output(sdk):
    prediction = _run(sdk, num_outputs=1)

    assert isinstance(prediction.outputs(), str)
    assert prediction.outputs().startswith("http")


def test_outputs_keeps_several_outputs_as_a_list(sdk):
    prediction = _run(sdk, num_outputs=2)

    outputs = prediction.outputs()
    assert isinstance(outputs, list)
    assert len(outputs) == 2


def test_outputs_is_none_while_pending(sdk):
    sdk.outcome(IMAGE, "pending")

    prediction = sdk.resolve(sdk.client.predict(IMAGE, input={"prompt": "x"}))

    assert prediction.output is None
    assert prediction.outputs() is None


@pytest.mark.parametrize(
    ("output", "expected"),
    [
        (None, None),
        ("https://x/1.png", "https://x/1.png"),
        (["https://x/1.png"], "https://x/1.png"),
        (["a", "b"], ["a", "b"]),
        ([], []),
    ],
    ids=["none", "string", "one-item-list", "two-item-list", "empty-list"],
)
def test_outputs_table(sdk, output, expected):
    """The seed's outputs() table, with each output shape served as-is by a stand-in server."""

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"id": "p1", "status": "succeeded", "output": output})

    client = sdk.mock_client(handler)

    prediction = sdk.resolve(client.run(IMAGE, input={"prompt": "x"}))

    assert prediction.outputs() == expected


def test_wait_on_the_object_returns_the_finished_prediction(sdk):
    prediction = sdk.resolve(sdk.client.predict(IMAGE, input={"prompt": "x"}))

    finished = sdk.resolve(prediction.wait({"interval": 20}))

    assert finished["id"] == prediction.id
    assert finished.status == "succeeded"
    assert finished.outputs()


def test_reload_fetches_the_latest_state(sdk):
    sdk.outcome(IMAGE, "pending")
    prediction = sdk.resolve(sdk.client.predict(IMAGE, input={"prompt": "x"}))
    sdk.plain.post(prediction["urls"]["cancel"], headers={"x-api-key": sdk.api_key}).raise_for_status()

    reloaded = sdk.resolve(prediction.reload())

    assert reloaded.status == "cancelled"
    assert reloaded["id"] == prediction.id


def test_download_saves_every_output_file(sdk, tmp_path):
    from PIL import Image

    prediction = _run(sdk, num_outputs=2, output_format="png")

    paths = sdk.resolve(prediction.download(tmp_path))

    assert len(paths) == 2
    for path, url in zip(paths, prediction.outputs(), strict=True):
        assert path.parent == tmp_path / prediction.id
        assert path.read_bytes() == sdk.plain.get(url).content
        with Image.open(path) as image:
            assert image.format == "PNG"


def test_cancel_on_the_object(sdk):
    sdk.outcome(IMAGE, "pending")
    prediction = sdk.resolve(sdk.client.predict(IMAGE, input={"prompt": "x"}))

    cancelled = sdk.resolve(prediction.cancel())

    assert cancelled["status"] == "cancelled"
    assert sdk.raw_get(prediction.id).json()["status"] == "cancelled"


def test_delete_on_the_object_removes_it_and_its_files(sdk):
    prediction = _run(sdk)
    output_url = prediction.outputs()
    assert sdk.plain.get(output_url).status_code == 200

    deleted = sdk.resolve(prediction.delete())

    assert deleted["id"] == prediction.id
    assert sdk.raw_get(prediction.id).status_code == 404
    assert sdk.plain.get(output_url).status_code == 404


def test_repr_names_the_id_and_status(sdk):
    prediction = _run(sdk)

    text = repr(prediction)

    assert prediction.id in text
    assert "succeeded" in text


def test_wait_and_reload_update_the_object_in_place(sdk):
    prediction = sdk.resolve(sdk.client.predict(IMAGE, input={"prompt": "x"}))
    assert prediction.status != "succeeded"

    sdk.resolve(prediction.wait({"interval": 20}))

    assert prediction.status == "succeeded"
    assert prediction["output"] == prediction.output
    assert prediction.outputs()


def test_events_on_the_object_end_with_the_finished_prediction(sdk):
    prediction = sdk.resolve(sdk.client.predict(IMAGE, input={"prompt": "x"}))

    events = sdk.collect(prediction.events())

    assert events[-1].prediction["status"] == "succeeded"
    assert events[-1].prediction["id"] == prediction.id


def test_downloads_of_two_predictions_into_one_folder_keep_both(sdk, tmp_path):
    first, second = _run(sdk, output_format="png"), _run(sdk, output_format="png")

    first_paths = sdk.resolve(first.download(tmp_path))
    second_paths = sdk.resolve(second.download(tmp_path))

    assert {p.name for p in first_paths} == {p.name for p in second_paths}  # same names...
    assert not set(first_paths) & set(second_paths)  # ...in a folder per prediction
    assert all(p.exists() for p in [*first_paths, *second_paths])
    assert not list(tmp_path.rglob("*.part"))


def test_stream_events_carry_a_bound_prediction(sdk):
    prediction = _run(sdk)

    final = sdk.collect(prediction.events())[-1].prediction

    assert final.status == "succeeded" and final.id == prediction.id
    assert isinstance(final, type(prediction))


def test_download_of_an_audio_output_saves_one_file(sdk, tmp_path):
    sdk.speed(2000)
    prediction = sdk.resolve(
        sdk.client.run(
            "beatfusion-2.0", input={"lyrics": "[Verse] la la", "prompt": "pop", "audio_format": "wav"}
        )
    )
    assert isinstance(prediction.outputs(), str)

    paths = sdk.resolve(prediction.download(tmp_path))

    assert len(paths) == 1
    assert paths[0].read_bytes()[:4] == b"RIFF"
    assert paths[0].read_bytes() == sdk.plain.get(prediction.outputs()).content


@pytest.mark.parametrize(
    ("model", "input_"),
    [
        ("deepbrain-vision", {"prompt": "Describe a sunset"}),
        ("beatfusion-2.0", {"lyrics": "[Verse] la", "prompt": "pop"}),
    ],
    ids=["text", "music"],
)
def test_outputs_of_text_and_media_models_are_one_string(sdk, model, input_):
    sdk.speed(2000)

    prediction = sdk.resolve(sdk.client.run(model, input=input_))

    assert isinstance(prediction.outputs(), str)
    assert prediction.outputs()


def test_a_prediction_survives_pickle_and_deepcopy(sdk):
    import copy
    import pickle

    prediction = _run(sdk)

    for clone in (pickle.loads(pickle.dumps(prediction)), copy.deepcopy(prediction)):
        assert dict(clone) == dict(prediction)
        assert clone.id == prediction.id
        assert clone.outputs() == prediction.outputs()
