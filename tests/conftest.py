"""Shared fixtures: one emulator for the whole session, reset before each test that asks for it.

- ``emulator_server`` (session): an `EmulatorServer` on 127.0.0.1, fast (speed 100 unless
  ``SKYTELLS_TEST_SPEED`` says otherwise), no rate limit, short SSE keep-alives.
- ``emulator`` (function): the same server, reset (no predictions, accounts, faults, outcome rules).
- ``base_url``: ``http://127.0.0.1:<port>/v1`` of the reset emulator; ``api_key``: a well-formed test key.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from skytells.emulator import EmulatorConfig, EmulatorServer

TEST_SPEED = float(os.environ.get("SKYTELLS_TEST_SPEED", "100"))
TEST_API_KEY = "sk-test-0123456789abcdef"


def test_config(**changes: object) -> EmulatorConfig:
    """The configuration of the test emulator, with `changes` applied."""
    settings: dict[str, object] = {
        "speed": TEST_SPEED,
        "rate_limit": 0,
        "sse_keepalive": 0.2,
        "await_cap": 30.0,
    }
    settings.update(changes)
    return EmulatorConfig(**settings)  # type: ignore[arg-type]


@pytest.fixture(scope="session")
def emulator_server() -> Iterator[EmulatorServer]:
    with EmulatorServer(test_config()) as server:
        yield server


@pytest.fixture
def emulator(emulator_server: EmulatorServer) -> EmulatorServer:
    emulator_server.reset()
    return emulator_server


@pytest.fixture
def base_url(emulator: EmulatorServer) -> str:
    return emulator.base_url


@pytest.fixture
def api_key() -> str:
    return TEST_API_KEY
