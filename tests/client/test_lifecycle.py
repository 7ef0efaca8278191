"""cancel_prediction() and delete_prediction() by id."""

from __future__ import annotations

IMAGE = "flux-pro"
UNKNOWN = "00000000-0000-4000-8000-000000000000"


def test_cancel_a_pending_prediction(sdk):
    sdk.outcome(IMAGE, "pending")
    created = sdk.resolve(sdk.client.predictions.create({"model": IMAGE, "input": {"prompt": "x"}}))

    cancelled = sdk.resolve(sdk.client.cancel_prediction(created["id"]))

    assert cancelled["id"] == created["id"]
    assert cancelled["status"] == "cancelled"
    assert sdk.raw_get(created["id"]).json()["status"] == "cancelled"


def test_cancel_a_finished_prediction_leaves_it_unchanged(sdk):
    finished = sdk.resolve(sdk.client.run(IMAGE, input={"prompt": "x"}))

    after = sdk.resolve(sdk.client.cancel_prediction(finished.id))

    assert after["status"] == "succeeded"
    assert after["output"] == finished.output


def test_delete_removes_the_prediction_and_its_files(sdk):
    finished = sdk.resolve(sdk.client.run(IMAGE, input={"prompt": "x", "num_outputs": 2}))
    urls = finished.outputs()
    assert all(sdk.plain.get(url).status_code == 200 for url in urls)

    deleted = sdk.resolve(sdk.client.delete_prediction(finished.id))

    assert deleted["id"] == finished.id
    error = sdk.error(lambda: sdk.client.predictions.get(finished.id))
    assert error.error_id == "PREDICTION_NOT_FOUND"
    assert [sdk.plain.get(url).status_code for url in urls] == [404, 404]


def test_cancel_and_delete_of_an_unknown_id_are_not_found(sdk):
    for call in (sdk.client.cancel_prediction, sdk.client.delete_prediction):
        error = sdk.error(lambda call=call: call(UNKNOWN))
        assert error.http_status == 404
        assert error.error_id == "PREDICTION_NOT_FOUND"


def test_another_key_cannot_cancel_or_delete(sdk):
    sdk.outcome(IMAGE, "pending")
    created = sdk.resolve(sdk.client.predictions.create({"model": IMAGE, "input": {"prompt": "x"}}))
    stranger = sdk.make_client(api_key="sk-test-someone-else-0000000000")

    for call in (stranger.cancel_prediction, stranger.delete_prediction):
        error = sdk.error(lambda call=call: call(created["id"]))
        assert error.http_status == 404

    assert sdk.raw_get(created["id"]).json()["status"] == "pending"
