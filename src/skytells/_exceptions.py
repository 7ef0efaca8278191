"""Errors raised by the SDK. Every one is a :class:`SkytellsError`.

::

    SkytellsError                 error_id, details, http_status (= status_code), request_id, body,
                                  retry_after, error_type, error_code, param
    ├── AuthenticationError       401 UNAUTHORIZED
    ├── PermissionDeniedError     403 ACCOUNT_SUSPENDED, SECURITY_VIOLATION, FORBIDDEN
    ├── PaymentRequiredError      402 INSUFFICIENT_CREDITS, PAYMENT_REQUIRED
    ├── NotFoundError             404 MODEL_NOT_FOUND, PREDICTION_NOT_FOUND, ...
    ├── InvalidInputError         400 / 422 INVALID_INPUT, INVALID_PARAMETER, INVALID_DATE_*, ...
    ├── RateLimitError            429 RATE_LIMIT_EXCEEDED (.retry_after in seconds)
    ├── ServerError               5xx, SERVER_ERROR (non-JSON answer), INVALID_JSON (unreadable JSON)
    ├── NetworkError              NETWORK_ERROR, no response (http_status 0)
    │   └── RequestTimeoutError   REQUEST_TIMEOUT 408, the HTTP call exceeded ``timeout``
    ├── PredictionFailedError     PREDICTION_FAILED (.prediction)
    ├── WaitTimeoutError          WAIT_TIMEOUT 408, ``max_wait`` elapsed (.prediction: the last state)
    ├── AbortedError              ABORTED, the abort signal was set
    ├── DispatchError             some queued sends failed (.predictions, .errors)
    └── WebhookVerificationError  WEBHOOK_SIGNATURE_INVALID 401 / WEBHOOK_TIMESTAMP_EXPIRED 400 /
                                  INVALID_JSON 400

Catch by kind (``except RateLimitError``) or compare ``error_id`` with :class:`ApiErrorId`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

__all__ = [
    "AbortedError",
    "AuthenticationError",
    "DispatchError",
    "InvalidInputError",
    "NetworkError",
    "NotFoundError",
    "PaymentRequiredError",
    "PermissionDeniedError",
    "PredictionFailedError",
    "RateLimitError",
    "RequestTimeoutError",
    "ServerError",
    "SkytellsError",
    "WaitTimeoutError",
    "WebhookVerificationError",
    "error_class_for",
]


class SkytellsError(Exception):
    """Any failure of an API call, of the network, or of a prediction.

    >>> try:
    ...     client.run("flux-pro", input={"prompt": "test"})
    ... except SkytellsError as e:
    ...     print(e.error_id, e.http_status, e.details)
    """

    def __init__(
        self,
        message: str,
        error_id: str = "UNKNOWN_ERROR",
        details: Any = None,
        http_status: int = 0,
        *,
        request_id: str | None = None,
        body: Any = None,
        error_type: str | None = None,
        error_code: str | None = None,
        param: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.error_id = str(error_id)
        self.details = details if details is not None else message
        self.http_status = int(http_status or 0)
        self.request_id = request_id
        self.body = body
        self.error_type = error_type
        self.error_code = error_code
        #: the request field at fault, when the Inference API names one (``"model"``, ``"messages"``)
        self.param = param
        #: the server's ``Retry-After`` hint in seconds, when the response carried one
        self.retry_after: float | None = None

    @property
    def status_code(self) -> int:
        """Alias of :attr:`http_status`."""
        return self.http_status

    def __str__(self) -> str:
        return self.message

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(message={self.message!r}, error_id={self.error_id!r}, "
            f"http_status={self.http_status!r})"
        )

    def __reduce__(self) -> Any:
        return (
            _rebuild,
            (type(self), self.message, self.error_id, self.details, self.http_status, self.__dict__),
        )


def _rebuild(
    cls: type[SkytellsError], message: str, error_id: str, details: Any, status: int, state: Any
) -> Any:
    error = cls.__new__(cls)
    SkytellsError.__init__(error, message, error_id, details, status)
    error.__dict__.update(state)
    return error


class AuthenticationError(SkytellsError):
    """The API key is missing or invalid (401)."""


class PermissionDeniedError(SkytellsError):
    """The account may not do this: suspended, or a security policy (403)."""


class PaymentRequiredError(SkytellsError):
    """Not enough credits (402)."""


class NotFoundError(SkytellsError):
    """The model, prediction or route does not exist (404)."""


class InvalidInputError(SkytellsError):
    """The request or the model input failed validation (400, 422)."""


class RateLimitError(SkytellsError):
    """Too many requests (429). ``retry_after`` is the server's hint in seconds, when given."""


class ServerError(SkytellsError):
    """The server failed (5xx) or answered something that is not readable JSON."""


class NetworkError(SkytellsError):
    """No HTTP response arrived (connection refused, reset, DNS...)."""


class RequestTimeoutError(NetworkError):
    """The HTTP call took longer than the client's ``timeout`` (REQUEST_TIMEOUT, 408)."""


class PredictionFailedError(SkytellsError):
    """The prediction ended with status ``failed``; ``prediction`` holds it."""

    prediction: Any = None


class WaitTimeoutError(SkytellsError):
    """``max_wait`` elapsed before the prediction finished (WAIT_TIMEOUT, 408)."""

    prediction: Any = None


class AbortedError(SkytellsError):
    """The abort signal was set while waiting (ABORTED)."""


class DispatchError(SkytellsError):
    """Some queued predictions could not be sent.

    ``predictions`` lists, in queue order, the created prediction or ``None`` where the send failed;
    ``errors`` lists the error of each failed send or ``None``. Nothing created is lost.
    """

    predictions: list[Any]
    errors: list[SkytellsError | None]

    def __init__(self, predictions: Sequence[Any], errors: Sequence[SkytellsError | None]) -> None:
        failed = [e for e in errors if e is not None]
        first = failed[0]
        super().__init__(
            f"{len(failed)} of {len(errors)} queued predictions could not be sent: {first.message}",
            first.error_id,
            [e.details if e is not None else None for e in errors],
            first.http_status,
        )
        self.predictions = list(predictions)
        self.errors = list(errors)


class WebhookVerificationError(SkytellsError):
    """An incoming webhook has a bad or missing signature, or a body that is not JSON."""


_BY_ID: dict[str, type[SkytellsError]] = {
    "UNAUTHORIZED": AuthenticationError,
    "ACCOUNT_SUSPENDED": PermissionDeniedError,
    "SECURITY_VIOLATION": PermissionDeniedError,
    "FORBIDDEN": PermissionDeniedError,
    "INSUFFICIENT_CREDITS": PaymentRequiredError,
    "PAYMENT_REQUIRED": PaymentRequiredError,
    "MODEL_NOT_FOUND": NotFoundError,
    "PREDICTION_NOT_FOUND": NotFoundError,
    "ENDPOINT_NOT_FOUND": NotFoundError,
    "INVALID_INPUT": InvalidInputError,
    "INVALID_PARAMETER": InvalidInputError,
    "INVALID_DATE_FORMAT": InvalidInputError,
    "INVALID_DATE_RANGE": InvalidInputError,
    "INVALID_REQUEST": InvalidInputError,
    "VALIDATION_ERROR": InvalidInputError,
    "RATE_LIMIT_EXCEEDED": RateLimitError,
    "RATE_LIMITED": RateLimitError,
    "INFERENCE_RATE_LIMITED": RateLimitError,
    "INTERNAL_ERROR": ServerError,
    "INFRASTRUCTURE_ERROR": ServerError,
    "SERVICE_UNAVAILABLE": ServerError,
    "SERVER_ERROR": ServerError,
    "INVALID_JSON": ServerError,
    "NETWORK_ERROR": NetworkError,
    "REQUEST_TIMEOUT": RequestTimeoutError,
    "PREDICTION_FAILED": PredictionFailedError,
    "WAIT_TIMEOUT": WaitTimeoutError,
    "ABORTED": AbortedError,
    "WEBHOOK_SIGNATURE_INVALID": WebhookVerificationError,
    "WEBHOOK_TIMESTAMP_EXPIRED": WebhookVerificationError,
}

_BY_STATUS: dict[int, type[SkytellsError]] = {
    400: InvalidInputError,
    401: AuthenticationError,
    402: PaymentRequiredError,
    403: PermissionDeniedError,
    404: NotFoundError,
    422: InvalidInputError,
    429: RateLimitError,
}


def error_class_for(error_id: str, http_status: int) -> type[SkytellsError]:
    """The most specific error class for an ``error_id`` and HTTP status."""
    cls = _BY_ID.get(error_id) or _BY_STATUS.get(http_status)
    if cls is None and http_status >= 500:
        cls = ServerError
    return cls or SkytellsError
