"""Output files: real images, audio and video that standard decoders open, deterministic and labelled."""

from __future__ import annotations

import io
import wave
from typing import Any

import av
import numpy as np
import pytest
from PIL import Image

from skytells.emulator import media
from skytells.emulator.catalog import Catalog, CatalogModel
from skytells.emulator.media import Rendered, render

CATALOG = Catalog.load()


def run(slug: str, inputs: dict[str, Any]) -> Rendered:
    model = CATALOG.get(slug)
    assert model is not None
    return render(model, CATALOG.validate(model, inputs))


def clear_caches() -> None:
    media.clear_cache()


def minimal_inputs(model: CatalogModel) -> dict[str, Any]:
    properties = model.input_schema.get("properties", {})
    required = [
        *model.input_schema.get("required", []),
        *(option["required"][0] for option in model.input_schema.get("anyOf", ())),
    ]
    return {name: "https://example.com/x" if properties[name].get("format") == "uri" else "a test"
            for name in required}  # fmt: skip


@pytest.mark.parametrize(
    ("inputs", "size", "fmt", "pil_format"),
    [
        ({"prompt": "A lake"}, (1024, 1024), "webp", "WEBP"),
        ({"prompt": "A city", "aspect_ratio": "16:9", "output_format": "webp"}, (1024, 576), "webp", "WEBP"),
        (
            {"prompt": "A fox", "width": 1024, "height": 1024, "output_format": "png"},
            (1024, 1024),
            "png",
            "PNG",
        ),
        ({"prompt": "A tower", "aspect_ratio": "9:16", "output_format": "jpg"}, (576, 1024), "jpg", "JPEG"),
        (
            {"prompt": "A tower", "width": 512, "height": 768, "output_format": "jpeg"},
            (512, 768),
            "jpg",
            "JPEG",
        ),
    ],
)
def test_images_open_in_the_requested_format_and_size(
    inputs: dict[str, Any], size: tuple[int, int], fmt: str, pil_format: str
) -> None:
    rendered = run("truefusion-pro", inputs)
    assert rendered.text is None and len(rendered.files) == 1
    file = rendered.files[0]
    assert file.name == f"output-0.{fmt}" and file.size == len(file.data)
    assert file.content_type == {"WEBP": "image/webp", "PNG": "image/png", "JPEG": "image/jpeg"}[pil_format]
    image = Image.open(io.BytesIO(file.data))
    assert (image.format, image.size) == (pil_format, size)


def test_num_outputs_images_that_differ_from_each_other() -> None:
    files = run("flux-pro", {"prompt": "Cats", "num_outputs": 3}).files
    assert [f.name for f in files] == ["output-0.webp", "output-1.webp", "output-2.webp"]
    assert len({f.data for f in files}) == 3
    assert len(run("truefusion", {"prompt": "Cats", "number_of_images": 2}).files) == 2


def test_images_are_deterministic_for_prompt_seed_size_and_format() -> None:
    inputs = {"prompt": "A red fox", "seed": 42, "aspect_ratio": "4:3"}
    first = run("truefusion-pro", inputs).files[0].data
    clear_caches()
    assert run("truefusion-pro", inputs).files[0].data == first
    assert run("truefusion-pro", {**inputs, "seed": 43}).files[0].data != first
    assert run("truefusion-pro", {**inputs, "prompt": "A blue fox"}).files[0].data != first
    assert run("truefusion-x", inputs).files[0].data != first


def test_images_carry_the_emulator_label() -> None:
    def top_band(prompt: str) -> np.ndarray:
        data = run("truefusion-pro", {"prompt": prompt, "output_format": "png"}).files[0].data
        return np.asarray(Image.open(io.BytesIO(data)).convert("L"))[:80]

    band = top_band("A meadow")
    assert (band < 20).mean() > 0.5 and (band > 235).mean() > 0.03  # white letters on a black band
    assert np.array_equal(band, top_band("Something else entirely"))  # the label, not the prompt


@pytest.mark.parametrize(
    ("inputs", "rate", "container"),
    [
        ({"lyrics": "[Verse]\nBuilding the future...", "prompt": "Hip-hop"}, 44100, "mp3"),
        ({"lyrics": "la la", "sample_rate": 16000, "bitrate": 256000}, 16000, "mp3"),
        ({"lyrics": "la la", "sample_rate": 24000, "bitrate": 32000}, 24000, "mp3"),
    ],
)
def test_mp3_audio_decodes(inputs: dict[str, Any], rate: int, container: str) -> None:
    file = run("beatfusion-2.0", inputs).files[0]
    assert (file.name, file.content_type) == ("output.mp3", "audio/mpeg")
    with av.open(io.BytesIO(file.data)) as decoded:
        assert decoded.format.name == container
        frames = list(decoded.decode(audio=0))
    samples = sum(frame.samples for frame in frames)
    assert frames[0].sample_rate == rate and 3.5 <= samples / rate <= 4.5
    assert np.abs(np.concatenate([f.to_ndarray().ravel() for f in frames])).max() > 0.1  # not silence


def test_wav_and_pcm_audio() -> None:
    wav_file = run("beatfusion-2.0", {"lyrics": "x", "audio_format": "wav", "sample_rate": 32000}).files[0]
    assert (wav_file.name, wav_file.content_type) == ("output.wav", "audio/wav")
    with wave.open(io.BytesIO(wav_file.data)) as wav:
        assert (wav.getframerate(), wav.getnchannels(), wav.getsampwidth()) == (32000, 1, 2)
        assert wav.getnframes() == 4 * 32000
    pcm = run("beatfusion-2.0", {"lyrics": "x", "audio_format": "pcm", "sample_rate": 16000}).files[0]
    assert pcm.name == "output.pcm" and len(pcm.data) == 4 * 16000 * 2
    assert run("soundfusion", {"prompt": "rain"}).files[0].name == "output.wav"  # the model's default


def test_audio_is_deterministic() -> None:
    inputs = {"lyrics": "same words", "audio_format": "mp3"}
    first = run("beatfusion-2.0", inputs).files[0].data
    clear_caches()
    assert run("beatfusion-2.0", inputs).files[0].data == first
    assert run("beatfusion-2.0", {**inputs, "lyrics": "other words"}).files[0].data != first


@pytest.mark.parametrize(
    ("slug", "inputs", "size"),
    [
        ("mera", {"prompt": "City timelapse", "seconds": "8", "size": "1280x720"}, (1280, 720)),
        ("sora-2", {"prompt": "Portrait", "size": "720x1280"}, (720, 1280)),
        ("truefusion-video-pro", {"prompt": "Waves", "aspect_ratio": "1:1"}, (1280, 1280)),
        ("veo-3.1-fast", {"prompt": "Waves", "aspect_ratio": "9:16"}, (720, 1280)),
    ],
)
def test_video_is_an_h264_mp4_of_the_requested_size(
    slug: str, inputs: dict[str, Any], size: tuple[int, int]
) -> None:
    file = run(slug, inputs).files[0]
    assert (file.name, file.content_type) == ("output.mp4", "video/mp4")
    with av.open(io.BytesIO(file.data)) as decoded:
        assert "mp4" in decoded.format.name
        stream = decoded.streams.video[0]
        assert stream.codec_context.name == "h264"
        frames = list(decoded.decode(video=0))
    assert len(frames) == media.VIDEO_FRAMES
    assert (frames[0].width, frames[0].height, frames[0].format.name) == (*size, "yuv420p")
    first, last = frames[0].to_ndarray(format="rgb24"), frames[-1].to_ndarray(format="rgb24")
    assert not np.array_equal(first, last)  # it moves
    band_height = int(min(size[0] // 14, size[1] // 8) * 1.5)
    top = first[:band_height].mean(axis=2)
    assert (top < 40).mean() > 0.5 and (top > 200).mean() > 0.01  # the label band


@pytest.mark.parametrize("ratio", ["wide", "0:1", "-4:3", "nan:1", "inf:inf", "16:nan"])
def test_a_video_aspect_ratio_that_is_no_ratio_means_16_9(ratio: str) -> None:
    assert media.video_size({"aspect_ratio": ratio}) == (1280, 720)


def test_video_is_deterministic() -> None:
    inputs = {"prompt": "Clouds", "seed": 7, "size": "1280x720"}
    first = run("mera", inputs).files[0].data
    clear_caches()
    assert run("mera", inputs).files[0].data == first


def test_text_models_return_deterministic_text_and_no_files() -> None:
    rendered = run("gpt-5", {"prompt": "Say hello", "seed": 1})
    assert rendered.files == [] and rendered.text and "Say hello" in rendered.text
    assert run("gpt-5", {"prompt": "Say hello", "seed": 1}).text == rendered.text
    assert len(run("gpt-5", {"prompt": "Say hello", "max_tokens": 5}).text.split(" ")) == 5  # type: ignore[union-attr]
    code = run("gpt-5.3-codex", {"prompt": "Sort a list", "language": "python"}).text
    assert code and "```python" in code
    assert "image" in (
        run("deepbrain-vision", {"prompt": "What?", "image": "https://x.test/a.png"}).text or ""
    )


@pytest.mark.parametrize("model", [m for m in CATALOG.all() if m.predictable], ids=lambda m: m.slug)
def test_every_catalog_model_renders_with_minimal_inputs(model: CatalogModel) -> None:
    rendered = render(model, CATALOG.validate(model, minimal_inputs(model)))
    if model.produces_text:
        assert rendered.text and not rendered.files
    else:
        assert rendered.files and all(f.size > 100 for f in rendered.files)
        kind = {"image": "image/", "video": "video/", "audio": "audio/", "music": "audio/"}[model.type]
        assert all(f.content_type.startswith(kind) for f in rendered.files)


def test_renders_from_many_threads_match_serial_renders() -> None:
    from concurrent.futures import ThreadPoolExecutor

    jobs = [("truefusion-pro", {"prompt": f"Thread {i}", "output_format": "png"}) for i in range(4)]
    jobs += [("mera", {"prompt": f"Clip {i}", "size": "720x1280"}) for i in range(1)]
    jobs += [("beatfusion-2.0", {"lyrics": f"Song {i}"}) for i in range(2)]
    with ThreadPoolExecutor(max_workers=4) as pool:
        parallel = list(pool.map(lambda job: run(*job).files[0].data, jobs))
    clear_caches()
    assert parallel == [run(*job).files[0].data for job in jobs]


@pytest.mark.parametrize("prompt", ["\x00nul", "日本語の猫 🐱", "x" * 10000, "tabs\tand\nnew lines", " "])
def test_any_prompt_renders(prompt: str) -> None:
    image = Image.open(io.BytesIO(run("truefusion-pro", {"prompt": prompt}).files[0].data))
    assert image.size == (1024, 1024)
    assert run("gpt-5", {"prompt": prompt}).text


@pytest.mark.parametrize("rate", [8000, 11025, 22050, 48000])
def test_mp3_at_any_sample_rate_a_model_accepts(rate: int) -> None:
    file = run("voicefusion", {"text": "Hello there", "sample_rate": rate, "bitrate": 320000}).files[0]
    with av.open(io.BytesIO(file.data)) as decoded:
        assert next(decoded.decode(audio=0)).sample_rate == rate


def test_the_render_cache_stays_within_its_byte_budget(monkeypatch: pytest.MonkeyPatch) -> None:
    clear_caches()
    monkeypatch.setattr(media, "CACHE_BYTES", 20_000)
    for i in range(6):
        run("flux-fast", {"prompt": f"Budget {i}", "width": 256, "height": 256})
    assert 0 < media._cache_size <= 20_000 and 0 < len(media._cache) < 6
    monkeypatch.setattr(media, "CACHE_ITEM_BYTES", 100)
    clear_caches()
    run("flux-fast", {"prompt": "Too big to keep", "width": 256, "height": 256})
    assert media._cache_size == 0


def test_shared_outputs_ignore_prompt_and_seed_but_keep_size_format_and_count() -> None:
    model = CATALOG.get("flux-pro")
    assert model is not None

    def shared(inputs: dict[str, Any]) -> Rendered:
        return render(model, CATALOG.validate(model, inputs), unique=False)

    first = shared({"prompt": "One", "seed": 1, "num_outputs": 2, "output_format": "png"})
    second = shared({"prompt": "Two", "seed": 2, "num_outputs": 2, "output_format": "png"})
    assert [f.data for f in first.files] == [f.data for f in second.files]
    assert [f.name for f in first.files] == ["output-0.png", "output-1.png"]
    assert (
        first.files[0].data
        != run("flux-pro", {"prompt": "One", "seed": 1, "output_format": "png"}).files[0].data
    )
    wide = shared({"prompt": "Three", "aspect_ratio": "16:9", "output_format": "jpg"}).files[0]
    assert Image.open(io.BytesIO(wide.data)).size == (1024, 576) and wide.name == "output-0.jpg"
    text_model = CATALOG.get("gpt-5")
    assert text_model is not None
    assert "Say hi" in (render(text_model, {"prompt": "Say hi"}, unique=False).text or "")
