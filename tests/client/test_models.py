"""client.models, and the deprecated methods of the published package that still work."""

from __future__ import annotations

import warnings

import pytest

import skytells
from skytells import ModelFieldsOptions, ModelType, PaginatedResponse


def test_list_returns_the_catalog(sdk):
    models = sdk.resolve(sdk.client.models.list())

    assert isinstance(models, list)
    assert len(models) >= 30
    slugs = {m["namespace"] for m in models}
    assert {"flux-pro", "truefusion-pro", "mera", "beatfusion-2.0"} <= slugs
    for model in models:
        assert model["name"] and model["vendor"]["name"]
        # the enum has the TS SDK's seven types; the emulator's Inference API adds embedding models
        assert model["type"] in {t.value for t in ModelType} | {"embedding"}
        assert "input_schema" not in model


@pytest.mark.parametrize("how", ["fields", "options-object", "options-dict"])
def test_list_with_fields_adds_the_schemas(sdk, how):
    fields = ["input_schema", "output_schema"]
    kwargs = {
        "fields": {"fields": fields},
        "options-object": {"options": ModelFieldsOptions(fields=fields)},
        "options-dict": {"options": {"fields": fields}},
    }[how]

    models = sdk.resolve(sdk.client.models.list(**kwargs))

    assert all(isinstance(m["input_schema"], dict) for m in models)
    assert all("output_schema" in m for m in models)


def test_get_returns_one_model(sdk):
    model = sdk.resolve(sdk.client.models.get("truefusion-pro"))

    assert model["namespace"] == "truefusion-pro"
    assert model["type"] == "image"
    assert model["pricing"]["amount"] > 0
    assert "input_schema" not in model


def test_get_with_input_schema(sdk):
    model = sdk.resolve(sdk.client.models.get("truefusion-pro", fields=["input_schema"]))

    schema = model["input_schema"]
    assert "prompt" in schema["required"]
    assert "prompt" in schema["properties"]
    assert "output_schema" not in model


def test_get_with_options(sdk):
    model = sdk.resolve(sdk.client.models.get("mera", options=ModelFieldsOptions(fields=["output_schema"])))

    assert model["type"] == "video"
    assert isinstance(model["output_schema"], dict)


def test_get_an_unknown_model_is_model_not_found(sdk):
    error = sdk.error(lambda: sdk.client.models.get("no-such-model"))

    assert error.error_id == "MODEL_NOT_FOUND"
    assert error.http_status == 404
    assert isinstance(error, skytells.SkytellsError)


# -- deprecated methods -------------------------------------------------------------------------


def _deprecated(sdk, call):
    with pytest.warns(DeprecationWarning):
        return sdk.resolve(call())


def test_deprecated_list_models(sdk):
    models = _deprecated(sdk, lambda: sdk.client.list_models())

    assert len(models) >= 30


def test_deprecated_get_model(sdk):
    model = _deprecated(sdk, lambda: sdk.client.get_model("flux-pro", fields=["input_schema"]))

    assert model["namespace"] == "flux-pro"
    assert "input_schema" in model


def test_deprecated_list_and_get_prediction(sdk):
    created = sdk.resolve(sdk.client.predictions.create({"model": "flux-pro", "input": {"prompt": "x"}}))

    page = _deprecated(sdk, lambda: sdk.client.list_predictions())
    fetched = _deprecated(sdk, lambda: sdk.client.get_prediction(created["id"]))

    assert isinstance(page, PaginatedResponse)
    assert [p["id"] for p in page.data] == [created["id"]]
    assert fetched["id"] == created["id"]


def test_current_methods_do_not_warn(sdk):
    with warnings.catch_warnings():
        warnings.simplefilter("error", DeprecationWarning)
        sdk.resolve(sdk.client.models.list())
        sdk.resolve(sdk.client.predictions.list())


def test_create_client_warns_and_returns_a_working_client(base_url, api_key, emulator):
    with pytest.warns(DeprecationWarning):
        client = skytells.create_client(api_key, {"base_url": base_url})
    with client:
        assert isinstance(client, skytells.SkytellsClient)
        assert client.models.get("flux-pro")["namespace"] == "flux-pro"
