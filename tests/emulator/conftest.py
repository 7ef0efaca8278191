"""Fixtures of the emulator tests: an httpx client on the reset session emulator, and helpers."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from skytells.emulator import EmulatorServer


@pytest.fixture
def http(emulator: EmulatorServer, api_key: str) -> Iterator[httpx.Client]:
    """An httpx client on ``/v1`` of the reset emulator, sending the test key."""
    headers = {"x-api-key": api_key}
    with httpx.Client(base_url=emulator.base_url, headers=headers, timeout=30, trust_env=False) as client:
        yield client


@pytest.fixture(scope="session")
def plain() -> Iterator[httpx.Client]:
    """An httpx client that sends no key (for output files and the admin API)."""
    with httpx.Client(timeout=30, trust_env=False) as client:
        yield client
