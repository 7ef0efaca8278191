"""Fixtures of the conformance suite: one emulator for the suite and the cached published SDKs."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conformance import published_env
from tests.conformance.conformance_support import SPEED


@pytest.fixture(scope="session")
def conformance_emulator() -> Iterator[Any]:
    """An emulator of our own (fast clock), so resets by other suites never touch it."""
    from skytells.emulator import EmulatorConfig, EmulatorServer

    with EmulatorServer(EmulatorConfig(host="127.0.0.1", port=0, speed=SPEED)) as emu:
        yield emu


@pytest.fixture(scope="session")
def published_python() -> Path:
    """Interpreter of the cached venv holding the published skytells 1.0.0 (built once, under .cache/)."""
    return published_env.published_python()


@pytest.fixture(scope="session")
def ts_sdk() -> Path:
    """Folder with the npm package `skytells` at its pinned version installed (test_published_typescript
    skips itself, once, where node or npm is missing)."""
    return published_env.ts_sdk_dir()
