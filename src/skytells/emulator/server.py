"""Running the emulator: `EmulatorServer` (a background thread, for tests and embedding), `serve`, `main`.

>>> with EmulatorServer(EmulatorConfig(speed=50.0)) as emu:
...     httpx.get(emu.base_url + "/models", headers={"x-api-key": "sk-test-123"}).status_code
200

From a shell: ``python -m skytells.emulator --port 8790 --data-dir ./emulator-data``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import dataclasses
import gc
import shutil
import socket
import sys
import tempfile
import threading
from collections.abc import Sequence
from types import TracebackType
from typing import Any

import httpx
import uvicorn

from skytells.emulator.app import create_app
from skytells.emulator.config import DEFAULT_PORT, LOOPBACK_HOSTS, EmulatorConfig


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


def build_parser(prog: str = "python -m skytells.emulator") -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=prog, description="Run the local Skytells API emulator.")
    parser.add_argument("--host", default="127.0.0.1", help="interface to bind (default 127.0.0.1)")
    parser.add_argument(
        "--port", type=int, default=DEFAULT_PORT, help=f"port (default {DEFAULT_PORT}; 0 = any)"
    )
    parser.add_argument("--data-dir", help="where state is kept (default: a fresh temporary directory)")
    parser.add_argument("--speed", type=float, default=1.0, help="divide every simulated duration by this")
    parser.add_argument(
        "--api-key", action="append", default=[], dest="api_keys", help="accept only these keys (repeatable)"
    )
    parser.add_argument(
        "--webhook-allow", action="append", default=[], help="host webhooks may be sent to (repeatable)"
    )
    parser.add_argument(
        "--await-cap", type=float, default=60.0, help="seconds an `await: true` create is held"
    )
    parser.add_argument("--rate-limit", type=int, default=600, help="requests per key per minute (0 = off)")
    parser.add_argument(
        "--fault", action="append", default=[], dest="faults", help="a fault rule (repeatable)"
    )
    parser.add_argument("--seed", type=int, help="seed for fault probabilities")
    parser.add_argument("--catalog", help="a models JSON file to use instead of the packaged catalog")
    parser.add_argument(
        "--shared-outputs",
        action="store_true",
        help="predictions of a model share one cached output file (cheap rendering for load tests)",
    )
    return parser


def config_from_args(
    argv: Sequence[str] | None = None, prog: str = "python -m skytells.emulator"
) -> EmulatorConfig:
    """Parse command-line flags into an `EmulatorConfig` (exits with a message on bad flags)."""
    from skytells.emulator.catalog import Catalog
    from skytells.emulator.faults import parse_fault_spec

    parser = build_parser(prog)
    args = parser.parse_args(argv)
    if args.catalog:
        try:
            Catalog.load(args.catalog)
        except (OSError, ValueError, KeyError, TypeError) as exc:
            parser.error(f"cannot read the catalog {args.catalog}: {exc}")
    try:
        faults = tuple(parse_fault_spec(spec) for spec in args.faults)
        return EmulatorConfig(
            host=args.host,
            port=args.port,
            data_dir=args.data_dir,
            speed=args.speed,
            api_keys=tuple(args.api_keys),
            webhook_allow=tuple(args.webhook_allow) or LOOPBACK_HOSTS,
            await_cap=args.await_cap,
            rate_limit=args.rate_limit,
            faults=faults,
            seed=args.seed,
            catalog_path=args.catalog,
            shared_outputs=args.shared_outputs,
        )
    except ValueError as exc:
        parser.error(str(exc))


def main(argv: Sequence[str] | None = None, prog: str = "python -m skytells.emulator") -> int:
    """``python -m skytells.emulator [flags]``: parse flags and serve until interrupted."""
    config = config_from_args(argv, prog)
    try:
        serve(config)
    except OSError as exc:
        print(
            f"{prog}: error: cannot listen on {config.host}:{config.port}: {exc.strerror or exc}",
            file=sys.stderr,
        )
        return 1
    return 0


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
