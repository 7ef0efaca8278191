"""Outputs that show their file inputs: the edit model's image, the lip-sync model's clip.

Inputs come from data: URIs or loopback URLs; any other URL is never fetched (a notice shows instead).
"""

from __future__ import annotations

import base64
import http.server
import io
import threading
import wave
from collections.abc import Iterator
from typing import Any

import av
import numpy as np
import pytest
from PIL import Image

from skytells.emulator import input_media
from skytells.emulator.catalog import Catalog, InputError
from skytells.emulator.media import render

CATALOG = Catalog.load()
RED = (200, 20, 20)


def png(color: tuple[int, int, int] = RED, size: tuple[int, int] = (64, 48)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, "PNG")
    return out.getvalue()


def wav(seconds: float, rate: int = 8000) -> bytes:
    out = io.BytesIO()
    with wave.open(out, "wb") as file:
        file.setnchannels(1)
        file.setsampwidth(2)
        file.setframerate(rate)
        file.writeframes(np.zeros(int(rate * seconds), dtype="<i2").tobytes())
    return out.getvalue()


def data_uri(data: bytes, mime: str) -> str:
    return f"data:{mime};base64,{base64.b64encode(data).decode()}"


def rendered(slug: str, inputs: dict[str, Any]) -> Any:
    model = CATALOG.get(slug)
    assert model is not None
    return render(model, CATALOG.validate(model, inputs))


def centre(image: Image.Image) -> tuple[int, ...]:
    rgb = image.convert("RGB")
    return tuple(rgb.getpixel((rgb.width // 2, rgb.height // 2 - rgb.height // 8)))  # type: ignore[arg-type]


def close_to(pixel: tuple[int, ...], color: tuple[int, int, int], tolerance: int = 24) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(pixel, color, strict=True))


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Fail the test if the emulator tries to fetch anything (records the URLs)."""
    tried: list[str] = []

    def refuse(method: str, url: str, **kwargs: Any) -> Any:
        tried.append(url)
        raise AssertionError(f"fetched {url}")

    monkeypatch.setattr(input_media.httpx, "stream", refuse)
    return tried


@pytest.fixture
def loopback_files() -> Iterator[tuple[str, dict[str, bytes]]]:
    """A tiny HTTP server on 127.0.0.1 serving the bytes put in the returned dict."""
    files: dict[str, bytes] = {}

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = files.get(self.path)
            self.send_response(200 if body is not None else 404)
            self.send_header("Content-Length", str(len(body or b"")))
            self.end_headers()
            self.wfile.write(body or b"")

        def log_message(self, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", files
    finally:
        server.shutdown()
        server.server_close()


def test_the_edit_model_answers_its_input_image_labelled(no_network: list[str]) -> None:
    files = rendered(
        "truefusion-edit", {"image": data_uri(png(), "image/png"), "prompt": "Make it blue"}
    ).files
    assert [f.name for f in files] == ["output-0.webp"]
    image = Image.open(io.BytesIO(files[0].data))
    assert image.size == (512, 384)  # enlarged to a readable size, aspect kept
    assert close_to(centre(image), RED)
    assert image.convert("RGB").getpixel((image.width // 2, 4)) == (0, 0, 0)  # the banner
    assert no_network == []


def test_the_edit_model_is_deterministic_and_needs_its_image() -> None:
    inputs = {"image": data_uri(png((10, 200, 30)), "image/png"), "prompt": "x", "output_format": "png"}
    assert (
        rendered("truefusion-edit", inputs).files[0].data == rendered("truefusion-edit", inputs).files[0].data
    )
    with pytest.raises(InputError, match="'image' is required"):
        CATALOG.validate(CATALOG.get("truefusion-edit"), {"prompt": "x"})  # type: ignore[arg-type]


def test_a_url_off_loopback_is_never_fetched_and_a_notice_shows(no_network: list[str]) -> None:
    picture = input_media.input_picture("https://example.com/cat.png")
    assert picture.image is None and "loopback" in picture.problem
    files = rendered("truefusion-edit", {"image": "https://example.com/cat.png", "prompt": "x"}).files
    assert Image.open(io.BytesIO(files[0].data)).size == (1024, 1024)
    assert no_network == []
    for url in ("http://10.0.0.1/x.png", "http://localhost.example.com/x.png", "ftp://127.0.0.1/x.png"):
        assert isinstance(input_media.read_input(url), str)
    assert no_network == []


def test_a_loopback_url_is_fetched(loopback_files: tuple[str, dict[str, bytes]]) -> None:
    origin, files = loopback_files
    files["/blue.png"] = png((20, 20, 220))
    out = rendered("truefusion-edit", {"image": f"{origin}/blue.png", "prompt": "x"}).files[0]
    assert close_to(centre(Image.open(io.BytesIO(out.data))), (20, 20, 220))
    assert (
        input_media.read_input(f"{origin}/missing.png")
        == f"input not fetched: {origin}/missing.png answered 404"
    )


def frames_of(data: bytes) -> list[Image.Image]:
    with av.open(io.BytesIO(data)) as container:
        return [frame.to_image() for frame in container.decode(video=0)]


def test_the_lip_sync_clip_shows_the_input_image_for_as_long_as_the_audio() -> None:
    out = rendered(
        "lipfusion", {"image": data_uri(png(), "image/png"), "audio": data_uri(wav(2.5), "audio/wav")}
    ).files[0]
    assert (out.name, out.content_type) == ("output.mp4", "video/mp4")
    frames = frames_of(out.data)
    assert len(frames) == 20  # 2.5 s at 8 fps
    assert frames[0].size == (640, 480) and close_to(centre(frames[0]), RED, 40)


def test_the_lip_sync_clip_takes_the_first_frame_of_an_input_video() -> None:
    video = rendered(
        "lipfusion", {"image": data_uri(png((20, 200, 20)), "image/png"), "audio": "https://x.test/a"}
    )
    clip = rendered(
        "lipfusion",
        {"video": data_uri(video.files[0].data, "video/mp4"), "audio": data_uri(wav(1), "audio/wav")},
    ).files[0]
    frames = frames_of(clip.data)
    assert len(frames) == 8 and close_to(centre(frames[0]), (20, 200, 20), 40)


def test_the_lip_sync_model_needs_a_video_or_an_image() -> None:
    model = CATALOG.get("lipfusion")
    assert model is not None
    with pytest.raises(InputError) as error:
        CATALOG.validate(model, {"audio": "https://example.com/a.wav"})
    assert (
        error.value.field == "video"
        and error.value.message == "Invalid input: 'video' or 'image' is required"
    )
    assert CATALOG.validate(model, {"audio": "https://x.test/a.wav", "video": "https://x.test/v.mp4"})


def test_audio_length_of_wav_and_of_encoded_audio() -> None:
    assert input_media.audio_seconds(data_uri(wav(1.5), "audio/wav")) == pytest.approx(1.5)
    mp3 = rendered("soundfusion", {"prompt": "rain", "duration": 3}).files[0]
    seconds = input_media.audio_seconds(data_uri(mp3.data, "audio/mpeg"))
    assert seconds is not None and 1.0 <= seconds <= 4.5  # the emulator caps its tracks at a few seconds
    assert input_media.audio_seconds("data:audio/wav;base64,AAAA") is None
