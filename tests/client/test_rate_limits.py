"""The emulator's real per-key rate limiter (not an injected fault) as the client sees it."""

from __future__ import annotations

import itertools
from collections.abc import Iterator

import pytest

from skytells import RetryOptions
from skytells.emulator import EmulatorConfig, EmulatorServer

LIMIT = 2
_keys = itertools.count()


@pytest.fixture(scope="module")
def limited() -> Iterator[EmulatorServer]:
    """An emulator allowing LIMIT requests per key per minute."""
    with EmulatorServer(EmulatorConfig(speed=100, rate_limit=LIMIT, rate_window=60)) as server:
        yield server


@pytest.fixture
def fresh_key() -> str:
    return f"sk-test-rate-limited-{next(_keys):04d}"


def test_going_over_the_limit_is_rate_limit_exceeded_with_retry_after(sdk, limited, fresh_key):
    client = sdk.make_client(api_key=fresh_key, base_url=limited.base_url)
    for _ in range(LIMIT):
        sdk.resolve(client.models.list())

    error = sdk.error(lambda: client.models.list())

    assert error.error_id == "RATE_LIMIT_EXCEEDED"
    assert error.http_status == 429
    assert 0 < error.retry_after <= 60


def test_retries_wait_as_long_as_the_server_asks(sdk, sleeps, limited, fresh_key):
    client = sdk.make_client(
        api_key=fresh_key, base_url=limited.base_url, retry=RetryOptions(retries=2, retry_delay=10)
    )
    for _ in range(LIMIT):
        sdk.resolve(client.models.list())

    error = sdk.error(lambda: client.models.list())

    assert error.error_id == "RATE_LIMIT_EXCEEDED"
    assert len(sleeps.delays) == 2
    assert all(delay >= 1 for delay in sleeps.delays), "Retry-After replaced the 10 ms linear delay"


def test_limits_are_per_key(sdk, limited, fresh_key):
    busy = sdk.make_client(api_key=fresh_key, base_url=limited.base_url)
    other = sdk.make_client(api_key=fresh_key + "-other", base_url=limited.base_url)
    for _ in range(LIMIT):
        sdk.resolve(busy.models.list())

    assert sdk.resolve(other.models.list())
