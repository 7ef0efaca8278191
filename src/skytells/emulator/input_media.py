"""What a prediction's file inputs carry: the picture of an input image or video, an audio's length.

An input is read from a ``data:`` URI, or fetched from an ``http(s)`` URL on a loopback host (such as
the emulator's own ``/v1/files/...``); nothing else is ever fetched, so the emulator never reaches the
network. Called from the render threads, never on the event loop.

>>> picture = input_picture("data:image/png;base64,iVBORw0KGgo...")
>>> picture.image.size if picture.image else picture.problem
(64, 64)
"""

from __future__ import annotations

import base64
import binascii
import io
import ipaddress
import wave
from dataclasses import dataclass
from urllib.parse import unquote_to_bytes, urlsplit

import httpx
from PIL import Image, UnidentifiedImageError

__all__ = ["MAX_INPUT_BYTES", "InputPicture", "audio_seconds", "input_picture", "read_input"]

#: The most bytes read from one input (a data: URI is already bounded by the request body limit).
MAX_INPUT_BYTES = 32 * 1024 * 1024
FETCH_TIMEOUT_S = 5.0
NOT_FETCHED = "input not fetched: the emulator reads data: URIs and loopback URLs only"


@dataclass(frozen=True)
class InputPicture:
    """The picture an input shows (RGB), or why there is none."""

    image: Image.Image | None
    problem: str = ""


def read_input(value: str) -> bytes | str:
    """The bytes behind an input ``data:`` URI or loopback URL, or a sentence saying why not."""
    if value[:5].lower() == "data:":
        return _data_bytes(value)
    parts = urlsplit(value)
    if parts.scheme.lower() not in ("http", "https") or not _is_loopback(parts.hostname or ""):
        return NOT_FETCHED
    try:
        with httpx.stream("GET", value, timeout=FETCH_TIMEOUT_S, follow_redirects=False) as reply:
            if reply.status_code != 200:
                return f"input not fetched: {value} answered {reply.status_code}"
            chunks: list[bytes] = []
            size = 0
            for chunk in reply.iter_bytes():
                size += len(chunk)
                if size > MAX_INPUT_BYTES:
                    return "input not read: larger than 32 MiB"
                chunks.append(chunk)
            return b"".join(chunks)
    except httpx.HTTPError as error:
        return f"input not fetched: {type(error).__name__}"


def _is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _data_bytes(value: str) -> bytes | str:
    header, comma, payload = value.partition(",")
    if not comma:
        return "input not read: a data: URI without a comma"
    if header.lower().endswith(";base64"):
        try:
            return base64.b64decode(payload, validate=False)
        except (binascii.Error, ValueError):
            return "input not read: its base64 does not decode"
    return unquote_to_bytes(payload)


def input_picture(value: object) -> InputPicture:
    """The picture of an input image, or the first frame of an input video."""
    if not isinstance(value, str) or not value:
        return InputPicture(None, "no input image")
    data = read_input(value)
    if isinstance(data, str):
        return InputPicture(None, data)
    try:
        with Image.open(io.BytesIO(data)) as opened:
            return InputPicture(opened.convert("RGB"))
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        pass
    frame = _first_video_frame(data)
    return InputPicture(frame) if frame is not None else InputPicture(None, "input is not an image or video")


def _first_video_frame(data: bytes) -> Image.Image | None:
    import av

    try:
        with av.open(io.BytesIO(data), "r") as container:
            for frame in container.decode(video=0):
                image: Image.Image = frame.to_image().convert("RGB")
                return image
    except (av.FFmpegError, IndexError, ValueError, OSError):
        return None
    return None


def audio_seconds(value: object) -> float | None:
    """The length of an input audio (or video) in seconds, when it can be read cheaply."""
    if not isinstance(value, str) or not value:
        return None
    data = read_input(value)
    if isinstance(data, str):
        return None
    try:
        with wave.open(io.BytesIO(data)) as wav:
            return float(wav.getnframes()) / float(wav.getframerate())
    except (wave.Error, EOFError, ZeroDivisionError):
        pass
    return _container_seconds(data)


def _container_seconds(data: bytes) -> float | None:
    import av

    try:
        with av.open(io.BytesIO(data), "r") as container:
            if container.duration:
                return float(container.duration) / av.time_base
            stream = container.streams.audio[0] if container.streams.audio else None
            if stream is not None and stream.duration and stream.time_base:
                return float(stream.duration * stream.time_base)
    except (av.FFmpegError, IndexError, ValueError, OSError):
        return None
    return None
