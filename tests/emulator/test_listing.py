"""GET /v1/predictions: pagination, filters, ordering and parameter errors."""

from __future__ import annotations

import datetime

import httpx
import pytest

from skytells.emulator import EmulatorServer
from tests.emulator.emulator_support import create


@pytest.fixture
def held(emulator: EmulatorServer) -> None:
    """Keep new predictions pending so listings are stable."""
    emulator.admin("POST", "/outcomes", {"model": "*", "outcome": "pending"})


def test_list_is_newest_first_with_pagination(http: httpx.Client, held: None) -> None:
    ids = [create(http, model="flux-pro")["id"] for _ in range(5)]

    first = http.get("/predictions", params={"per_page": 2}).json()
    third = http.get("/predictions", params={"per_page": 2, "page": 3}).json()

    assert [p["id"] for p in first["data"]] == ids[::-1][:2]
    assert first["pagination"] == {"current_page": 1, "per_page": 2, "total": 5, "last_page": 3}
    assert [p["id"] for p in third["data"]] == [ids[0]]
    assert third["data"][0]["urls"]["get"].endswith(ids[0])


def test_defaults_and_a_page_past_the_end(http: httpx.Client, held: None) -> None:
    create(http)
    empty = http.get("/predictions", params={"page": 9}).json()
    assert empty["data"] == []
    assert empty["pagination"] == {"current_page": 9, "per_page": 20, "total": 1, "last_page": 1}


def test_an_account_with_no_predictions_has_one_empty_page(http: httpx.Client) -> None:
    assert http.get("/predictions").json() == {
        "data": [],
        "pagination": {"current_page": 1, "per_page": 20, "total": 0, "last_page": 1},
    }


def test_filter_by_model_and_status(http: httpx.Client, emulator: EmulatorServer) -> None:
    emulator.admin("POST", "/outcomes", {"model": "flux-pro", "outcome": "instant"})
    emulator.admin("POST", "/outcomes", {"model": "*", "outcome": "pending"})
    done = create(http, model="flux-pro")
    waiting = create(http, model="FLUX.2-pro")
    cancelled = create(http, model="FLUX.2-pro")
    http.post(f"/predictions/{cancelled['id']}/cancel")

    def ids(**params: str) -> list[str]:
        return [p["id"] for p in http.get("/predictions", params=params).json()["data"]]

    assert ids(model="flux-pro") == [done["id"]]
    assert ids(model="flux.2-PRO") == [cancelled["id"], waiting["id"]]  # slugs match case-insensitively
    assert ids(status="succeeded") == [done["id"]]
    assert ids(status="canceled") == ids(status="cancelled") == [cancelled["id"]]
    assert ids(status="pending", model="FLUX.2-pro") == [waiting["id"]]


def test_date_filters_are_inclusive_and_have_aliases(http: httpx.Client, held: None) -> None:
    prediction = create(http)
    today = prediction["created_at"][:10]
    tomorrow = (datetime.date.fromisoformat(today) + datetime.timedelta(days=1)).isoformat()

    def total(**params: str) -> int:
        response = http.get("/predictions", params=params)
        assert response.status_code == 200, response.text
        return int(response.json()["pagination"]["total"])

    assert total(**{"from": today, "to": today}) == 1
    assert total(since=today, until=today) == 1
    assert total(**{"from": tomorrow}) == 0
    assert total(until="2026-01-01") == (1 if today <= "2026-01-01" else 0)


@pytest.mark.parametrize(
    ("params", "error_id"),
    [
        ({"per_page": "0"}, "INVALID_PARAMETER"),
        ({"per_page": "51"}, "INVALID_PARAMETER"),
        ({"per_page": "ten"}, "INVALID_PARAMETER"),
        ({"page": "0"}, "INVALID_PARAMETER"),
        ({"page": "-3"}, "INVALID_PARAMETER"),
        ({"status": "queued"}, "INVALID_PARAMETER"),
        ({"from": "2026/01/01"}, "INVALID_DATE_FORMAT"),
        ({"to": "2026-02-30"}, "INVALID_DATE_FORMAT"),
        ({"since": "yesterday"}, "INVALID_DATE_FORMAT"),
        ({"from": "2026-03-02", "to": "2026-03-01"}, "INVALID_DATE_RANGE"),
        ({"model": "no-such-model"}, "MODEL_NOT_FOUND"),
    ],
)
def test_parameter_errors(http: httpx.Client, params: dict[str, str], error_id: str) -> None:
    response = http.get("/predictions", params=params)
    body = response.json()
    assert body["error"]["error_id"] == error_id
    assert (
        response.status_code
        == body["error"]["http_status"]
        == (404 if error_id == "MODEL_NOT_FOUND" else 400)
    )
    assert body["status"] is False and body["error"]["message"]
