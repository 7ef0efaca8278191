"""Skytells webhooks in Starlette and FastAPI: a route, an endpoint, or a FastAPI dependency.

>>> receiver = WebhookReceiver(secret=os.environ["SKYTELLS_WEBHOOK_SECRET"])
>>> app = Starlette(routes=[webhook_route(receiver, "/webhooks/skytells")])
>>> app.add_route("/webhooks/skytells", webhook_endpoint(receiver), methods=["POST"])   # FastAPI too
>>> @app.post("/webhooks/skytells")                      # FastAPI, answering yourself
... async def hook(result: WebhookResult = Depends(webhook_dependency(receiver))):
...     return {"received": result.event}

Answers: 200 handled (or a repeat of a delivery already handled), 400 stale timestamp or a body that
is not JSON, 401 bad or missing signature, 409 the same delivery is being handled now. Handlers run
on the event loop: make slow ones ``async def``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from ._framework import missing
from ._receiver import WebhookReceiver, WebhookResult

try:
    from starlette.exceptions import HTTPException
    from starlette.requests import Request
    from starlette.responses import JSONResponse, Response
    from starlette.routing import Route
except ImportError as error:  # pragma: no cover - depends on what is installed
    raise missing("starlette", "Starlette (or FastAPI)", "starlette") from error

__all__ = ["webhook_dependency", "webhook_endpoint", "webhook_route"]


def webhook_endpoint(receiver: WebhookReceiver) -> Callable[[Request], Awaitable[Response]]:
    """An endpoint for ``POST`` deliveries: handles each, answers the result as JSON."""

    async def skytells_webhook(request: Request) -> Response:
        result = await receiver.ahandle(request.headers, await request.body())
        return JSONResponse(result.body(), status_code=result.status_code)

    return skytells_webhook


def webhook_route(
    receiver: WebhookReceiver, path: str = "/webhooks/skytells", *, name: str = "skytells_webhook"
) -> Route:
    """A ``POST`` route at ``path`` serving :func:`webhook_endpoint`."""
    return Route(path, webhook_endpoint(receiver), methods=["POST"], name=name)


def webhook_dependency(receiver: WebhookReceiver) -> Callable[[Request], Awaitable[WebhookResult]]:
    """A FastAPI dependency: the handled delivery's `WebhookResult`; a delivery that is rejected
    raises ``HTTPException`` with the result's status and message."""

    async def skytells_webhook(request: Request) -> WebhookResult:
        result = await receiver.ahandle(request.headers, await request.body())
        if not result.ok:
            error = result.body()["error"]
            raise HTTPException(result.status_code, detail=f"{error['error_id']}: {error['message']}")
        return result

    return skytells_webhook
