"""Helpers shared by the command-line tests."""

from __future__ import annotations

import json
import socket
from collections.abc import Callable
from typing import Any

from click.testing import Result

Invoke = Callable[..., Result]


def parse_json(result: Result) -> Any:
    """The command's stdout as JSON (fails the test when stdout holds anything else)."""
    return json.loads(result.stdout)


def free_port() -> int:
    """A loopback port nothing listens on (the OS just handed it out and it was released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
