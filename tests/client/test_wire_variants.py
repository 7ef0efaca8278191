"""Answers other Skytells servers give that the emulator does not: the client copes with each.

The public API documents a few shapes differently (a bare list for the prediction list, an empty 204
for delete, a cancel that answers `{"success": true}`). A stand-in transport serves them.
"""

from __future__ import annotations

import httpx


def test_a_bare_list_of_predictions_is_one_page(sdk):
    items = [{"id": "a", "status": "succeeded"}, {"id": "b", "status": "failed"}]
    client = sdk.mock_client(lambda request: httpx.Response(200, json=items))

    page = sdk.resolve(client.predictions.list())
    everything = sdk.collect(client.predictions.list_all())

    assert [p["id"] for p in page.data] == ["a", "b"]
    assert page.pagination.total == 2
    assert page.pagination.last_page == 1
    assert [p["id"] for p in everything] == ["a", "b"]


def test_an_empty_204_delete_is_a_success(sdk):
    client = sdk.mock_client(lambda request: httpx.Response(204))

    deleted = sdk.resolve(client.delete_prediction("a"))

    assert deleted["id"] == "a"


def test_a_success_flag_cancel_is_a_success(sdk):
    client = sdk.mock_client(lambda request: httpx.Response(200, json={"success": True}))

    cancelled = sdk.resolve(client.cancel_prediction("a"))

    assert cancelled["success"] is True, "the answer reaches the caller as it came"


def test_model_as_a_plain_string_in_a_prediction(sdk):
    body = {"id": "a", "status": "succeeded", "model": "truefusion", "output": "https://x/1.png"}
    client = sdk.mock_client(lambda request: httpx.Response(200, json=body))

    prediction = sdk.resolve(client.predictions.get("a"))

    assert prediction["model"] == "truefusion"
    assert prediction.outputs() == "https://x/1.png"


def test_canceled_with_one_l_ends_a_wait(sdk):
    """Some servers spell the status `canceled`; a wait must still stop instead of polling forever."""
    client = sdk.mock_client(lambda request: httpx.Response(200, json={"id": "a", "status": "canceled"}))

    finished = sdk.resolve(client.wait({"id": "a", "status": "pending"}, {"interval": 10, "max_wait": 2000}))

    assert finished["status"] in ("canceled", "cancelled")
