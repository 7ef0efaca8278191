"""The error body of the inference routes (OpenAI's shape, with Skytells' ``error_id`` and ``status``).

::

    {"error": {"message": "...", "type": "invalid_request_error", "code": "model_not_found",
               "error_id": "MODEL_NOT_FOUND", "status": 404, "param": "model", "request_id": "req_..."}}

There is no ``status``/``response`` wrapper; the ``x-request-id`` header equals ``request_id``.
``type`` follows the HTTP status, ``code`` is the error id in lower case (``UNAUTHORIZED`` is
``invalid_api_key``). `skytells.emulator.errors.error_response` uses this shape for every path that
`is_inference_path`, so errors made by middlewares (rate limits, faults) and 404/405 have it too.

>>> inference_error_body("MODEL_NOT_FOUND", "No model 'x'.", 404, "model", "req_1")["error"]["type"]
'not_found_error'
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from starlette.responses import JSONResponse

#: Path prefixes of the inference family (a prefix matches itself and everything under ``prefix/``).
INFERENCE_PREFIXES = ("/v1/chat", "/v1/responses", "/v1/embeddings")

#: ``type`` of an error by HTTP status (5xx: ``server_error``; anything else: ``invalid_request_error``).
TYPE_OF_STATUS: dict[int, str] = {
    401: "authentication_error",
    402: "insufficient_quota",
    403: "permission_error",
    404: "not_found_error",
    429: "rate_limit_error",
}

#: ``code`` of the error ids that do not simply read as their lower-case id.
CODE_OF_ID: dict[str, str] = {"UNAUTHORIZED": "invalid_api_key", "ENDPOINT_NOT_FOUND": "unknown_url"}


def is_inference_path(path: str) -> bool:
    """Whether errors on `path` take the inference shape (``/v1/chat/…``, ``/v1/responses…``, …)."""
    return any(path == prefix or path.startswith(prefix + "/") for prefix in INFERENCE_PREFIXES)


def new_request_id() -> str:
    """A fresh request id (``req_`` and 32 hex digits)."""
    return "req_" + uuid.uuid4().hex


def error_type(status: int) -> str:
    """The OpenAI error ``type`` of an HTTP status."""
    if status >= 500:
        return "server_error"
    return TYPE_OF_STATUS.get(status, "invalid_request_error")


def inference_error_body(
    error_id: str, message: str, status: int, param: str | None, request_id: str
) -> dict[str, Any]:
    """The JSON body of an inference error."""
    return {
        "error": {
            "message": message,
            "type": error_type(status),
            "code": CODE_OF_ID.get(error_id, error_id.lower()),
            "error_id": error_id,
            "status": status,
            "param": param,
            "request_id": request_id,
        }
    }


def inference_error_response(
    error_id: str, message: str, status: int, param: str | None, headers: Mapping[str, str]
) -> JSONResponse:
    """The response of an inference error, with a new ``x-request-id`` (kept when `headers` has one)."""
    request_id = headers.get("x-request-id") or new_request_id()
    body = inference_error_body(error_id, message, status, param, request_id)
    return JSONResponse(body, status_code=status, headers={**headers, "x-request-id": request_id})
