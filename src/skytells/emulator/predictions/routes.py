"""Prediction routes: create, get, list, cancel, delete, stream (JSON and SSE).

==============================================  =========================================
``POST /v1/predict``, ``POST /v1/predictions``   create (``await``, ``Idempotency-Key``)
``GET /v1/predictions``                          list (page, per_page, from/to, model, status)
``GET /v1/predictions/{id}``                     get
``POST /v1/predictions/{id}/cancel``             cancel
``DELETE /v1/predictions/{id}[/delete]``         delete
``GET /v1/predictions/{id}/stream``              JSON, or SSE with ``Accept: text/event-stream``
==============================================  =========================================
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from datetime import date
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import BaseRoute

from skytells.emulator.accounts import Account
from skytells.emulator.catalog import InputError
from skytells.emulator.errors import ApiError
from skytells.emulator.http import authenticate, emulator_state, method_route, origin_of, read_json
from skytells.emulator.predictions.lifecycle import NewPrediction
from skytells.emulator.predictions.presentation import present
from skytells.emulator.predictions.sse import parse_last_event_id, prediction_events
from skytells.emulator.store import ListQuery, StoredPrediction
from skytells.emulator.webhooks.options import normalize_webhook

STATUSES = ("pending", "starting", "started", "processing", "succeeded", "failed", "cancelled")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_MAX_IDEMPOTENCY_KEY = 255


def _prediction_response(request: Request, stored: StoredPrediction, status_code: int = 200) -> JSONResponse:
    return JSONResponse(present(stored, origin_of(request)), status_code=status_code)


# ---- create ----------------------------------------------------------------------------------


async def create_prediction(request: Request) -> Response:
    state = emulator_state(request)
    account = authenticate(request)
    body = await read_json(request)
    body = {} if body is None else body
    if not isinstance(body, dict):
        raise ApiError("INVALID_REQUEST", "The request body must be a JSON object.")
    slug = body.get("model")
    if slug is None or slug == "":
        raise ApiError("VALIDATION_ERROR", "The model field is required.")
    if not isinstance(slug, str):
        raise ApiError("INVALID_PARAMETER", "'model' must be a string (a model slug).")
    model = state.catalog.get(slug)
    if model is None:
        raise ApiError("MODEL_NOT_FOUND", f"Model '{slug[:200]}' was not found.")
    if not model.predictable:
        raise ApiError(
            "MODEL_NOT_SUPPORTED", f"Model '{model.slug}' makes embeddings: use POST /v1/embeddings."
        )
    try:
        inputs = state.catalog.validate(model, body.get("input"))
    except InputError as exc:
        raise ApiError("INVALID_INPUT", exc.message) from exc
    wait = _flag(body, "await")
    stream = _flag(body, "stream")
    webhook = normalize_webhook(body.get("webhook"), body.get("webhook_events_filter"))
    key = _idempotency_key(request)
    if key is not None:
        body_hash = hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()
        existing = _idempotent_replay(request, account, key, body_hash)
        if existing is not None:
            return await _answer_create(request, existing, wait and not model.is_video, status_code=200)
    _check_credits(account, model.credits(inputs, _requested_outputs(inputs)))
    forced = request.scope.get("state", {}).get("forced_outcome")
    stored = state.engine.create(
        NewPrediction(account, model, inputs, webhook, stream, origin_of(request), forced=forced)
    )
    if key is not None:
        state.store.remember_idempotent(account.id, key, body_hash, stored.id)
    await state.engine.settle_instant(stored.id)
    return await _answer_create(request, stored, wait and not model.is_video, status_code=201)


async def _answer_create(
    request: Request, stored: StoredPrediction, wait: bool, status_code: int
) -> Response:
    state = emulator_state(request)
    if wait:
        stored = await state.engine.wait(stored.id, state.config.await_cap) or stored
    return _prediction_response(request, stored, status_code)


def _flag(body: dict[str, Any], name: str) -> bool:
    value = body.get(name)
    if value is None:
        return False
    if not isinstance(value, bool):
        raise ApiError("INVALID_PARAMETER", f"'{name}' must be a boolean.")
    return value


def _idempotency_key(request: Request) -> str | None:
    key = request.headers.get("idempotency-key")
    if key is None:
        return None
    key = key.strip()
    if not key or len(key) > _MAX_IDEMPOTENCY_KEY:
        raise ApiError(
            "INVALID_PARAMETER", f"Idempotency-Key must be 1 to {_MAX_IDEMPOTENCY_KEY} characters."
        )
    return key


def _idempotent_replay(
    request: Request, account: Account, key: str, body_hash: str
) -> StoredPrediction | None:
    """The prediction an earlier request with this key made (None if there is none any more)."""
    state = emulator_state(request)
    found = state.store.find_idempotent(account.id, key)
    if found is None:
        return None
    recorded_hash, prediction_id = found
    if recorded_hash != body_hash:
        raise ApiError(
            "INVALID_REQUEST",
            "This Idempotency-Key was already used with a different request body.",
            status=409,
        )
    return state.engine.get(prediction_id)


def _requested_outputs(inputs: dict[str, Any]) -> int:
    for name in ("num_outputs", "number_of_images", "num_images"):
        value = inputs.get(name)
        if isinstance(value, int) and not isinstance(value, bool) and value > 0:
            return value
    return 1


def _check_credits(account: Account, cost: float) -> None:
    if account.credits is not None and account.credits < cost:
        raise ApiError(
            "INSUFFICIENT_CREDITS",
            f"Insufficient credits: this prediction costs {cost:g}, the balance is {account.credits:g}.",
        )


# ---- get / cancel / delete / stream ----------------------------------------------------------


def _own_prediction(request: Request) -> StoredPrediction:
    account = authenticate(request)
    return emulator_state(request).engine.get_for(account, request.path_params["prediction_id"])


async def get_prediction(request: Request) -> Response:
    return _prediction_response(request, _own_prediction(request))


async def cancel_prediction(request: Request) -> Response:
    stored = _own_prediction(request)
    return _prediction_response(request, emulator_state(request).engine.cancel(stored))


async def delete_prediction(request: Request) -> Response:
    stored = _own_prediction(request)
    return _prediction_response(request, emulator_state(request).engine.delete(stored))


async def stream_prediction(request: Request) -> Response:
    stored = _own_prediction(request)
    if "text/event-stream" not in request.headers.get("accept", ""):
        return _prediction_response(request, stored)
    state = emulator_state(request)
    events = prediction_events(
        state.engine,
        stored.id,
        origin_of(request),
        parse_last_event_id(request.headers.get("last-event-id")),
        state.config.sse_keepalive,
    )
    headers = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}
    return StreamingResponse(events, media_type="text/event-stream", headers=headers)


# ---- list ------------------------------------------------------------------------------------


async def list_predictions(request: Request) -> Response:
    state = emulator_state(request)
    account = authenticate(request)
    params = request.query_params
    page = _int_param(params.get("page"), "page", 1, 1, 1_000_000)
    per_page = _int_param(params.get("per_page"), "per_page", 20, 1, 50)
    start = _date_param(params.get("from") or params.get("since"), "from")
    end = _date_param(params.get("to") or params.get("until"), "to")
    if start and end and start > end:
        raise ApiError("INVALID_DATE_RANGE", "'from' must not be after 'to'.")
    slug = params.get("model") or None
    if slug is not None:
        model = state.catalog.get(slug)
        if model is None:
            raise ApiError("MODEL_NOT_FOUND", f"Model '{slug[:200]}' was not found.")
        slug = model.slug
    status = _status_param(params.get("status"))
    query = ListQuery(
        account=account.id,
        model=slug,
        status=status,
        created_from=f"{start.isoformat()}T00:00:00.000000Z" if start else None,
        created_to=f"{end.isoformat()}T23:59:59.999999Z" if end else None,
        limit=per_page,
        offset=(page - 1) * per_page,
    )
    rows, total = state.store.list_predictions(query)
    origin = origin_of(request)
    data = [present(state.engine.latest(row), origin) for row in rows]
    pagination = {
        "current_page": page,
        "per_page": per_page,
        "total": total,
        "last_page": max(1, math.ceil(total / per_page)),
    }
    return JSONResponse({"data": data, "pagination": pagination})


def _int_param(raw: str | None, name: str, default: int, low: int, high: int) -> int:
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        value = low - 1
    if not low <= value <= high:
        raise ApiError("INVALID_PARAMETER", f"'{name}' must be an integer from {low} to {high}.")
    return value


def _date_param(raw: str | None, name: str) -> date | None:
    if raw is None or raw == "":
        return None
    try:
        if not _DATE.match(raw):
            raise ValueError(raw)
        return date.fromisoformat(raw)
    except ValueError:
        raise ApiError("INVALID_DATE_FORMAT", f"'{name}' must be a date in the form YYYY-MM-DD.") from None


def _status_param(raw: str | None) -> str | None:
    if raw is None or raw == "":
        return None
    status = "cancelled" if raw.lower() == "canceled" else raw.lower()
    if status not in STATUSES:
        raise ApiError("INVALID_PARAMETER", f"'status' must be one of {', '.join(STATUSES)}.")
    return status


def prediction_routes() -> list[BaseRoute]:
    """The public prediction routes."""
    one = "/v1/predictions/{prediction_id}"
    return [
        method_route("/v1/predict", POST=create_prediction),
        method_route("/v1/predictions", GET=list_predictions, POST=create_prediction),
        method_route(one, GET=get_prediction, DELETE=delete_prediction),
        method_route(f"{one}/cancel", POST=cancel_prediction),
        method_route(f"{one}/delete", DELETE=delete_prediction),
        method_route(f"{one}/stream", GET=stream_prediction),
    ]
