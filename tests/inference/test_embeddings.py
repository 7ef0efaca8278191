"""client.embeddings over HTTP, sync and async: floats always, whatever the wire encoding."""

from __future__ import annotations

import math

from skytells import CreateEmbeddingResponse, Embedding
from tests.inference.inference_support import EMBED


def embed(sdk, client=None, **kwargs):
    kwargs.setdefault("model", EMBED)
    return sdk.resolve((client or sdk.client).embeddings.create(**kwargs))


def test_one_vector_per_input_in_order(sdk):
    result = embed(sdk, input=["a cat", "a dog", "a cat"])

    assert isinstance(result, CreateEmbeddingResponse)
    assert isinstance(result.data[0], Embedding)
    assert [e.index for e in result.data] == [0, 1, 2]
    assert result.data[0].embedding == result.data[2].embedding != result.data[1].embedding
    assert len(result.data[0].embedding) == 256
    assert math.isclose(sum(x * x for x in result.data[0].embedding), 1.0, rel_tol=1e-5)
    assert result.model == EMBED
    assert result.usage.prompt_tokens == result.usage.total_tokens > 0


def test_the_same_floats_whatever_the_encoding(sdk):
    client, recorder = sdk.recording_client()

    default = embed(sdk, client, input="a cat")
    floats = embed(sdk, client, input="a cat", encoding_format="float")
    decoded = embed(sdk, client, input="a cat", encoding_format="base64")

    sent = [r.json()["encoding_format"] for r in recorder.matching("POST", "/embeddings")]
    assert sent == ["base64", "float", "base64"]
    assert all(isinstance(x, float) for x in default.data[0].embedding)
    assert default.data[0].embedding == floats.data[0].embedding == decoded.data[0].embedding


def test_dimensions_shorten_the_vectors(sdk):
    result = embed(sdk, input="a cat", dimensions=64, user="user-1")

    assert len(result.data[0].embedding) == 64
    assert math.isclose(sum(x * x for x in result.data[0].embedding), 1.0, rel_tol=1e-5)


def test_a_single_string_is_one_input(sdk):
    result = embed(sdk, model="deepbrain-embed", input="a cat")

    assert len(result.data) == 1
    assert len(result.data[0].embedding) == 1024
