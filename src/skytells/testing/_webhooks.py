"""The webhooks the emulator sent, from a test: ``emulator.webhooks.wait_for(event="completed")``.

Read from the emulator's delivery log (``GET /_emulator/webhooks/deliveries``). A log entry is a
dict: ``id`` (the ``webhook-id``), ``prediction_id``, ``event``, ``url``, ``status`` (``pending``,
``retrying``, ``delivered``, ``failed``, ``blocked``), ``attempts``, ``response_status`` (what your
endpoint answered), ``last_error``, and times.
"""

from __future__ import annotations

import time
from typing import Any

from ..webhooks import canonical_event
from ._admin import ApiCaller, EmulatorLike

POLL_INTERVAL_S = 0.02


class WebhookLog:
    """Deliveries, waiting for one, the test switches, replays and the signing secret."""

    def __init__(self, server: EmulatorLike, api: ApiCaller, api_key: str) -> None:
        self._server = server
        self._api = api
        self._api_key = api_key

    def deliveries(
        self, event: str | None = None, *, prediction_id: str | None = None, status: str | None = None
    ) -> list[dict[str, Any]]:
        """The delivery log, oldest first, keeping the entries that match every filter given.

        ``event``: ``started``, ``completed``, ``failed`` or ``cancelled`` (any spelling).
        """
        entries: list[dict[str, Any]] = self._server.admin("GET", "/webhooks/deliveries")
        wanted = _event(event) if event is not None else None
        return [
            entry
            for entry in entries
            if (wanted is None or _event(str(entry.get("event"))) == wanted)
            and (prediction_id is None or entry.get("prediction_id") == prediction_id)
            and (status is None or entry.get("status") == status)
        ]

    def wait_for(
        self,
        event: str | None = None,
        *,
        prediction_id: str | None = None,
        status: str | None = "delivered",
        timeout: float = 10.0,
    ) -> dict[str, Any]:
        """The first delivery matching the filters, once there is one (``status=None``: any status).

        Raises ``AssertionError`` (showing the log) after ``timeout`` seconds, or at once when a
        matching delivery was ``blocked`` (its URL's host is not in the emulator's allow-list).
        """
        __tracebackhide__ = True  # pytest shows the test's line, not this one
        deadline = time.monotonic() + timeout
        while True:
            candidates = self.deliveries(event, prediction_id=prediction_id)
            for entry in candidates:
                if status is None or entry.get("status") == status:
                    return entry
            blocked = [entry for entry in candidates if entry.get("status") == "blocked"]
            if blocked and status == "delivered":
                raise AssertionError(f"the webhook was blocked: {blocked[0].get('last_error')}")
            if time.monotonic() >= deadline:
                log = "\n".join(_describe(entry) for entry in self.deliveries()) or "  (empty)"
                about = " ".join(word for word in (status, event, "webhook") if word)
                about += f" for prediction {prediction_id}" if prediction_id else ""
                raise AssertionError(f"no {about} within {timeout:g} s; the delivery log:\n{log}")
            time.sleep(POLL_INTERVAL_S)

    def settings(self, **switches: bool) -> dict[str, bool]:
        """Turn test switches on or off (``bad_signature``, ``stale_timestamp``, ``duplicate``)."""
        settings: dict[str, bool] = self._server.admin("POST", "/webhooks/settings", switches)
        return settings

    def replay(self, delivery_id: str) -> dict[str, Any]:
        """Send a logged delivery again (same ``webhook-id``): what a sender's retry looks like."""
        entry: dict[str, Any] = self._server.admin("POST", f"/webhooks/deliveries/{delivery_id}/replay")
        return entry

    def secret(self, api_key: str | None = None) -> str:
        """The ``whsec_`` secret the emulator signs Standard Webhooks with, for the test's API key."""
        return str(self._api.get("/webhooks/default/secret", api_key or self._api_key)["secret"])


def _event(name: str) -> str:
    return canonical_event(name) or name


def _describe(entry: dict[str, Any]) -> str:
    answer = entry.get("response_status") or entry.get("last_error") or "-"
    return (
        f"  {entry.get('event')} {entry.get('prediction_id')} -> {entry.get('url')}: "
        f"{entry.get('status')} after {entry.get('attempts')} attempt(s) ({answer})"
    )
