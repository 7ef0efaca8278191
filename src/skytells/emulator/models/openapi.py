"""The OpenAPI fragment of the model routes: ``/v1/models`` and ``/v1/model(s)/{slug}``."""

from __future__ import annotations

from typing import Any

from skytells.emulator.catalog import MODEL_TYPES
from skytells.emulator.openapi_parts import errors, nullable, ok, operation, path_param, ref

_SLUG = path_param("slug", "The model's slug (its namespace), e.g. `truefusion`.")
_FIELDS = {
    "name": "fields",
    "in": "query",
    "required": False,
    "description": "Extra fields to include, comma-separated: `input_schema`, `output_schema`. "
    "Other names are ignored.",
    "style": "form",
    "explode": False,
    "schema": {"type": "array", "items": {"type": "string", "examples": ["input_schema", "output_schema"]}},
}


def _paths() -> dict[str, Any]:
    model_ok = ok(ref("Model"), "The model")
    return {
        "/v1/models": {
            "get": operation(
                "listModels",
                "List the model catalog",
                "models",
                {**ok({"type": "array", "items": ref("Model")}, "Every model"), **errors(400)},
                parameters=[_FIELDS],
            )
        },
        "/v1/models/{slug}": {
            "parameters": [_SLUG, _FIELDS],
            "get": operation("getModel", "Get a model", "models", {**model_ok, **errors(400, 404)}),
        },
        "/v1/model/{slug}": {
            "parameters": [_SLUG, _FIELDS],
            "get": operation(
                "getModelSingular", "Get a model (alias)", "models", {**model_ok, **errors(400, 404)}
            ),
        },
    }


def _model_schema() -> dict[str, Any]:
    json_schema = nullable({"type": "object"})
    return {
        "type": "object",
        "required": ["name", "namespace", "type", "privacy", "vendor", "capabilities", "status"],
        "properties": {
            "name": {"type": "string"},
            "description": {"type": "string"},
            "namespace": {"type": "string", "description": "The slug used in `model`."},
            "type": {"type": "string", "enum": list(MODEL_TYPES)},
            "privacy": {"type": "string", "enum": ["public", "private"]},
            "img_url": {"type": ["string", "null"]},
            "vendor": {
                "type": "object",
                "required": ["name", "slug"],
                "properties": {
                    "name": {"type": "string"},
                    "description": {"type": "string"},
                    "image_url": {"type": ["string", "null"]},
                    "verified": {"type": "boolean"},
                    "slug": {"type": "string"},
                    "metadata": {},
                },
            },
            "billable": {"type": "boolean"},
            "pricing": {
                "type": "object",
                "required": ["amount", "currency", "unit"],
                "properties": {
                    "amount": {"type": "number"},
                    "currency": {"type": "string"},
                    "unit": {"type": "string"},
                },
            },
            "capabilities": {"type": "array", "items": {"type": "string"}},
            "metadata": {
                "type": "object",
                "properties": {
                    name: {"type": "boolean"}
                    for name in ("edge_compatible", "openai_compatible", "cold_boot")
                },
            },
            "status": {"type": "string", "examples": ["operational"]},
            "service": {"type": "object"},
            "input_schema": json_schema,
            "output_schema": json_schema,
        },
    }


def fragment() -> dict[str, Any]:
    """The model routes' paths, schemas and tag."""
    return {
        "tags": [{"name": "models", "description": "The model catalog"}],
        "paths": _paths(),
        "schemas": {"Model": _model_schema()},
    }
