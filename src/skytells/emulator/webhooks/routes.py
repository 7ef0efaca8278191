"""Webhook routes: the account's signing secret, and the admin routes of the delivery log.

=====================================  ================================================================
``GET /v1/webhooks/default/secret``     the account's ``whsec_`` signing secret
``GET /_emulator/webhooks/deliveries``  the webhook delivery log (``?account=`` optional)
``POST …/deliveries/{id}/replay``       send a logged delivery again
``GET/POST /_emulator/webhooks/settings``  test switches: bad_signature, stale_timestamp, duplicate
=====================================  ================================================================
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute

from skytells.emulator.errors import ApiError
from skytells.emulator.http import authenticate, emulator_state, method_route, read_object


async def webhook_secret(request: Request) -> Response:
    account = authenticate(request)
    return JSONResponse({"secret": account.whsec, "key": account.whsec})


async def webhook_deliveries(request: Request) -> Response:
    account = request.query_params.get("account") or None
    return JSONResponse(emulator_state(request).dispatcher.deliveries(account=account))


async def get_webhook_settings(request: Request) -> Response:
    return JSONResponse(dict(emulator_state(request).dispatcher.switches))


async def set_webhook_settings(request: Request) -> Response:
    switches = await read_object(request)
    return JSONResponse(emulator_state(request).dispatcher.configure(**switches))


async def replay_delivery(request: Request) -> Response:
    delivery_id = request.path_params["delivery_id"]
    entry = emulator_state(request).dispatcher.replay(delivery_id)
    if entry is None:
        raise ApiError("ENDPOINT_NOT_FOUND", f"No webhook delivery '{delivery_id[:100]}'.", status=404)
    return JSONResponse(entry)


def webhook_routes() -> list[BaseRoute]:
    """The public secret route and the ``/_emulator/webhooks/*`` admin routes."""
    return [
        method_route("/v1/webhooks/default/secret", GET=webhook_secret),
        method_route("/_emulator/webhooks/deliveries", GET=webhook_deliveries),
        method_route("/_emulator/webhooks/deliveries/{delivery_id}/replay", POST=replay_delivery),
        method_route("/_emulator/webhooks/settings", GET=get_webhook_settings, POST=set_webhook_settings),
    ]
