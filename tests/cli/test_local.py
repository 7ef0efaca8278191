"""`--local`: an embedded emulator with its state under the cache directory, no key needed."""

from __future__ import annotations

from pathlib import Path

from tests.cli.cli_support import Invoke, parse_json


def test_local_works_with_no_key_and_keeps_its_state_between_commands(cli: Invoke, tmp_path: Path) -> None:
    no_remote = {"SKYTELLS_API_KEY": None, "SKYTELLS_BASE_URL": "http://127.0.0.1:9/v1"}
    created = cli(
        "run", "truefusion", "-i", "prompt=Offline", "--local", "--no-wait", "--json", env=no_remote
    )
    assert created.exit_code == 0, created.output
    prediction = parse_json(created)
    listed = parse_json(cli("predictions", "list", "--local", "--json", env=no_remote))
    assert [p["id"] for p in listed["data"]] == [prediction["id"]]
    assert any((tmp_path / "cache" / "skytells" / "emulator").iterdir())
    models = parse_json(cli("models", "list", "--local", "--json", env=no_remote))
    assert "truefusion" in {m["namespace"] for m in models}


def test_skytells_local_dir_keeps_a_separate_local_state(cli: Invoke, tmp_path: Path) -> None:
    no_remote = {"SKYTELLS_API_KEY": None, "SKYTELLS_BASE_URL": "http://127.0.0.1:9/v1"}
    project = {**no_remote, "SKYTELLS_LOCAL_DIR": str(tmp_path / "project-state")}
    created = parse_json(
        cli("run", "truefusion", "-i", "prompt=Mine", "--local", "--no-wait", "--json", env=project)
    )

    mine = parse_json(cli("predictions", "list", "--local", "--json", env=project))
    shared = parse_json(cli("predictions", "list", "--local", "--json", env=no_remote))

    assert [p["id"] for p in mine["data"]] == [created["id"]]
    assert shared["data"] == []  # the user-wide state never saw it
    assert any((tmp_path / "project-state").iterdir())
