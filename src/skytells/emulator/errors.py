"""Error bodies of the emulated API.

Every error the emulator returns has the one shape all Skytells clients parse::

    {"status": false, "response": msg, "detail": msg,
     "error": {"http_status": n, "message": msg, "details": text, "error_id": ID}}

and the HTTP status equals ``error.http_status``. Raise `ApiError` anywhere in a route; the app turns
it into that response. Every error answer, from a route, a middleware or an exception handler, is made
by `error_response`, which is given the request path so that an API family with its own error shape
can be answered in it: the inference routes (``/v1/chat/…``, ``/v1/responses…``, ``/v1/embeddings``)
answer the OpenAI-style shape of `skytells.emulator.inference.errors`.
"""

from __future__ import annotations

from typing import Any

from starlette.responses import JSONResponse

from skytells.emulator.inference.errors import inference_error_response, is_inference_path

#: HTTP status of each error id the emulator can return.
STATUS_OF: dict[str, int] = {
    "UNAUTHORIZED": 401,
    "INVALID_PARAMETER": 400,
    "INVALID_DATE_FORMAT": 400,
    "INVALID_DATE_RANGE": 400,
    "INVALID_REQUEST": 400,
    "INVALID_JSON": 400,
    "INVALID_INPUT": 400,
    "VALIDATION_ERROR": 422,
    "MODEL_NOT_FOUND": 404,
    "MODEL_NOT_SUPPORTED": 400,
    "PREDICTION_NOT_FOUND": 404,
    "ENDPOINT_NOT_FOUND": 404,
    "FILE_NOT_FOUND": 404,
    "METHOD_NOT_ALLOWED": 405,
    "PAYLOAD_TOO_LARGE": 413,
    "UNSUPPORTED_MEDIA_TYPE": 415,
    "INSUFFICIENT_CREDITS": 402,
    "PAYMENT_REQUIRED": 402,
    "ACCOUNT_SUSPENDED": 403,
    "SECURITY_VIOLATION": 403,
    "FORBIDDEN": 403,
    "RATE_LIMIT_EXCEEDED": 429,
    "INTERNAL_ERROR": 500,
    "INFRASTRUCTURE_ERROR": 503,
    "SERVICE_UNAVAILABLE": 503,
}


class ApiError(Exception):
    """An error answered to the client with the standard error body.

    >>> raise ApiError("MODEL_NOT_FOUND", "Model 'x' was not found")
    """

    def __init__(
        self,
        error_id: str,
        message: str,
        *,
        status: int | None = None,
        details: Any = None,
        headers: dict[str, str] | None = None,
        param: str | None = None,
    ) -> None:
        super().__init__(message)
        self.error_id = error_id
        self.message = message
        self.status = status if status is not None else STATUS_OF.get(error_id, 400)
        self.details = details if details is not None else message
        self.headers = headers or {}
        self.param = param  # the request field at fault (shown by the inference error shape)


def error_body(error_id: str, message: str, status: int, details: Any = None) -> dict[str, Any]:
    """The JSON body of an error response."""
    return {
        "status": False,
        "response": message,
        "detail": message,
        "error": {
            "http_status": status,
            "message": message,
            "details": details if details is not None else message,
            "error_id": error_id,
        },
    }


def error_response(error: ApiError, path: str) -> JSONResponse:
    """The response for an `ApiError` raised while serving `path` (the inference shape on its paths)."""
    if is_inference_path(path):
        return inference_error_response(
            error.error_id, error.message, error.status, error.param, error.headers
        )
    body = error_body(error.error_id, error.message, error.status, error.details)
    return JSONResponse(body, status_code=error.status, headers=error.headers)
