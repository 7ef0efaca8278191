"""TypedDicts of the JSON shapes on the wire (for type checkers; the SDK returns plain dicts)."""

from __future__ import annotations

from typing import Any, TypedDict


class PredictionModel(TypedDict):
    name: str
    type: str


class WebhookConfig(TypedDict):
    url: str | None
    events: list[str]


class PredictionMetrics(TypedDict, total=False):
    image_count: int | None
    predict_time: float | None
    total_time: float | None
    asset_count: int | None
    progress: float | None


class StoredFile(TypedDict):
    name: str
    type: str
    size: int
    url: str


class PredictionStorage(TypedDict):
    files: list[StoredFile]


class PredictionBilling(TypedDict):
    credits_used: float


class PredictionMetadata(TypedDict, total=False):
    billing: PredictionBilling | None
    storage: PredictionStorage | None
    data_available: bool | None


class PredictionUrls(TypedDict, total=False):
    get: str | None
    cancel: str | None
    stream: str | None
    delete: str | None


class PredictionResponse(TypedDict, total=False):
    id: str
    status: str
    type: str
    stream: bool
    input: dict[str, Any]
    response: str | None
    output: str | list[str] | None
    error: str | None
    created_at: str
    started_at: str | None
    completed_at: str | None
    updated_at: str | None
    privacy: str
    source: str | None
    model: PredictionModel | None
    webhook: WebhookConfig | None
    metrics: PredictionMetrics | None
    metadata: PredictionMetadata | None
    urls: PredictionUrls | None


class ModelVendor(TypedDict, total=False):
    name: str
    description: str | None
    image_url: str | None
    verified: bool
    slug: str
    metadata: dict[str, Any] | None


class ModelPricing(TypedDict, total=False):
    amount: float
    currency: str
    unit: str


class ModelResponse(TypedDict, total=False):
    name: str
    namespace: str
    type: str
    description: str | None
    vendor: ModelVendor
    pricing: ModelPricing | None
    capabilities: list[str]
    status: str
    input_schema: dict[str, Any] | None
    output_schema: dict[str, Any] | None
    metadata: dict[str, Any] | None


class ErrorDetail(TypedDict, total=False):
    http_status: int
    message: str
    details: Any
    error_id: str
    request_id: str


class ErrorBody(TypedDict, total=False):
    status: bool
    response: str
    detail: str
    error: ErrorDetail
