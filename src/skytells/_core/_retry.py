"""Retry decisions: which failures are retried, and how long to wait first."""

from __future__ import annotations

from .._exceptions import SkytellsError
from ..types._options import RetryOptions

MAX_RETRIES = 100
#: a Retry-After longer than this is not waited for: the error is raised instead
MAX_RETRY_AFTER_S = 300.0


def retry_delay(error: SkytellsError, attempt: int, retry: RetryOptions) -> float | None:
    """Seconds to wait before retry number ``attempt`` (1-based), or None to give up.

    Linear ``retry_delay * attempt`` ms; a server ``Retry-After`` takes its place when present.
    A failure with no response at all (``NETWORK_ERROR``) is retried too: every request of the SDK
    is safe to replay (creates carry an ``Idempotency-Key``).
    """
    retries = max(0, min(MAX_RETRIES, int(retry.retries or 0)))
    if attempt > retries:
        return None
    no_response = error.error_id == "NETWORK_ERROR" and error.http_status == 0
    if error.http_status not in retry.retry_on and not no_response:
        return None
    if error.retry_after is not None:
        if error.retry_after > MAX_RETRY_AFTER_S:
            return None
        return error.retry_after
    delay_ms = retry.retry_delay if retry.retry_delay is not None and retry.retry_delay >= 0 else 1000
    return delay_ms * attempt / 1000.0
