"""Skytells webhooks in Django: a view (``POST`` only, exempt from CSRF: deliveries are signed).

>>> receiver = WebhookReceiver(secret=settings.SKYTELLS_WEBHOOK_SECRET)
>>> urlpatterns = [path("webhooks/skytells", webhook_view(receiver))]

Answers: 200 handled (or a repeat of a delivery already handled), 400 stale timestamp or a body that
is not JSON, 401 bad or missing signature, 405 not a POST, 409 the same delivery is being handled now.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from ._framework import missing
from ._receiver import WebhookReceiver

try:
    from django.http import HttpRequest, HttpResponse, JsonResponse
    from django.views.decorators.csrf import csrf_exempt
    from django.views.decorators.http import require_POST
except ImportError as error:  # pragma: no cover - depends on what is installed
    raise missing("django", "Django", "'skytells[django]'") from error

__all__ = ["webhook_view"]


def webhook_view(receiver: WebhookReceiver) -> Callable[[HttpRequest], HttpResponse]:
    """A view for ``POST`` deliveries: handles each, answers the result as JSON."""

    def skytells_webhook(request: HttpRequest) -> HttpResponse:
        result = receiver.handle(dict(request.headers.items()), request.body)
        return cast(HttpResponse, JsonResponse(result.body(), status=result.status_code))

    view: Any = csrf_exempt(require_POST(skytells_webhook))
    return cast(Callable[[HttpRequest], HttpResponse], view)
