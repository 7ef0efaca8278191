"""`serve_app`: your web app on a free 127.0.0.1 port in a background thread, so that the emulator can
deliver webhooks to it over real HTTP during a test.

>>> with serve_app(app) as url:                 # ASGI (Starlette, FastAPI) or WSGI (Flask, Django)
...     httpx.post(url + "/generate", json={"prompt": "a lighthouse"})
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import socket
import threading
from collections.abc import Callable, Iterator
from socketserver import ThreadingMixIn
from typing import Any, Literal
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

_START_TIMEOUT_S = 10.0


@contextlib.contextmanager
def serve_app(app: Any, *, interface: Literal["auto", "asgi", "wsgi"] = "auto") -> Iterator[str]:
    """Serve ``app`` until the block ends; yields its root URL, ``http://127.0.0.1:<port>``.

    ASGI apps run on uvicorn (installed with ``skytells[emulator]``), WSGI apps on the standard
    library's server. ``interface="auto"`` tells them apart by whether ``app`` is a coroutine function.
    """
    kind = interface if interface != "auto" else ("asgi" if _is_asgi(app) else "wsgi")
    serve = _serve_asgi if kind == "asgi" else _serve_wsgi
    with serve(app) as url:
        yield url


def _is_asgi(app: Any) -> bool:
    call = type(app).__call__ if callable(app) and not inspect.isroutine(app) else app
    return inspect.iscoroutinefunction(call)


@contextlib.contextmanager
def _serve_asgi(app: Any) -> Iterator[str]:
    try:
        import uvicorn
    except ImportError as exc:  # pragma: no cover - depends on what is installed
        raise ImportError("serving an ASGI app needs uvicorn: pip install 'skytells[emulator]'") from exc
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    sock.listen(128)
    port = sock.getsockname()[1]
    config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="auto")
    server = uvicorn.Server(config)
    failure: list[BaseException] = []

    def run() -> None:
        try:
            asyncio.run(server.serve(sockets=[sock]))
        except BaseException as exc:  # reported to the starting thread
            failure.append(exc)

    thread = threading.Thread(target=run, name="skytells-serve-app", daemon=True)
    thread.start()
    try:
        _wait(lambda: bool(server.started), thread, failure)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(_START_TIMEOUT_S)
        sock.close()


class _ThreadingWSGIServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextlib.contextmanager
def _serve_wsgi(app: Any) -> Iterator[str]:
    server = make_server("127.0.0.1", 0, app, server_class=_ThreadingWSGIServer, handler_class=_QuietHandler)
    thread = threading.Thread(target=server.serve_forever, name="skytells-serve-app", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(_START_TIMEOUT_S)


def _wait(ready: Callable[[], bool], thread: threading.Thread, failure: list[BaseException]) -> None:
    for _ in range(int(_START_TIMEOUT_S / 0.01)):
        if ready():
            return
        if failure or not thread.is_alive():
            raise RuntimeError(f"the app failed to start: {failure[0] if failure else 'the server exited'}")
        thread.join(0.01)
    raise RuntimeError(f"the app did not start within {_START_TIMEOUT_S:g} s")
