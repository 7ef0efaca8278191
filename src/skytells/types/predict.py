"""Compatibility shim: the prediction types at the import path of the published 1.0.0 package
(``skytells.types.predict``). New code imports them from ``skytells`` or ``skytells.types``."""

from ._enums import PredictionSource, PredictionStatus, PredictionType
from ._options import (
    PredictionRequest,
    PredictionSdkOptions,
    PredictionsListOptions,
    QueueItem,
    RunOptions,
    WaitOptions,
)
from ._wire import PredictionResponse

__all__ = [
    "PredictionRequest",
    "PredictionResponse",
    "PredictionSdkOptions",
    "PredictionSource",
    "PredictionStatus",
    "PredictionType",
    "PredictionsListOptions",
    "QueueItem",
    "RunOptions",
    "WaitOptions",
]
