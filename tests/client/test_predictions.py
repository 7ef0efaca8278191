"""client.predictions: get, list with filters and pages, iteration across pages; client.wait()."""

from __future__ import annotations

import datetime as dt

import httpx
import pytest

from skytells import PaginatedResponse, PredictionsListOptions, WaitOptions

IMAGE = "flux-pro"
OTHER = "truefusion"


def _create(sdk, model=IMAGE, prompt="x", client=None):
    client = client or sdk.client
    return sdk.resolve(client.predictions.create({"model": model, "input": {"prompt": prompt}}))


def _today():
    return dt.datetime.now(dt.timezone.utc).date()


# -- get ----------------------------------------------------------------------------------------


def test_get_returns_the_stored_prediction(sdk):
    created = _create(sdk, prompt="fetch me")

    fetched = sdk.resolve(sdk.client.predictions.get(created["id"]))

    assert fetched["id"] == created["id"]
    assert fetched["input"]["prompt"] == "fetch me"
    assert fetched.id == created["id"]


def test_get_an_unknown_prediction_is_not_found(sdk):
    error = sdk.error(lambda: sdk.client.predictions.get("00000000-0000-4000-8000-000000000000"))

    assert error.http_status == 404
    assert error.status_code == 404
    assert error.error_id == "PREDICTION_NOT_FOUND"


# -- list ---------------------------------------------------------------------------------------


def test_list_returns_a_paginated_response_newest_first(sdk):
    ids = [_create(sdk, prompt=str(i))["id"] for i in range(3)]

    page = sdk.resolve(sdk.client.predictions.list())

    assert isinstance(page, PaginatedResponse)
    assert [p["id"] for p in page.data] == list(reversed(ids))
    assert page.pagination.current_page == 1
    assert page.pagination.total == 3
    assert page.pagination.last_page == 1
    assert page.pagination.per_page >= 3


def test_list_filters_by_model(sdk):
    mine = {_create(sdk, IMAGE)["id"] for _ in range(2)}
    _create(sdk, OTHER)

    page = sdk.resolve(sdk.client.predictions.list(model=IMAGE))

    assert {p["id"] for p in page.data} == mine
    assert page.pagination.total == 2


def test_list_filters_by_date_range(sdk):
    created = _create(sdk)
    today = _today()
    yesterday, tomorrow = today - dt.timedelta(days=1), today + dt.timedelta(days=1)

    inside = sdk.resolve(sdk.client.predictions.list(since=yesterday.isoformat(), until=tomorrow.isoformat()))
    later = sdk.resolve(sdk.client.predictions.list(since=tomorrow.isoformat()))
    earlier = sdk.resolve(sdk.client.predictions.list(until=yesterday.isoformat()))

    assert [p["id"] for p in inside.data] == [created["id"]]
    assert later.data == []
    assert earlier.data == []


def test_list_filters_by_iso_8601_date_times_with_offsets(sdk):
    """Seed 004: since/until take ISO 8601 date-times too; they reach the server unchanged."""
    client, recorder = sdk.recording_client()
    created = sdk.resolve(client.predictions.create({"model": IMAGE, "input": {"prompt": "x"}}))
    moment = dt.datetime.fromisoformat(created["created_at"].replace("Z", "+00:00"))
    plus_two = dt.timezone(dt.timedelta(hours=2))
    before = (moment - dt.timedelta(seconds=5)).astimezone(plus_two).isoformat()
    after = (moment + dt.timedelta(seconds=5)).strftime("%Y-%m-%dT%H:%M:%SZ")

    inside = sdk.resolve(client.predictions.list(since=before, until=after))
    later = sdk.resolve(client.predictions.list(since=after))

    assert [p["id"] for p in inside.data] == [created["id"]]
    assert later.data == []
    query = httpx.URL(recorder.requests[1].url).params
    assert (query["from"], query["to"]) == (before, after)


def test_list_filters_by_status(sdk):
    sdk.outcome(IMAGE, "pending", count=1)
    pending = _create(sdk)
    done = sdk.resolve(sdk.client.run(IMAGE, input={"prompt": "x"}))

    only_pending = sdk.resolve(sdk.client.predictions.list(status="pending"))
    only_done = sdk.resolve(sdk.client.predictions.list(options={"status": "succeeded"}))

    assert [p["id"] for p in only_pending.data] == [pending["id"]]
    assert [p["id"] for p in only_done.data] == [done.id]


def test_list_takes_its_filters_as_an_options_object_or_dict(sdk):
    mine = _create(sdk, IMAGE)["id"]
    _create(sdk, OTHER)

    by_object = sdk.resolve(sdk.client.predictions.list(options=PredictionsListOptions(model=IMAGE)))
    by_dict = sdk.resolve(sdk.client.predictions.list(options={"model": IMAGE, "page": 1}))

    assert [p["id"] for p in by_object.data] == [mine]
    assert [p["id"] for p in by_dict.data] == [mine]


def test_list_takes_options_in_first_position_as_seed_002_shows(sdk):
    _create(sdk, IMAGE)
    _create(sdk, OTHER)

    by_object = sdk.resolve(sdk.client.predictions.list(PredictionsListOptions(model=IMAGE)))
    by_dict = sdk.resolve(sdk.client.predictions.list({"model": OTHER}))
    by_page = sdk.resolve(sdk.client.predictions.list(1))

    assert [p["model"]["name"] for p in by_object.data] == [IMAGE]
    assert [p["model"]["name"] for p in by_dict.data] == [OTHER]
    assert len(by_page.data) == 2


def test_list_refuses_options_given_twice(sdk):
    error = sdk.error(lambda: sdk.client.predictions.list({"model": IMAGE}, options={"model": OTHER}))

    assert error.error_id == "SDK_ERROR" and "twice" in error.message


def test_list_pages_through_many_predictions(sdk):
    ids = [_create(sdk, prompt=str(i))["id"] for i in range(5)]

    pages = [sdk.resolve(sdk.client.predictions.list(page=n, per_page=2)) for n in (1, 2, 3)]

    assert pages[0].pagination.total == 5
    assert pages[0].pagination.last_page == 3
    assert pages[0].pagination.per_page == 2
    assert [p.pagination.current_page for p in pages] == [1, 2, 3]
    assert [len(p.data) for p in pages] == [2, 2, 1]
    assert [p["id"] for page in pages for p in page.data] == list(reversed(ids))


def test_the_default_page_size_is_twenty(sdk):
    for i in range(21):
        _create(sdk, prompt=str(i))

    first = sdk.resolve(sdk.client.predictions.list())

    assert len(first.data) == 20
    assert first.pagination.last_page == 2


def test_iterating_predictions_crosses_pages(sdk):
    ids = [_create(sdk, prompt=str(i))["id"] for i in range(5)]
    client, recorder = sdk.recording_client()

    seen = [p["id"] for p in sdk.collect(client.predictions.list_all(per_page=2))]

    assert seen == list(reversed(ids))
    assert len(recorder.requests) == 3, "one request per page"


def test_iterating_predictions_fetches_pages_as_it_goes(sdk):
    for i in range(5):
        _create(sdk, prompt=str(i))
    client, recorder = sdk.recording_client()

    first_two = sdk.collect(client.predictions.list_all(per_page=2), limit=2)

    assert len(first_two) == 2
    assert len(recorder.requests) == 1


def test_iterating_predictions_applies_filters(sdk):
    mine = [_create(sdk, IMAGE)["id"] for _ in range(2)]
    _create(sdk, OTHER)

    seen = [p["id"] for p in sdk.collect(sdk.client.predictions.list_all(model=IMAGE))]

    assert seen == list(reversed(mine))


@pytest.mark.parametrize(
    ("kwargs", "error_id"),
    [
        ({"since": "2026/01/01"}, "INVALID_DATE_FORMAT"),
        ({"until": "2026-01-01T24:30:00Z"}, "INVALID_DATE_FORMAT"),
        ({"since": "2026-01-01T10:00:00+02:00", "until": "2026-01-01T07:00:00Z"}, "INVALID_DATE_RANGE"),
        ({"since": "2026-03-16", "until": "2026-01-01"}, "INVALID_DATE_RANGE"),
        ({"model": "no-such-model"}, "MODEL_NOT_FOUND"),
        ({"page": 0}, "INVALID_PARAMETER"),
    ],
)
def test_list_rejects_bad_filters_with_the_api_error(sdk, kwargs, error_id):
    error = sdk.error(lambda: sdk.client.predictions.list(**kwargs))

    assert error.error_id == error_id
    assert error.http_status == (404 if error_id == "MODEL_NOT_FOUND" else 400)


def test_list_only_shows_the_callers_predictions(sdk):
    _create(sdk)
    stranger = sdk.make_client(api_key="sk-test-someone-else-0000000000")

    page = sdk.resolve(stranger.predictions.list())

    assert page.data == []


# -- wait ---------------------------------------------------------------------------------------


def test_wait_polls_until_succeeded(sdk):
    created = _create(sdk)

    finished = sdk.resolve(sdk.client.wait(created, {"interval": 20}))

    assert finished["status"] == "succeeded"
    assert finished["output"]
    assert finished.outputs()


def test_wait_accepts_an_id_a_dict_and_wait_options(sdk):
    created = _create(sdk)

    by_id = sdk.resolve(sdk.client.wait(created["id"], WaitOptions(interval=20)))
    by_dict = sdk.resolve(sdk.client.wait(dict(created), options={"interval": 20, "max_wait": 30_000}))

    assert by_id["status"] == by_dict["status"] == "succeeded"


def test_wait_on_a_terminal_prediction_returns_at_once_without_a_request(sdk, base_url):
    finished = sdk.resolve(sdk.client.run(IMAGE, input={"prompt": "x"}))
    offline = sdk.make_client(base_url="http://127.0.0.1:9/v1")

    again = sdk.resolve(offline.wait(finished))

    assert again["id"] == finished["id"]
    assert again["status"] == "succeeded"


def test_wait_follows_urls_get(sdk):
    created = _create(sdk)
    pointer = {"id": "not-the-real-id", "status": "pending", "urls": {"get": created["urls"]["get"]}}

    finished = sdk.resolve(sdk.client.wait(pointer, {"interval": 20}))

    assert finished["id"] == created["id"]
    assert finished["status"] == "succeeded"


def test_wait_times_out_with_wait_timeout(sdk):
    sdk.outcome(IMAGE, "pending")
    created = _create(sdk)

    error = sdk.error(lambda: sdk.client.wait(created, {"interval": 20, "max_wait": 100}))

    assert error.error_id == "WAIT_TIMEOUT"
    assert error.http_status == 408
    assert created["id"] in str(error)
    assert error.prediction["id"] == created["id"], "the last state seen is on the error"
    assert error.prediction["status"] == "pending"


def test_wait_calls_on_progress_after_each_poll(sdk):
    created = _create(sdk)
    seen: list[str] = []

    sdk.resolve(sdk.client.wait(created, {"interval": 20}, on_progress=lambda p: seen.append(p["status"])))

    assert seen and seen[-1] == "succeeded"


def test_wait_stops_on_cancelled(sdk):
    sdk.outcome(IMAGE, "pending")
    created = _create(sdk)
    sdk.resolve(sdk.client.cancel_prediction(created["id"]))

    finished = sdk.resolve(sdk.client.wait(created, {"interval": 20}))

    assert finished["status"] == "cancelled"


def test_wait_returns_a_failed_prediction_without_raising(sdk):
    sdk.outcome(IMAGE, "fail", message="bad luck")
    created = _create(sdk)

    finished = sdk.resolve(sdk.client.wait(created, {"interval": 20}))

    assert finished["status"] == "failed"


def test_wait_aborted_by_signal(sdk):
    sdk.outcome(IMAGE, "pending")
    created = _create(sdk)
    signal = sdk.new_signal()

    error = sdk.error(
        lambda: sdk.client.wait(
            created, {"interval": 20, "signal": signal}, on_progress=lambda p: sdk.set_signal(signal)
        )
    )

    assert error.error_id == "ABORTED"


def test_wait_without_an_id_is_an_sdk_error(sdk):
    error = sdk.error(lambda: sdk.client.wait({"status": "pending"}))

    assert error.error_id == "SDK_ERROR"


def test_wait_does_not_follow_urls_on_another_origin(sdk):
    """A prediction's urls.get on a foreign host is ignored: the key is only sent to the base URL."""
    created = _create(sdk)
    client, recorder = sdk.recording_client()
    foreign = {"id": created["id"], "status": "pending", "urls": {"get": "http://127.0.0.1:9/v1/steal"}}

    finished = sdk.resolve(client.wait(foreign, {"interval": 20}))

    assert finished["status"] == "succeeded"
    assert all(r.url.startswith(sdk.base_url) for r in recorder.requests)
