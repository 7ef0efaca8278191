"""``captured``: real deliveries of the session's emulator (see webhook_support.py)."""

from __future__ import annotations

import pytest

from skytells.emulator import EmulatorServer
from tests.webhooks.webhook_support import Captured, capture_deliveries


@pytest.fixture(scope="session")
def captured(emulator_server: EmulatorServer) -> Captured:
    return capture_deliveries(emulator_server)
