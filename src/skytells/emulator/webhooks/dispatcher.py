"""Webhook delivery: `WebhookDispatcher` sends, retries and logs each delivery.

Every delivery POSTs the prediction object (bare JSON), signed both ways (`signing`). Terminal events
(completed, failed, canceled) are retried with backoff on a non-2xx answer or a connection error;
``started`` is sent once. Only allowed hosts are contacted (loopback by default); anything else is
logged as ``blocked``.

>>> dispatcher = WebhookDispatcher(allow_hosts=("127.0.0.1",), speed=10.0)
>>> # inside the server's event loop:
>>> # await dispatcher.start()
>>> # dispatcher.notify(signing_key=key, secret=whsec, webhook={"url": url, "events": ["completed"]},
>>> #                   event="completed", prediction=payload, account=account_id)
"""

from __future__ import annotations

import asyncio
import json
import ssl
import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, timezone
from functools import cache
from typing import Any
from urllib.parse import urlsplit

import httpx

from skytells.emulator.webhooks.options import TERMINAL_EVENTS, canonical_event, invalid_webhook, wants_event
from skytells.emulator.webhooks.signing import sign_skytells, sign_standard

#: Seconds before each retry of a terminal event, at speed 1.
DEFAULT_RETRY_SCHEDULE = (1.0, 2.0, 4.0, 8.0)
USER_AGENT = "Skytells-Webhooks/1.0 (skytells-emulator)"
MAX_LOG_ENTRIES = 10_000
#: Switches that make deliveries misbehave on purpose, to test a receiver's verification code.
TEST_SWITCHES = ("bad_signature", "stale_timestamp", "duplicate")
#: How old a ``stale_timestamp`` delivery claims to be (beyond the usual 5-minute tolerance).
STALE_BY_S = 600
#: The longest ``Retry-After`` from a receiver that is honoured (seconds, at speed 1).
MAX_RETRY_AFTER_S = 60.0


def _retry_after(value: str | None) -> float:
    """Seconds of a ``Retry-After: <seconds>`` header; 0 when absent or not a number."""
    try:
        return max(0.0, float(value)) if value else 0.0
    except ValueError:
        return 0.0


@cache
def _ssl_context() -> ssl.SSLContext:
    """One verifying TLS context for every dispatcher (building one costs about 0.1 s)."""
    import certifi

    return ssl.create_default_context(cafile=certifi.where())


def _now_iso() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class _Delivery:
    """One webhook message and its attempts (the log entry plus what is needed to send it)."""

    def __init__(
        self, *, url: str, event: str, body: bytes, prediction_id: str, account: str | None,
        signing_key: str | None, secret: str | None, max_attempts: int,
    ) -> None:  # fmt: skip
        self.id = "msg_" + uuid.uuid4().hex
        self.url, self.event, self.body = url, event, body
        self.prediction_id, self.account = prediction_id, account
        self.signing_key, self.secret = signing_key, secret
        self.max_attempts = max_attempts
        self.status = "pending"
        self.attempts = 0
        self.response_status: int | None = None
        self.last_error: str | None = None
        self.created_at = self.updated_at = _now_iso()
        self.delivered_at: str | None = None
        self.retry_after = 0.0  # seconds the receiver asked to wait (Retry-After), at speed 1

    def headers(self, switches: Mapping[str, bool]) -> dict[str, str]:
        """The headers of one attempt; `switches` may spoil the signatures or age the timestamp."""
        headers = {
            "Content-Type": "application/json",
            "User-Agent": USER_AGENT,
            "X-Skytells-Event": self.event,
        }
        signed = self.body + b" " if switches.get("bad_signature") else self.body
        if self.signing_key:
            headers["X-Skytells-Signature"] = sign_skytells(signed, self.signing_key)
        if self.secret:
            timestamp = int(time.time()) - (STALE_BY_S if switches.get("stale_timestamp") else 0)
            headers["webhook-id"] = self.id
            headers["webhook-timestamp"] = str(timestamp)
            headers["webhook-signature"] = sign_standard(self.id, timestamp, signed, self.secret)
        return headers

    def record(self, status: str, response_status: int | None = None, error: str | None = None) -> None:
        self.status, self.response_status, self.last_error = status, response_status, error
        self.updated_at = _now_iso()
        if status == "delivered":
            self.delivered_at = self.updated_at

    def entry(self) -> dict[str, Any]:
        """The public log entry: never the signing key or the secret."""
        return {
            "id": self.id,
            "prediction_id": self.prediction_id,
            "event": self.event,
            "url": self.url,
            "status": self.status,
            "attempts": self.attempts,
            "max_attempts": self.max_attempts,
            "response_status": self.response_status,
            "last_error": self.last_error,
            "created_at": self.created_at,
            "updated_at": self.updated_at,
            "delivered_at": self.delivered_at,
        }


class WebhookDispatcher:
    """Sends webhooks in the background of the server's event loop; keeps a delivery log.

    `allow_hosts` are exact host names or IPs (``"*"`` allows every host). `speed` divides the retry
    delays (it may be changed while running). `notify` never blocks and may be called from any thread.
    """

    def __init__(
        self,
        allow_hosts: Iterable[str] = ("127.0.0.1", "localhost", "::1"),
        speed: float = 1.0,
        *,
        retry_schedule: Sequence[float] = DEFAULT_RETRY_SCHEDULE,
        timeout: float = 5.0,
        max_concurrency: int = 64,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.allow_hosts = {host.strip().strip("[]").lower() for host in allow_hosts}
        self.speed = speed
        self.retry_schedule = tuple(retry_schedule)
        self.timeout = timeout
        self._max_concurrency = max_concurrency
        self._transport = transport
        self._log: OrderedDict[str, _Delivery] = OrderedDict()
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._client: httpx.AsyncClient | None = None
        self._semaphore: asyncio.Semaphore | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self._backlog: list[_Delivery] = []
        self.switches: dict[str, bool] = dict.fromkeys(TEST_SWITCHES, False)

    async def start(self) -> None:
        """Binds to the running event loop and sends anything queued before."""
        self._loop = asyncio.get_running_loop()
        self._semaphore = asyncio.Semaphore(self._max_concurrency)
        self._client = httpx.AsyncClient(
            timeout=self.timeout,
            follow_redirects=False,
            trust_env=False,
            verify=_ssl_context(),
            transport=self._transport,
        )
        backlog, self._backlog = self._backlog, []
        for delivery in backlog:
            self._spawn(delivery)

    async def stop(self) -> None:
        """Cancels deliveries in flight (their log entries keep their last state) and closes the client."""
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        if self._client is not None:
            await self._client.aclose()
        self._client, self._loop = None, None

    async def wait_idle(self) -> None:
        """Returns once no delivery is in flight (retries included)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    def notify(
        self,
        *,
        signing_key: str | None,
        secret: str | None,
        webhook: Mapping[str, Any] | None,
        event: str,
        prediction: Mapping[str, Any],
        account: str | None = None,
    ) -> str | None:
        """Queues the webhook for `event` if `webhook` asked for it; returns the delivery id or None.

        `event` is an event name (``completed``, ``prediction.succeeded`` ...) or a prediction status
        (``succeeded``, ``cancelled`` ...). Returns at once; the POST happens in the background.
        """
        canonical = canonical_event(event)
        if not webhook or not webhook.get("url") or canonical is None or not wants_event(webhook, canonical):
            return None
        url = str(webhook["url"])
        delivery = _Delivery(
            url=url,
            event=canonical,
            body=json.dumps(prediction, separators=(",", ":"), ensure_ascii=False, default=str).encode(),
            prediction_id=str(prediction.get("id", "")),
            account=account,
            signing_key=signing_key,
            secret=secret,
            max_attempts=1 + len(self.retry_schedule) if canonical in TERMINAL_EVENTS else 1,
        )
        self._remember(delivery)
        if not self._blocked(delivery):
            self._submit(delivery)
        return delivery.id

    def configure(self, **switches: bool) -> dict[str, bool]:
        """Turns test switches on or off; returns them all. Unknown names raise ``INVALID_PARAMETER``.

        ``bad_signature``: both signatures are computed over a different body; ``stale_timestamp``:
        ``webhook-timestamp`` is 10 minutes old (validly signed); ``duplicate``: every delivery that
        succeeds is sent a second time with the same ``webhook-id``.
        """
        for name, value in switches.items():
            if name not in TEST_SWITCHES:
                raise invalid_webhook(
                    f"Unknown webhook test switch '{name}'; expected one of: {', '.join(TEST_SWITCHES)}"
                )
            if not isinstance(value, bool):
                raise invalid_webhook(f"'{name}' must be true or false")
        self.switches.update(switches)
        return dict(self.switches)

    def replay(self, delivery_id: str) -> dict[str, Any] | None:
        """Sends a logged delivery again (same ``webhook-id``, fresh attempts); its entry, or None."""
        with self._lock:
            delivery = self._log.get(delivery_id)
        if delivery is None:
            return None
        if delivery.status in ("pending", "retrying"):
            return delivery.entry()
        delivery.attempts, delivery.delivered_at = 0, None
        if self._blocked(delivery):
            return delivery.entry()
        delivery.record("pending")
        self._submit(delivery)
        return delivery.entry()

    def host_allowed(self, url: str) -> bool:
        """Whether the allow-list lets the dispatcher contact `url`'s host."""
        host = (urlsplit(url).hostname or "").lower()
        return "*" in self.allow_hosts or host in self.allow_hosts

    def _blocked(self, delivery: _Delivery) -> bool:
        """Whether the allow-list forbids `delivery`; logs it as ``blocked`` when it does."""
        if self.host_allowed(delivery.url):
            return False
        host = urlsplit(delivery.url).hostname
        delivery.record("blocked", error=f"host not in the webhook allow-list: {host}")
        return True

    def deliveries(self, account: str | None = None) -> list[dict[str, Any]]:
        """The delivery log, oldest first; only `account`'s deliveries when given."""
        with self._lock:
            items = list(self._log.values())
        return [d.entry() for d in items if account is None or d.account == account]

    def clear(self) -> None:
        """Forgets the log, turns the test switches off and cancels deliveries in flight or waiting."""
        self.switches = dict.fromkeys(TEST_SWITCHES, False)
        with self._lock:
            self._log.clear()
        self._backlog.clear()
        tasks = list(self._tasks)
        if not tasks or self._loop is None or self._loop.is_closed():
            return
        for task in tasks:
            self._loop.call_soon_threadsafe(task.cancel)

    def _remember(self, delivery: _Delivery) -> None:
        with self._lock:
            self._log[delivery.id] = delivery
            while len(self._log) > MAX_LOG_ENTRIES:
                self._log.popitem(last=False)

    def _submit(self, delivery: _Delivery) -> None:
        loop = self._loop
        if loop is None or loop.is_closed():
            self._backlog.append(delivery)
            return
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is loop:
            self._spawn(delivery)
        else:
            loop.call_soon_threadsafe(self._spawn, delivery)

    def _spawn(self, delivery: _Delivery) -> None:
        task = asyncio.get_running_loop().create_task(self._deliver(delivery))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _deliver(self, delivery: _Delivery) -> None:
        try:
            await self._attempts(delivery)
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # a bug here fails the delivery, never leaves it pending
            delivery.record("failed", delivery.response_status, f"{type(exc).__name__}: {exc}")

    async def _attempts(self, delivery: _Delivery) -> None:
        while True:
            ok = await self._attempt(delivery)
            if ok or delivery.attempts >= delivery.max_attempts or delivery.response_status == 410:
                if not ok:
                    delivery.record("failed", delivery.response_status, delivery.last_error)
                return
            delivery.record("retrying", delivery.response_status, delivery.last_error)
            delay = self.retry_schedule[min(delivery.attempts - 1, len(self.retry_schedule) - 1)]
            delay = max(delay, min(delivery.retry_after, MAX_RETRY_AFTER_S))
            await asyncio.sleep(delay / max(self.speed, 1e-9))

    async def _attempt(self, delivery: _Delivery) -> bool:
        assert self._client is not None and self._semaphore is not None
        async with self._semaphore:
            delivery.attempts += 1
            delivery.retry_after = 0.0  # only the latest answer's Retry-After counts
            try:
                headers = delivery.headers(self.switches)
                response = await self._client.post(delivery.url, content=delivery.body, headers=headers)
                if self.switches.get("duplicate") and 200 <= response.status_code < 300:
                    response = await self._client.post(delivery.url, content=delivery.body, headers=headers)
            except httpx.HTTPError as exc:
                delivery.record(
                    delivery.status, None, f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
                )
                return False
        if 200 <= response.status_code < 300:
            delivery.record("delivered", response.status_code)
            return True
        delivery.retry_after = _retry_after(response.headers.get("retry-after"))
        delivery.record(delivery.status, response.status_code, f"HTTP {response.status_code}")
        return False
