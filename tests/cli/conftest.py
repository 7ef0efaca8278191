"""Run the `skytells` command in-process (click's CliRunner) against the session emulator.

    def test_something(cli):
        result = cli("models", "list", "--json")
        assert result.exit_code == 0, result.output

`cli` sets SKYTELLS_API_KEY and SKYTELLS_BASE_URL for the run (pass `env=` to change them), keeps the
local cache under the test's temporary folder and runs in that folder, so downloads land there.
`client` is an SDK client on the same emulator, to check what a command did or should print.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from skytells import SkytellsClient
from tests.cli.cli_support import Invoke


@pytest.fixture
def cli(
    emulator: Any, base_url: str, api_key: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Invoke:
    monkeypatch.chdir(tmp_path)
    from skytells._cli._app import cli as skytells_cli

    runner = CliRunner()

    def invoke(*args: str, env: dict[str, str | None] | None = None, input: str | None = None) -> Result:
        full_env: dict[str, str | None] = {
            "SKYTELLS_API_KEY": api_key,
            "SKYTELLS_BASE_URL": base_url,
            "XDG_CACHE_HOME": str(tmp_path / "cache"),
            "COLUMNS": "200",
            "NO_COLOR": "1",
        }
        full_env.update(env or {})
        return runner.invoke(skytells_cli, list(args), env=full_env, input=input, catch_exceptions=False)

    return invoke


@pytest.fixture
def client(emulator: Any, base_url: str, api_key: str) -> Iterator[SkytellsClient]:
    with SkytellsClient(api_key, base_url=base_url) as sdk_client:
        yield sdk_client
