"""What a namespace class (``client.predictions``, ``client.models``...) reaches on its client."""

from __future__ import annotations

import warnings
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from .._async_driver import AsyncDriver
    from .._core._send import Context
    from .._sync_driver import SyncDriver


class SyncClientParts(Protocol):
    """The parts of a sync client its namespaces use."""

    _ctx: Context
    _driver: SyncDriver


class AsyncClientParts(Protocol):
    """The parts of an async client its namespaces use."""

    _ctx: Context
    _driver: AsyncDriver


def deprecated(old: str, new: str) -> None:
    """Warn, at the line that called the deprecated method ``old``, to use ``new`` instead."""
    warnings.warn(f"{old} is deprecated; use {new} instead.", DeprecationWarning, stacklevel=3)
