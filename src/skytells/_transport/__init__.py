"""The SDK's HTTP transports, behind the flows' ``Request -> Reply | Failure`` contract.

``SyncTransport`` (one pooled ``httpx.Client``) and ``AsyncTransport`` (small httpcore pools on an
asyncio network backend, fed requests that httpx builds) each offer ``send(request)`` and
``stream(request)``. Nothing above this package imports httpx for sending, and nothing here uses a
private name of httpx or httpcore.
"""

from __future__ import annotations

from ._httpx import StreamBroken
from ._sync import OpenStream, SyncTransport

__all__ = ["OpenStream", "StreamBroken", "SyncTransport"]
