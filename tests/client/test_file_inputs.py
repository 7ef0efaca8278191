"""File inputs over HTTP, both clients: a Path, bytes or a file object arrives as a data: URI, the
emulator's output shows it, the MIME type is right, and an oversized file is refused before sending."""

from __future__ import annotations

import base64
import io
import wave
from pathlib import Path
from typing import Any

import av
import pytest
from PIL import Image

import skytells
from tests.client.conftest import Harness

RED, GREEN, BLUE = (210, 30, 30), (30, 190, 60), (40, 60, 220)
BIG = 8 * 1024 * 1024  # 10.7 MiB once base64-encoded: over the 10 MiB request limit


def picture(color: tuple[int, int, int], fmt: str = "PNG") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (96, 64), color).save(out, fmt)
    return out.getvalue()


def output_image(sdk: Harness, prediction: Any) -> Image.Image:
    reply = sdk.plain.get(
        prediction.outputs()[0] if isinstance(prediction.outputs(), list) else prediction.outputs()
    )
    reply.raise_for_status()
    return Image.open(io.BytesIO(reply.content)).convert("RGB")


def shows(image: Image.Image, color: tuple[int, int, int], tolerance: int = 30) -> bool:
    """The middle of `image` (between the emulator's banner and its prompt band) is `color`."""
    pixel = image.getpixel((image.width // 2, image.height * 2 // 5))
    assert isinstance(pixel, tuple)
    return all(abs(a - b) <= tolerance for a, b in zip(pixel, color, strict=True))


def sent_image(recorder: Any) -> str:
    [create] = recorder.creates()
    value = create.json()["input"]["image"]
    assert isinstance(value, str)
    return value


def test_a_path_input_arrives_and_the_output_shows_it(sdk: Harness, tmp_path: Path) -> None:
    path = tmp_path / "red.png"
    path.write_bytes(picture(RED))
    prediction = sdk.resolve(
        sdk.client.run("truefusion-edit", input={"image": path, "prompt": "Make it pop"})
    )
    assert prediction.status == "succeeded"
    assert shows(output_image(sdk, prediction), RED)
    assert prediction["input"]["image"] == skytells.file_input(path)


@pytest.mark.parametrize("kind", ["bytes", "bytearray", "memoryview", "file", "bytesio"])
def test_bytes_and_file_objects_arrive(sdk: Harness, tmp_path: Path, kind: str) -> None:
    data = picture(GREEN)
    path = tmp_path / "green.png"
    path.write_bytes(data)
    with path.open("rb") as opened:
        value: Any = {
            "bytes": data,
            "bytearray": bytearray(data),
            "memoryview": memoryview(data),
            "file": opened,
            "bytesio": io.BytesIO(data),
        }[kind]
        prediction = sdk.resolve(
            sdk.client.predictions.create(model="truefusion-edit", input={"image": value, "prompt": "x"})
        )
    done = sdk.resolve(sdk.client.wait(prediction, interval=20))
    assert done.status == "succeeded" and shows(output_image(sdk, done), GREEN)
    assert done["input"]["image"] == "data:image/png;base64," + base64.b64encode(data).decode()


@pytest.mark.parametrize(
    ("name", "data", "mime"),
    [
        ("photo.jpg", picture(BLUE, "JPEG"), "image/jpeg"),
        ("photo.webp", picture(BLUE, "WEBP"), "image/webp"),
        ("clip.bin", picture(BLUE, "WEBP"), "image/webp"),  # an unknown name: the bytes tell
        (None, picture(BLUE, "GIF"), "image/gif"),  # bytes: sniffed
        (None, b"no magic here", "application/octet-stream"),
    ],
)
def test_the_mime_type_comes_from_the_name_then_the_bytes(
    sdk: Harness, tmp_path: Path, name: str | None, data: bytes, mime: str
) -> None:
    client, recorder = sdk.recording_client()
    value: Any = data
    if name is not None:
        value = tmp_path / name
        value.write_bytes(data)
    sdk.resolve(client.predictions.create(model="truefusion-edit", input={"image": value, "prompt": "x"}))
    assert sent_image(recorder) == f"data:{mime};base64," + base64.b64encode(data).decode()


def test_a_string_is_never_read_as_a_file(sdk: Harness, tmp_path: Path) -> None:
    (tmp_path / "red.png").write_bytes(picture(RED))
    client, recorder = sdk.recording_client()
    error = sdk.error(
        lambda: client.predictions.create(model="truefusion-edit", input={"image": "red.png", "prompt": "x"})
    )
    assert error.error_id == "INVALID_INPUT" and error.http_status == 400  # the server's answer
    assert sent_image(recorder) == "red.png"


def test_an_oversized_file_is_refused_before_any_request(sdk: Harness, tmp_path: Path) -> None:
    client, recorder = sdk.recording_client()
    path = tmp_path / "huge.png"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(BIG))
    calls = [
        lambda: client.run("truefusion-edit", input={"image": path, "prompt": "x"}),
        lambda: client.predict({"model": "truefusion-edit", "input": {"image": bytes(BIG), "prompt": "x"}}),
        lambda: client.predictions.create(
            model="lipfusion", input={"image": io.BytesIO(bytes(BIG)), "audio": b"x"}
        ),
        lambda: client.queue("truefusion-edit", input={"image": path, "prompt": "x"}),
        lambda: client.queue({"model": "truefusion-edit", "input": {"image": path, "prompt": "x"}}),
    ]
    for call in calls:
        error = sdk.error(call)
        assert isinstance(error, skytells.InvalidInputError)
        assert error.error_id == "INVALID_INPUT" and error.http_status == 0
        assert "'image'" in error.message and "10 MiB" in error.message
    assert recorder.requests == []


def test_files_just_under_the_limit_are_sent(sdk: Harness) -> None:
    client, recorder = sdk.recording_client()
    data = b"\x89PNG\r\n\x1a\n" + bytes(7 * 1024 * 1024)
    prediction = sdk.resolve(
        client.predictions.create(model="truefusion-edit", input={"image": data, "prompt": "x"})
    )
    assert prediction["id"] and len(recorder.creates()[0].body) <= 10 * 1024 * 1024


def test_a_lip_sync_clip_shows_the_input_image(sdk: Harness, tmp_path: Path) -> None:
    face = tmp_path / "face.png"
    face.write_bytes(picture(BLUE))
    audio = io.BytesIO()
    with wave.open(audio, "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(8000)
        wav.writeframes(bytes(2 * 8000 * 2))  # 2 s of silence
    prediction = sdk.resolve(
        sdk.client.run("lipfusion", input={"image": face, "audio": audio.getvalue()}, interval=20)
    )
    assert prediction["input"]["audio"].startswith("data:audio/wav;base64,")
    reply = sdk.plain.get(prediction.outputs())
    with av.open(io.BytesIO(reply.content)) as container:
        frames = [frame.to_image() for frame in container.decode(video=0)]
    assert len(frames) == 16 and shows(frames[0].convert("RGB"), BLUE, 45)


def test_queued_file_inputs_are_read_at_queue_time(sdk: Harness, tmp_path: Path) -> None:
    path = tmp_path / "red.png"
    path.write_bytes(picture(RED))
    with path.open("rb") as opened:
        assert (
            sdk.client.queue({"model": "truefusion-edit", "input": {"image": opened, "prompt": "x"}}) is None
        )
    [prediction] = sdk.resolve(sdk.client.dispatch())  # the file is closed by now
    done = sdk.resolve(sdk.client.wait(prediction, interval=20))
    assert shows(output_image(sdk, done), RED)


def test_file_input_encodes_one_file() -> None:
    assert skytells.file_input(b"GIF89a") == "data:image/gif;base64,R0lGODlh"
    assert skytells.file_input(b"GIF89a", mime="image/x-custom").startswith("data:image/x-custom;base64,")
    with pytest.raises(skytells.InvalidInputError, match="file not found"):
        skytells.file_input("no/such/file.png")
    with pytest.raises(skytells.InvalidInputError, match="open the file with 'rb'"):
        skytells.file_input(io.StringIO("text"))  # type: ignore[arg-type]
