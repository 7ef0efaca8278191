"""What reached the session emulator over the wire, whatever client or transport sent it.

The session emulator (tests/conftest.py) is started with `WireLog.middleware` around its app, and the
`emulator` fixture clears the log after each reset. A test reads ``wire.requests("GET", "/v1/models")``
to count the requests a client really sent, without injecting anything into the client: so the same
assertions hold for the client's own transport and for an injected httpx client.
"""

from __future__ import annotations

import fnmatch
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from starlette.types import ASGIApp, Receive, Scope, Send


@dataclass(frozen=True)
class WireRequest:
    """One request as the server received it (headers with lower-case names)."""

    method: str
    path: str
    headers: dict[str, str]


class WireLog:
    """Requests received by one server, in arrival order; thread-safe."""

    def __init__(self) -> None:
        self._requests: list[WireRequest] = []
        self._lock = threading.Lock()

    def clear(self) -> None:
        with self._lock:
            self._requests.clear()

    def requests(self, method: str = "*", path: str = "*") -> list[WireRequest]:
        """The requests whose method and path match (``*`` wildcards in `path`)."""
        with self._lock:
            return [
                r for r in self._requests if method in ("*", r.method) and fnmatch.fnmatchcase(r.path, path)
            ]

    def creates(self) -> list[WireRequest]:
        """Prediction creates (``POST /v1/predict`` and ``POST /v1/predictions``)."""
        return [r for r in self.requests("POST") if r.path.rstrip("/") in ("/v1/predict", "/v1/predictions")]

    def wrapping(self, make_app: Callable[..., Any]) -> Callable[..., Any]:
        """`make_app` (such as `create_app`) with this log's middleware added to the app it makes."""

        def make_recording_app(*args: Any, **kwargs: Any) -> Any:
            app = make_app(*args, **kwargs)
            app.add_middleware(_Recorder, log=self)
            return app

        return make_recording_app

    def _record(self, scope: Scope) -> None:
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        with self._lock:
            self._requests.append(WireRequest(scope["method"], scope["path"], headers))


class _Recorder:
    """ASGI middleware: records each HTTP request as it arrives, then serves it unchanged."""

    def __init__(self, app: ASGIApp, log: WireLog) -> None:
        self.app = app
        self.log = log

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            self.log._record(scope)
        await self.app(scope, receive, send)
