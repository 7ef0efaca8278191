"""Inputs that differ only in free text (a prompt of an allowed length) are checked once per model:
the remembered outcome must be exactly what checking each input would give, error or filled-in input."""

from __future__ import annotations

import json
import random
from importlib import resources
from typing import Any

import pytest

from skytells.emulator.catalog import Catalog, CatalogModel, InputError
from skytells.emulator.input_memo import InputMemo
from tests.emulator.test_catalog import random_json

DATA = json.loads(
    resources.files("skytells.emulator").joinpath("data/models.json").read_text(encoding="utf-8")
)


def fresh(remembering: bool) -> Catalog:
    """A catalog of its own; without remembering, every input is checked by jsonschema."""
    catalog = Catalog(DATA)
    if not remembering:
        for model in catalog.all():
            model._memo = InputMemo({"anyOf": []})  # a schema the memo never remembers for
    return catalog


def outcome(catalog: Catalog, model: CatalogModel, inputs: dict[str, Any]) -> Any:
    try:
        return catalog.validate(model, inputs)
    except InputError as error:
        return ("error", error.field, str(error))


def inputs_like(rng: random.Random, model: CatalogModel) -> list[dict[str, Any]]:
    """Inputs that share everything but free text, and others that do not."""
    properties = model.input_schema["properties"]
    base = {
        name: "https://example.com/in" if properties[name].get("format") == "uri" else "a prompt"
        for name in model.input_schema["required"]
    }
    texts = ["", "x", "a longer prompt", "日本語の説明", "x" * 10_001, 5, None]
    out = []
    for _ in range(40):
        inputs = dict(base)
        for name in rng.sample([*properties, "extra"], rng.randrange(3)):
            inputs[name] = random_json(rng)
        for text_name in ("prompt", "lyrics", "text"):
            if text_name in properties and rng.random() < 0.8:
                inputs[text_name] = rng.choice(texts)
            elif text_name in inputs and rng.random() < 0.2:
                del inputs[text_name]
        out.append(inputs)
    return out


@pytest.mark.parametrize("slug", [m.slug for m in Catalog(DATA).all()])
def test_a_remembered_outcome_is_the_outcome_of_checking_the_input(slug: str) -> None:
    remembering, checking = fresh(True), fresh(False)
    model, reference = remembering.get(slug), checking.get(slug)
    assert model is not None and reference is not None
    rng = random.Random(slug)
    cases = inputs_like(rng, model)
    for inputs in [*cases, *cases[::-1], *cases]:  # each seen again, after others like it
        assert outcome(remembering, model, inputs) == outcome(checking, reference, inputs), inputs


def test_the_same_input_with_another_prompt_is_not_checked_again() -> None:
    catalog = fresh(True)
    model = catalog.get("flux-pro")
    assert model is not None and model._memo.free_text == {"prompt": (1, 10_000)}
    first = catalog.validate(model, {"prompt": "a cat", "aspect_ratio": "16:9"})
    model._validator = None  # would fail if jsonschema were asked again

    second = catalog.validate(model, {"prompt": "a dog", "aspect_ratio": "16:9"})

    assert second == {**first, "prompt": "a dog"} and second is not first
    with pytest.raises(InputError, match="'aspect_ratio' must be one of") as remembered:
        for prompt in ("one", "two"):
            model._validator = None if prompt == "two" else model._validator
            catalog.validate(model, {"prompt": prompt, "aspect_ratio": "2:1"})
    assert remembered.value.field == "aspect_ratio"


def test_a_missing_or_out_of_bounds_prompt_is_not_taken_for_a_given_one() -> None:
    catalog = fresh(True)
    model = catalog.get("flux-pro")
    assert model is not None
    catalog.validate(model, {"prompt": "fine"})
    for inputs, words in (({}, "is required"), ({"prompt": ""}, "at least 1"), ({"prompt": 7}, "string")):
        with pytest.raises(InputError, match=words):
            catalog.validate(model, inputs)


def test_remembered_inputs_are_copies() -> None:
    catalog = fresh(True)
    model = catalog.get("gemini-2.5-pro")
    assert model is not None
    images = ["https://example.com/1.png"]
    first = catalog.validate(model, {"prompt": "a", "images": images})
    first["images"].append("changed")
    second = catalog.validate(model, {"prompt": "b", "images": images})
    assert second["images"] == images == ["https://example.com/1.png"]


def test_what_is_never_remembered() -> None:
    assert InputMemo({"anyOf": [], "properties": {}}).free_text is None  # a top level that may look at text
    properties = {"prompt": {"type": "string"}, "uri": {"type": "string", "format": "uri"}}
    memo = InputMemo({"type": "object", "properties": properties})
    assert memo.key({"prompt": "x", "uri": "data:," + "a" * 600}) is None  # a long value besides text
    assert memo.key({"prompt": "x", "n": float("nan")}) is None
    assert memo.key({"prompt": "x" * 5000}) == ("{}", ("prompt",))  # free text of any length
