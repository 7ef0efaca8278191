"""Configuration of the emulator.

>>> config = EmulatorConfig(speed=20.0, api_keys=("sk-test-strict",))
>>> config.strict
True
>>> EmulatorConfig(host="0.0.0.0")
Traceback (most recent call last):
skytells.emulator.config.AdminTokenRequired: the emulator would listen on 0.0.0.0, which is not a ...
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

DEFAULT_PORT = 8790
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")
MAX_BODY_BYTES = 10 * 1024 * 1024
#: The environment variable the command line reads the admin token from.
ADMIN_TOKEN_ENV = "SKYTELLS_EMULATOR_ADMIN_TOKEN"
#: Visible ASCII only, so the token fits in a header as it is.
_TOKEN = re.compile(r"^[\x21-\x7e]+$")


class AdminTokenRequired(ValueError):
    """The configuration listens beyond loopback without an admin token."""


def is_loopback_host(host: str) -> bool:
    """Whether `host` reaches only this machine: ``localhost``, 127.0.0.0/8 or ``::1``.

    >>> [is_loopback_host(h) for h in ("127.0.0.2", "::1", "LOCALHOST", "0.0.0.0", "", "::", "example.com")]
    [True, True, True, False, False, False, False]
    """
    name = host.strip().strip("[]").rstrip(".").lower()
    if name == "localhost":
        return True
    try:
        address = ipaddress.ip_address(name)
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_loopback


@dataclass(frozen=True)
class EmulatorConfig:
    """Everything that shapes one emulator instance.

    ``speed`` divides every simulated duration (it can be changed while running through
    ``POST /_emulator/time``). A non-empty ``api_keys`` switches on strict mode: only those keys
    are accepted. ``data_dir=None`` means a fresh temporary directory. ``catalog_path`` replaces the
    packaged model catalog with a JSON file in the same format. ``shared_outputs`` makes every
    prediction of a model (and size and format) share one cached output file, for load tests.
    ``admin_token`` guards the admin API (``/_emulator/*`` but its health route); it is required
    when ``host`` is not a loopback address, and enforced whenever it is set.
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
    admin_token: str | None = field(default=None, repr=False)

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
        if self.admin_token is not None and not _TOKEN.match(self.admin_token):
            raise ValueError("the admin token must be visible ASCII characters (no spaces), at least one")
        if self.admin_token is None and not is_loopback_host(self.host):
            raise AdminTokenRequired(
                f"the emulator would listen on {self.host or 'every interface'}, which is not a loopback "
                "address: anyone who reaches it could reset it, read its accounts or inject faults. "
                f"Set an admin token (--admin-token, ${ADMIN_TOKEN_ENV}, or EmulatorConfig(admin_token=...)) "
                "and send it as X-Emulator-Admin-Token to /_emulator/*, or listen on 127.0.0.1"
            )

    @property
    def strict(self) -> bool:
        """True when only the configured keys are accepted."""
        return bool(self.api_keys)
