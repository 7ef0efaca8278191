"""pytest fixtures that run your app's tests against the Skytells emulator.

Installed with ``skytells`` (entry point ``pytest11``); the emulator itself needs
``pip install 'skytells[emulator]'``. Nothing is imported or started until a test asks for one of
these fixtures, so a suite that uses none of them is not slowed down.

=============================  =====================================================================
``skytells_emulator``          an `EmulatorControl` of the session's emulator, reset before the test
``skytells_client``            a `SkytellsClient` bound to it (closed after the test)
``async_skytells_client``      an `AsyncSkytellsClient` bound to it (needs pytest-asyncio)
``skytells_env``               ``SKYTELLS_BASE_URL`` and ``SKYTELLS_API_KEY`` exported for the test
``skytells_emulator_config``   (session) the `EmulatorConfig`: override it in your conftest.py
``skytells_emulator_server``   (session) the running `EmulatorServer`
=============================  =====================================================================

>>> def test_render(skytells_emulator, skytells_client):
...     skytells_emulator.next("flux-pro").fails("GPU melted")
...     with pytest.raises(PredictionFailedError):
...         skytells_client.run("flux-pro", input={"prompt": "a cat"})

The ini option ``skytells_emulator_speed`` (default 50) sets how much faster than real time
predictions run.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from skytells import AsyncSkytellsClient, SkytellsClient
    from skytells.emulator import EmulatorConfig, EmulatorServer
    from skytells.testing import EmulatorControl

DEFAULT_SPEED = 50.0
_MISSING = "the {fixture} fixture needs the Skytells emulator: pip install 'skytells[emulator]' ({error})"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addini(
        "skytells_emulator_speed",
        f"how many times faster than real time the skytells_emulator runs predictions ({DEFAULT_SPEED:g})",
        default=str(DEFAULT_SPEED),
    )


def _emulator_module(fixture: str) -> Any:
    """``skytells.emulator``, or a failed fixture saying how to install it."""
    try:
        import skytells.emulator as emulator
    except ImportError as error:
        missing = str(error)
    else:
        return emulator
    pytest.fail(_MISSING.format(fixture=fixture, error=missing), pytrace=False)


@pytest.fixture(scope="session")
def skytells_emulator_config(pytestconfig: pytest.Config) -> EmulatorConfig:
    """The emulator's configuration: 127.0.0.1, a free port, fast, no rate limit (override to change)."""
    emulator = _emulator_module("skytells_emulator")
    speed = float(pytestconfig.getini("skytells_emulator_speed") or DEFAULT_SPEED)
    config: EmulatorConfig = emulator.EmulatorConfig(
        host="127.0.0.1", port=0, speed=speed, rate_limit=0, sse_keepalive=1.0
    )
    return config


@pytest.fixture(scope="session")
def skytells_emulator_server(skytells_emulator_config: EmulatorConfig) -> Iterator[EmulatorServer]:
    """One emulator for the session, started when a test first needs it."""
    emulator = _emulator_module("skytells_emulator")
    with emulator.EmulatorServer(skytells_emulator_config) as server:
        yield server


@pytest.fixture(scope="session")
def _skytells_control(skytells_emulator_server: EmulatorServer) -> Iterator[EmulatorControl]:
    from skytells.testing import DEFAULT_API_KEY, EmulatorControl

    keys = skytells_emulator_server.config.api_keys
    control = EmulatorControl(skytells_emulator_server, keys[0] if keys else DEFAULT_API_KEY)
    yield control
    control.close()


@pytest.fixture
def skytells_emulator(_skytells_control: EmulatorControl) -> EmulatorControl:
    """The session's emulator, reset: no predictions, faults, outcome rules or deliveries."""
    _skytells_control.reset()
    return _skytells_control


@pytest.fixture
def skytells_client(skytells_emulator: EmulatorControl) -> Iterator[SkytellsClient]:
    """A `SkytellsClient` for the emulator and the test's API key."""
    with skytells_emulator.client() as client:
        yield client


@pytest.fixture
def skytells_env(skytells_emulator: EmulatorControl, monkeypatch: pytest.MonkeyPatch) -> EmulatorControl:
    """Export ``SKYTELLS_BASE_URL`` and ``SKYTELLS_API_KEY`` for the test, so that code building its
    own client (``SkytellsClient()``) talks to the emulator; the emulator's control object."""
    for name, value in skytells_emulator.env.items():
        monkeypatch.setenv(name, value)
    return skytells_emulator


def _async_fixture() -> Callable[[Callable[..., Any]], Any]:
    """`pytest_asyncio.fixture` when pytest-asyncio is installed, else a fixture that says it is needed."""
    try:
        import pytest_asyncio
    except ImportError:  # pragma: no cover - depends on what is installed

        def needs_pytest_asyncio(function: Callable[..., Any]) -> Any:
            def async_skytells_client() -> None:
                pytest.fail(
                    "the async_skytells_client fixture needs pytest-asyncio: pip install pytest-asyncio"
                )

            return pytest.fixture(async_skytells_client)

        return needs_pytest_asyncio
    decorator: Callable[[Callable[..., Any]], Any] = pytest_asyncio.fixture
    return decorator


@_async_fixture()
async def async_skytells_client(skytells_emulator: EmulatorControl) -> AsyncIterator[AsyncSkytellsClient]:
    """An `AsyncSkytellsClient` for the emulator and the test's API key, closed after the test."""
    client = skytells_emulator.async_client()
    try:
        yield client
    finally:
        await client.aclose()
