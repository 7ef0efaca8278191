"""Shared fixtures: one emulator for the whole session, reset before each test that asks for it.

- ``emulator_server`` (session): an `EmulatorServer` on 127.0.0.1, fast (speed 100 unless
  ``SKYTELLS_TEST_SPEED`` says otherwise), no rate limit, short SSE keep-alives.
- ``emulator`` (function): the same server, reset (no predictions, accounts, faults, outcome rules, and
  no request of an earlier test still in flight: the reset settles them first).
- ``wire`` (function): what reached the session emulator since that reset (`tests.wire_log`).
- ``base_url``: ``http://127.0.0.1:<port>/v1`` of the reset emulator; ``api_key``: a well-formed test key.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from skytells.emulator import EmulatorServer
from skytells.emulator import server as server_module
from tests.emulator.emulator_support import fast_config
from tests.wire_log import WireLog

TEST_SPEED = float(os.environ.get("SKYTELLS_TEST_SPEED", "100"))
TEST_API_KEY = "sk-test-0123456789abcdef"


#: Every request the session emulator receives (cleared by the `emulator` fixture).
WIRE = WireLog()


@pytest.fixture(scope="session")
def emulator_server() -> Iterator[EmulatorServer]:
    server = EmulatorServer(fast_config(speed=TEST_SPEED))
    with pytest.MonkeyPatch.context() as patch:  # only while it starts: its app records the wire
        patch.setattr(server_module, "create_app", WIRE.wrapping(server_module.create_app))
        server.start()
    try:
        yield server
    finally:
        server.reset()  # settles what the last test left in flight, so the stop has nothing to wait for
        server.stop()


@pytest.fixture
def emulator(emulator_server: EmulatorServer) -> EmulatorServer:
    emulator_server.reset()
    WIRE.clear()
    return emulator_server


@pytest.fixture
def wire(emulator: EmulatorServer) -> WireLog:
    """The requests the reset session emulator has received during this test."""
    return WIRE


@pytest.fixture
def base_url(emulator: EmulatorServer) -> str:
    return emulator.base_url


@pytest.fixture
def api_key() -> str:
    return TEST_API_KEY
