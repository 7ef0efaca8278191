"""The published TypeScript SDK (npm `skytells`), unchanged, works against our emulator.

The package, pinned at `published_env.TS_SDK_VERSION`, is installed once into .cache/ts-sdk;
ts_scenario.mjs runs a session with it under Node (predict with and without `await`, get, list models,
stream, cancel, delete, errors, and error answers injected with the emulator's fault rules). Where node
or npm is missing the whole module is one skip, saying so (CI installs Node where it can: .ci/run).
"""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.conformance import published_env
from tests.conformance.conformance_support import HERE, client_env

if published_env.node_tools() is None:
    pytest.skip(
        "node and npm are not installed: the published TypeScript SDK cannot run here",
        allow_module_level=True,
    )

pytestmark = [pytest.mark.slow, pytest.mark.timeout(180)]

CHECKS = [
    "predict_without_await",
    "predict_with_await",
    "get_prediction",
    "list_models",
    "stream_prediction",
    "cancel_prediction",
    "delete_prediction",
    "error_bad_key",
    "error_unknown_model",
    "error_injected_503",
    "error_non_json_answer",
]


@pytest.fixture(scope="module")
def ts_report(conformance_emulator: Any, ts_sdk: Path) -> dict[str, Any]:
    import json
    import shutil

    env = client_env(conformance_emulator, api_key="sk-test-typescript-scenario")
    env["SKYTELLS_TS_SDK"] = str(ts_sdk)
    node = shutil.which("node") or "node"
    done = subprocess.run(
        [node, str(HERE / "ts_scenario.mjs")], env=env, capture_output=True, text=True, timeout=150
    )
    lines = done.stdout.strip().splitlines()
    assert done.returncode == 0 and lines, (
        f"node scenario crashed:\n{done.stdout[-2000:]}\n{done.stderr[-3000:]}"
    )
    report: dict[str, Any] = json.loads(lines[-1])
    return report


def test_scenario_used_the_pinned_npm_package(ts_report: dict[str, Any]) -> None:
    assert ts_report["_package"]["version"] == published_env.TS_SDK_VERSION


@pytest.mark.parametrize("check", CHECKS)
def test_typescript_sdk_step(ts_report: dict[str, Any], check: str) -> None:
    result = ts_report[check]
    assert result["ok"], f"TypeScript SDK {check}: {result['detail']}"
