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

from skytells.emulator import EmulatorServer
from tests.emulator.emulator_support import fast_config

TEST_SPEED = float(os.environ.get("SKYTELLS_TEST_SPEED", "100"))
TEST_API_KEY = "sk-test-0123456789abcdef"


@pytest.fixture(scope="session")
def emulator_server() -> Iterator[EmulatorServer]:
    with EmulatorServer(fast_config(speed=TEST_SPEED)) as server:
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
