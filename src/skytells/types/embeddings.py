"""Embeddings: the object ``client.embeddings.create`` returns.

>>> result = client.embeddings.create(model="deepbrain-embed", input=["a cat", "a dog"])
>>> len(result.data), len(result.data[0].embedding)
(2, 1024)
"""

from __future__ import annotations

from ._record import Record

__all__ = ["CreateEmbeddingResponse", "Embedding", "EmbeddingUsage"]


class Embedding(Record):
    """The vector of input number ``index``: always a list of floats (base64 answers are decoded)."""

    object: str
    index: int
    embedding: list[float]


class EmbeddingUsage(Record):
    """Tokens the inputs counted."""

    prompt_tokens: int
    total_tokens: int


class CreateEmbeddingResponse(Record):
    """A ``list`` object: one :class:`Embedding` per input, in input order."""

    object: str
    data: list[Embedding]
    model: str
    usage: EmbeddingUsage | None
