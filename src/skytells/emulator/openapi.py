"""The OpenAPI 3.1 document of the public Skytells API the emulator serves (``GET /openapi.json``).

It is assembled from one fragment per API family (its tags, paths and schemas; see `FRAGMENTS`)
plus what every family shares: the ``Error`` body, the two ways to send a key (``x-api-key`` or
``Authorization: Bearer``) and the rate-limit headers.

>>> doc = openapi_document("http://127.0.0.1:8790")
>>> doc["servers"][0]["url"], sorted(doc["paths"])[0]
('http://127.0.0.1:8790', '/v1/files/{prediction_id}/{name}')
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from functools import cache
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from skytells.emulator.errors import STATUS_OF
from skytells.emulator.files import openapi as files
from skytells.emulator.http import origin_of
from skytells.emulator.inference import openapi as inference
from skytells.emulator.models import openapi as models
from skytells.emulator.predictions import openapi as predictions
from skytells.emulator.webhooks import openapi as webhooks

DEFAULT_SERVER = "https://api.skytells.ai"

#: One function per API family returning ``{"tags": [...], "paths": {...}, "schemas": {...}}``.
FRAGMENTS: tuple[Callable[[], dict[str, Any]], ...] = (
    predictions.fragment,
    models.fragment,
    files.fragment,
    webhooks.fragment,
    inference.fragment,
)

_INFO = {
    "title": "Skytells API",
    "version": "1.0.0",
    "summary": "Predictions and models of the Skytells AI platform, as served by the local emulator.",
    "description": (
        "Create predictions on any catalog model, follow them to a terminal status, list, cancel and "
        "delete them, and browse the model catalog. Every error has the body described by `Error`, "
        "with the HTTP status in `error.http_status`; the OpenAI-compatible inference routes answer "
        "`InferenceError` instead."
    ),
}


def openapi_document(server_url: str | None = None) -> dict[str, Any]:
    """The OpenAPI document; ``server_url`` is the emulator's root (a trailing ``/v1`` is dropped)."""
    root = (server_url or DEFAULT_SERVER).rstrip("/").removesuffix("/v1")
    document = copy.deepcopy(_document())
    document["servers"] = [
        {"url": root, "description": "Skytells API (emulator)" if server_url else "Skytells API"}
    ]
    return document


def openapi_routes() -> list[BaseRoute]:
    """``GET /openapi.json``, with the server URL the client reached."""

    async def openapi(request: Request) -> Response:
        return JSONResponse(openapi_document(origin_of(request) + "/v1"))

    return [Route("/openapi.json", openapi, methods=["GET"])]


@cache
def _document() -> dict[str, Any]:
    """The document without ``servers``, built once (the create body lists every catalog model)."""
    tags: list[dict[str, Any]] = []
    paths: dict[str, Any] = {}
    schemas: dict[str, Any] = {"Error": _error_schema()}
    for fragment in FRAGMENTS:
        part = fragment()
        tags.extend(part["tags"])
        _merge(paths, part["paths"], "path")
        _merge(schemas, part["schemas"], "schema")
    return {
        "openapi": "3.1.0",
        "info": _INFO,
        "security": [{"apiKey": []}, {"bearer": []}],
        "tags": tags,
        "paths": paths,
        "components": {"schemas": schemas, **_shared_components()},
    }


def _merge(into: dict[str, Any], part: dict[str, Any], kind: str) -> None:
    for name, value in part.items():
        if name in into:
            raise ValueError(f"two OpenAPI fragments define the {kind} {name!r}")
        into[name] = value


def _error_schema() -> dict[str, Any]:
    """The one error body of the API (`skytells.emulator.errors`)."""
    return {
        "type": "object",
        "required": ["status", "error"],
        "properties": {
            "status": {"const": False},
            "response": {"type": "string"},
            "detail": {"type": "string"},
            "error": {
                "type": "object",
                "required": ["http_status", "message", "error_id"],
                "properties": {
                    "http_status": {"type": "integer"},
                    "message": {"type": "string"},
                    "details": {},
                    "error_id": {"type": "string", "examples": sorted(STATUS_OF)},
                },
            },
        },
    }


def _shared_components() -> dict[str, Any]:
    def integer_header(description: str) -> dict[str, Any]:
        return {"description": description, "schema": {"type": "string"}}

    return {
        "securitySchemes": {
            "apiKey": {
                "type": "apiKey",
                "in": "header",
                "name": "x-api-key",
                "description": "`sk-…` API key",
            },
            "bearer": {"type": "http", "scheme": "bearer", "description": "The same key as a bearer token"},
        },
        "headers": {
            "Retry-After": integer_header("Seconds to wait before retrying"),
            "ratelimit-limit-requests": integer_header("Requests allowed per window (`-` when off)"),
            "ratelimit-remaining-requests": integer_header("Requests left in the window"),
            "ratelimit-window": integer_header("Window length in seconds"),
        },
    }
