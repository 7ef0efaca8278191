"""`EmulatorState`: the parts of one running emulator, kept on ``app.state.emulator``.

Only the container lives here; the request helpers that read it are in `skytells.emulator.http`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from skytells.emulator.accounts import Accounts
from skytells.emulator.admin.inflight import InFlightRequests
from skytells.emulator.catalog import Catalog
from skytells.emulator.config import EmulatorConfig
from skytells.emulator.faults.injector import FaultInjector
from skytells.emulator.inference.response_store import ResponseStore
from skytells.emulator.predictions.lifecycle import Engine
from skytells.emulator.ratelimit.limiter import RateLimiter
from skytells.emulator.store import Store
from skytells.emulator.webhooks.dispatcher import WebhookDispatcher


@dataclass
class EmulatorState:
    """The parts of one running emulator (``app.state.emulator``)."""

    config: EmulatorConfig
    store: Store
    catalog: Catalog
    accounts: Accounts
    engine: Engine
    dispatcher: WebhookDispatcher
    faults: FaultInjector
    limiter: RateLimiter
    responses: ResponseStore
    requests: InFlightRequests = field(default_factory=InFlightRequests)
