"""Which catalog models the inference routes serve, and what each can do.

A **chat model** (``/v1/chat/completions``, ``/v1/responses``) is a catalog model whose
``metadata.openai_compatible`` is true and whose type is not ``embedding``; it accepts images when its
``capabilities`` include ``vision``. An **embedding model** (``/v1/embeddings``) has type
``embedding`` and a ``metadata.dimensions``. An unknown slug is 404 ``MODEL_NOT_FOUND``; a known
model of the other kind is 400 ``MODEL_NOT_SUPPORTED``; both name ``param: "model"``.

>>> chat_model(Catalog.load(), "gpt-5").vision
True
"""

from __future__ import annotations

from dataclasses import dataclass

from skytells.emulator.catalog import Catalog, CatalogModel
from skytells.emulator.errors import ApiError

#: Price per token when a model's pricing is not per token.
DEFAULT_PRICE_PER_TOKEN = 1e-6
_DEFAULT_MAX_OUTPUT = 32_768


@dataclass(frozen=True)
class ChatModel:
    """A model that chats: slug, type (``text``/``code``/…), whether it sees images, its limits."""

    slug: str
    type: str
    vision: bool
    max_output_tokens: int
    price_per_token: float


@dataclass(frozen=True)
class EmbeddingModel:
    """A model that embeds: slug, vector length, price."""

    slug: str
    dimensions: int
    price_per_token: float


def price_per_token(model: CatalogModel) -> float:
    """The model's price of one token (``token`` or ``million_token`` pricing, else the default)."""
    pricing = model.pricing
    amount = float(pricing.get("amount") or 0.0)
    unit = str(pricing.get("unit", ""))
    if unit in ("token", "tokens"):
        return amount
    if unit == "million_token":
        return amount / 1_000_000
    return DEFAULT_PRICE_PER_TOKEN


def _find(catalog: Catalog, slug: str) -> CatalogModel:
    model = catalog.get(slug)
    if model is None:
        raise ApiError("MODEL_NOT_FOUND", f"Model '{slug[:200]}' was not found.", status=404, param="model")
    return model


def is_chat_model(model: CatalogModel) -> bool:
    return bool(model.metadata.get("openai_compatible")) and model.type != "embedding"


def chat_model(catalog: Catalog, slug: str) -> ChatModel:
    """The chat model named `slug` (404 unknown, 400 when it cannot chat)."""
    model = _find(catalog, slug)
    if not is_chat_model(model):
        hint = "use POST /v1/embeddings" if model.type == "embedding" else "use POST /v1/predictions"
        raise ApiError(
            "MODEL_NOT_SUPPORTED",
            f"Model '{model.slug}' ({model.type}) does not support chat: {hint}.",
            status=400,
            param="model",
        )
    limit = model.input_schema.get("properties", {}).get("max_tokens", {}).get("maximum")
    return ChatModel(
        model.slug,
        model.type,
        "vision" in model.capabilities,
        int(limit) if isinstance(limit, int) else _DEFAULT_MAX_OUTPUT,
        price_per_token(model),
    )


def embedding_model(catalog: Catalog, slug: str) -> EmbeddingModel:
    """The embedding model named `slug` (404 unknown, 400 when it does not embed)."""
    model = _find(catalog, slug)
    dimensions = model.metadata.get("dimensions")
    if model.type != "embedding" or not isinstance(dimensions, int) or dimensions < 1:
        raise ApiError(
            "MODEL_NOT_SUPPORTED",
            f"Model '{model.slug}' ({model.type}) does not make embeddings: "
            "use an embedding model such as 'deepbrain-embed'.",
            status=400,
            param="model",
        )
    return EmbeddingModel(model.slug, dimensions, price_per_token(model))
