"""Enums, option classes, paginated results and the TypedDicts of the wire shapes."""

from typing import TYPE_CHECKING, Any

from .._exceptions import SkytellsError
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
from ._statuses import TERMINAL_STATUSES

if TYPE_CHECKING:
    from ._enums import (
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
    from ._wire import (
        ErrorBody,
        ModelResponse,
        PredictionMetrics,
        PredictionResponse,
        PredictionUrls,
        WebhookConfig,
    )

#: names loaded on first use (PEP 562), so importing the SDK builds no enum or TypedDict it does not use
_LAZY = {
    **dict.fromkeys(
        ("ApiErrorId", "ModelPrivacy", "ModelType", "PredictionSource", "PredictionStatus", "PredictionType",
         "PricingOperator", "PricingUnit"),
        "._enums",
    ),
    **dict.fromkeys(
        ("ErrorBody", "ModelResponse", "PredictionMetrics", "PredictionResponse", "PredictionUrls",
         "WebhookConfig"),
        "._wire",
    ),
    "FileInput": "._files",
}  # fmt: skip


def __getattr__(name: str) -> Any:
    if name not in _LAZY:
        raise AttributeError(f"module 'skytells.types' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(_LAZY[name], __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})


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
