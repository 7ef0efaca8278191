"""The embeddings family: ``client.embeddings``, sync and async side by side.

>>> result = client.embeddings.create(model="deepbrain-embed", input=["a cat", "a dog"])
>>> len(result.data), len(result.data[0].embedding)
(2, 1024)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Literal, Union

from .._core import _embedding_flows as flows
from ..types.embeddings import CreateEmbeddingResponse
from ._base import AsyncClientParts, SyncClientParts

__all__ = ["AsyncEmbeddings", "EmbeddingInput", "Embeddings"]

#: a text, a list of texts, or token ids (a list of ints, or a list of such lists)
EmbeddingInput = Union[str, Sequence[str], Sequence[int], Sequence[Sequence[int]]]


class Embeddings:
    """``client.embeddings``: vectors of texts."""

    def __init__(self, client: SyncClientParts) -> None:
        self._client = client

    def create(
        self,
        *,
        model: str,
        input: EmbeddingInput,
        encoding_format: Literal["float", "base64"] | None = None,
        dimensions: int | None = None,
        user: str | None = None,
        signal: Any = None,
        extra_body: Mapping[str, Any] | None = None,
    ) -> CreateEmbeddingResponse:
        """One embedding per input, in order. ``.data[i].embedding`` is always a list of floats:
        vectors travel as base64 (unless ``encoding_format`` says otherwise) and are decoded.
        ``dimensions`` shortens them.

        >>> client.embeddings.create(model="deepbrain-embed", input="a cat", dimensions=256).data[0]
        Embedding({'object': 'embedding', 'index': 0, 'embedding': [0.0123, ...]})
        """
        params = {"encoding_format": encoding_format, "dimensions": dimensions, "user": user}
        body = flows.embedding_body(model, input, params, extra_body)
        client = self._client
        return CreateEmbeddingResponse(client._driver.drive(flows.create(client._ctx, body, signal)))


class AsyncEmbeddings:
    """``client.embeddings`` of :class:`AsyncSkytellsClient` (coroutines)."""

    def __init__(self, client: AsyncClientParts) -> None:
        self._client = client

    async def create(
        self,
        *,
        model: str,
        input: EmbeddingInput,
        encoding_format: Literal["float", "base64"] | None = None,
        dimensions: int | None = None,
        user: str | None = None,
        signal: Any = None,
        extra_body: Mapping[str, Any] | None = None,
    ) -> CreateEmbeddingResponse:
        """One embedding per input, in order (see :meth:`Embeddings.create`)."""
        params = {"encoding_format": encoding_format, "dimensions": dimensions, "user": user}
        body = flows.embedding_body(model, input, params, extra_body)
        client = self._client
        return CreateEmbeddingResponse(await client._driver.drive(flows.create(client._ctx, body, signal)))
