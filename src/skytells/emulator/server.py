"""Running the emulator: `EmulatorServer` (a background thread, for tests and embedding) and `serve`.

>>> with EmulatorServer(EmulatorConfig(speed=50.0)) as emu:
...     httpx.get(emu.base_url + "/models", headers={"x-api-key": "sk-test-123"}).status_code
200

From a shell (see `skytells.emulator.cli`): ``python -m skytells.emulator --port 8790 --data-dir ./data``.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import gc
import shutil
import socket
import sys
import tempfile
import threading
from types import TracebackType
from typing import Any

import httpx
import uvicorn

from skytells.emulator.app import create_app
from skytells.emulator.config import DEFAULT_PORT, EmulatorConfig


class EmulatorServer:
    """The emulator served by uvicorn in a background thread, on a free port unless one is set.

    ``port=0`` in the config (or the default 8790 left as is with ``free_port=True``) picks a free
    port. Without a data directory it uses a temporary one and removes it on exit.
    """

    def __init__(self, config: EmulatorConfig | None = None, *, free_port: bool = True) -> None:
        config = config or EmulatorConfig()
        self._temp_dir: str | None = None
        if config.data_dir is None:
            self._temp_dir = tempfile.mkdtemp(prefix="skytells-emulator-")
            config = dataclasses.replace(config, data_dir=self._temp_dir)
        if free_port and config.port == DEFAULT_PORT:
            config = dataclasses.replace(config, port=0)
        self.config = config
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._admin_client: httpx.Client | None = None
        self.port = 0

    @property
    def root_url(self) -> str:
        """``http://127.0.0.1:<port>``"""
        return f"http://{_url_host(self.config.host)}:{self.port}"

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:<port>/v1``: what an SDK client takes as its base URL."""
        return self.root_url + "/v1"

    def start(self) -> EmulatorServer:
        """Start serving; returns once requests are accepted."""
        sock = _bind(self.config.host, self.config.port)
        self.port = sock.getsockname()[1]
        app = create_app(self.config)
        server = _Server(_uvicorn_config(app, self.config.host, self.port), app)
        self._server = server
        failure: list[BaseException] = []

        def run() -> None:
            try:
                asyncio.run(server.serve(sockets=[sock]))
            except BaseException as exc:  # reported to the starting thread
                failure.append(exc)

        self._thread = threading.Thread(target=run, name="skytells-emulator", daemon=True)
        self._thread.start()
        while not server.started:
            if failure or not self._thread.is_alive():
                sock.close()
                raise RuntimeError(f"the emulator failed to start: {failure[0] if failure else 'exited'}")
            self._thread.join(0.01)
        return self

    def stop(self) -> None:
        """Stop serving and wait for the thread (and remove a temporary data directory)."""
        if self._server is not None and self._thread is not None:
            self._server.release_waiters()
            self._server.should_exit = True
            self._thread.join(10)
        self._server = self._thread = None
        if self._admin_client is not None:
            self._admin_client.close()
            self._admin_client = None
        if self._temp_dir:
            shutil.rmtree(self._temp_dir, ignore_errors=True)
            self._temp_dir = None

    def admin(self, method: str, path: str, json: Any = None) -> Any:
        """Call the admin API (``"/reset"`` or ``"/_emulator/reset"``); its JSON, or raise on non-2xx."""
        if self._admin_client is None:
            self._admin_client = httpx.Client(timeout=30, trust_env=False)
        relative = path.lstrip("/").removeprefix("_emulator/")
        url = f"{self.root_url}/_emulator/{relative}"
        response = self._admin_client.request(method, url, json=json)
        response.raise_for_status()
        return response.json() if response.content else None

    def reset(self) -> None:
        """Forget every prediction, file, account, fault, outcome rule and delivery."""
        self.admin("POST", "/reset")

    def __enter__(self) -> EmulatorServer:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    def __repr__(self) -> str:
        return f"EmulatorServer({self.base_url if self.port else 'not started'})"


def serve(config: EmulatorConfig | None = None, *, announce: Any = print) -> None:
    """Serve in the foreground until Ctrl-C; `announce` gets the base URL once requests are accepted."""
    config = config or EmulatorConfig()
    if config.data_dir is None:
        config = dataclasses.replace(config, data_dir=tempfile.mkdtemp(prefix="skytells-emulator-"))
        announce(f"Data directory: {config.data_dir} (temporary; pass --data-dir to keep it)")
    sock = _bind(config.host, config.port)
    port = sock.getsockname()[1]
    app = create_app(config)
    server = _Server(_uvicorn_config(app, config.host, port), app)

    async def run() -> None:
        task = asyncio.ensure_future(server.serve(sockets=[sock]))
        while not server.started and not task.done():
            await asyncio.sleep(0.01)
        if server.started:
            _freeze_startup_heap()
            announce(f"http://{_url_host(config.host)}:{port}/v1")
            sys.stdout.flush()
        await task

    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(run())


def _freeze_startup_heap() -> None:
    """Move what startup built (modules, the catalog and its validators) out of the collector's
    reach, so a burst of requests only pays for collecting its own objects. Done by :func:`serve`,
    which owns its process; an embedded :class:`EmulatorServer` leaves its host's collector alone."""
    gc.collect()
    gc.freeze()


class _Server(uvicorn.Server):
    """uvicorn's server, releasing held requests and SSE streams as soon as it is asked to stop."""

    def __init__(self, config: uvicorn.Config, app: Any) -> None:
        super().__init__(config)
        self._engine = app.state.emulator.engine

    def release_waiters(self) -> None:
        loop = self._engine._loop
        if loop is not None and not loop.is_closed():
            loop.call_soon_threadsafe(self._engine.release_waiters)

    def handle_exit(self, sig: int, frame: Any) -> None:
        self.release_waiters()
        super().handle_exit(sig, frame)


def _uvicorn_config(app: Any, host: str, port: int) -> uvicorn.Config:
    return uvicorn.Config(
        app,
        host=host,
        port=port,
        access_log=False,  # an access log line could carry a key in a query string
        log_level="warning",
        lifespan="on",
        timeout_keep_alive=30,
        timeout_graceful_shutdown=3,  # held `await` creates and SSE streams must not block a stop
    )


def _bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)  # lets asyncio set TCP_NODELAY
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError:
        sock.close()
        raise
    sock.listen(2048)
    sock.set_inheritable(True)
    return sock


def _url_host(host: str) -> str:
    if host in ("0.0.0.0", ""):
        return "127.0.0.1"
    if host == "::":
        return "[::1]"
    return f"[{host}]" if ":" in host else host
