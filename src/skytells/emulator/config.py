"""Configuration of the emulator.

>>> config = EmulatorConfig(speed=20.0, api_keys=("sk-test-strict",))
>>> config.strict
True
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

DEFAULT_PORT = 8790
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")
MAX_BODY_BYTES = 10 * 1024 * 1024


@dataclass(frozen=True)
class EmulatorConfig:
    """Everything that shapes one emulator instance.

    ``speed`` divides every simulated duration (it can be changed while running through
    ``POST /_emulator/time``). A non-empty ``api_keys`` switches on strict mode: only those keys
    are accepted. ``data_dir=None`` means a fresh temporary directory. ``catalog_path`` replaces the
    packaged model catalog with a JSON file in the same format. ``shared_outputs`` makes every
    prediction of a model (and size and format) share one cached output file, for load tests.
    """

    host: str = "127.0.0.1"
    port: int = DEFAULT_PORT
    data_dir: str | None = None
    speed: float = 1.0
    api_keys: tuple[str, ...] = ()
    webhook_allow: tuple[str, ...] = LOOPBACK_HOSTS
    await_cap: float = 60.0
    rate_limit: int = 600
    rate_window: float = 60.0
    max_body_bytes: int = MAX_BODY_BYTES
    faults: tuple[Mapping[str, Any], ...] = ()
    seed: int | None = None
    sse_keepalive: float = 15.0
    render_workers: int = 2
    catalog_path: str | None = None
    shared_outputs: bool = False

    def __post_init__(self) -> None:
        if self.speed <= 0:
            raise ValueError("speed must be greater than 0")
        if self.await_cap < 0:
            raise ValueError("await_cap must not be negative")
        if self.max_body_bytes <= 0:
            raise ValueError("max_body_bytes must be greater than 0")
        for key in self.api_keys:
            if not key:
                raise ValueError("api_keys must not contain an empty key")

    @property
    def strict(self) -> bool:
        """True when only the configured keys are accepted."""
        return bool(self.api_keys)
