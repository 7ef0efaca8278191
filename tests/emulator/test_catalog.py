"""The model catalog: complete Model objects, schema validation with defaults, look-ups, pricing."""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from skytells.emulator.catalog import MODEL_TYPES, Catalog, CatalogModel, InputError, image_size

CATALOG = Catalog.load()
SEED_SLUGS = [
    "truefusion", "truefusion-pro", "truefusion-edge", "truefusion-x", "flux-pro", "FLUX-2.0", "FLUX.2-pro",
    "mera", "beatfusion-2.0", "truefusion-video-pro", "kling-video", "beatfusion-1.0", "truefusion-video",
    "lumo", "lipfusion", "veo-3.1", "veo-3.1-fast", "sora-2", "sora-2-pro", "flux-fast", "deepbrain-router",
    "gpt-5", "gpt-5.3-codex",
]  # fmt: skip
MODEL_KEYS = {
    "name", "description", "namespace", "type", "privacy", "img_url", "vendor", "billable", "pricing",
    "capabilities", "metadata", "status",
}  # fmt: skip


def model(slug: str) -> CatalogModel:
    found = CATALOG.get(slug)
    assert found is not None, slug
    return found


def test_catalog_has_thirty_models_of_every_type_and_every_seed_slug() -> None:
    assert len(CATALOG) >= 30
    assert {m.type for m in CATALOG} == set(MODEL_TYPES)
    assert [slug for slug in SEED_SLUGS if CATALOG.get(slug) is None] == []
    slugs = [m.slug for m in CATALOG.all()]
    assert len(set(slugs)) == len(slugs)
    assert slugs == [m.slug for m in Catalog.load().all()]  # stable order


@pytest.mark.parametrize("entry", CATALOG.all(), ids=lambda m: m.slug)
def test_every_model_is_a_complete_public_object(entry: CatalogModel) -> None:
    public = entry.public()
    assert set(public) >= MODEL_KEYS, MODEL_KEYS - set(public)
    assert "x-emulator" not in json.dumps(public) and "input_schema" not in public
    assert public["namespace"] == entry.slug and public["status"] == "operational"
    assert public["privacy"] in ("public", "private") and public["type"] in MODEL_TYPES
    assert set(public["vendor"]) >= {"name", "description", "image_url", "verified", "slug", "metadata"}
    assert set(public["pricing"]) == {"amount", "currency", "unit"} and public["pricing"]["amount"] > 0
    assert set(public["metadata"]) >= {"edge_compatible", "openai_compatible", "cold_boot"}
    assert public["capabilities"] and all(isinstance(c, str) for c in public["capabilities"])
    with_schemas = entry.public(fields=("input_schema", "output_schema"))
    Draft202012Validator.check_schema(with_schemas["input_schema"])
    Draft202012Validator.check_schema(with_schemas["output_schema"])
    schema = with_schemas["input_schema"]
    assert (
        schema["type"] == "object"
        and schema["title"]
        and set(schema["required"]) <= set(schema["properties"])
    )
    orders = [p["x-order"] for p in schema["properties"].values()]
    assert orders == list(range(len(orders)))
    for prop in schema["properties"].values():
        assert {"type", "title", "description"} <= set(prop)
        if "default" in prop:  # every default passes its own schema
            Draft202012Validator(prop).validate(prop["default"])


def test_public_objects_are_copies() -> None:
    first = model("truefusion").public(fields=("input_schema",))
    first["input_schema"]["required"].append("nonsense")
    first["vendor"]["name"] = "changed"
    again = model("truefusion").public(fields=("input_schema",))
    assert again["input_schema"]["required"] == ["prompt"] and again["vendor"]["name"] == "Skytells"


@pytest.mark.parametrize(
    ("kind", "low", "high"),
    [("image", 0.5, 12), ("video", 50, 130), ("music", 25, 65), ("text", 0.5, 4), ("code", 0.5, 4)],
)
def test_latency_profiles_are_realistic(kind: str, low: float, high: float) -> None:
    for entry in CATALOG:
        if entry.type == kind:
            assert low <= entry.latency.total_s <= high, (entry.slug, entry.latency)
    assert model("truefusion-edge").latency.total_s < 1.5 < model("truefusion-pro").latency.total_s
    assert model("mera").latency.scaled(100).total_s == pytest.approx(model("mera").latency.total_s / 100)


SEED_INPUTS: list[tuple[str, dict[str, Any]]] = [
    ("truefusion-pro", {"prompt": "A serene mountain lake"}),
    ("truefusion-pro", {"prompt": "A city", "aspect_ratio": "16:9", "num_outputs": 1,
                        "num_inference_steps": 28, "guidance": 3, "output_format": "webp"}),
    ("truefusion-pro", {"prompt": "A fox", "width": 1024, "height": 1024, "num_inference_steps": 30}),
    ("truefusion-edge", {"prompt": "A cat"}),
    ("mera", {"prompt": "City timelapse at night", "seconds": "8", "size": "1280x720"}),
    ("mera", {"prompt": "Ocean", "seconds": "12", "size": "1280x720"}),
    ("beatfusion-2.0", {"lyrics": "[Verse]\nBuilding the future...", "prompt": "Hip-hop, energetic"}),
    ("flux-pro", {"prompt": "A cat wearing sunglasses"}),
    ("flux-pro", {"prompt": "A landscape", "aspect_ratio": "16:9", "num_outputs": 1}),
    ("truefusion-video-pro", {"prompt": "Waves", "aspect_ratio": "16:9", "duration": "10"}),
    ("truefusion", {"prompt": "x", "aspect_ratio": "21:9", "number_of_images": 2, "prompt_optimizer": True}),
]  # fmt: skip


@pytest.mark.parametrize(("slug", "inputs"), SEED_INPUTS)
def test_seed_inputs_validate_and_keep_their_values(slug: str, inputs: dict[str, Any]) -> None:
    validated = CATALOG.validate(model(slug), inputs)
    assert {k: validated[k] for k in inputs} == inputs


def test_defaults_are_applied_without_touching_the_callers_dict() -> None:
    inputs = {"prompt": "A lake"}
    validated = CATALOG.validate(model("truefusion-pro"), inputs)
    assert inputs == {"prompt": "A lake"}
    assert validated["aspect_ratio"] == "1:1" and validated["num_outputs"] == 1
    assert validated["output_format"] == "webp"
    music = CATALOG.validate(model("beatfusion-2.0"), {"lyrics": "la"})
    assert (music["sample_rate"], music["bitrate"], music["audio_format"]) == (44100, 256000, "mp3")


def test_unknown_keys_are_kept_and_null_optional_keys_count_as_missing() -> None:
    validated = CATALOG.validate(
        model("flux-pro"), {"prompt": "x", "my_extra": [1], "seed": None, "num_outputs": None}
    )
    assert validated["my_extra"] == [1] and "seed" not in validated and validated["num_outputs"] == 1


@pytest.mark.parametrize(
    ("slug", "inputs", "field", "words"),
    [
        ("truefusion-pro", {}, "prompt", "is required"),
        ("truefusion-pro", {"prompt": None}, "prompt", "must be a string"),
        (
            "truefusion-pro",
            {"prompt": "x", "num_outputs": "2"},
            "num_outputs",
            "must be an integer (got string)",
        ),
        (
            "truefusion-pro",
            {"prompt": "x", "num_outputs": True},
            "num_outputs",
            "must be an integer (got boolean)",
        ),
        ("truefusion-pro", {"prompt": "x", "num_outputs": 9}, "num_outputs", "at most 4"),
        ("truefusion-pro", {"prompt": "x", "width": 10}, "width", "at least 256"),
        ("truefusion-pro", {"prompt": "x", "output_format": "gif"}, "output_format", '"webp", "png"'),
        ("truefusion-pro", {"prompt": "x", "guidance": "high"}, "guidance", "must be a number"),
        ("mera", {"prompt": "x", "seconds": 8}, "seconds", "must be a string (got integer)"),
        ("mera", {"prompt": "x", "size": "640x480"}, "size", '"1280x720"'),
        ("beatfusion-2.0", {"prompt": "style only"}, "lyrics", "is required"),
        ("beatfusion-2.0", {"lyrics": ""}, "lyrics", "at least 1 character"),
        ("beatfusion-2.0", {"lyrics": "x" * 3501}, "lyrics", "at most 3500 characters"),
        ("beatfusion-2.0", {"lyrics": "x", "sample_rate": 48000}, "sample_rate", "must be one of"),
        ("gemini-2.5-pro", {"prompt": "x", "images": ["a"] * 17}, "images", "at most 16 items"),
        ("truefusion-pro", {"prompt": "x", "image": "ftp://example.com/a.png"}, "image", "http(s) URL"),
        ("mera", {"prompt": "x", "input_reference": "cat.png"}, "input_reference", "or a data: URI"),
        ("gemini-2.5-pro", {"prompt": "x", "images": ["https://a.test/1.png", "x"]}, "images.1", "URL"),
    ],
)
def test_bad_input_raises_an_input_error_naming_the_field(
    slug: str, inputs: dict[str, Any], field: str, words: str
) -> None:
    with pytest.raises(InputError) as caught:
        CATALOG.validate(model(slug), inputs)
    assert caught.value.field == field
    assert f"'{field}'" in str(caught.value) and words in str(caught.value)


@pytest.mark.parametrize("slug", ["truefusion-pro", "flux-pro", "FLUX.2-pro", "gpt-image-1"])
@pytest.mark.parametrize(("name", "value"), [("width", 1001), ("height", 1020), ("width", 260)])
def test_image_sizes_must_be_multiples_of_8_with_seed_003s_message(slug: str, name: str, value: int) -> None:
    """Seed 003: ``{"detail": "width must be a multiple of 8"}``; the schemas say ``multipleOf: 8``."""
    entry = model(slug)
    assert entry.input_schema["properties"][name]["multipleOf"] == 8
    with pytest.raises(InputError) as caught:
        CATALOG.validate(entry, {"prompt": "x", name: value})
    assert (caught.value.field, caught.value.message) == (name, f"{name} must be a multiple of 8")
    assert CATALOG.validate(entry, {"prompt": "x", name: value // 8 * 8 + 8})[name] % 8 == 0


def test_every_image_model_with_a_pixel_size_asks_for_multiples_of_8() -> None:
    sized = [m for m in CATALOG if m.type == "image" and "width" in m.input_schema.get("properties", {})]
    assert len(sized) >= 8
    for entry in sized:
        for name in ("width", "height"):
            assert entry.input_schema["properties"][name]["multipleOf"] == 8, (entry.slug, name)


@pytest.mark.parametrize(
    "uri",
    [
        "https://example.com/cat.png",
        "http://127.0.0.1:8790/v1/files/x/output-0.webp",
        "HTTPS://EXAMPLE.COM/a?b=c#d",
        "data:image/png;base64,iVBORw0KGgo=",
        "data:,hello%20world",
        "data:text/plain;charset=utf-8,hi",
        "data:application/octet-stream;base64,",
    ],
)
def test_uri_inputs_accept_http_urls_and_data_uris(uri: str) -> None:
    assert CATALOG.validate(model("truefusion-pro"), {"prompt": "x", "image": uri})["image"] == uri


@pytest.mark.parametrize(
    "uri",
    [
        "cat.png",
        "/tmp/cat.png",
        "file:///etc/passwd",
        "ftp://example.com/cat.png",
        "https://",
        "http:///path-only",
        "https://exa mple.com/cat.png",
        "https://example.com:99999/cat.png",
        "javascript:alert(1)",
        "data:image/png;base64,not base64!",
        "data:image/png;base64,iVBORw0KGgo",  # padding missing
        "data:image/png;base64",  # no comma, no payload
        "data:text/plain,two words",
        "",
    ],
)
def test_a_broken_uri_input_is_an_input_error_naming_the_field(uri: str) -> None:
    with pytest.raises(InputError) as caught:
        CATALOG.validate(model("truefusion-pro"), {"prompt": "x", "image": uri})
    assert caught.value.field == "image"
    assert "'image' must be an http(s) URL or a data: URI" in caught.value.message


def test_a_long_broken_uri_is_clipped_in_the_message() -> None:
    with pytest.raises(InputError) as caught:
        CATALOG.validate(
            model("truefusion-pro"), {"prompt": "x", "image": "data:image/png;base64," + "!" * 10**6}
        )
    assert len(caught.value.message) < 200


@pytest.mark.parametrize("inputs", [[1, 2], "prompt", 3])
def test_input_that_is_not_an_object_is_rejected(inputs: Any) -> None:
    with pytest.raises(InputError, match="'input' must be a JSON object") as caught:
        CATALOG.validate(model("flux-pro"), inputs)
    assert caught.value.field == "input"


def test_get_matches_exactly_then_case_insensitively_then_with_its_vendor_as_owner() -> None:
    assert model("FLUX.2-pro").slug == "FLUX.2-pro"
    assert model("flux.2-PRO").slug == "FLUX.2-pro"
    assert model("skytells/truefusion-pro").slug == "truefusion-pro"
    assert model("Black-Forest-Labs/FLUX-PRO").slug == "flux-pro"
    for wrong_owner in ("openai/truefusion-pro", "/truefusion-pro", "a/skytells/truefusion-pro"):
        assert CATALOG.get(wrong_owner) is None, wrong_owner
    assert CATALOG.get("no-such-model-xyz") is None and "no-such-model-xyz" not in CATALOG
    assert "mera" in CATALOG


@pytest.mark.parametrize(
    ("slug", "inputs", "n", "credits"),
    [
        ("truefusion", {"prompt": "x"}, 1, 0.03),
        ("truefusion-pro", {"prompt": "x", "num_outputs": 3}, 3, 0.15),
        ("beatfusion-2.0", {"lyrics": "x"}, 1, 0.75),
        ("mera", {"prompt": "x", "seconds": "8"}, 1, 3.42),  # seed 002: "$3.42/prediction"
        ("mera", {"prompt": "x", "seconds": "12"}, 1, 3.42),
        ("sora-2", {"prompt": "x", "seconds": "8"}, 1, 0.8),
        ("truefusion-video-pro", {"prompt": "x", "duration": "10"}, 1, 3.0),
        ("kling-video", {"prompt": "x", "duration": "10"}, 1, 0.7),
        ("truefusion-video-pro", {"prompt": "x", "seconds": "inf", "duration": "10"}, 1, 3.0),
        ("kling-video", {"prompt": "x", "seconds": "nan", "duration": "10"}, 1, 0.7),
        ("FLUX.2-pro", {"prompt": "x", "width": 1000, "height": 1000}, 2, 0.03 * 2 * 1000 * 1000 / 1e6),
        ("gpt-5", {"prompt": "x" * 400, "max_tokens": 10}, 1, 0.00000125 * 110),
    ],
)
def test_credits_follow_the_pricing_unit(slug: str, inputs: dict[str, Any], n: int, credits: float) -> None:
    entry = model(slug)
    assert entry.credits(CATALOG.validate(entry, inputs), n) == pytest.approx(credits, abs=1e-6)


@pytest.mark.parametrize(
    ("inputs", "size"),
    [
        ({}, (1024, 1024)),
        ({"aspect_ratio": "16:9"}, (1024, 576)),
        ({"aspect_ratio": "9:16"}, (576, 1024)),
        ({"width": 1024, "height": 1024, "aspect_ratio": "16:9"}, (1024, 1024)),
        ({"width": 512}, (512, 512)),
        ({"width": 800, "aspect_ratio": "4:3"}, (800, 600)),
        ({"width": 1000, "height": 808}, (1000, 808)),  # sizes in pixels are kept (multiples of 8)
        ({"aspect_ratio": "inf:inf"}, (1024, 1024)),
    ],
)
def test_image_size_from_width_height_or_aspect_ratio(inputs: dict[str, Any], size: tuple[int, int]) -> None:
    assert image_size(model("truefusion-pro"), inputs) == size


def test_output_shapes_and_formats() -> None:
    assert model("flux-pro").output_is_list and not model("mera").output_is_list
    assert model("gpt-5").produces_text and not model("mera").produces_text
    assert model("mera").is_video and model("flux-fast").default_output_format == "jpg"
    assert model("truefusion").default_output_format == "webp"


def random_json(rng: random.Random, depth: int = 0) -> Any:
    kind = rng.randrange(8 if depth < 2 else 6)
    return [
        lambda: None,
        lambda: rng.choice([True, False]),
        lambda: rng.randint(-(2**40), 2**40),
        lambda: rng.uniform(-1e6, 1e6),
        lambda: rng.choice(["", "x", "16:9", "webp", "8", "1280x720", "mp3", "\x00", "日本"]),
        lambda: rng.choice([0, 1, 4, 1024, 44100, -1, 1e309]),
        lambda: [random_json(rng, depth + 1) for _ in range(rng.randrange(3))],
        lambda: {
            rng.choice(["a", "url", "prompt"]): random_json(rng, depth + 1) for _ in range(rng.randrange(3))
        },
    ][kind]()


@pytest.mark.parametrize("entry", CATALOG.all(), ids=lambda m: m.slug)
def test_random_input_is_either_valid_or_an_input_error(entry: CatalogModel) -> None:
    rng = random.Random(entry.slug)
    names = [*entry.input_schema["properties"], "extra"]
    accepted = 0
    properties = entry.input_schema["properties"]
    valid = {
        name: "https://example.com/in" if properties[name].get("format") == "uri" else "a prompt"
        for name in entry.input_schema["required"]
    }
    for option in entry.input_schema.get("anyOf", ()):  # lipfusion: "video" or "image"
        valid.setdefault(option["required"][0], "https://example.com/in")
    for i in range(60):
        picked = rng.sample(names, rng.randrange(1 if i % 4 == 1 else 3))
        inputs = {**(valid if i % 2 else {}), **{name: random_json(rng) for name in picked}}
        try:
            validated = CATALOG.validate(entry, inputs)
        except InputError as error:
            assert error.field and (
                error.message.startswith("Invalid input: ") or error.message.endswith("a multiple of 8")
            )
            continue
        assert set(entry.input_schema["required"]) <= set(validated)
        assert entry.credits(validated, 1) >= 0  # pricing copes with anything that validates
        accepted += 1
    assert accepted  # the fuzzing reached the valid side too


def test_a_custom_catalog_file_loads(tmp_path: Path) -> None:
    entry = model("flux-pro").public(fields=("input_schema", "output_schema"))
    entry.update(namespace="acme/my-model", name="My Model")
    entry["x-emulator"] = {"latency": {"queue_s": 0.1, "boot_s": 0, "run_s": 0.2}}
    path = tmp_path / "models.json"
    path.write_text(json.dumps([entry]))
    custom = Catalog.load(path)
    assert len(custom) == 1 and model("flux-pro").slug not in custom
    loaded = custom.get("ACME/MY-MODEL")
    assert loaded is not None and loaded.latency.total_s == pytest.approx(0.3)
    assert "x-emulator" not in loaded.public()


@pytest.mark.parametrize(
    ("content", "words"),
    [
        ("{not json", "not valid JSON"),
        ('{"name": "x"}', "expected a JSON array"),
        ("[1]", "entry 0: expected an object"),
        ('[{"name": "X", "type": "image"}]', "'namespace' must be a non-empty string"),
        ('[{"name": "X", "namespace": "x", "type": "hologram"}]', "'type' must be one of"),
        ('[{"name": "X", "namespace": "x", "type": "image", "input_schema": {"type": 5}}]',
         "invalid input_schema"),
        ('[{"name": "X", "namespace": "x", "type": "text"}, {"name": "Y", "namespace": "x", "type": "text"}]',
         "duplicate namespace x"),
    ],
)  # fmt: skip
def test_a_broken_catalog_file_is_a_clear_error(tmp_path: Path, content: str, words: str) -> None:
    path = tmp_path / "models.json"
    path.write_text(content)
    with pytest.raises(ValueError, match="model catalog") as caught:
        Catalog.load(path)
    assert words in str(caught.value)


def test_the_catalog_page_lists_every_model() -> None:
    page = (Path(__file__).resolve().parents[2] / "docs" / "emulator-catalog.md").read_text(encoding="utf-8")
    assert [m.slug for m in CATALOG if f"| `{m.slug}` | {m.type} |" not in page] == []
