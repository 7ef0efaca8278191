"""Enums, option classes, paginated results and the TypedDicts of the wire shapes."""

from .._exceptions import SkytellsError
from ._enums import (
    TERMINAL_STATUSES,
    ApiErrorId,
    ModelPrivacy,
    ModelType,
    PredictionSource,
    PredictionStatus,
    PredictionType,
    PricingOperator,
    PricingUnit,
)
from ._files import FileInput
from ._options import (
    ClientOptions,
    ModelFieldsOptions,
    OnProgressCallback,
    PredictionRequest,
    PredictionSdkOptions,
    PredictionsListOptions,
    QueueItem,
    RetryOptions,
    RunOptions,
    WaitOptions,
)
from ._pagination import PaginatedResponse, Pagination
from ._wire import (
    ErrorBody,
    ModelResponse,
    PredictionMetrics,
    PredictionResponse,
    PredictionUrls,
    WebhookConfig,
)

__all__ = [  # noqa: RUF022 - plain sorted(), as the public API test pins it
    "ApiErrorId",
    "ClientOptions",
    "ErrorBody",
    "FileInput",
    "ModelFieldsOptions",
    "ModelPrivacy",
    "ModelResponse",
    "ModelType",
    "OnProgressCallback",
    "PaginatedResponse",
    "Pagination",
    "PredictionMetrics",
    "PredictionRequest",
    "PredictionResponse",
    "PredictionSdkOptions",
    "PredictionSource",
    "PredictionStatus",
    "PredictionType",
    "PredictionUrls",
    "PredictionsListOptions",
    "PricingOperator",
    "PricingUnit",
    "QueueItem",
    "RetryOptions",
    "RunOptions",
    "SkytellsError",
    "TERMINAL_STATUSES",
    "WaitOptions",
    "WebhookConfig",
]
