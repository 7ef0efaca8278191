"""The model family's flows: list the catalog, get one model, and a per-client cache of models.

>>> models = yield from list_models(ctx, ["input_schema"])
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from urllib.parse import quote

from ._effects import Flow, Request
from ._errors import sdk_error
from ._send import Context, send


def fields_param(fields: Sequence[str] | None) -> dict[str, str] | None:
    if not fields:
        return None
    return {"fields": ",".join(str(f) for f in fields)}


def list_models(ctx: Context, fields: Sequence[str] | None = None) -> Flow[Any]:
    data = yield from send(ctx, Request("GET", "/models", params=fields_param(fields)))
    if isinstance(data, dict) and isinstance(data.get("data"), list):
        return data["data"]
    return data


def get_model(ctx: Context, slug: str, fields: Sequence[str] | None = None) -> Flow[Any]:
    if not isinstance(slug, str) or not slug:
        raise sdk_error("A model slug is required")
    request = Request("GET", f"/models/{quote(slug, safe='')}", params=fields_param(fields))
    return (yield from send(ctx, request))


def model_cached(ctx: Context, slug: str) -> Flow[Any]:
    """GET the model once per client (used by compatibility checks and auto_await)."""
    if slug not in ctx.models:
        ctx.models[slug] = yield from get_model(ctx, slug)
    return ctx.models[slug]
