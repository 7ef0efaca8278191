"""A tiny HTTP server on 127.0.0.1 that records the webhook deliveries it receives.

Example::

    with WebhookReceiver() as hooks:
        ...  # give hooks.url to the emulator as a webhook URL
        hooks.wait_for(lambda d: d.json().get("status") == "succeeded", timeout=10)
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass(frozen=True)
class Delivery:
    """One POST the receiver got."""

    path: str
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


class WebhookReceiver:
    """Records every POST; answers 200 ``{"ok": true}``."""

    def __init__(self) -> None:
        self.deliveries: list[Delivery] = []
        self._changed = threading.Condition()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                headers = {key.lower(): value for key, value in self.headers.items()}
                with receiver._changed:
                    receiver.deliveries.append(Delivery(self.path, headers, body))
                    receiver._changed.notify_all()
                payload = b'{"ok": true}'
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/hook"

    def wait_for(self, match: Callable[[Delivery], bool], timeout: float) -> Delivery | None:
        """The first delivery that matches, waiting up to ``timeout`` seconds for it to arrive."""
        with self._changed:
            found: list[Delivery] = []

            def ready() -> bool:
                found[:] = [d for d in self.deliveries if match(d)]
                return bool(found)

            self._changed.wait_for(ready, timeout=timeout)
            return found[0] if found else None

    def __enter__(self) -> WebhookReceiver:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
