"""The public surface: pinned __all__, every 1.0.0 name, aliases, deprecations, sync/async parity."""

from __future__ import annotations

import inspect
import warnings

import pytest

import skytells
import skytells.types
from skytells import AsyncSkytellsClient, SkytellsClient

EXPECTED_ALL = [
    "API_BASE_URL",
    "AbortedError",
    "ApiErrorId",
    "AsyncChat",
    "AsyncChatCompletionStream",
    "AsyncChatCompletions",
    "AsyncClient",
    "AsyncEmbeddings",
    "AsyncModelsAPI",
    "AsyncPrediction",
    "AsyncPredictionsAPI",
    "AsyncResponseStream",
    "AsyncResponses",
    "AsyncSafety",
    "AsyncSkytellsClient",
    "AuthenticationError",
    "Chat",
    "ChatCompletion",
    "ChatCompletionChunk",
    "ChatCompletionStream",
    "ChatCompletions",
    "Client",
    "ClientOptions",
    "CreateEmbeddingResponse",
    "DispatchError",
    "Embedding",
    "Embeddings",
    "InvalidInputError",
    "ModelFieldsOptions",
    "ModelPrivacy",
    "ModelType",
    "ModelsAPI",
    "NetworkError",
    "NotFoundError",
    "OnProgressCallback",
    "PaginatedResponse",
    "Pagination",
    "PaymentRequiredError",
    "PermissionDeniedError",
    "Prediction",
    "PredictionFailedError",
    "PredictionRequest",
    "PredictionSdkOptions",
    "PredictionSource",
    "PredictionStatus",
    "PredictionType",
    "PredictionsAPI",
    "PredictionsListOptions",
    "PricingOperator",
    "PricingUnit",
    "QueueItem",
    "RateLimitError",
    "RequestTimeoutError",
    "Response",
    "ResponseStream",
    "ResponseStreamEvent",
    "Responses",
    "RetryOptions",
    "RunOptions",
    "Safety",
    "SafetyTemplate",
    "SafetyTemplates",
    "SafetyVerdict",
    "ServerError",
    "Skytells",
    "SkytellsClient",
    "SkytellsError",
    "StreamEvent",
    "WaitOptions",
    "WaitTimeoutError",
    "WebhookVerificationError",
    "__version__",
    "create_client",
    "file_input",
]

#: every public name of the published skytells 1.0.0 package
PUBLISHED_1_0_0 = [
    "Skytells",
    "create_client",
    "SkytellsClient",
    "AsyncSkytellsClient",
    "PredictionsAPI",
    "ModelsAPI",
    "Prediction",
    "AsyncPrediction",
    "SkytellsError",
    "API_BASE_URL",
    "ApiErrorId",
    "ModelPrivacy",
    "ModelType",
    "PredictionSource",
    "PredictionStatus",
    "PredictionType",
    "PricingOperator",
    "PricingUnit",
    "ClientOptions",
    "ModelFieldsOptions",
    "OnProgressCallback",
    "PaginatedResponse",
    "Pagination",
    "PredictionRequest",
    "PredictionsListOptions",
    "QueueItem",
    "RetryOptions",
    "RunOptions",
    "WaitOptions",
    "__version__",
]
PUBLISHED_TYPES = [
    "ApiErrorId",
    "ClientOptions",
    "OnProgressCallback",
    "PaginatedResponse",
    "Pagination",
    "RetryOptions",
    "SkytellsError",
    "PredictionRequest",
    "PredictionSource",
    "PredictionStatus",
    "PredictionType",
    "PredictionsListOptions",
    "QueueItem",
    "RunOptions",
    "WaitOptions",
    "ModelFieldsOptions",
    "ModelPrivacy",
    "ModelType",
    "PricingOperator",
    "PricingUnit",
]


def test_all_is_sorted_and_pinned():
    assert skytells.__all__ == sorted(skytells.__all__)
    assert skytells.__all__ == EXPECTED_ALL
    for name in skytells.__all__:
        assert hasattr(skytells, name), name


def test_every_published_name_exists():
    for name in PUBLISHED_1_0_0:
        assert hasattr(skytells, name), name
    for name in PUBLISHED_TYPES:
        assert hasattr(skytells.types, name), name
    assert skytells.types.__all__ == sorted(skytells.types.__all__)


def test_constants_and_aliases():
    assert skytells.API_BASE_URL == "https://api.skytells.ai/v1"
    assert skytells.Client is SkytellsClient and skytells.AsyncClient is AsyncSkytellsClient
    assert isinstance(skytells.Skytells("sk-test-x"), SkytellsClient)
    assert skytells.types.SkytellsError is skytells.SkytellsError


def test_create_client_is_deprecated_but_works():
    with pytest.warns(DeprecationWarning):
        client = skytells.create_client("sk-test-x")
    assert isinstance(client, SkytellsClient)


def test_enums_compare_equal_to_their_values():
    assert skytells.PredictionStatus.SUCCEEDED == "succeeded"
    assert skytells.PredictionStatus("canceled") is skytells.PredictionStatus.CANCELLED
    assert str(skytells.PredictionStatus.FAILED) == "failed"
    assert skytells.PricingUnit("5 seconds") is skytells.PricingUnit.FIVE_SECONDS
    for name in ("ABORTED", "SDK_ERROR", "WEBHOOK_SIGNATURE_INVALID", "PREDICTION_NOT_FOUND"):
        assert skytells.ApiErrorId[name] == name


def test_the_constructor_signature_of_the_reference():
    params = inspect.signature(SkytellsClient).parameters
    assert list(params)[:6] == ["api_key", "options", "base_url", "timeout", "headers", "retry"]
    assert params["timeout"].default == 60_000 and params["base_url"].kind is inspect.Parameter.KEYWORD_ONLY


def test_async_methods_are_coroutines_except_queue():
    coroutines = {
        name for name, m in inspect.getmembers(AsyncSkytellsClient) if inspect.iscoroutinefunction(m)
    }
    assert {
        "run",
        "predict",
        "wait",
        "dispatch",
        "stream_prediction",
        "cancel_prediction",
        "delete_prediction",
        "list_models",
        "list_predictions",
        "get_prediction",
        "get_model",
        "aclose",
    } <= coroutines
    assert "queue" not in coroutines
    assert inspect.isasyncgenfunction(AsyncSkytellsClient.stream_events)


def test_deprecated_methods_warn(monkeypatch):
    client = SkytellsClient("sk-test-x", base_url="http://127.0.0.1:9/v1")
    monkeypatch.setattr(client.models, "list", lambda *a, **k: ["ok"])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert client.list_models() == ["ok"]
    assert caught and issubclass(caught[0].category, DeprecationWarning)
    assert caught[0].filename == __file__
