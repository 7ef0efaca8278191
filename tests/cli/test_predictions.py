"""`skytells predictions list/get/wait/cancel/delete`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from skytells import SkytellsClient
from tests.cli.cli_support import Invoke, parse_json


@pytest.fixture
def client(emulator: Any, base_url: str, api_key: str) -> Any:
    with SkytellsClient(api_key, base_url=base_url) as client:
        yield client


def create(client: SkytellsClient, model: str = "truefusion", prompt: str = "x") -> dict[str, Any]:
    return dict(client.predictions.create({"model": model, "input": {"prompt": prompt}}))


def test_list_shows_a_table_of_predictions_newest_first(cli: Invoke, client: SkytellsClient) -> None:
    first, second = create(client), create(client, "flux-pro")
    result = cli("predictions", "list")
    assert result.exit_code == 0, result.output
    assert "Page 1 of 1 · 2 predictions" in result.stdout
    assert result.stdout.index(second["id"]) < result.stdout.index(first["id"])
    assert "flux-pro" in result.stdout


def test_list_json_keeps_the_api_shape_and_filters_by_model(cli: Invoke, client: SkytellsClient) -> None:
    create(client, "flux-pro")
    wanted = create(client, "truefusion")
    page = parse_json(cli("predictions", "list", "--model", "truefusion", "--json"))
    assert [p["id"] for p in page["data"]] == [wanted["id"]]
    assert page["pagination"]["total"] == 1 and page["pagination"]["current_page"] == 1


def test_list_filters_by_status(cli: Invoke, client: SkytellsClient, emulator: Any) -> None:
    emulator.admin("POST", "/outcomes", json={"model": "*", "outcome": "pending", "count": 2})
    kept, dropped = create(client), create(client)
    client.cancel_prediction(dropped["id"])
    page = parse_json(cli("predictions", "list", "--status", "pending", "--json"))
    assert [p["id"] for p in page["data"]] == [kept["id"]]
    cancelled = parse_json(cli("predictions", "list", "--status", "cancelled", "--json"))
    assert [p["id"] for p in cancelled["data"]] == [dropped["id"]]


def test_page_and_all_walk_the_pages(cli: Invoke, client: SkytellsClient, emulator: Any) -> None:
    emulator.admin("POST", "/outcomes", json={"model": "*", "outcome": "pending", "count": 23})
    ids = {create(client)["id"] for _ in range(23)}
    second = parse_json(cli("predictions", "list", "--page", "2", "--json"))
    assert len(second["data"]) == 3 and second["pagination"]["last_page"] == 2
    everything = parse_json(cli("predictions", "list", "--all", "--json"))
    assert {p["id"] for p in everything} == ids and len(everything) == 23
    table = cli("predictions", "list", "--all")
    assert "23 predictions" in table.stdout


def test_page_with_all_is_a_usage_error(cli: Invoke) -> None:
    result = cli("predictions", "list", "--page", "2", "--all")
    assert result.exit_code == 2
    assert "--page and --all cannot be used together" in result.stderr


@pytest.mark.parametrize(
    ("args", "error_id"),
    [
        (["--since", "yesterday"], "INVALID_DATE_FORMAT"),
        (["--since", "2026-03-02", "--until", "2026-03-01"], "INVALID_DATE_RANGE"),
    ],
)
def test_bad_dates_are_invalid_input(cli: Invoke, args: list[str], error_id: str) -> None:
    result = cli("predictions", "list", *args)
    assert result.exit_code == 5, result.output
    assert result.stderr.startswith(f"Error [{error_id}]")


def test_get_shows_one_prediction(cli: Invoke, client: SkytellsClient) -> None:
    prediction = dict(client.run("truefusion", input={"prompt": "A fox"}))
    result = cli("predictions", "get", prediction["id"])
    assert result.exit_code == 0, result.output
    assert prediction["id"] in result.stdout and "succeeded" in result.stdout
    assert prediction["output"][0] in result.stdout if isinstance(prediction["output"], list) else True
    assert parse_json(cli("predictions", "get", prediction["id"], "--json"))["id"] == prediction["id"]


def test_get_an_unknown_prediction_is_not_found(cli: Invoke) -> None:
    result = cli("predictions", "get", "00000000-0000-4000-8000-000000000000")
    assert result.exit_code == 4, result.output
    assert result.stderr.startswith("Error [PREDICTION_NOT_FOUND]")


def test_wait_follows_a_prediction_to_its_end_and_saves_outputs(
    cli: Invoke, client: SkytellsClient, tmp_path: Path
) -> None:
    prediction = create(client, "truefusion", "A heron")
    result = cli("predictions", "wait", prediction["id"], "--output-dir", "saved")
    assert result.exit_code == 0, result.output
    assert "succeeded" in result.stdout
    assert list((tmp_path / "saved" / prediction["id"]).iterdir())
    waited = parse_json(cli("predictions", "wait", prediction["id"], "--json"))
    assert waited["status"] == "succeeded"


def test_wait_on_a_cancelled_prediction_exits_6(cli: Invoke, client: SkytellsClient, emulator: Any) -> None:
    emulator.admin("POST", "/outcomes", json={"model": "*", "outcome": "pending"})
    prediction = create(client)
    cancelled = cli("predictions", "cancel", prediction["id"])
    assert cancelled.exit_code == 0, cancelled.output
    assert f"{prediction['id']} cancelled" in cancelled.stdout
    result = cli("predictions", "wait", prediction["id"])
    assert result.exit_code == 6, result.output
    assert result.stderr.splitlines()[-1].startswith("Error [PREDICTION_CANCELLED]")


def test_cancel_json_and_delete(cli: Invoke, client: SkytellsClient, emulator: Any) -> None:
    emulator.admin("POST", "/outcomes", json={"model": "*", "outcome": "pending"})
    prediction = create(client)
    assert parse_json(cli("predictions", "cancel", prediction["id"], "--json"))["status"] == "cancelled"
    deleted = cli("predictions", "delete", prediction["id"])
    assert deleted.exit_code == 0, deleted.output
    assert f"{prediction['id']} deleted" in deleted.stdout
    assert cli("predictions", "get", prediction["id"]).exit_code == 4
    assert cli("predictions", "delete", prediction["id"], "--json").exit_code == 4


def test_since_and_until_select_by_creation_day(cli: Invoke, client: SkytellsClient) -> None:
    prediction = create(client)
    today = prediction["created_at"][:10]
    kept = parse_json(cli("predictions", "list", "--since", today, "--until", today, "--json"))
    assert [p["id"] for p in kept["data"]] == [prediction["id"]]
    old = parse_json(cli("predictions", "list", "--since", "2000-01-01", "--until", "2000-01-02", "--json"))
    assert old["data"] == [] and old["pagination"]["total"] == 0
    empty = cli("predictions", "list", "--since", "2000-01-01", "--until", "2000-01-02")
    assert empty.exit_code == 0 and "0 predictions" in empty.stdout


def test_delete_json_returns_the_deleted_prediction(cli: Invoke, client: SkytellsClient) -> None:
    prediction = create(client)
    assert parse_json(cli("predictions", "delete", prediction["id"], "--json"))["id"] == prediction["id"]
