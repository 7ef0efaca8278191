"""Ports for tests: never one found free and released (another process may take it meanwhile)."""

from __future__ import annotations

import contextlib
import socket
from collections.abc import Iterator


@contextlib.contextmanager
def refused_url() -> Iterator[str]:
    """A base URL on 127.0.0.1 whose port refuses connections.

    The port stays bound (without listening) until the block ends, so no other process can take it
    meanwhile: a connection to a bound port that does not listen is refused.
    """
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        yield f"http://127.0.0.1:{sock.getsockname()[1]}/v1"
