"""Skytells webhooks in Flask: a view function.

>>> receiver = WebhookReceiver(secret=os.environ["SKYTELLS_WEBHOOK_SECRET"])
>>> app.add_url_rule("/webhooks/skytells", view_func=webhook_view(receiver), methods=["POST"])

Answers: 200 handled (or a repeat of a delivery already handled), 400 stale timestamp or a body that
is not JSON, 401 bad or missing signature, 409 the same delivery is being handled now. The view's
endpoint name is ``skytells_webhook`` (pass ``endpoint=`` to ``add_url_rule`` for a second one).
"""

from __future__ import annotations

from collections.abc import Callable

from ._framework import missing
from ._receiver import WebhookReceiver

try:
    from flask import Response, jsonify, request
except ImportError as error:  # pragma: no cover - depends on what is installed
    raise missing("flask", "Flask", "'skytells[flask]'") from error

__all__ = ["webhook_view"]


def webhook_view(receiver: WebhookReceiver) -> Callable[[], Response]:
    """A view for ``POST`` deliveries: handles each, answers the result as JSON."""

    def skytells_webhook() -> Response:
        result = receiver.handle(dict(request.headers.items()), request.get_data())
        response = jsonify(result.body())
        response.status_code = result.status_code
        return response

    return skytells_webhook
