"""The Skytells Python SDK: run image, video, audio and text models on the Skytells AI platform.

>>> from skytells import SkytellsClient
>>> client = SkytellsClient()                  # SKYTELLS_API_KEY from the environment
>>> prediction = client.run("truefusion-pro", input={"prompt": "A serene mountain lake"})
>>> prediction.outputs()
'https://.../output.webp'

Language models speak the OpenAI-compatible Inference API: ``client.chat.completions``,
``client.responses``, ``client.embeddings``, and ``client.safety`` checks built on them.

>>> client.chat.completions.create(model="deepbrain-router", messages=[{"role": "user", "content": "Hi"}])

Async: ``AsyncSkytellsClient`` has the same methods as coroutines. Errors are :class:`SkytellsError`.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ._client import ModelsAPI, PredictionsAPI, SkytellsClient
from ._core._config import API_BASE_URL
from ._core._sse import StreamEvent
from ._exceptions import (
    AbortedError,
    AuthenticationError,
    DispatchError,
    InvalidInputError,
    NetworkError,
    NotFoundError,
    PaymentRequiredError,
    PermissionDeniedError,
    PredictionFailedError,
    RateLimitError,
    RequestTimeoutError,
    ServerError,
    SkytellsError,
    WaitTimeoutError,
    WebhookVerificationError,
)
from ._prediction import AsyncPrediction, Prediction
from ._version import __version__
from .types import (
    ClientOptions,
    ModelFieldsOptions,
    OnProgressCallback,
    PaginatedResponse,
    Pagination,
    PredictionRequest,
    PredictionSdkOptions,
    PredictionsListOptions,
    QueueItem,
    RetryOptions,
    RunOptions,
    WaitOptions,
)
from .types._options import DEFAULT_TIMEOUT_MS

if TYPE_CHECKING:
    from ._async_client import AsyncModelsAPI, AsyncPredictionsAPI, AsyncSkytellsClient
    from ._resources._files import file_input
    from ._resources.chat import (
        AsyncChat,
        AsyncChatCompletions,
        AsyncChatCompletionStream,
        Chat,
        ChatCompletions,
        ChatCompletionStream,
    )
    from ._resources.embeddings import AsyncEmbeddings, Embeddings
    from ._resources.responses import AsyncResponses, AsyncResponseStream, Responses, ResponseStream
    from ._resources.safety import AsyncSafety, Safety
    from .types._enums import (
        ApiErrorId,
        ModelPrivacy,
        ModelType,
        PredictionSource,
        PredictionStatus,
        PredictionType,
        PricingOperator,
        PricingUnit,
    )
    from .types.chat import ChatCompletion, ChatCompletionChunk
    from .types.embeddings import CreateEmbeddingResponse, Embedding
    from .types.responses import Response, ResponseStreamEvent
    from .types.safety import SafetyTemplate, SafetyTemplates, SafetyVerdict

    #: The same class as :class:`AsyncSkytellsClient`.
    AsyncClient = AsyncSkytellsClient

#: ``skytells.Client(api_key=...)``: the same class as :class:`SkytellsClient`.
Client = SkytellsClient

#: Names loaded on first use (PEP 562): ``import skytells`` loads neither asyncio nor the async
#: transport, nor the Inference API (it loads with the first client), nor builds enums it does not
#: use. Name -> (module, attribute).
_LAZY = {
    "AsyncClient": ("._async_client", "AsyncSkytellsClient"),
    "AsyncModelsAPI": ("._async_client", "AsyncModelsAPI"),
    "AsyncPredictionsAPI": ("._async_client", "AsyncPredictionsAPI"),
    "AsyncSkytellsClient": ("._async_client", "AsyncSkytellsClient"),
}
for _module, _names in {
    ".types._enums": (
        "ApiErrorId",
        "ModelPrivacy",
        "ModelType",
        "PredictionSource",
        "PredictionStatus",
        "PredictionType",
        "PricingOperator",
        "PricingUnit",
    ),
    "._resources.chat": (
        "AsyncChat",
        "AsyncChatCompletionStream",
        "AsyncChatCompletions",
        "Chat",
        "ChatCompletionStream",
        "ChatCompletions",
    ),
    "._resources.embeddings": ("AsyncEmbeddings", "Embeddings"),
    "._resources.responses": ("AsyncResponseStream", "AsyncResponses", "ResponseStream", "Responses"),
    "._resources.safety": ("AsyncSafety", "Safety"),
    "._resources._files": ("file_input",),
    ".types.chat": ("ChatCompletion", "ChatCompletionChunk"),
    ".types.embeddings": ("CreateEmbeddingResponse", "Embedding"),
    ".types.responses": ("Response", "ResponseStreamEvent"),
    ".types.safety": ("SafetyTemplate", "SafetyTemplates", "SafetyVerdict"),
}.items():
    _LAZY.update({name: (_module, name) for name in _names})
del _module, _names  # fmt: skip


def __getattr__(name: str) -> Any:
    """A lazy name, imported when first asked for (then kept as a module attribute)."""
    if name not in _LAZY:
        raise AttributeError(f"module 'skytells' has no attribute {name!r}")
    import importlib

    module, attribute = _LAZY[name]
    value = getattr(importlib.import_module(module, __name__), attribute)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})


__all__ = [
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


def Skytells(
    api_key: str | None = None,
    options: ClientOptions | Mapping[str, Any] | None = None,
    *,
    base_url: str | None = None,
    timeout: float = DEFAULT_TIMEOUT_MS,
    headers: Mapping[str, str] | None = None,
    retry: RetryOptions | Mapping[str, Any] | None = None,
) -> SkytellsClient:
    """Create a :class:`SkytellsClient` (the factory of the published 1.0.0 package).

    >>> client = Skytells("sk-...", timeout=30_000, retry={"retries": 2})
    """
    return SkytellsClient(api_key, options, base_url=base_url, timeout=timeout, headers=headers, retry=retry)


def create_client(
    api_key: str | None = None,
    options: ClientOptions | Mapping[str, Any] | None = None,
    *,
    base_url: str | None = None,
    timeout: float = DEFAULT_TIMEOUT_MS,
    headers: Mapping[str, str] | None = None,
    retry: RetryOptions | Mapping[str, Any] | None = None,
) -> SkytellsClient:
    """Deprecated: use ``SkytellsClient(api_key)``."""
    warnings.warn(
        "create_client() is deprecated; use SkytellsClient(api_key) instead.",
        DeprecationWarning,
        stacklevel=2,
    )
    return Skytells(api_key, options, base_url=base_url, timeout=timeout, headers=headers, retry=retry)
