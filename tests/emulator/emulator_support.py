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
    """uvicorn in a background thread on a free port."""

    def __init__(self, app: Any, http: str = "auto") -> None:
        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        self.port = sock.getsockname()[1]
        sock.close()
        config = uvicorn.Config(
            app, host="127.0.0.1", port=self.port, log_level="warning", lifespan="off", http=http
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> LiveServer:
        self.thread.start()
        while not self.server.started:
            time.sleep(0.01)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(5)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"
