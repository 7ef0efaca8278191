"""`python -m skytells.emulator` flags, and starting the server (`main`, `EmulatorServer`)."""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from skytells.emulator import EmulatorConfig, EmulatorServer, main
from skytells.emulator.cli import config_from_args


def test_every_flag_reaches_the_config(tmp_path: Path) -> None:
    config = config_from_args(
        [
            "--host", "127.0.0.1", "--port", "9911", "--data-dir", str(tmp_path), "--speed", "7.5",
            "--api-key", "sk-test-one", "--api-key", "sk-test-two", "--webhook-allow", "hooks.local",
            "--await-cap", "12", "--rate-limit", "30", "--seed", "4", "--shared-outputs",
            "--fault", "POST /v1/predict* status=503 first=2 retry_after=1",
        ]
    )  # fmt: skip
    assert (config.host, config.port, config.data_dir) == ("127.0.0.1", 9911, str(tmp_path))
    assert (config.speed, config.await_cap, config.rate_limit, config.seed) == (7.5, 12.0, 30, 4)
    assert config.api_keys == ("sk-test-one", "sk-test-two") and config.strict
    assert config.webhook_allow == ("hooks.local",)
    assert config.shared_outputs
    (fault,) = config.faults
    assert (fault["method"], fault["route"], fault["status"], fault["first"]) == (
        "POST",
        "/v1/predict*",
        503,
        2,
    )


def test_defaults() -> None:
    config = config_from_args([])
    assert config == EmulatorConfig()
    assert (config.host, config.port, config.data_dir, config.strict) == ("127.0.0.1", 8790, None, False)


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["--speed", "-1"], "speed"),
        (["--fault", "POST /v1/predictions 503"], "fault"),
        (["--catalog", "/no/such/models.json"], "catalog"),
        (["--port", "eighty"], "port"),
    ],
)
def test_bad_flags_exit_2_with_a_message(
    argv: list[str], words: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(argv, prog="skytells emulator")
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("usage: skytells emulator") and words in err


def test_a_busy_port_is_a_clear_error(tmp_path: Path) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = subprocess.run(
            [sys.executable, "-m", "skytells.emulator", "--port", str(port), "--data-dir", str(tmp_path)],
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert result.returncode == 1
    assert f"cannot listen on 127.0.0.1:{port}" in result.stderr and "Traceback" not in result.stderr


def test_emulator_server_urls_and_admin(plain: httpx.Client) -> None:
    with EmulatorServer(EmulatorConfig(speed=50, rate_limit=0)) as emu:
        assert emu.base_url == f"{emu.root_url}/v1" and emu.port > 0
        assert emu.admin("GET", "/health")["status"] == "ok"
        assert plain.get(emu.base_url + "/models", headers={"x-api-key": "sk-test-srv"}).status_code == 200
        with pytest.raises(httpx.HTTPStatusError):
            emu.admin("POST", "/time", {"speed": -5})
        data_dir = Path(emu.config.data_dir or "")
        assert (data_dir / "emulator.sqlite3").is_file()
    assert not data_dir.exists()  # its temporary directory is removed on exit
