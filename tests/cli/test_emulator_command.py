"""`skytells emulator` hands its arguments to the emulator's own command line."""

from __future__ import annotations

import os
import subprocess
import sys

import httpx
from click.testing import CliRunner

from skytells._cli._app import cli as skytells_cli
from tests.cli.cli_support import free_port


def test_emulator_help_is_the_emulators_own() -> None:
    result = CliRunner().invoke(skytells_cli, ["emulator", "--help"])
    assert result.exit_code == 0, result.output
    for flag in ("--port", "--speed", "--data-dir", "--api-key"):
        assert flag in result.output


def test_emulator_serves_the_api_until_stopped(tmp_path: object) -> None:
    port = free_port()
    command = [sys.executable, "-m", "skytells._cli", "emulator", "--port", str(port), "--speed", "50"]
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env={**os.environ}
    )
    try:
        assert process.stdout is not None
        for line in process.stdout:  # the base URL is printed once requests are accepted
            if f"http://127.0.0.1:{port}/v1" in line:
                break
        answer = httpx.get(f"http://127.0.0.1:{port}/_emulator/health", timeout=5)
        assert answer.status_code == 200
    finally:
        process.terminate()
        process.wait(timeout=10)
