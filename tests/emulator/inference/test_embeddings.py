"""POST /v1/embeddings over plain HTTP: deterministic unit vectors, base64, dimensions, usage."""

from __future__ import annotations

import base64
import math
from typing import Any

import httpx
import numpy as np
import pytest


def embed(http: httpx.Client, status: int = 200, **body: Any) -> dict[str, Any]:
    body.setdefault("model", "deepbrain-embed")
    response = http.post("/embeddings", json=body)
    assert response.status_code == status, response.text
    data: dict[str, Any] = response.json()
    return data


def vectors(body: dict[str, Any]) -> list[list[float]]:
    return [item["embedding"] for item in body["data"]]


def test_embedding_models_are_listed_with_their_dimensions(http: httpx.Client) -> None:
    models = {model["namespace"]: model for model in http.get("/models").json()}
    for slug, dimensions in (("deepbrain-embed", 1024), ("deepbrain-embed-small", 256)):
        assert models[slug]["type"] == "embedding"
        assert models[slug]["metadata"]["openai_compatible"] is True
        assert models[slug]["metadata"]["dimensions"] == dimensions


@pytest.mark.parametrize(("model", "size"), [("deepbrain-embed", 1024), ("deepbrain-embed-small", 256)])
def test_vectors_are_unit_length_and_deterministic(http: httpx.Client, model: str, size: int) -> None:
    body = embed(http, model=model, input=["a cat", "a dog", "a cat"])
    assert body["object"] == "list" and body["model"] == model
    assert [item["index"] for item in body["data"]] == [0, 1, 2]
    assert {item["object"] for item in body["data"]} == {"embedding"}
    cat, dog, cat_again = vectors(body)
    assert len(cat) == size and math.isclose(float(np.linalg.norm(cat)), 1.0, abs_tol=1e-5)
    assert cat == cat_again and cat != dog
    assert vectors(embed(http, model=model, input="a cat"))[0] == cat


def test_models_embed_the_same_text_differently(http: httpx.Client) -> None:
    big = vectors(embed(http, input="hello"))[0]
    small = vectors(embed(http, model="deepbrain-embed-small", input="hello"))[0]
    assert big[:256] != small


def test_base64_carries_the_same_little_endian_float32_values(http: httpx.Client) -> None:
    floats = vectors(embed(http, input="hello", encoding_format="float"))[0]
    encoded = embed(http, input="hello", encoding_format="base64")["data"][0]["embedding"]
    assert isinstance(encoded, str)
    assert np.frombuffer(base64.b64decode(encoded), dtype="<f4").tolist() == floats


def test_dimensions_shorten_the_vector_and_keep_it_unit_length(http: httpx.Client) -> None:
    full = np.array(vectors(embed(http, input="hello"))[0])
    short = np.array(vectors(embed(http, input="hello", dimensions=64))[0])
    assert len(short) == 64 and math.isclose(float(np.linalg.norm(short)), 1.0, abs_tol=1e-5)
    assert np.allclose(short, full[:64] / np.linalg.norm(full[:64]), atol=1e-6)
    error = embed(http, 400, model="deepbrain-embed-small", input="hello", dimensions=257)["error"]
    assert error["param"] == "dimensions" and "256" in error["message"]


def test_usage_counts_tokens_by_the_rule(http: httpx.Client) -> None:
    body = embed(http, input=["Hello world", "internationalization"])
    assert body["usage"] == {"prompt_tokens": 4 + 5, "total_tokens": 9}


def test_token_id_inputs_are_embedded_and_count_one_token_each(http: httpx.Client) -> None:
    one = embed(http, input=[15339, 1917])
    two = embed(http, input=[[15339, 1917], [42]])
    assert one["usage"]["prompt_tokens"] == 2 and two["usage"]["prompt_tokens"] == 3
    assert vectors(one)[0] == vectors(two)[0] != vectors(embed(http, input="15339 1917"))[0]


@pytest.mark.parametrize(
    ("body", "param"),
    [
        ({"input": None}, "input"),
        ({"input": ""}, "input"),
        ({"input": ["ok", ""]}, "input"),
        ({"input": []}, "input"),
        ({"input": [1.5]}, "input"),
        ({"input": {"text": "x"}}, "input"),
        ({"input": ["x"] * 2049}, "input"),
        ({"encoding_format": "int8"}, "encoding_format"),
        ({"dimensions": 0}, "dimensions"),
        ({"model": "deepbrain-router"}, "model"),
        ({"model": "flux-pro"}, "model"),
    ],
)
def test_bad_fields_are_400_naming_the_param(http: httpx.Client, body: dict[str, Any], param: str) -> None:
    request = {"model": "deepbrain-embed", "input": "hello", **body}
    response = http.post("/embeddings", json=request)
    assert response.status_code == 400, response.text
    assert response.json()["error"]["param"] == param


def test_an_embedding_model_is_not_a_prediction_model(http: httpx.Client) -> None:
    response = http.post("/predictions", json={"model": "deepbrain-embed", "input": {"input": "hello"}})
    assert response.status_code == 400
    assert response.json()["error"]["error_id"] == "MODEL_NOT_SUPPORTED"
