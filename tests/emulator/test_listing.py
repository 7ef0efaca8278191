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


def _instant(created_at: str, seconds: float, offset_hours: int = 0) -> str:
    """`created_at` moved by `seconds`, written in ISO 8601 with a UTC offset of `offset_hours`."""
    moment = datetime.datetime.fromisoformat(created_at.replace("Z", "+00:00"))
    zone = datetime.timezone(datetime.timedelta(hours=offset_hours))
    return (moment + datetime.timedelta(seconds=seconds)).astimezone(zone).isoformat()


def test_date_filters_take_iso_8601_date_times_compared_in_utc(http: httpx.Client, held: None) -> None:
    """Seed 004: since/until are "ISO 8601 / YYYY-MM-DD"; offsets are honoured, no offset means UTC."""
    created = create(http)["created_at"]
    today = created[:10]

    def total(**params: str) -> int:
        response = http.get("/predictions", params=params)
        assert response.status_code == 200, response.text
        return int(response.json()["pagination"]["total"])

    assert _instant(created, -2, offset_hours=2).endswith("+02:00")
    assert total(**{"from": _instant(created, -2, offset_hours=2)}) == 1
    assert total(**{"from": _instant(created, 2, offset_hours=-5)}) == 0
    assert total(**{"to": _instant(created, 2, offset_hours=9)}) == 1
    assert total(**{"to": _instant(created, -2)}) == 0
    assert total(since=_instant(created, -2).replace("+00:00", "Z"), until=today) == 1  # a date: all day
    assert total(**{"from": _instant(created, -60)[:16]}) == 1  # no seconds, no offset: UTC
    assert total(**{"from": _instant(created, 60)[:19]}) == 0


def test_an_unescaped_plus_in_an_offset_still_reads_as_an_offset(http: httpx.Client, held: None) -> None:
    """``?from=…T12:00:00+02:00`` typed into curl arrives with a space where the ``+`` was."""
    created = create(http)["created_at"]
    before = _instant(created, -2, offset_hours=2)
    url = f"/predictions?from={before}"  # a raw '+': the query string decodes it as a space
    response = http.get(url)
    assert response.status_code == 200, response.text
    assert response.json()["pagination"]["total"] == 1


@pytest.mark.parametrize(
    ("start", "end"),
    [
        ("2026-03-01T12:00:00Z", "2026-03-01"),  # a plain-date `to` covers its whole day
        ("2026-03-01T23:30:00-01:00", "2026-03-02"),  # 2026-03-02T00:30Z: inside `to`'s day
        ("2026-03-01", "2026-03-01T00:00:00Z"),
        ("2026-03-01T10:00:00+02:00", "2026-03-01T08:00:00Z"),  # the same instant
    ],
)
def test_bounds_in_order_once_in_utc_are_a_valid_range(http: httpx.Client, start: str, end: str) -> None:
    response = http.get("/predictions", params={"from": start, "to": end})
    assert response.status_code == 200, response.text


@pytest.mark.parametrize(
    ("start", "end"),
    [
        ("2026-03-02", "2026-03-01"),
        ("2026-03-01T10:00:01Z", "2026-03-01T10:00:00Z"),
        ("2026-03-01T10:00:00+02:00", "2026-03-01T07:59:59Z"),  # 08:00Z is after 07:59:59Z
        ("2026-03-02T00:30:00+01:00", "2026-03-01T23:00:00Z"),  # 23:30Z on the 1st, after 23:00Z
    ],
)
def test_from_after_to_is_invalid_date_range(http: httpx.Client, start: str, end: str) -> None:
    response = http.get("/predictions", params={"from": start, "to": end})
    assert response.status_code == 400
    assert response.json()["error"]["error_id"] == "INVALID_DATE_RANGE"


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
        ({"from": "2026-01-01T25:00:00Z"}, "INVALID_DATE_FORMAT"),
        ({"to": "2026-01-01T10:00:00+24:00"}, "INVALID_DATE_FORMAT"),
        ({"to": "2026-01-01T10:00:00 UTC"}, "INVALID_DATE_FORMAT"),
        ({"from": "0001-01-01T00:00:00+01:00"}, "INVALID_DATE_FORMAT"),  # before year 1 in UTC
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
