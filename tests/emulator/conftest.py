"""Fixtures of the emulator tests: an httpx client on the reset session emulator, and helpers."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from skytells.emulator import EmulatorServer


@pytest.fixture
def http(emulator: EmulatorServer, api_key: str) -> Iterator[httpx.Client]:
    """An httpx client on ``/v1`` of the reset emulator, sending the test key."""
    with httpx.Client(base_url=emulator.base_url, headers={"x-api-key": api_key}, timeout=30) as client:
        yield client
