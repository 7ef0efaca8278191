"""The admin API under ``/_emulator/`` (no API key; with an admin token, `admin.auth` guards it).

=====================================  ================================================================
``GET /_emulator/health``              ``{"status": "ok", ...}`` once requests are accepted
``POST /_emulator/reset``              forget predictions, files, accounts, faults, outcomes, deliveries,
                                       stored responses
``GET/POST /_emulator/accounts``       list accounts (masked keys) / set ``{api_key, credits?, suspended?}``
``GET/POST/DELETE /_emulator/outcomes``  test outcome rules: ``{model, outcome, message?, count?}``
``GET/POST /_emulator/time``           ``{"speed": F}``
=====================================  ================================================================

The webhook, fault and rate-limit families serve their own ``/_emulator/…`` routes.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute

from skytells.emulator.errors import ApiError
from skytells.emulator.http import emulator_state, method_route, read_object

_MIN_SPEED = 0.001
_MAX_SPEED = 1_000_000.0


async def health(request: Request) -> Response:
    state = emulator_state(request)
    return JSONResponse(
        {
            "status": "ok",
            "speed": state.engine.speed,
            "in_flight": len(state.engine.runs),
            "requests": len(state.requests) - 1,  # being served, this one aside
            "models": len(state.catalog),
            "mode": "strict" if state.config.strict else "open",
        }
    )


async def reset(request: Request) -> Response:
    """Settle every other request first (see `inflight`): nothing sent before a reset lands after it."""
    state = emulator_state(request)
    state.engine.release_waiters()  # held `await` creates answer, SSE streams end
    await state.requests.settle()
    state.engine.reset()
    state.engine.set_speed(state.config.speed)
    state.store.reset()
    state.responses.reset()
    state.accounts.reset(state.config.api_keys)
    state.faults.clear()
    state.limiter.clear()
    state.dispatcher.clear()
    return JSONResponse({"status": "ok", "reset": True})


async def list_accounts(request: Request) -> Response:
    return JSONResponse([account.public() for account in emulator_state(request).accounts.all()])


async def set_account(request: Request) -> Response:
    body = await read_object(request)
    account = emulator_state(request).accounts.configure(
        body.get("api_key"),
        credits=body.get("credits", ...),
        suspended=body.get("suspended", ...),
    )
    return JSONResponse(account.public())


async def list_outcomes(request: Request) -> Response:
    return JSONResponse(emulator_state(request).engine.outcomes.list())


async def add_outcome(request: Request) -> Response:
    return JSONResponse(
        emulator_state(request).engine.outcomes.add(await read_object(request)), status_code=201
    )


async def clear_outcomes(request: Request) -> Response:
    emulator_state(request).engine.outcomes.clear()
    return JSONResponse({"status": "ok", "cleared": True})


async def get_time(request: Request) -> Response:
    return JSONResponse({"speed": emulator_state(request).engine.speed})


async def set_time(request: Request) -> Response:
    speed = (await read_object(request)).get("speed")
    if (
        isinstance(speed, bool)
        or not isinstance(speed, (int, float))
        or not _MIN_SPEED <= speed <= _MAX_SPEED
    ):
        raise ApiError(
            "INVALID_PARAMETER", f"'speed' must be a number from {_MIN_SPEED:g} to {_MAX_SPEED:g}."
        )
    emulator_state(request).engine.set_speed(float(speed))
    return JSONResponse({"speed": float(speed)})


def admin_routes() -> list[BaseRoute]:
    """The emulator-wide ``/_emulator/*`` routes (webhooks, faults and rate limits add their own)."""
    return [
        method_route("/_emulator/health", GET=health),
        method_route("/_emulator/reset", POST=reset),
        method_route("/_emulator/accounts", GET=list_accounts, POST=set_account),
        method_route("/_emulator/outcomes", GET=list_outcomes, POST=add_outcome, DELETE=clear_outcomes),
        method_route("/_emulator/time", GET=get_time, POST=set_time),
    ]
