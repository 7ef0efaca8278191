"""The OpenAPI 3.1 document of the public Skytells API the emulator serves (``GET /openapi.json``).

It describes every ``/v1`` route and alias, their parameters and bodies, the prediction, model and
error shapes, and the two ways to send a key (``x-api-key`` or ``Authorization: Bearer``).

>>> doc = openapi_document("http://127.0.0.1:8790")
>>> doc["servers"][0]["url"], sorted(doc["paths"])[0]
('http://127.0.0.1:8790', '/v1/files/{prediction_id}/{name}')
"""

from __future__ import annotations

import copy
from typing import Any

from skytells.emulator.catalog import MODEL_TYPES, Catalog, CatalogModel
from skytells.emulator.errors import STATUS_OF
from skytells.emulator.inference.openapi import fragment as inference_fragment

DEFAULT_SERVER = "https://api.skytells.ai"
STATUSES = ["pending", "starting", "started", "processing", "succeeded", "failed", "cancelled"]
WEBHOOK_EVENTS = [
    "started",
    "completed",
    "failed",
    "canceled",
    "cancelled",
    "prediction.started",
    "prediction.succeeded",
    "prediction.failed",
    "prediction.cancelled",
    "prediction.canceled",
]

_REASONS = {
    400: "The request is malformed or a parameter is invalid",
    401: "No API key, or an unknown one",
    402: "Not enough credits",
    403: "The account is suspended",
    404: "Not found",
    405: "Method not allowed on this path",
    409: "The Idempotency-Key was already used with a different body",
    413: "The request body is too large",
    415: "The request body is not JSON",
    422: "A required field is missing",
    429: "Too many requests; see Retry-After",
    503: "The service is temporarily unavailable",
}


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _nullable(schema: dict[str, Any]) -> dict[str, Any]:
    return {"anyOf": [schema, {"type": "null"}]}


def _error(status: int) -> dict[str, Any]:
    response: dict[str, Any] = {
        "description": _REASONS[status],
        "content": {"application/json": {"schema": _ref("Error")}},
    }
    if status == 429:
        response["headers"] = {"Retry-After": {"$ref": "#/components/headers/Retry-After"}}
    return response


def _errors(*statuses: int) -> dict[str, Any]:
    return {str(status): _error(status) for status in (401, 429, *statuses)}


def _rate_headers() -> dict[str, Any]:
    names = ["limit-requests", "remaining-requests", "window"]
    return {
        f"x-skytells-ratelimit-{name}": {"$ref": f"#/components/headers/ratelimit-{name}"} for name in names
    }


def _ok(schema: dict[str, Any], description: str, status: str = "200") -> dict[str, Any]:
    return {
        status: {
            "description": description,
            "headers": _rate_headers(),
            "content": {"application/json": {"schema": schema}},
        }
    }


def _path_param(name: str, description: str) -> dict[str, Any]:
    return {
        "name": name,
        "in": "path",
        "required": True,
        "description": description,
        "schema": {"type": "string"},
    }


_PREDICTION_ID = _path_param("prediction_id", "The prediction's id (a UUID).")
_SLUG = _path_param("slug", "The model's slug (its namespace), e.g. `truefusion`.")
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


def _operation(
    operation_id: str, summary: str, tag: str, responses: dict[str, Any], **extra: Any
) -> dict[str, Any]:
    return {"operationId": operation_id, "summary": summary, "tags": [tag], "responses": responses, **extra}


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
        **_ok(_ref("Prediction"), created, "201"),
        **_ok(_ref("Prediction"), "A create repeated with the same Idempotency-Key: the first prediction"),
        **_errors(400, 402, 403, 404, 409, 413, 415, 422),
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
    return _operation(
        operation_id,
        summary,
        "predictions",
        responses,
        parameters=[idempotency],
        requestBody={
            "required": True,
            "content": {"application/json": {"schema": _ref("PredictionRequest")}},
        },
    )


def _paths() -> dict[str, Any]:
    one = "/v1/predictions/{prediction_id}"
    prediction = _ok(_ref("Prediction"), "The prediction")
    get_prediction = _operation(
        "getPrediction", "Get a prediction", "predictions", {**prediction, **_errors(404)}
    )
    delete = {**_ok(_ref("Prediction"), "The deleted prediction; its files are gone"), **_errors(404)}
    stream_ok = _ok(_ref("Prediction"), "The prediction with `urls.stream` (JSON), or Server-Sent Events")
    stream_ok["200"]["content"]["text/event-stream"] = {"schema": {"type": "string"}}
    model_ok = _ok(_ref("Model"), "The model")
    return {
        "/v1/predict": {"post": _create("createPredictionPredict", "Create a prediction")},
        "/v1/predictions": {
            "post": _create("createPrediction", "Create a prediction"),
            "get": _operation(
                "listPredictions",
                "List your predictions, newest first",
                "predictions",
                {**_ok(_ref("PredictionList"), "One page of predictions"), **_errors(400, 404)},
                parameters=_LIST_PARAMETERS,
            ),
        },
        one: {
            "parameters": [_PREDICTION_ID],
            "get": get_prediction,
            "delete": _operation(
                "deletePrediction", "Delete a prediction and its files", "predictions", delete
            ),
        },
        f"{one}/delete": {
            "parameters": [_PREDICTION_ID],
            "delete": _operation(
                "deletePredictionAlias", "Delete a prediction (alias)", "predictions", delete
            ),
        },
        f"{one}/cancel": {
            "parameters": [_PREDICTION_ID],
            "post": _operation(
                "cancelPrediction",
                "Cancel a prediction (a finished one is returned unchanged)",
                "predictions",
                {**_ok(_ref("Prediction"), "The prediction, now `cancelled`"), **_errors(404)},
            ),
        },
        f"{one}/stream": {
            "parameters": [_PREDICTION_ID],
            "get": _operation(
                "streamPrediction",
                "Stream a prediction: JSON, or SSE with `Accept: text/event-stream`",
                "predictions",
                {**stream_ok, **_errors(404)},
            ),
        },
        "/v1/files/{prediction_id}/{name}": {
            "parameters": [
                _PREDICTION_ID,
                _path_param("name", "The file name from `metadata.storage.files`."),
            ],
            "get": _operation(
                "getFile",
                "Download an output file",
                "files",
                {
                    "200": {"description": "The file", "content": {"*/*": {"schema": {}}}},
                    "404": _error(404),
                },
                security=[],
            ),
        },
        "/v1/models": {
            "get": _operation(
                "listModels",
                "List the model catalog",
                "models",
                {**_ok({"type": "array", "items": _ref("Model")}, "Every model"), **_errors(400)},
                parameters=[_FIELDS],
            )
        },
        "/v1/models/{slug}": {
            "parameters": [_SLUG, _FIELDS],
            "get": _operation("getModel", "Get a model", "models", {**model_ok, **_errors(400, 404)}),
        },
        "/v1/model/{slug}": {
            "parameters": [_SLUG, _FIELDS],
            "get": _operation(
                "getModelSingular", "Get a model (alias)", "models", {**model_ok, **_errors(400, 404)}
            ),
        },
        "/v1/webhooks/default/secret": {
            "get": _operation(
                "getWebhookSecret",
                "The account's Standard Webhooks signing secret",
                "webhooks",
                {**_ok(_ref("WebhookSecret"), "The secret"), **_errors()},
            )
        },
    }


def _schemas() -> dict[str, Any]:
    string_or_null = {"type": ["string", "null"]}
    number_or_null = {"type": ["number", "null"]}
    webhook = {
        "type": "object",
        "required": ["url"],
        "properties": {
            "url": {"type": "string", "format": "uri", "examples": ["http://127.0.0.1:9000/hooks"]},
            "events": {"type": "array", "items": {"type": "string", "enum": WEBHOOK_EVENTS}},
        },
    }
    return {
        "Error": {
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
        },
        "Webhook": webhook,
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
                "webhook": {"anyOf": [_ref("Webhook"), {"type": "string", "format": "uri"}]},
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
                "started_at": _nullable({"type": "string", "format": "date-time"}),
                "completed_at": _nullable({"type": "string", "format": "date-time"}),
                "updated_at": {"type": "string", "format": "date-time"},
                "privacy": {"type": "string"},
                "source": _nullable({"type": "string", "enum": ["api", "cli", "web"]}),
                "model": _nullable(
                    {"type": "object", "properties": {"name": {"type": "string"}, "type": {"type": "string"}}}
                ),
                "webhook": _nullable(
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
                        "storage": _nullable(
                            {
                                "type": "object",
                                "properties": {"files": {"type": "array", "items": _ref("File")}},
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
        "File": {
            "type": "object",
            "required": ["name", "type", "size", "url"],
            "properties": {
                "name": {"type": "string"},
                "type": {"type": "string"},
                "size": {"type": "integer", "minimum": 0},
                "url": {"type": "string", "format": "uri"},
            },
        },
        "PredictionList": {
            "type": "object",
            "required": ["data", "pagination"],
            "properties": {
                "data": {"type": "array", "items": _ref("Prediction")},
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
        "Model": _model_schema(),
        "WebhookSecret": {
            "type": "object",
            "required": ["secret"],
            "properties": {"secret": {"type": "string", "pattern": "^whsec_"}},
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


def _model_schema() -> dict[str, Any]:
    json_schema = _nullable({"type": "object"})
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


def _components() -> dict[str, Any]:
    def integer_header(description: str) -> dict[str, Any]:
        return {"description": description, "schema": {"type": "string"}}

    return {
        "schemas": _schemas(),
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


_DOCUMENT: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {
        "title": "Skytells API",
        "version": "1.0.0",
        "summary": "Predictions and models of the Skytells AI platform, as served by the local emulator.",
        "description": (
            "Create predictions on any catalog model, follow them to a terminal status, list, cancel and "
            "delete them, and browse the model catalog. Every error has the body described by `Error`, "
            "with the HTTP status in `error.http_status`; the OpenAI-compatible inference routes answer "
            "`InferenceError` instead."
        ),
    },
    "security": [{"apiKey": []}, {"bearer": []}],
    "tags": [
        {"name": "predictions", "description": "Create and manage predictions"},
        {"name": "models", "description": "The model catalog"},
        {"name": "files", "description": "Prediction output files"},
        {"name": "webhooks", "description": "Webhook signing"},
    ],
    "paths": _paths(),
    "components": _components(),
}
for _fragment in (inference_fragment(),):  # the route families that describe themselves
    _DOCUMENT["paths"].update(_fragment["paths"])
    _DOCUMENT["tags"].extend(_fragment["tags"])
    for _kind, _items in _fragment["components"].items():
        _DOCUMENT["components"].setdefault(_kind, {}).update(_items)


def openapi_document(server_url: str | None = None) -> dict[str, Any]:
    """The OpenAPI document; ``server_url`` is the emulator's root (a trailing ``/v1`` is dropped)."""
    root = (server_url or DEFAULT_SERVER).rstrip("/").removesuffix("/v1")
    document = copy.deepcopy(_DOCUMENT)
    document["servers"] = [
        {"url": root, "description": "Skytells API (emulator)" if server_url else "Skytells API"}
    ]
    return document
