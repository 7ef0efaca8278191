"""Helpers of the emulator tests (imported as ``emulator_support``)."""

from __future__ import annotations

import socket
import threading
import time
from typing import Any

import httpx
import uvicorn

from skytells.emulator import EmulatorConfig

TERMINAL = ("succeeded", "failed", "cancelled")


def fast_config(**changes: Any) -> EmulatorConfig:
    """A fast test emulator configuration (no rate limit, short SSE keep-alives), with `changes` applied."""
    settings: dict[str, Any] = {"speed": 100.0, "rate_limit": 0, "sse_keepalive": 0.2, "await_cap": 30.0}
    settings.update(changes)
    return EmulatorConfig(**settings)


def wait_terminal(http: httpx.Client, prediction_id: str, timeout: float = 20.0) -> dict[str, Any]:
    """Poll a prediction until it is terminal; the final prediction (fails the test on timeout)."""
    deadline = time.monotonic() + timeout
    while True:
        prediction: dict[str, Any] = http.get(f"/predictions/{prediction_id}").json()
        if prediction["status"] in TERMINAL:
            return prediction
        if time.monotonic() > deadline:
            raise AssertionError(f"prediction still {prediction['status']} after {timeout}s")
        time.sleep(0.02)


def create(http: httpx.Client, model: str = "truefusion-pro", **body: Any) -> dict[str, Any]:
    """Create a prediction (200) and return it."""
    body.setdefault("input", {"prompt": "A lake at dawn"})
    response = http.post("/predictions", json={"model": model, **body})
    assert response.status_code == 200, response.text
    created: dict[str, Any] = response.json()
    return created


class LiveServer:
    """uvicorn in a background thread, listening on a port the OS picked (bound here, never released)."""

    def __init__(self, app: Any, http: str = "auto") -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        config = uvicorn.Config(
            app, host="127.0.0.1", port=self.port, log_level="warning", lifespan="off", http=http
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True)

    def __enter__(self) -> LiveServer:
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the test server did not start")
            time.sleep(0.01)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(5)
        self.sock.close()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"
