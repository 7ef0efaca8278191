"""What both clients hold beside their driver: the configuration, the flows' context and the local
queue of :meth:`queue` / :meth:`dispatch`."""

from __future__ import annotations

import threading
from typing import Any

from ._core._config import Config
from ._core._send import Context
from .types._options import PredictionRequest, QueueItem, RetryOptions


class BaseClient:
    """The state a client shares with its namespaces (``client.predictions``, ``client.models``...)."""

    def __init__(self, config: Config) -> None:
        self._ctx = Context(config)
        self._queue: list[QueueItem] = []
        self._lock = threading.Lock()

    @property
    def base_url(self) -> str:
        return self._ctx.config.base_url

    @property
    def timeout(self) -> float:
        """The HTTP timeout in milliseconds."""
        return self._ctx.config.timeout_ms

    @property
    def retry(self) -> RetryOptions:
        return self._ctx.config.retry

    def __repr__(self) -> str:
        return f"{type(self).__name__}(base_url={self.base_url!r})"

    def _enqueue(self, body: dict[str, Any]) -> None:
        with self._lock:
            self._queue.append(QueueItem(PredictionRequest.from_dict(body)))

    def _take_queue(self) -> list[QueueItem]:
        with self._lock:
            items, self._queue = self._queue, []
        return items
