"""Helpers shared by the conformance tests (importable from test modules; conftest holds fixtures)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
SPEED = 40.0
API_KEY = "sk-test-conformance-0001"


def client_env(emu: Any, api_key: str = API_KEY) -> dict[str, str]:
    """The environment for a client process pointed at the emulator (no other SKYTELLS_ variables)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SKYTELLS_")}
    env.update(SKYTELLS_BASE_URL=emu.base_url, SKYTELLS_API_KEY=api_key, PYTHONDONTWRITEBYTECODE="1")
    return env


def start_json_script(
    python: Path | str, script: str, env: dict[str, str], *args: str
) -> subprocess.Popen[str]:
    """Start one of this folder's scripts (they print a JSON report as their last line)."""
    return subprocess.Popen(
        [str(python), str(HERE / script), *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def json_report(proc: subprocess.Popen[str], timeout: float = 150) -> Any:
    """Wait for a script started by start_json_script and parse its last stdout line."""
    out, err = proc.communicate(timeout=timeout)
    lines = out.strip().splitlines()
    if proc.returncode != 0 or not lines:
        raise AssertionError(f"script failed (exit {proc.returncode}):\n{out[-2000:]}\n{err[-3000:]}")
    return json.loads(lines[-1])


OUR_PYTHON = sys.executable
