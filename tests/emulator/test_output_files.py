"""Output files are planned when a prediction completes (exact sizes, nothing rendered) and made on
their first download: the size announced is the size served, the bytes are deterministic, and every
format still opens in standard decoders."""

from __future__ import annotations

import base64
import io
import tempfile
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import av
import httpx
import pytest
from PIL import Image

from skytells.emulator import EmulatorServer, media, padding
from skytells.emulator.catalog import Catalog
from tests.emulator.emulator_support import create, fast_config, wait_terminal
from tests.waiting import wait_until

CATALOG = Catalog.load()


def test_a_completed_prediction_announces_sizes_that_its_downloads_keep(
    http: httpx.Client, plain: httpx.Client
) -> None:
    done = wait_terminal(
        http, create(http, "flux-pro", input={"prompt": "A quiet bay", "num_outputs": 2})["id"]
    )

    files = done["metadata"]["storage"]["files"]
    assert [f["name"] for f in files] == ["output-0.webp", "output-1.webp"]
    for announced, url in zip(files, done["output"], strict=True):
        first = plain.get(url)
        again = plain.get(url)
        assert first.status_code == 200 and first.headers["content-type"] == "image/webp"
        assert len(first.content) == announced["size"] == int(first.headers["content-length"])
        assert again.content == first.content
        assert Image.open(io.BytesIO(first.content)).size == (1024, 1024)


def test_concurrent_first_downloads_get_the_same_file(http: httpx.Client, plain: httpx.Client) -> None:
    done = wait_terminal(http, create(http, "truefusion", input={"prompt": "Many readers"})["id"])
    url = done["output"][0]

    with ThreadPoolExecutor(8) as pool:
        bodies = list(pool.map(lambda _: plain.get(url).content, range(8)))

    assert len(set(bodies)) == 1 and len(bodies[0]) == done["metadata"]["storage"]["files"][0]["size"]


def test_the_same_inputs_give_the_same_bytes(http: httpx.Client, plain: httpx.Client) -> None:
    inputs = {"prompt": "Same every time", "seed": 5, "output_format": "png"}
    first, second = (wait_terminal(http, create(http, "flux-pro", input=inputs)["id"]) for _ in range(2))

    assert plain.get(first["output"][0]).content == plain.get(second["output"][0]).content


def test_a_file_not_downloaded_before_a_restart_is_made_after_it(plain: httpx.Client) -> None:
    with tempfile.TemporaryDirectory() as data_dir:
        config = fast_config(data_dir=data_dir)
        with EmulatorServer(config) as emu:
            headers = {"x-api-key": "sk-test-restart-files"}
            body = {"model": "flux-fast", "input": {"prompt": "Later"}, "await": True}
            done = plain.post(emu.base_url + "/predict", json=body, headers=headers).json()
        with EmulatorServer(config) as emu:
            again = plain.get(f"{emu.base_url}/predictions/{done['id']}", headers=headers).json()
            data = plain.get(again["output"][0]).content
    assert len(data) == done["metadata"]["storage"]["files"][0]["size"]
    assert Image.open(io.BytesIO(data)).format == "JPEG"


def test_a_deleted_prediction_has_no_files(http: httpx.Client, plain: httpx.Client) -> None:
    done = wait_terminal(http, create(http, "flux-fast", input={"prompt": "Gone"})["id"])
    http.delete(f"/predictions/{done['id']}")

    assert plain.get(done["output"][0]).status_code == 404


def _png_uri(size: tuple[int, int] = (64, 48)) -> str:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 20, 20)).save(out, "PNG")
    return "data:image/png;base64," + base64.b64encode(out.getvalue()).decode()


def _sample_inputs(model: Any) -> dict[str, Any]:
    """The model's required inputs, with an image for a model that shows its input image."""
    required = model.input_schema.get("required", [])
    inputs = {name: "https://example.com/x" if name in ("video", "audio") else "a plan" for name in required}
    names = model.options.get("input_image") or ()
    if names:
        inputs["image" if "image" in names else names[0]] = _png_uri()
    return inputs


@pytest.mark.parametrize("model", [m for m in CATALOG.all() if m.predictable], ids=lambda m: m.slug)
def test_the_plan_names_every_file_with_the_size_it_renders_to(model: Any) -> None:
    inputs = CATALOG.validate(model, _sample_inputs(model))
    planned = media.plan(model, inputs)
    rendered = media.render(model, inputs)
    assert [(f.name, f.content_type, f.size) for f in planned] == [
        (f.name, f.content_type, f.size) for f in rendered.files
    ]
    # outputs that show file inputs cannot be sized without reading them: rendered at completion instead
    assert media.sizes_known(model, inputs) is not media.uses_inputs(model, inputs)


def test_an_edit_of_an_input_image_announces_the_exact_size_it_serves(
    http: httpx.Client, plain: httpx.Client
) -> None:
    inputs = {"prompt": "Make it blue", "image": _png_uri((320, 200)), "num_outputs": 2}
    done = wait_terminal(http, create(http, "truefusion-edit", input=inputs)["id"])

    assert done["status"] == "succeeded"
    for announced, url in zip(done["metadata"]["storage"]["files"], done["output"], strict=True):
        data = plain.get(url).content
        assert len(data) == announced["size"]
        assert Image.open(io.BytesIO(data)).size == (512, 320)  # the input, enlarged: it shows


@pytest.mark.parametrize(
    ("inputs", "size"),
    [
        ({"prompt": "x" * 10000, "width": 256, "height": 256, "output_format": "png"}, (256, 256)),
        ({"prompt": "日本語の猫 🐱" * 40, "aspect_ratio": "21:9", "output_quality": 100}, None),
        (
            {"prompt": "edge", "width": 2048, "height": 256, "output_format": "jpg", "output_quality": 100},
            None,
        ),
    ],
)
def test_any_prompt_fits_the_size_planned_for_its_shape(inputs: dict[str, Any], size: Any) -> None:
    model = CATALOG.get("truefusion-pro")
    assert model is not None
    valid = CATALOG.validate(model, inputs)
    (planned,) = media.plan(model, valid)
    data = media.render_file(model, valid, planned.name)
    assert len(data) == planned.size
    image = Image.open(io.BytesIO(data))
    image.load()
    if size is not None:
        assert image.size == size


@pytest.mark.parametrize("fmt", ["webp", "png", "jpeg"])
def test_padded_images_decode_to_the_same_pixels(fmt: str) -> None:
    raw = media._image_bytes("flux-pro", "FLUX Pro", "A cat", None, 300, 200, fmt, 80, 0)
    for extra in (padding.min_overhead(fmt), 1000, 200_001):
        size = len(raw) + extra + (len(raw) + extra) % 2 * (fmt == "webp")
        padded = padding.pad(raw, fmt, size)
        assert len(padded) == size
        assert Image.open(io.BytesIO(padded)).tobytes() == Image.open(io.BytesIO(raw)).tobytes()
        with av.open(io.BytesIO(padded)) as decoded:
            frame = next(decoded.decode(video=0))
        assert (frame.width, frame.height) == (300, 200)


@pytest.mark.parametrize("fmt", ["mp3", "mp4"])
def test_padded_audio_and_video_decode(fmt: str) -> None:
    if fmt == "mp3":
        raw = media._audio_bytes("beatfusion-2.0", "la", None, "mp3", 44100, 128000, 2.0)
    else:
        raw = media._video_encoded("mera", "Mera", "clip", None, 320, 240)
    for extra in (padding.min_overhead(fmt), 70_000):
        padded = padding.pad(raw, fmt, len(raw) + extra)
        assert len(padded) == len(raw) + extra
        with av.open(io.BytesIO(padded)) as decoded:
            frames = list(decoded.decode(audio=0) if fmt == "mp3" else decoded.decode(video=0))
        with av.open(io.BytesIO(raw)) as decoded:
            assert len(frames) == len(
                list(decoded.decode(audio=0) if fmt == "mp3" else decoded.decode(video=0))
            )


def test_a_file_too_large_for_its_size_is_refused() -> None:
    with pytest.raises(padding.TooLarge):
        padding.pad(b"\xff\xd8" + bytes(100), "jpeg", 50)
    with pytest.raises(padding.TooLarge):
        padding.pad(bytes(44), "wav", 45)


def test_a_new_shape_is_sized_while_its_prediction_runs(emulator: EmulatorServer, http: httpx.Client) -> None:
    """Its completion then plans the outputs on the spot, instead of rendering the shape's worst cases
    while every prediction of that shape completing meanwhile waits."""
    emulator.admin("POST", "/outcomes", {"model": "flux-pro", "outcome": "pending"})  # it never completes
    raw = {"prompt": "ahead", "width": 264, "height": 776, "output_format": "png", "num_outputs": 3}
    catalog = Catalog.load()
    model = catalog.get("flux-pro")
    assert model is not None
    inputs = catalog.validate(model, raw)

    created = http.post("/predictions", json={"model": "flux-pro", "input": raw}).json()

    wait_until(lambda: media.sizes_known(model, inputs, unique=True), "the shape sized ahead")
    assert http.get(f"/predictions/{created['id']}").json()["status"] == "pending"
