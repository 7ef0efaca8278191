"""The OpenAPI fragment of the prediction routes: create, list, get, cancel, delete, stream."""

from __future__ import annotations

from typing import Any

from skytells.emulator.catalog import Catalog, CatalogModel
from skytells.emulator.openapi_parts import errors, nullable, ok, operation, path_param, ref
from skytells.emulator.webhooks.openapi import WEBHOOK_EVENTS

STATUSES = ["pending", "starting", "started", "processing", "succeeded", "failed", "cancelled"]
PREDICTION_ID = path_param("prediction_id", "The prediction's id (a UUID).")


def _query(name: str, description: str, schema: dict[str, Any]) -> dict[str, Any]:
    """A list filter; an empty value (``?page=``) counts as not given."""
    either = {"anyOf": [schema, {"type": "string", "maxLength": 0}]}
    return {"name": name, "in": "query", "required": False, "description": description, "schema": either}


_DATE = {"type": "string", "format": "date", "examples": ["2026-01-31"]}
_PAGE = {"type": "integer", "minimum": 1, "maximum": 1_000_000, "default": 1}
_LIST_PARAMETERS = [
    _query("page", "Page number, from 1.", _PAGE),
    _query("per_page", "Items per page.", {"type": "integer", "minimum": 1, "maximum": 50, "default": 20}),
    _query("from", "Created on or after this day (YYYY-MM-DD).", _DATE),
    _query("to", "Created on or before this day (YYYY-MM-DD).", _DATE),
    _query("since", "Alias of `from`.", _DATE),
    _query("until", "Alias of `to`.", _DATE),
    _query("model", "Only predictions of this model slug.", {"type": "string"}),
    _query("status", "Only predictions in this status.", {"type": "string", "enum": [*STATUSES, "canceled"]}),
]


#: What a client can do next with the prediction a create returned (OpenAPI links).
_PREDICTION_LINKS = {
    name: {"operationId": operation_id, "parameters": {"prediction_id": "$response.body#/id"}}
    for name, operation_id in (
        ("GetPrediction", "getPrediction"),
        ("CancelPrediction", "cancelPrediction"),
        ("StreamPrediction", "streamPrediction"),
        ("DeletePrediction", "deletePrediction"),
    )
}


def _create(operation_id: str, summary: str) -> dict[str, Any]:
    created = "The prediction was created (or held until done with `await: true`)"
    responses = {
        **ok(ref("Prediction"), created, "201"),
        **ok(ref("Prediction"), "A create repeated with the same Idempotency-Key: the first prediction"),
        **errors(400, 402, 403, 404, 409, 413, 415, 422),
    }
    for status in ("200", "201"):
        responses[status]["links"] = _PREDICTION_LINKS
    idempotency = {
        "name": "Idempotency-Key",
        "in": "header",
        "required": False,
        "description": "Repeat a create safely: the same key returns the same prediction.",
        "schema": {"type": "string", "minLength": 1, "maxLength": 255},
    }
    return operation(
        operation_id,
        summary,
        "predictions",
        responses,
        parameters=[idempotency],
        requestBody={
            "required": True,
            "content": {"application/json": {"schema": ref("PredictionRequest")}},
        },
    )


def _paths() -> dict[str, Any]:
    one = "/v1/predictions/{prediction_id}"
    prediction = ok(ref("Prediction"), "The prediction")
    get_prediction = operation(
        "getPrediction", "Get a prediction", "predictions", {**prediction, **errors(404)}
    )
    delete = {**ok(ref("Prediction"), "The deleted prediction; its files are gone"), **errors(404)}
    stream_ok = ok(ref("Prediction"), "The prediction with `urls.stream` (JSON), or Server-Sent Events")
    stream_ok["200"]["content"]["text/event-stream"] = {"schema": {"type": "string"}}
    return {
        "/v1/predict": {"post": _create("createPredictionPredict", "Create a prediction")},
        "/v1/predictions": {
            "post": _create("createPrediction", "Create a prediction"),
            "get": operation(
                "listPredictions",
                "List your predictions, newest first",
                "predictions",
                {**ok(ref("PredictionList"), "One page of predictions"), **errors(400, 404)},
                parameters=_LIST_PARAMETERS,
            ),
        },
        one: {
            "parameters": [PREDICTION_ID],
            "get": get_prediction,
            "delete": operation(
                "deletePrediction", "Delete a prediction and its files", "predictions", delete
            ),
        },
        f"{one}/delete": {
            "parameters": [PREDICTION_ID],
            "delete": operation(
                "deletePredictionAlias", "Delete a prediction (alias)", "predictions", delete
            ),
        },
        f"{one}/cancel": {
            "parameters": [PREDICTION_ID],
            "post": operation(
                "cancelPrediction",
                "Cancel a prediction (a finished one is returned unchanged)",
                "predictions",
                {**ok(ref("Prediction"), "The prediction, now `cancelled`"), **errors(404)},
            ),
        },
        f"{one}/stream": {
            "parameters": [PREDICTION_ID],
            "get": operation(
                "streamPrediction",
                "Stream a prediction: JSON, or SSE with `Accept: text/event-stream`",
                "predictions",
                {**stream_ok, **errors(404)},
            ),
        },
    }


def _schemas() -> dict[str, Any]:
    string_or_null = {"type": ["string", "null"]}
    number_or_null = {"type": ["number", "null"]}
    return {
        "PredictionRequest": {
            "type": "object",
            "required": ["model", "input"],
            "description": "`model` is a catalog slug; `input` must satisfy that model's `input_schema`.",
            "oneOf": [_request_for(model) for model in Catalog.load().all() if model.predictable],
            "dependentRequired": {"webhook_events_filter": ["webhook"]},
            "properties": {
                "model": {"type": "string", "description": "A model slug.", "examples": ["truefusion"]},
                "input": {
                    "type": "object",
                    "description": "Inputs checked against the model's `input_schema`.",
                    "examples": [{"prompt": "A lighthouse at dawn"}],
                },
                "await": {"type": "boolean", "description": "Hold the request until the prediction is done."},
                "stream": {"type": "boolean"},
                "webhook": {"anyOf": [ref("Webhook"), {"type": "string", "format": "uri"}]},
                "webhook_events_filter": {
                    "type": "array",
                    "items": {"type": "string", "enum": WEBHOOK_EVENTS},
                },
            },
        },
        "Prediction": {
            "type": "object",
            "required": ["id", "status", "type", "stream", "input", "created_at", "updated_at", "urls"],
            "properties": {
                "id": {"type": "string", "format": "uuid"},
                "status": {"type": "string", "enum": STATUSES},
                "type": {"type": "string", "enum": ["inference", "training"]},
                "stream": {"type": "boolean"},
                "input": {"type": "object"},
                "response": string_or_null,
                "output": {
                    "anyOf": [
                        {"type": "string"},
                        {"type": "array", "items": {"type": "string"}},
                        {"type": "null"},
                    ]
                },
                "error": string_or_null,
                "created_at": {"type": "string", "format": "date-time"},
                "started_at": nullable({"type": "string", "format": "date-time"}),
                "completed_at": nullable({"type": "string", "format": "date-time"}),
                "updated_at": {"type": "string", "format": "date-time"},
                "privacy": {"type": "string"},
                "source": nullable({"type": "string", "enum": ["api", "cli", "web"]}),
                "model": nullable(
                    {"type": "object", "properties": {"name": {"type": "string"}, "type": {"type": "string"}}}
                ),
                "webhook": nullable(
                    {
                        "type": "object",
                        "properties": {
                            "url": string_or_null,
                            "events": {"type": "array", "items": {"type": "string"}},
                        },
                    }
                ),
                "metrics": {
                    "type": "object",
                    "properties": {
                        "image_count": {"type": ["integer", "null"]},
                        "asset_count": {"type": ["integer", "null"]},
                        "predict_time": number_or_null,
                        "total_time": number_or_null,
                        "progress": {"type": ["number", "null"], "minimum": 0, "maximum": 100},
                    },
                },
                "metadata": {
                    "type": "object",
                    "properties": {
                        "billing": {"type": "object", "properties": {"credits_used": {"type": "number"}}},
                        "storage": nullable(
                            {
                                "type": "object",
                                "properties": {"files": {"type": "array", "items": ref("File")}},
                            }
                        ),
                        "data_available": {"type": ["boolean", "null"]},
                    },
                },
                "urls": {
                    "type": "object",
                    "properties": {
                        name: {"type": "string", "format": "uri"}
                        for name in ("get", "cancel", "stream", "delete")
                    },
                },
            },
        },
        "PredictionList": {
            "type": "object",
            "required": ["data", "pagination"],
            "properties": {
                "data": {"type": "array", "items": ref("Prediction")},
                "pagination": {
                    "type": "object",
                    "required": ["current_page", "per_page", "total", "last_page"],
                    "properties": {
                        name: {"type": "integer", "minimum": 0}
                        for name in ("current_page", "per_page", "total", "last_page")
                    },
                },
            },
        },
    }


def _request_for(model: CatalogModel) -> dict[str, Any]:
    """The create body for one catalog model: its slug, and inputs that fit its schema."""
    input_schema = model.public(fields=("input_schema",)).get("input_schema") or {"type": "object"}
    required = set(input_schema.get("required", ()))
    properties = input_schema.get("properties", {})
    for name, prop in list(properties.items()):
        if name not in required:  # a null for an optional input counts as not given
            properties[name] = {"anyOf": [prop, {"type": "null"}]}
    return {
        "title": model.slug,
        "properties": {"model": {"const": model.slug}, "input": input_schema},
    }


def fragment() -> dict[str, Any]:
    """The prediction routes' paths, schemas and tag."""
    return {
        "tags": [{"name": "predictions", "description": "Create and manage predictions"}],
        "paths": _paths(),
        "schemas": _schemas(),
    }
