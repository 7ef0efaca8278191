"""Whether a socket has something to read (data or the peer's close), asked without reading.

>>> is_socket_readable(transport.get_extra_info("socket"))
False
"""

from __future__ import annotations

import select
import sys
from typing import Any

__all__ = ["is_socket_readable"]

_poll = getattr(select, "poll", None)  # absent on Windows, and when eventlet patches select


def is_socket_readable(sock: Any) -> bool:
    """True when a read of `sock` would not block: it holds data, or the peer closed it.

    A socket that is gone (None, or no file descriptor) counts as readable, so a pool drops the
    connection rather than reuses it. `sock` is a ``socket.socket`` or anything with ``fileno()``
    (asyncio hands out a ``TransportSocket``).
    """
    fd = -1 if sock is None else sock.fileno()
    if fd < 0:
        return True
    if _poll is None or sys.platform == "win32":
        readable, _, _ = select.select([fd], [], [], 0)
        return bool(readable)
    poller = _poll()
    poller.register(fd, select.POLLIN)
    return bool(poller.poll(0))
