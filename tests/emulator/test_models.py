"""GET /v1/models, /v1/model/{slug} and /v1/models/{slug}."""

from __future__ import annotations

import httpx
import pytest

MODEL_FIELDS = {
    "name",
    "namespace",
    "type",
    "privacy",
    "vendor",
    "capabilities",
    "status",
    "pricing",
    "metadata",
}


def test_list_models_without_schemas_by_default(http: httpx.Client) -> None:
    models = http.get("/models").json()
    assert isinstance(models, list) and len(models) >= 30
    assert {m["type"] for m in models} == {
        "image",
        "video",
        "audio",
        "music",
        "text",
        "code",
        "multimodal",
        "embedding",
    }
    for model in models:
        assert set(model) >= MODEL_FIELDS
        assert "input_schema" not in model and "output_schema" not in model
        assert "x-emulator" not in model


@pytest.mark.parametrize(
    "params",
    [{"fields": "input_schema,output_schema"}, [("fields", "input_schema"), ("fields", "output_schema")]],
)
def test_fields_add_the_schemas(http: httpx.Client, params: object) -> None:
    models = http.get("/models", params=params).json()  # type: ignore[arg-type]
    assert all("input_schema" in m and "output_schema" in m for m in models)


@pytest.mark.parametrize(
    "path", ["/model/truefusion-pro", "/models/truefusion-pro", "/models/skytells/truefusion-pro"]
)
def test_get_one_model(http: httpx.Client, path: str) -> None:
    model = http.get(path, params={"fields": "input_schema"}).json()
    assert model["namespace"] == "truefusion-pro" and model["type"] == "image"
    assert model["input_schema"]["required"] == ["prompt"]
    assert "output_schema" not in model


def test_slugs_match_case_insensitively(http: httpx.Client) -> None:
    assert http.get("/models/flux.2-PRO").json()["namespace"] == "FLUX.2-pro"
