"""Real output files for emulated predictions: images, audio, video and text.

Every output is deterministic for its model and inputs (prompt, seed, size, format) and marked as
emulator output. Models whose ``x-emulator.input_image`` names file inputs show them: an edit model's
images are its input image with the label and prompt drawn over it, a lip-sync model's video shows its
input image (or its input video's first frame) for as long as its input audio lasts.

Rendering is kept cheap (small clips, fast encoder settings) and repeated renders come from a small
cache, because the engine renders thousands of predictions.

A file's size is known before its bytes: :func:`plan` names each file and its exact size without
rendering it, so a prediction can complete at once and its files be made on first download
(:func:`render_file`). The size is that of the largest of a few worst-case renderings of the same
shape (model, dimensions, format, quality, sample rate...: made once per shape), with a margin; the
real file is padded up to it with its format's own padding (``padding.py``). Outputs that show file
inputs are the exception (:func:`uses_inputs`): their sizes depend on what the inputs hold, so they
are rendered whole when the prediction completes, as before, and their sizes are their real ones.

>>> from skytells.emulator.catalog import Catalog
>>> catalog = Catalog.load()
>>> model = catalog.get("truefusion-pro")
>>> inputs = catalog.validate(model, {"prompt": "A lake", "num_outputs": 2})
>>> [(f.name, f.content_type) for f in plan(model, inputs)]
[('output-0.webp', 'image/webp'), ('output-1.webp', 'image/webp')]
>>> len(render_file(model, inputs, "output-1.webp")) == plan(model, inputs)[1].size
True
"""

from __future__ import annotations

import hashlib
import io
import json
import math
import string
import textwrap
import threading
import wave
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from functools import lru_cache, partial, wraps
from typing import Any

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from .catalog import PER_PREDICTION_INPUTS, CatalogModel, aspect_dims, image_size, requested_seconds
from .input_media import InputPicture, audio_seconds, input_picture
from .padding import PADDED_FORMATS, TooLarge, min_overhead, pad

__all__ = [
    "LABEL",
    "PlannedFile",
    "Rendered",
    "RenderedFile",
    "clear_cache",
    "plan",
    "render",
    "render_file",
    "uses_inputs",
]

#: The mark every image and video frame carries.
LABEL = "SKYTELLS EMULATOR"

IMAGE_TYPES = {"webp": "image/webp", "png": "image/png", "jpg": "image/jpeg", "jpeg": "image/jpeg"}
AUDIO_TYPES = {"mp3": "audio/mpeg", "wav": "audio/wav", "pcm": "audio/pcm"}
MAX_IMAGE_SIDE = 4096
MAX_IMAGES = 8
AUDIO_CAP_S = 4.0
VIDEO_FPS = 8
VIDEO_FRAMES = 12
VIDEO_LONG_SIDE = 1280
MAX_VIDEO_SIDE = 1920
#: What shared (``unique=False``) files show in place of the prompt.
QUICK_PROMPT = "(shared output: prompt and seed not drawn)"
_UNIQUE_KEYS = PER_PREDICTION_INPUTS
_TEXT_LOCK = threading.Lock()  # FreeType faces are shared between render threads


@dataclass(frozen=True)
class RenderedFile:
    """One output file: its name (``output-0.webp``), MIME type and bytes."""

    name: str
    content_type: str
    data: bytes = field(repr=False)

    @property
    def size(self) -> int:
        return len(self.data)


@dataclass(frozen=True)
class Rendered:
    """What a prediction produced: files (images, audio, video) and/or text."""

    files: list[RenderedFile]
    text: str | None = None


@dataclass(frozen=True)
class PlannedFile:
    """An output file before it is made: its name, MIME type and exact size in bytes."""

    name: str
    content_type: str
    size: int


@dataclass(frozen=True)
class _Output:
    """How to make one output file: ``make(prompt, seed)`` gives its bytes before padding; ``shape``
    is everything but the prompt and seed that its size depends on."""

    name: str
    content_type: str
    fmt: str
    make: Callable[[str, int | None], bytes]
    prompt: str
    seed: int | None
    shape: tuple[Any, ...]
    #: the same file made smaller (lower quality), for the rare one its size has no room for
    smaller: Callable[[str, int | None], bytes] | None = None


def render(model: CatalogModel, inputs: Mapping[str, Any], *, unique: bool = True) -> Rendered:
    """The outputs of `model` for validated `inputs`. Thread-safe; CPU-bound (run it in a pool).

    With ``unique=False`` files ignore the prompt, lyrics and seed (size, format and count still
    apply), so predictions of one model share cached files: rendering is then almost free, for load
    tests with thousands of distinct prompts.
    """
    if model.produces_text:
        return Rendered(files=[], text=render_text(model, _effective(model, inputs, unique)))
    if uses_inputs(model, inputs):
        return Rendered(files=_input_files(model, _effective(model, inputs, unique)))
    return Rendered(
        files=[RenderedFile(o.name, o.content_type, _made(o)) for o in _outputs(model, inputs, unique)]
    )


def uses_inputs(model: CatalogModel, inputs: Mapping[str, Any]) -> bool:
    """True when the outputs show file inputs (an edit's input image, a lip-sync's picture and audio
    length). Their sizes depend on what the inputs hold, so they cannot be planned without reading
    them: such files are rendered whole by :func:`render` when the prediction completes, as their
    exact sizes are then known, and :func:`plan` does not apply to them."""
    if model.produces_text:
        return False
    if model.type == "image":
        return input_source(model, inputs) is not None
    return model.type == "video" and bool(model.options.get("input_image"))


def _input_files(model: CatalogModel, inputs: Mapping[str, Any]) -> list[RenderedFile]:
    if model.type == "image":
        return render_edits(model, inputs)
    return [render_lipsync(model, inputs)]


def plan(model: CatalogModel, inputs: Mapping[str, Any], *, unique: bool = True) -> list[PlannedFile]:
    """The files :func:`render` makes, with their exact sizes, without making them (after the first
    request of a shape, a dictionary lookup). Text models have none; outputs that show file inputs
    (:func:`uses_inputs`) are rendered to know their sizes."""
    if model.produces_text:
        return []
    if uses_inputs(model, inputs):
        return [
            PlannedFile(f.name, f.content_type, f.size) for f in render(model, inputs, unique=unique).files
        ]
    return [PlannedFile(o.name, o.content_type, planned_size(o)) for o in _outputs(model, inputs, unique)]


def sizes_known(model: CatalogModel, inputs: Mapping[str, Any], *, unique: bool = True) -> bool:
    """True when :func:`plan` renders nothing: every file's shape was sized before (or text)."""
    if model.produces_text:
        return True
    if uses_inputs(model, inputs):
        return False
    with _sizes_lock:
        return all((o.fmt, *o.shape) in _sizes for o in _outputs(model, inputs, unique))


def render_file(model: CatalogModel, inputs: Mapping[str, Any], name: str, *, unique: bool = True) -> bytes:
    """The bytes of one planned file (``KeyError`` for a name the plan does not have)."""
    if uses_inputs(model, inputs):
        for item in render(model, inputs, unique=unique).files:
            if item.name == name:
                return item.data
        raise KeyError(name)
    for output in _outputs(model, inputs, unique):
        if output.name == name:
            return _made(output)
    raise KeyError(name)


def _effective(model: CatalogModel, inputs: Mapping[str, Any], unique: bool) -> Mapping[str, Any]:
    if unique or model.produces_text:
        return inputs
    return {**{k: v for k, v in inputs.items() if k not in _UNIQUE_KEYS}, "prompt": QUICK_PROMPT}


def _outputs(model: CatalogModel, inputs: Mapping[str, Any], unique: bool) -> list[_Output]:
    inputs = _effective(model, inputs, unique)
    if model.type == "image":
        return image_outputs(model, inputs)
    if model.type == "video":
        return [video_output(model, inputs)]
    return [audio_output(model, inputs)]


# ---- sizes known in advance ---------------------------------------------------------------------

#: room over the largest worst-case rendering of a shape (real renderings measured up to ~1.25x)
SIZE_MARGIN = 1.5
SIZE_SLACK = 1024
_GLYPHS = string.ascii_letters + string.digits + string.punctuation


def _noise(length: int) -> str:
    """``length`` characters with no pattern to compress (the same on every run)."""
    stream = b"".join(hashlib.sha256(b"worst %d" % i).digest() for i in range(length // 32 + 1))
    return "".join(_GLYPHS[b % len(_GLYPHS)] for b in stream[:length])


#: prompts that make large files: dense repeated glyphs, and characters with no pattern to compress
WORST_PROMPTS = ("W@M#" * 2500, _noise(4000))
WORST_SEED = 2**63 - 1
_sizes: dict[tuple[Any, ...], int] = {}
_sizes_lock = threading.Lock()


def planned_size(output: _Output) -> int:
    """The size announced for ``output``: the same for every prompt and seed of its shape."""
    key = (output.fmt, *output.shape)
    with _sizes_lock:
        known = _sizes.get(key)
    if known is not None:
        return known
    worst = max(len(output.make(prompt, WORST_SEED)) for prompt in WORST_PROMPTS)
    size = worst
    if output.fmt in PADDED_FORMATS:
        size = math.ceil(worst * SIZE_MARGIN) + SIZE_SLACK + min_overhead(output.fmt)
        size += size % 2  # a WebP file's size is even
    with _sizes_lock:
        return _sizes.setdefault(key, size)


def _made(output: _Output) -> bytes:
    """The file's bytes, padded to its planned size."""
    size = planned_size(output)
    try:
        return pad(output.make(output.prompt, output.seed), output.fmt, size)
    except TooLarge:
        if output.smaller is None:
            raise
        return pad(output.smaller(output.prompt, output.seed), output.fmt, size)


# ---- shared -------------------------------------------------------------------------------------

CACHE_BYTES = 48 * 1024 * 1024  # rendered files kept for identical requests
CACHE_ITEM_BYTES = 4 * 1024 * 1024  # larger files are not kept
_cache: OrderedDict[tuple[Any, ...], bytes] = OrderedDict()
_cache_size = 0
_cache_lock = threading.Lock()


def clear_cache() -> None:
    """Forgets every cached rendering (the sizes planned stay: they never change)."""
    global _cache_size
    with _cache_lock:
        _cache.clear()
        _cache_size = 0


def _cached(produce: Callable[..., bytes]) -> Callable[..., bytes]:
    """Keeps the results of `produce` in the shared byte-bounded LRU cache."""

    @wraps(produce)
    def cached(*args: Any) -> bytes:
        global _cache_size
        key = (produce.__name__, *args)
        with _cache_lock:
            if key in _cache:
                _cache.move_to_end(key)
                return _cache[key]
        data = produce(*args)
        if len(data) <= CACHE_ITEM_BYTES:
            with _cache_lock:
                if key not in _cache:
                    _cache[key] = data
                    _cache_size += len(data)
                while _cache_size > CACHE_BYTES:
                    _cache_size -= len(_cache.popitem(last=False)[1])
        return data

    return cached


def _digest(*parts: Any) -> bytes:
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).digest()


def _seed_of(inputs: Mapping[str, Any]) -> int | None:
    seed = inputs.get("seed")
    return seed if isinstance(seed, int) and not isinstance(seed, bool) else None


def _prompt_of(inputs: Mapping[str, Any]) -> str:
    for key in ("prompt", "lyrics", "text"):
        value = inputs.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return ""


def _int(value: Any, default: int, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return default
    return min(high, max(low, int(value)))


@lru_cache(maxsize=16)
def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    return ImageFont.load_default(size=size)


def _palette(digest: bytes) -> tuple[np.ndarray, np.ndarray]:
    first = np.frombuffer(digest[0:3], dtype=np.uint8).astype(np.float32)
    second = np.frombuffer(digest[3:6], dtype=np.uint8).astype(np.float32)
    return first * 0.7 + 30, second * 0.7 + 60


def _canvas(digest: bytes, width: int, height: int) -> Image.Image:
    """A seeded vertical gradient with a few shapes (cheap: one column broadcast across the width)."""
    start, end = _palette(digest)
    mix = np.linspace(0.0, 1.0, height, dtype=np.float32)[:, None]
    column = (start * (1 - mix) + end * mix).astype(np.uint8)[:, None, :]
    image = Image.fromarray(np.ascontiguousarray(np.broadcast_to(column, (height, width, 3))), "RGB")
    draw = ImageDraw.Draw(image)
    for i in range(4):
        d = digest[8 + i * 5 : 13 + i * 5]
        cx, cy = d[0] / 255 * width, d[1] / 255 * height
        radius = (0.08 + d[2] / 255 * 0.22) * min(width, height)
        color = (d[3], d[4], (d[3] + d[4]) % 256)
        box = (cx - radius, cy - radius, cx + radius, cy + radius)
        if i % 2:
            draw.rectangle(box, fill=color)
        else:
            draw.ellipse(box, fill=color)
    return image


def _label(image: Image.Image, prompt: str, footer: str) -> None:
    """Draws the emulator label, the prompt and a footer onto `image`."""
    width, height = image.size
    draw = ImageDraw.Draw(image)
    big = max(10, min(width // 14, height // 8))
    band = int(big * 1.6)
    draw.rectangle((0, 0, width, band), fill=(0, 0, 0))
    small = max(8, big // 2)
    chars = max(8, int(width / (small * 0.55)))
    lines = textwrap.wrap(prompt, width=chars)[:3] or [""]
    text_top = height - int(small * 1.3) * (len(lines) + 1) - small // 2
    draw.rectangle((0, text_top - small // 2, width, height), fill=(0, 0, 0))
    with _TEXT_LOCK:
        draw.text((width / 2, band / 2), LABEL, font=_font(big), fill=(255, 255, 255), anchor="mm")
        for i, line in enumerate([*lines, footer]):
            position = (small // 2, text_top + i * int(small * 1.3))
            draw.text(position, line, font=_font(small), fill=(235, 235, 235))


# ---- images -------------------------------------------------------------------------------------


def image_format(model: CatalogModel, inputs: Mapping[str, Any]) -> str:
    """The requested ``output_format`` when it is one we write, else the model's default."""
    requested = str(inputs.get("output_format") or "").lower()
    return requested if requested in IMAGE_TYPES else model.default_output_format


def image_count(inputs: Mapping[str, Any]) -> int:
    """How many images the inputs ask for (``num_outputs`` or ``number_of_images``)."""
    value = inputs.get("num_outputs", inputs.get("number_of_images"))
    return _int(value, 1, 1, MAX_IMAGES)


def render_images(model: CatalogModel, inputs: Mapping[str, Any]) -> list[RenderedFile]:
    """``num_outputs`` images of the requested size and format."""
    return [RenderedFile(o.name, o.content_type, _made(o)) for o in image_outputs(model, inputs)]


def image_outputs(model: CatalogModel, inputs: Mapping[str, Any]) -> list[_Output]:
    width, height = (min(MAX_IMAGE_SIDE, side) for side in image_size(model, inputs))
    fmt = image_format(model, inputs)
    quality = _int(inputs.get("output_quality"), 80, 1, 100)
    prompt, seed = _prompt_of(inputs), _seed_of(inputs)
    ext = "jpg" if fmt == "jpeg" else fmt
    shape = ("image", model.slug, model.name, width, height, quality)

    def maker(index: int, small: bool) -> Callable[[str, int | None], bytes]:
        def make(prompt: str, seed: int | None) -> bytes:
            args = (model.slug, model.name, prompt, seed, width, height, fmt, quality, index)
            return _image_bytes(*args, small)

        return make

    return [
        _Output(
            f"output-{i}.{ext}", IMAGE_TYPES[fmt], fmt, maker(i, False), prompt, seed, shape, maker(i, True)
        )
        for i in range(image_count(inputs))
    ]


@_cached
def _image_bytes(
    slug: str,
    name: str,
    prompt: str,
    seed: int | None,
    width: int,
    height: int,
    fmt: str,
    quality: int,
    index: int,
    small: bool = False,
) -> bytes:
    """The image, encoded; ``small``: at low quality (a palette for PNG), for a file short of room."""
    image = _canvas(_digest(slug, prompt, seed, index), width, height)
    _label(image, prompt, f"{name} | seed {seed if seed is not None else '-'} | #{index} | {width}x{height}")
    return _encode_image(image, fmt, quality, small)


def _encode_image(image: Image.Image, fmt: str, quality: int, small: bool = False) -> bytes:
    out = io.BytesIO()
    if fmt == "webp":
        image.save(out, "WEBP", quality=10 if small else quality, method=0)
    elif fmt == "png":
        (image.quantize(16) if small else image).save(out, "PNG", compress_level=9 if small else 1)
    else:
        image.save(out, "JPEG", quality=10 if small else quality)
    return out.getvalue()


# ---- images from an input image ----------------------------------------------------------------

EDIT_MIN_SIDE = 512  # small inputs are enlarged so the label stays readable
EDIT_MAX_SIDE = 2048


def input_source(model: CatalogModel, inputs: Mapping[str, Any]) -> str | None:
    """The first input named by the model's ``x-emulator.input_image`` that was given."""
    names = model.options.get("input_image") or ()
    return next((name for name in names if isinstance(inputs.get(name), str) and inputs[name]), None)


def render_edits(model: CatalogModel, inputs: Mapping[str, Any]) -> list[RenderedFile]:
    """The input image, labelled, with the prompt drawn over it (a notice when it cannot be read)."""
    source = input_source(model, inputs) or "image"
    picture = input_picture(inputs.get(source))
    fmt = image_format(model, inputs)
    quality = _int(inputs.get("output_quality"), 80, 1, 100)
    prompt, seed = _prompt_of(inputs), _seed_of(inputs)
    ext = "jpg" if fmt == "jpeg" else fmt
    files = []
    for i in range(image_count(inputs)):
        image = _picture_or_notice(
            picture, _digest(model.slug, prompt, seed, i), EDIT_MIN_SIDE, EDIT_MAX_SIDE
        )
        width, height = image.size
        _label(image, prompt, f"{model.name} | edit of input '{source}' | #{i} | {width}x{height}")
        files.append(RenderedFile(f"output-{i}.{ext}", IMAGE_TYPES[fmt], _encode_image(image, fmt, quality)))
    return files


def _picture_or_notice(picture: InputPicture, digest: bytes, low: int, high: int) -> Image.Image:
    """The input picture scaled so its long side is within [low, high]; else a canvas saying why not."""
    if picture.image is None:
        image = _canvas(digest, high // 2, high // 2)
        _notice(image, picture.problem)
        return image
    width, height = picture.image.size
    scale = min(1.0, high / max(width, height)) if max(width, height) > low else low / max(width, height)
    size = (max(16, round(width * scale)) // 2 * 2, max(16, round(height * scale)) // 2 * 2)
    return picture.image.resize(size, Image.Resampling.BILINEAR)


def _notice(image: Image.Image, text: str) -> None:
    """Writes `text` across the middle of `image` on a dark band."""
    width, height = image.size
    size = max(10, width // 36)
    lines = textwrap.wrap(text, width=max(10, int(width / (size * 0.55))))[:4]
    top = height // 2 - size * len(lines)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, top - size, width, top + int(size * 1.4) * len(lines) + size), fill=(60, 0, 0))
    with _TEXT_LOCK:
        for i, line in enumerate(lines):
            draw.text(
                (width / 2, top + i * int(size * 1.4)),
                line,
                font=_font(size),
                fill=(255, 255, 255),
                anchor="mt",
            )


# ---- audio --------------------------------------------------------------------------------------

_SCALE = (0, 2, 4, 7, 9, 12, 14, 16)  # a major pentatonic, in semitones


def audio_format(model: CatalogModel, inputs: Mapping[str, Any]) -> str:
    requested = str(inputs.get("audio_format") or inputs.get("output_format") or "").lower()
    return requested if requested in AUDIO_TYPES else "mp3"


def render_audio(model: CatalogModel, inputs: Mapping[str, Any]) -> RenderedFile:
    """A few seconds of deterministic tones in the requested format (mp3, wav or raw pcm)."""
    output = audio_output(model, inputs)
    return RenderedFile(output.name, output.content_type, _made(output))


def audio_output(model: CatalogModel, inputs: Mapping[str, Any]) -> _Output:
    fmt = audio_format(model, inputs)
    rate = _int(inputs.get("sample_rate"), 44100, 8000, 48000)
    bitrate = _int(inputs.get("bitrate"), 128000, 32000, 320000)
    cap = float(model.options.get("audio_seconds", AUDIO_CAP_S))
    seconds = max(1.0, min(cap, requested_seconds(model, inputs)))

    def make(prompt: str, seed: int | None) -> bytes:
        return _audio_bytes(model.slug, prompt, seed, fmt, rate, bitrate, seconds)

    shape = ("audio", model.slug, rate, bitrate, seconds)
    return _Output(f"output.{fmt}", AUDIO_TYPES[fmt], fmt, make, _prompt_of(inputs), _seed_of(inputs), shape)


def _tones(digest: bytes, rate: int, seconds: float) -> np.ndarray:
    """Mono int16 samples: a seeded melody of short notes with a soft envelope."""
    total = int(rate * seconds)
    note_len = rate // 4
    t = np.arange(note_len, dtype=np.float32) / rate
    envelope = np.minimum(1.0, np.minimum(t * 40, (note_len / rate - t) * 20)).astype(np.float32)
    base = 220.0 * 2 ** ((digest[0] % 12) / 12)
    notes = []
    for i in range(total // note_len + 1):
        semitone = _SCALE[digest[(i + 1) % len(digest)] % len(_SCALE)]
        freq = base * 2 ** (semitone / 12)
        notes.append(np.sin(2 * np.pi * freq * t) * envelope)
    samples = np.concatenate(notes)[:total] * 0.4 * 32767
    return samples.astype(np.int16)


@_cached
def _audio_bytes(
    slug: str, prompt: str, seed: int | None, fmt: str, rate: int, bitrate: int, seconds: float
) -> bytes:
    samples = _tones(_digest(slug, prompt, seed), rate, seconds)
    if fmt == "pcm":
        return samples.astype("<i2").tobytes()
    if fmt == "wav":
        out = io.BytesIO()
        with wave.open(out, "wb") as wav:
            wav.setnchannels(1)
            wav.setsampwidth(2)
            wav.setframerate(rate)
            wav.writeframes(samples.astype("<i2").tobytes())
        return out.getvalue()
    return _mp3(samples, rate, bitrate)


def _mp3(samples: np.ndarray, rate: int, bitrate: int) -> bytes:
    import av

    if rate not in (32000, 44100, 48000):  # MPEG-2 rates cap the bit rate at 160 kbit/s
        bitrate = min(bitrate, 160000)
    out = io.BytesIO()
    with av.open(out, "w", format="mp3") as container:
        stream = container.add_stream("libmp3lame", rate=rate, options={"compression_level": "9"})
        stream.bit_rate = bitrate
        stream.layout = "mono"
        frame_size = 1152
        for start in range(0, len(samples), frame_size):
            chunk = samples[start : start + frame_size].reshape(1, -1)
            frame = av.AudioFrame.from_ndarray(chunk, format="s16", layout="mono")
            frame.sample_rate = rate
            frame.pts = start
            frame.time_base = Fraction(1, rate)
            container.mux(stream.encode(frame))
        container.mux(stream.encode(None))
    return out.getvalue()


# ---- video --------------------------------------------------------------------------------------


def video_size(inputs: Mapping[str, Any]) -> tuple[int, int]:
    """``size`` ("1280x720"), else ``aspect_ratio`` with ``resolution`` (720p/1080p); even numbers."""
    size = str(inputs.get("size") or "")
    if "x" in size:
        try:
            width, height = (int(part) for part in size.lower().split("x", 1))
            if width > 0 and height > 0:
                return _even(width), _even(height)
        except ValueError:
            pass
    long_side = {"480p": 854, "720p": 1280, "1080p": 1920}.get(str(inputs.get("resolution")), VIDEO_LONG_SIDE)
    w, h = aspect_dims(str(inputs.get("aspect_ratio") or "16:9"), fallback=(16.0, 9.0))
    if w >= h:
        return _even(long_side), _even(long_side * h / w)
    return _even(long_side * w / h), _even(long_side)


def _even(value: float) -> int:
    return max(16, min(MAX_VIDEO_SIDE, int(value) // 2 * 2))


def render_video(model: CatalogModel, inputs: Mapping[str, Any]) -> RenderedFile:
    """A short H.264 MP4 (yuv420p) of the requested size, labelled as emulator output."""
    output = video_output(model, inputs)
    return RenderedFile(output.name, output.content_type, _made(output))


def video_output(model: CatalogModel, inputs: Mapping[str, Any]) -> _Output:
    width, height = video_size(inputs)
    make = partial(_video_bytes, model.slug, model.name, width=width, height=height)
    shape = ("video", model.slug, model.name, width, height)
    return _Output("output.mp4", "video/mp4", "mp4", make, _prompt_of(inputs), _seed_of(inputs), shape)


def _video_bytes(slug: str, name: str, prompt: str, seed: int | None, *, width: int, height: int) -> bytes:
    return _video_encoded(slug, name, prompt, seed, width, height)


@_cached
def _video_encoded(slug: str, name: str, prompt: str, seed: int | None, width: int, height: int) -> bytes:
    image = _canvas(_digest(slug, prompt, seed), width, height)
    _label(image, prompt, f"{name} | seed {seed if seed is not None else '-'} | {width}x{height}")
    bar = max(8, width // 24)

    def moving_bar(luma: np.ndarray, i: int, count: int) -> None:
        left = int((width - bar) * i / max(1, count - 1))
        luma[height // 3 : 2 * height // 3, left : left + bar] = 235

    return _mp4(image, VIDEO_FRAMES, moving_bar)


def _mp4(image: Image.Image, count: int, overlay: Callable[[np.ndarray, int, int], None]) -> bytes:
    """`count` frames of `image` as H.264 MP4; `overlay(planes, i, count)` marks frame i (rows
    [0, height) of the planes are luma)."""
    import av

    width, height = image.size
    # Convert to YUV once; each frame only changes a little of the luma plane.
    base = (
        av.VideoFrame.from_ndarray(np.asarray(image), format="rgb24").reformat(format="yuv420p").to_ndarray()
    )
    out = io.BytesIO()
    with av.open(out, "w", format="mp4") as container:
        stream = container.add_stream("libx264", rate=VIDEO_FPS, options={"preset": "ultrafast", "crf": "30"})
        stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
        stream.codec_context.thread_count = 1
        for i in range(count):
            planes = base.copy()
            overlay(planes, i, count)
            frame = av.VideoFrame.from_ndarray(planes, format="yuv420p")
            container.mux(stream.encode(frame))
        container.mux(stream.encode(None))
    return out.getvalue()


LIPSYNC_LONG_SIDE = 640
LIPSYNC_MAX_FRAMES = 32  # 4 s at 8 fps: longer audio still gives a short clip


def render_lipsync(model: CatalogModel, inputs: Mapping[str, Any]) -> RenderedFile:
    """The input image (or the input video's first frame) as the frames of a clip as long as the
    input audio (capped), with a mouth bar that opens and closes; a notice when it cannot be read."""
    source = input_source(model, inputs) or "video"
    picture = input_picture(inputs.get(source))
    seconds = audio_seconds(inputs.get(str(model.options.get("input_audio") or "audio")))
    count = VIDEO_FRAMES if seconds is None else max(8, min(LIPSYNC_MAX_FRAMES, round(seconds * VIDEO_FPS)))
    digest = _digest(model.slug, _prompt_of(inputs), _seed_of(inputs))
    image = _picture_or_notice(picture, digest, LIPSYNC_LONG_SIDE, LIPSYNC_LONG_SIDE)
    width, height = image.size
    heard = "audio length unknown" if seconds is None else f"{seconds:.1f} s of audio"
    _label(
        image,
        _prompt_of(inputs) or f"lip-synced input '{source}'",
        f"{model.name} | {heard} | {width}x{height}",
    )
    mouth_w, mouth_top = max(8, width // 6), int(height * 0.62)

    def mouth(luma: np.ndarray, i: int, count: int) -> None:
        opening = max(2, int(height * 0.06 * (1 + np.sin(i * 1.7)) / 2))
        left = (width - mouth_w) // 2
        luma[mouth_top : mouth_top + opening, left : left + mouth_w] = 16

    return RenderedFile("output.mp4", "video/mp4", _mp4(image, count, mouth))


# ---- text ---------------------------------------------------------------------------------------

_SENTENCES = (
    "The emulator answers with stable, made-up text so that tests can rely on it.",
    "Each reply depends only on the model, the prompt and the seed.",
    "Swap the base URL for the real API to get real answers.",
    "Nothing here was produced by a language model.",
    "Latency, billing and the prediction lifecycle follow the model's profile.",
    "Outputs like this one are for development and testing.",
)


def render_text(model: CatalogModel, inputs: Mapping[str, Any]) -> str:
    """A deterministic reply; code models answer with a short code block."""
    prompt = _prompt_of(inputs)
    digest = _digest(model.slug, prompt, _seed_of(inputs))
    shown = prompt if len(prompt) <= 200 else prompt[:197] + "..."
    picks = [_SENTENCES[b % len(_SENTENCES)] for b in digest[:3]]
    max_tokens = _int(inputs.get("max_tokens"), 64, 1, 1_000_000)
    if model.type == "code":
        language = str(inputs.get("language") or "python")
        body = f'def emulated_answer():\n    """{picks[0]}"""\n    return {shown!r}\n'
        reply = f"[{LABEL}] {model.name} reply to: {shown}\n\n```{language}\n{body}```\n"
    else:
        seen = " I was given an image to look at." if inputs.get("image") or inputs.get("images") else ""
        reply = f"[{LABEL}] {model.name} reply to: {shown}.{seen} " + " ".join(picks)
    words = reply.split(" ")
    return reply if len(words) <= max_tokens else " ".join(words[:max_tokens])
