"""Enums, option classes, paginated results and the TypedDicts of the wire shapes."""

from typing import TYPE_CHECKING, Any

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

if TYPE_CHECKING:
    from ._wire import (
        ErrorBody,
        ModelResponse,
        PredictionMetrics,
        PredictionResponse,
        PredictionUrls,
        WebhookConfig,
    )

#: the wire TypedDicts, loaded on first use (PEP 562): only type hints need them
_WIRE = frozenset(
    (
        "ErrorBody",
        "ModelResponse",
        "PredictionMetrics",
        "PredictionResponse",
        "PredictionUrls",
        "WebhookConfig",
    )
)


def __getattr__(name: str) -> Any:
    if name not in _WIRE:
        raise AttributeError(f"module 'skytells.types' has no attribute {name!r}")
    from . import _wire

    value = getattr(_wire, name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})


__all__ = [  # noqa: RUF022 - plain sorted(), as the public API test pins it
    "ApiErrorId",
    "ClientOptions",
    "ErrorBody",
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
