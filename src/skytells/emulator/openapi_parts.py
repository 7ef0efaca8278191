"""Building blocks of the per-family OpenAPI fragments: references, responses, parameters, operations.

>>> operation("getModel", "Get a model", "models", {**ok(ref("Model"), "The model"), **errors(404)})
"""

from __future__ import annotations

from typing import Any

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


def ref(name: str) -> dict[str, str]:
    """A reference to ``#/components/schemas/<name>``."""
    return {"$ref": f"#/components/schemas/{name}"}


def nullable(schema: dict[str, Any]) -> dict[str, Any]:
    return {"anyOf": [schema, {"type": "null"}]}


def error(status: int) -> dict[str, Any]:
    """The response of one error status (the ``Error`` body)."""
    response: dict[str, Any] = {
        "description": _REASONS[status],
        "content": {"application/json": {"schema": ref("Error")}},
    }
    if status == 429:
        response["headers"] = {"Retry-After": {"$ref": "#/components/headers/Retry-After"}}
    return response


def errors(*statuses: int) -> dict[str, Any]:
    """Error responses of an operation that takes a key: 401 and 429, then `statuses`."""
    return {str(status): error(status) for status in (401, 429, *statuses)}


def rate_headers() -> dict[str, Any]:
    names = ["limit-requests", "remaining-requests", "window"]
    return {
        f"x-skytells-ratelimit-{name}": {"$ref": f"#/components/headers/ratelimit-{name}"} for name in names
    }


def ok(schema: dict[str, Any], description: str, status: str = "200") -> dict[str, Any]:
    """A JSON success response with the rate-limit headers."""
    return {
        status: {
            "description": description,
            "headers": rate_headers(),
            "content": {"application/json": {"schema": schema}},
        }
    }


def path_param(name: str, description: str) -> dict[str, Any]:
    return {
        "name": name,
        "in": "path",
        "required": True,
        "description": description,
        "schema": {"type": "string"},
    }


def operation(
    operation_id: str, summary: str, tag: str, responses: dict[str, Any], **extra: Any
) -> dict[str, Any]:
    return {"operationId": operation_id, "summary": summary, "tags": [tag], "responses": responses, **extra}
