"""`skytells emulator` hands its arguments to the emulator's own command line."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys

import httpx
from click.testing import CliRunner

from skytells._cli._app import cli as skytells_cli


def test_emulator_help_is_the_emulators_own() -> None:
    result = CliRunner().invoke(skytells_cli, ["emulator", "--help"])
    assert result.exit_code == 0, result.output
    for flag in ("--port", "--speed", "--data-dir", "--api-key"):
        assert flag in result.output


def test_emulator_serves_the_api_until_ctrl_c(tmp_path: object) -> None:
    command = [sys.executable, "-m", "skytells._cli", "emulator", "--port", "0", "--speed", "50"]
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env={**os.environ}
    )
    try:
        assert process.stdout is not None
        announced = None
        for line in process.stdout:  # the base URL is printed once requests are accepted
            found = re.search(r"http://127\.0\.0\.1:(\d+)/v1", line)
            if found:
                announced = found
                break
        assert announced is not None, "the emulator never printed its URL"
        port = int(announced.group(1))
        assert port > 0, "port 0 asks for a free port: the announced URL names the port it got"
        answer = httpx.get(f"http://127.0.0.1:{port}/_emulator/health", timeout=5)
        assert answer.status_code == 200
        process.send_signal(signal.SIGINT)  # Ctrl-C
        rest, _ = process.communicate(timeout=30)
        assert process.returncode == 0, rest
        assert "Traceback" not in rest
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=10)
