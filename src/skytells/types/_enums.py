"""String enums of the Skytells API. Every member compares equal to its wire value."""

from __future__ import annotations

from enum import Enum

from ._statuses import TERMINAL_STATUSES


class _StrEnum(str, Enum):
    """A str enum whose ``str()`` and f-string form are the wire value."""

    def __str__(self) -> str:
        return str(self.value)


__all__ = [
    "TERMINAL_STATUSES",
    "ApiErrorId",
    "ModelPrivacy",
    "ModelType",
    "PredictionSource",
    "PredictionStatus",
    "PredictionType",
    "PricingOperator",
    "PricingUnit",
]


class PredictionStatus(_StrEnum):
    """Lifecycle status of a prediction (``canceled`` is read as ``cancelled``)."""

    PENDING = "pending"
    STARTING = "starting"
    STARTED = "started"
    PROCESSING = "processing"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CANCELLED = "cancelled"

    @classmethod
    def _missing_(cls, value: object) -> PredictionStatus | None:
        if isinstance(value, str) and value.lower() == "canceled":
            return cls.CANCELLED
        return None


class PredictionType(_StrEnum):
    """The kind of prediction workload."""

    INFERENCE = "inference"
    TRAINING = "training"


class PredictionSource(_StrEnum):
    """Where a prediction was created."""

    API = "api"
    CLI = "cli"
    WEB = "web"


class ModelType(_StrEnum):
    """The kind of content a model produces."""

    IMAGE = "image"
    VIDEO = "video"
    AUDIO = "audio"
    MUSIC = "music"
    TEXT = "text"
    CODE = "code"
    MULTIMODAL = "multimodal"
    #: vectors for the Inference API's ``/embeddings`` (not a prediction model)
    EMBEDDING = "embedding"


class ModelPrivacy(_StrEnum):
    """Visibility of a model."""

    PUBLIC = "public"
    PRIVATE = "private"


class PricingUnit(_StrEnum):
    """The unit a model's price is billed in."""

    IMAGE = "image"
    VIDEO = "video"
    SECOND = "second"
    PREDICTION = "prediction"
    GPU = "gpu"
    IMAGE_MEGAPIXEL = "image_megapixel"
    COMPUTING_SECOND = "computing_second"
    AUDIO_SECOND = "audio_second"
    VIDEO_SECOND = "video_second"
    TOKEN = "token"
    FIVE_SECONDS = "5 seconds"
    MINUTE = "minute"


class PricingOperator(_StrEnum):
    """Comparison operator of a pricing criterion."""

    EQUALS = "equals"
    DOUBLE_EQUALS = "=="


class ApiErrorId(_StrEnum):
    """Every known ``error_id``: returned by the API or raised by the SDK itself."""

    # returned by the API
    UNAUTHORIZED = "UNAUTHORIZED"
    INVALID_PARAMETER = "INVALID_PARAMETER"
    INVALID_DATE_FORMAT = "INVALID_DATE_FORMAT"
    INVALID_DATE_RANGE = "INVALID_DATE_RANGE"
    MODEL_NOT_FOUND = "MODEL_NOT_FOUND"
    INTERNAL_ERROR = "INTERNAL_ERROR"
    INVALID_INPUT = "INVALID_INPUT"
    INSUFFICIENT_CREDITS = "INSUFFICIENT_CREDITS"
    ACCOUNT_SUSPENDED = "ACCOUNT_SUSPENDED"
    PAYMENT_REQUIRED = "PAYMENT_REQUIRED"
    SECURITY_VIOLATION = "SECURITY_VIOLATION"
    RATE_LIMIT_EXCEEDED = "RATE_LIMIT_EXCEEDED"
    INFRASTRUCTURE_ERROR = "INFRASTRUCTURE_ERROR"
    PREDICTION_NOT_FOUND = "PREDICTION_NOT_FOUND"
    VALIDATION_ERROR = "VALIDATION_ERROR"
    FORBIDDEN = "FORBIDDEN"
    INVALID_REQUEST = "INVALID_REQUEST"
    RATE_LIMITED = "RATE_LIMITED"
    INFERENCE_RATE_LIMITED = "INFERENCE_RATE_LIMITED"
    INFERENCE_TIMEOUT = "INFERENCE_TIMEOUT"
    SERVICE_UNAVAILABLE = "SERVICE_UNAVAILABLE"
    INFERENCE_ERROR = "INFERENCE_ERROR"
    CONTENT_POLICY_VIOLATION = "CONTENT_POLICY_VIOLATION"
    ENDPOINT_NOT_FOUND = "ENDPOINT_NOT_FOUND"
    # raised by the SDK
    PREDICTION_FAILED = "PREDICTION_FAILED"
    WAIT_TIMEOUT = "WAIT_TIMEOUT"
    REQUEST_TIMEOUT = "REQUEST_TIMEOUT"
    NETWORK_ERROR = "NETWORK_ERROR"
    SERVER_ERROR = "SERVER_ERROR"
    INVALID_JSON = "INVALID_JSON"
    ABORTED = "ABORTED"
    SDK_ERROR = "SDK_ERROR"
    WEBHOOK_SIGNATURE_INVALID = "WEBHOOK_SIGNATURE_INVALID"
    WEBHOOK_TIMESTAMP_EXPIRED = "WEBHOOK_TIMESTAMP_EXPIRED"
    API_ERROR = "API_ERROR"
    HTTP_ERROR = "HTTP_ERROR"
    UNKNOWN_ERROR = "UNKNOWN_ERROR"
