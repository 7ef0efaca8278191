"""Polling with a deadline, for tests that wait for something another thread or process does."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def wait_until(condition: Callable[[], T], what: str, timeout: float = 20.0, interval: float = 0.01) -> T:
    """Call `condition` until it returns something truthy, and return that; fail after `timeout` seconds.

    The deadline only turns a hang into a clear failure: nothing is asserted about how long it took.
    """
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up after {timeout:g}s waiting for {what}")
        time.sleep(interval)


async def wait_until_async(
    condition: Callable[[], T], what: str, timeout: float = 20.0, interval: float = 0.01
) -> T:
    """`wait_until` for a coroutine: the event loop keeps running between two looks."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up after {timeout:g}s waiting for {what}")
        await asyncio.sleep(interval)
