"""`create_app`: the emulator as one Starlette ASGI application.

It wires the store, catalog, accounts, lifecycle engine, webhook dispatcher, fault injector and rate
limiter together, mounts the routes of every API family, and answers every error with
`errors.error_response`. A new family is a package with a route list (``<family>_routes()``) and an
OpenAPI fragment: one line in `create_app`'s ``families`` and one in `openapi.FRAGMENTS`.

>>> app = create_app(EmulatorConfig(speed=10.0))
>>> # uvicorn.run(app, port=8790) — or use EmulatorServer / serve()
"""

from __future__ import annotations

import contextlib
import tempfile
from collections.abc import AsyncIterator
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute

from skytells.emulator.accounts import Accounts
from skytells.emulator.admin.auth import AdminTokenMiddleware
from skytells.emulator.admin.inflight import InFlightMiddleware, InFlightRequests
from skytells.emulator.admin.routes import admin_routes
from skytells.emulator.catalog import Catalog
from skytells.emulator.config import EmulatorConfig
from skytells.emulator.errors import ApiError, error_response
from skytells.emulator.faults.middleware import FaultMiddleware
from skytells.emulator.faults.persistence import PersistentFaultInjector
from skytells.emulator.faults.routes import fault_routes
from skytells.emulator.files.routes import file_routes
from skytells.emulator.inference.response_store import ResponseStore
from skytells.emulator.inference.routes import inference_routes
from skytells.emulator.models.routes import model_routes
from skytells.emulator.openapi import openapi_routes
from skytells.emulator.predictions.lifecycle import Engine
from skytells.emulator.predictions.routes import prediction_routes
from skytells.emulator.ratelimit.limiter import RateLimiter
from skytells.emulator.ratelimit.middleware import RateLimitMiddleware
from skytells.emulator.ratelimit.routes import ratelimit_routes
from skytells.emulator.state import EmulatorState
from skytells.emulator.store import Store
from skytells.emulator.webhooks.dispatcher import WebhookDispatcher
from skytells.emulator.webhooks.routes import webhook_routes

_HTTP_ERROR_IDS = {404: "ENDPOINT_NOT_FOUND", 405: "METHOD_NOT_ALLOWED", 413: "PAYLOAD_TOO_LARGE"}


def create_app(config: EmulatorConfig | None = None) -> Starlette:
    """The emulator's ASGI app for `config` (a fresh temporary data directory when none is set)."""
    config = config or EmulatorConfig()
    data_dir = config.data_dir or tempfile.mkdtemp(prefix="skytells-emulator-")
    store = Store(data_dir)
    catalog = Catalog.load(config.catalog_path)
    accounts = Accounts(store, config.api_keys)
    dispatcher = WebhookDispatcher(allow_hosts=config.webhook_allow, speed=config.speed, store=store)
    engine = Engine(
        store,
        catalog,
        accounts,
        dispatcher,
        speed=config.speed,
        render_workers=config.render_workers,
        shared_outputs=config.shared_outputs,
    )
    faults = PersistentFaultInjector(store, config.faults, seed=config.seed)
    limiter = RateLimiter(config.rate_limit, config.rate_window)
    responses = ResponseStore(data_dir)
    requests = InFlightRequests()
    state = EmulatorState(
        config, store, catalog, accounts, engine, dispatcher, faults, limiter, responses, requests
    )

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        await engine.start()
        await dispatcher.start()
        try:
            yield
        finally:
            await dispatcher.stop()
            await engine.stop()
            store.close()
            responses.close()

    families: list[list[BaseRoute]] = [  # one entry per API family or concern
        prediction_routes(),
        model_routes(),
        inference_routes(),
        file_routes(),
        webhook_routes(),
        admin_routes(),
        fault_routes(faults),
        ratelimit_routes(limiter),
        openapi_routes(),
    ]
    middleware = [
        Middleware(InFlightMiddleware, requests=requests),  # outermost: a reset settles every request
        Middleware(FaultMiddleware, injector=faults),  # a `drop` needs the server's receive
    ]
    if config.admin_token is not None:
        middleware.append(Middleware(AdminTokenMiddleware, token=config.admin_token))
    middleware.append(Middleware(RateLimitMiddleware, limiter=limiter))
    app = Starlette(
        routes=[route for family in families for route in family],
        middleware=middleware,
        exception_handlers={
            ApiError: _api_error,
            HTTPException: _http_error,
            Exception: _unexpected_error,
        },
        lifespan=lifespan,
    )
    app.state.emulator = state
    return app


async def _api_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ApiError)
    return error_response(exc, request.url.path)


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    error_id = _HTTP_ERROR_IDS.get(exc.status_code, "INVALID_REQUEST")
    if exc.status_code == 404:
        message = f"No route {request.method} {request.url.path[:200]}."
    elif exc.status_code == 405:
        message = f"Method {request.method} is not allowed on {request.url.path[:200]}."
    else:
        message = str(exc.detail)
    headers: dict[str, Any] = dict(exc.headers or {})
    error = ApiError(error_id, message, status=exc.status_code, headers=headers)
    return error_response(error, request.url.path)


async def _unexpected_error(request: Request, exc: Exception) -> Response:
    error = ApiError("INTERNAL_ERROR", "The emulator hit an unexpected error.", status=500)
    return error_response(error, request.url.path)
