"""Exit codes by kind, one-line errors, and the API key never printed."""

from __future__ import annotations

import json
from typing import Any

import pytest

from skytells._cli._app import cli as skytells_cli
from skytells._cli._secrets import REDACTED
from tests.cli.cli_support import Invoke, parse_json, refused_url


def test_no_api_key_is_an_authentication_error_with_a_hint(cli: Invoke) -> None:
    result = cli("models", "list", env={"SKYTELLS_API_KEY": None})
    assert result.exit_code == 3
    assert result.stderr.startswith("Error [UNAUTHORIZED]") and "--local" in result.stderr


def test_a_rejected_key_exits_3_without_showing_the_key(cli: Invoke) -> None:
    secret = "not-a-key-0a1b2c3d4e5f"
    result = cli("predictions", "list", env={"SKYTELLS_API_KEY": secret})
    assert result.exit_code == 3, result.output
    assert result.stderr.startswith("Error [UNAUTHORIZED]")
    assert secret not in result.output


def test_no_answer_from_the_api_is_a_network_error(cli: Invoke) -> None:
    with refused_url() as url:
        result = cli("models", "list", env={"SKYTELLS_BASE_URL": url})
    assert result.exit_code == 7, result.output
    assert result.stderr.startswith("Error [NETWORK_ERROR]")
    assert len(result.stderr.strip().splitlines()) == 1


def test_base_url_option_overrides_the_environment(cli: Invoke, base_url: str) -> None:
    with refused_url() as url:
        result = cli("models", "list", "--json", "--base-url", base_url, env={"SKYTELLS_BASE_URL": url})
    assert result.exit_code == 0, result.output
    assert parse_json(result)


def test_the_api_key_never_shows_in_any_output(cli: Invoke, api_key: str, emulator: Any) -> None:
    outputs = []
    run = cli("run", "truefusion", "-i", "prompt=x", "--json")
    prediction_id = parse_json(run)["id"]
    outputs.append(run)
    for args in [
        ("run", "truefusion", "-i", "prompt=x"),
        ("run", "truefusion", "-i", "steps=x"),
        ("run", "no-such-model"),
        ("predictions", "list"),
        ("predictions", "list", "--json"),
        ("predictions", "get", prediction_id),
        ("predictions", "get", prediction_id, "--json"),
        ("predictions", "get", "missing"),
        ("models", "get", "truefusion", "--schema"),
        ("--help",),
    ]:
        outputs.append(cli(*args))
    assert len(outputs) == 11
    for result in outputs:
        assert api_key not in result.output
        assert api_key[6:] not in result.output


@pytest.mark.parametrize(
    "command",
    [
        [],
        ["run"],
        ["predictions"],
        ["predictions", "list"],
        ["predictions", "wait"],
        ["models"],
        ["models", "get"],
        ["chat"],
        ["embed"],
    ],
)
def test_every_command_has_help(command: list[str]) -> None:
    from click.testing import CliRunner

    result = CliRunner().invoke(skytells_cli, [*command, "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage: " in result.output


def test_an_unknown_command_is_a_usage_error() -> None:
    from click.testing import CliRunner

    result = CliRunner().invoke(skytells_cli, ["rnu"])
    assert result.exit_code == 2
    assert "No such command 'rnu'" in result.output


@pytest.mark.parametrize(
    ("status", "error_id"),
    [(503, "INFRASTRUCTURE_ERROR"), (429, "RATE_LIMIT_EXCEEDED"), (402, "INSUFFICIENT_CREDITS")],
)
def test_other_api_errors_exit_1_with_their_error_id(
    cli: Invoke, emulator: Any, status: int, error_id: str
) -> None:
    emulator.admin(
        "POST",
        "/faults",
        json={"route": "/v1/models*", "status": status, "error_id": error_id, "message": "Busy"},
    )
    result = cli("models", "get", "truefusion")
    assert result.exit_code == 1, result.output
    assert result.stderr.startswith(f"Error [{error_id}]") and "Busy" in result.stderr


def test_without_the_cli_extra_the_command_says_what_to_install(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import skytells._cli as entry

    monkeypatch.setattr(entry, "find_spec", lambda name: None if name == "rich" else object())
    with pytest.raises(SystemExit) as exited:
        entry.main(["--help"])
    assert exited.value.code == 1
    assert "pip install 'skytells[cli]'" in capsys.readouterr().err


def test_local_without_the_emulator_extra_says_what_to_install(
    cli: Invoke, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "skytells.emulator", None)  # makes the import fail
    result = cli("models", "list", "--local")
    assert result.exit_code == 1
    assert "pip install 'skytells[emulator]'" in result.stderr


ECHOED = "upstream refused key {key} (echoed)"
LIST_FAILS = {"method": "GET", "route": "/v1/predictions", "status": 500}
ERROR_RULES = {
    "list": (("predictions", "list"), LIST_FAILS),
    "list-json": (("predictions", "list", "--json"), LIST_FAILS),
    "run": (("run", "truefusion", "-i", "prompt=x"), {"route": "/v1/*", "status": 401}),
}


@pytest.mark.parametrize("key", ["sk-test-echoed-0123456789", "tok-test-not-shaped-like-a-key-42"])
@pytest.mark.parametrize("case", list(ERROR_RULES))
def test_a_key_the_server_echoes_in_an_error_is_never_printed(
    cli: Invoke, emulator: Any, key: str, case: str
) -> None:
    """The server's error message holds the key (shaped like one or not); the error line hides it."""
    args, rule = ERROR_RULES[case]
    emulator.admin("POST", "/faults", {**rule, "message": ECHOED.format(key=key)})

    result = cli(*args, env={"SKYTELLS_API_KEY": key})

    assert result.exit_code in (1, 3), result.output
    assert result.stdout == ""
    assert "upstream refused key ***" in result.stderr, "the message is shown, the key masked"
    assert key not in result.stderr and key[6:] not in result.stderr


@pytest.mark.parametrize(
    "args",
    [
        ("run", "truefusion", "-i", "prompt=x"),
        ("run", "truefusion", "-i", "prompt=x", "--json"),
        ("predictions", "get", "{id}"),
        ("predictions", "get", "{id}", "--json"),
        ("predictions", "list", "--json"),
    ],
    ids=["run", "run-json", "get", "get-json", "list-json"],
)
def test_a_key_the_server_echoes_in_a_prediction_is_never_printed(
    cli: Invoke, emulator: Any, api_key: str, args: tuple[str, ...]
) -> None:
    """A prediction whose failure message holds the key: tables, JSON and error lines show ``sk-***``."""
    emulator.admin(
        "POST",
        "/faults",
        {"action": "fail_prediction", "model": "truefusion", "message": ECHOED.format(key=api_key)},
    )
    failed = cli("run", "truefusion", "-i", "prompt=x", "--json")  # (itself one of the cases below)
    prediction_id = json.loads(failed.stdout)["id"]

    result = cli(*(arg.format(id=prediction_id) for arg in args))

    printed = result.stdout + result.stderr
    assert "upstream refused key" in printed, "the failure message is shown"
    assert api_key not in printed and api_key[6:] not in printed
    assert f"upstream refused key {REDACTED}" in printed
