"""Idempotency-Key on create: one prediction per key and body, per account."""

from __future__ import annotations

import asyncio

import httpx

from skytells.emulator import EmulatorServer

BODY = {"model": "flux-pro", "input": {"prompt": "A lake"}}


def test_a_repeated_key_returns_the_same_prediction(http: httpx.Client) -> None:
    first = http.post("/predictions", json=BODY, headers={"idempotency-key": "k-1"})
    second = http.post("/predict", json=BODY, headers={"idempotency-key": "k-1"})

    assert first.status_code == second.status_code == 200  # seed 003: a create answers 200
    assert "idempotent-replayed" not in first.headers
    assert second.headers["idempotent-replayed"] == "true"
    assert second.json()["id"] == first.json()["id"]
    assert http.get("/predictions").json()["pagination"]["total"] == 1


def test_the_same_key_with_another_body_is_refused(http: httpx.Client) -> None:
    http.post("/predictions", json=BODY, headers={"idempotency-key": "k-2"})
    other = http.post(
        "/predictions", json={**BODY, "input": {"prompt": "A sea"}}, headers={"idempotency-key": "k-2"}
    )
    assert other.status_code == 409
    assert other.json()["error"]["error_id"] == "INVALID_REQUEST"
    assert http.get("/predictions").json()["pagination"]["total"] == 1


def test_keys_belong_to_one_account(
    emulator: EmulatorServer, http: httpx.Client, plain: httpx.Client
) -> None:
    mine = http.post("/predictions", json=BODY, headers={"idempotency-key": "shared"}).json()
    theirs = plain.post(
        emulator.base_url + "/predictions",
        json=BODY,
        headers={"idempotency-key": "shared", "x-api-key": "sk-test-other-account"},
    ).json()
    assert theirs["id"] != mine["id"]


async def test_concurrent_duplicates_make_one_prediction(emulator: EmulatorServer, api_key: str) -> None:
    headers = {"x-api-key": api_key, "idempotency-key": "burst"}
    async with httpx.AsyncClient(
        base_url=emulator.base_url, headers=headers, timeout=30, trust_env=False
    ) as client:
        answers = await asyncio.gather(*(client.post("/predictions", json=BODY) for _ in range(20)))
        listed = (await client.get("/predictions")).json()

    assert {a.json()["id"] for a in answers} == {listed["data"][0]["id"]}
    assert [a.status_code for a in answers] == [200] * 20
    assert sorted(a.headers.get("idempotent-replayed", "") for a in answers) == [""] + ["true"] * 19
    assert listed["pagination"]["total"] == 1


def test_no_key_means_a_new_prediction_each_time(http: httpx.Client) -> None:
    ids = {http.post("/predictions", json=BODY).json()["id"] for _ in range(3)}
    assert len(ids) == 3
