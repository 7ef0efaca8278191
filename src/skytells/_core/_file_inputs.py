"""File inputs as ``data:`` URIs: which input values are files, their MIME type, the size limit.

I/O-free: bytes are encoded here; a local path or a file object is read by the ``read`` function the
caller passes in (the namespaces read small files synchronously, the async ones in a worker thread).

>>> encode_file_inputs({"image": b"\\x89PNG\\r\\n\\x1a\\n...", "prompt": "A cat"}, read=None)["image"][:22]
'data:image/png;base64,'
"""

from __future__ import annotations

import base64
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from .._exceptions import SkytellsError
from ._errors import make_error
from ._json import encode_json

#: The largest request body that carries file inputs, their ``data:`` URIs included: the API's and the
#: emulator's default body limit.
MAX_REQUEST_BYTES = 10 * 1024 * 1024
_BYTES = (bytes, bytearray, memoryview)


@dataclass(frozen=True)
class FileData:
    """A file's bytes and, when known, its MIME type (from its name)."""

    data: bytes
    mime: str | None = None


#: ``read(source, max_bytes)``: the bytes of a path or file object (at most ``max_bytes + 1`` of them, so
#: an oversized file is noticed without reading all of it), raising ``SkytellsError`` when it cannot.
Reader = Callable[[Any, str, int], FileData]


def is_file_value(value: Any) -> bool:
    """A value the SDK sends as a file: a path object, bytes, or a binary file object.

    A plain ``str`` is never a file: it may be a URL, a ``data:`` URI or a prompt.
    """
    return isinstance(value, (os.PathLike, *_BYTES, FileData)) or is_file_object(value)


def is_file_object(value: Any) -> bool:
    return not isinstance(value, (str, *_BYTES)) and callable(getattr(value, "read", None))


def needs_reading(value: Any) -> bool:
    """A path or a file object: reading it is I/O."""
    return isinstance(value, os.PathLike) or is_file_object(value)


def has_file_inputs(input: Any, *, local: bool = False) -> bool:
    """Whether ``input`` holds a file value anywhere (only paths and file objects when ``local``)."""
    check = needs_reading if local else is_file_value
    if isinstance(input, Mapping):
        return any(has_file_inputs(v, local=local) for v in input.values())
    if isinstance(input, (list, tuple)):
        return any(has_file_inputs(v, local=local) for v in input)
    return check(input)


def encode_body_files(body: Mapping[str, Any], read: Reader | None) -> dict[str, Any]:
    """A create body with its input's file values encoded, so that the whole body, encoded as JSON,
    stays within :data:`MAX_REQUEST_BYTES` (``INVALID_INPUT`` before anything is sent otherwise)."""
    input = body.get("input")
    if not isinstance(input, Mapping) or not has_file_inputs(input):
        return dict(body)
    rest = len(encode_json({**body, "input": _blank_files(input)}))
    return {**body, "input": encode_file_inputs(input, read, MAX_REQUEST_BYTES - rest)}


def _blank_files(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {k: _blank_files(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_blank_files(v) for v in value]
    return "" if is_file_value(value) else value


def encode_file_inputs(
    input: Mapping[str, Any], read: Reader | None, budget: int = MAX_REQUEST_BYTES
) -> dict[str, Any]:
    """``input`` with every file value (at any depth) replaced by its ``data:`` URI.

    ``INVALID_INPUT`` (nothing sent) naming the field when the ``data:`` URIs together take more than
    ``budget`` characters, or when a file cannot be read.
    """
    left = [budget]

    def encode(value: Any, field: str) -> Any:
        if isinstance(value, Mapping):
            return {k: encode(v, f"{field}.{k}" if field else str(k)) for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            return [encode(v, f"{field}[{i}]") for i, v in enumerate(value)]
        if not is_file_value(value):
            return value
        file = _file_data(value, field, read, max_raw_bytes(left[0]))
        uri = data_uri(file.data, file.mime)
        left[0] -= len(uri)
        if left[0] < 0:
            raise too_large(field, len(uri))
        return uri

    return {k: encode(v, str(k)) for k, v in input.items()}


def _file_data(value: Any, field: str, read: Reader | None, limit: int) -> FileData:
    if isinstance(value, FileData):
        return value
    if isinstance(value, _BYTES):
        return FileData(bytes(value))
    if read is None:
        raise invalid_file(field, "a path or file object cannot be read here; pass its bytes")
    return read(value, field, limit)


def max_raw_bytes(encoded_budget: int) -> int:
    """The largest file whose ``data:`` URI can still fit in ``encoded_budget`` characters."""
    return max(0, encoded_budget) * 3 // 4


def encoded_size(raw_bytes: int) -> int:
    """The length of the base64 text of ``raw_bytes`` bytes (what a ``data:`` URI carries)."""
    return (raw_bytes + 2) // 3 * 4


def data_uri(data: bytes, mime: str | None = None) -> str:
    """``data:<mime>;base64,<data>``; the MIME type sniffed from the bytes when not given.

    >>> data_uri(b"GIF89a")
    'data:image/gif;base64,R0lGODlh'
    """
    kind = mime or sniff_mime(data)
    return f"data:{kind};base64,{base64.b64encode(data).decode('ascii')}"


def sniff_mime(data: bytes) -> str:
    """The MIME type of common image, audio and video files from their first bytes, else
    ``application/octet-stream``."""
    head = bytes(data[:64])
    for magic, kind in _MAGIC:
        if head.startswith(magic):
            return kind
    if head[:4] == b"RIFF" and len(head) >= 12:
        return _RIFF.get(head[8:12], "application/octet-stream")
    if head[4:8] == b"ftyp":
        return _iso_media(head[8:12])
    if head[:4] == b"\x1a\x45\xdf\xa3":
        return "video/webm" if b"webm" in bytes(data[:4096]) else "video/x-matroska"
    if len(head) >= 2 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0:  # an MPEG audio frame
        return "audio/aac" if head[1] & 0x06 == 0 else "audio/mpeg"
    return "application/octet-stream"


_MAGIC = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
    (b"BM", "image/bmp"),
    (b"II*\x00", "image/tiff"),
    (b"MM\x00*", "image/tiff"),
    (b"ID3", "audio/mpeg"),
    (b"OggS", "audio/ogg"),
    (b"fLaC", "audio/flac"),
    (b"%PDF-", "application/pdf"),
)
_RIFF = {b"WEBP": "image/webp", b"WAVE": "audio/wav", b"AVI ": "video/x-msvideo"}


def _iso_media(brand: bytes) -> str:
    """An ISO base media file (MP4 family) by its major brand."""
    if brand in (b"avif", b"avis"):
        return "image/avif"
    if brand in (b"heic", b"heix", b"mif1", b"msf1"):
        return "image/heic"
    if brand in (b"M4A ", b"M4B "):
        return "audio/mp4"
    if brand == b"qt  ":
        return "video/quicktime"
    return "video/mp4"


def _mib(size: int) -> str:
    return f"{size / (1024 * 1024):.1f}".removesuffix(".0") + " MiB"


def too_large(field: str, encoded: int) -> SkytellsError:
    """The file input ``field`` does not fit: a request may carry :data:`MAX_REQUEST_BYTES`."""
    return invalid_file(
        field,
        f"too large: a request may carry {_mib(MAX_REQUEST_BYTES)} with its file inputs encoded as "
        f"data: URIs, and this file takes at least {_mib(encoded)} encoded; pass a URL to it instead",
    )


def invalid_file(field: str, problem: str) -> SkytellsError:
    """``INVALID_INPUT`` (status 0: nothing was sent) about the file input ``field``."""
    message = f"Input '{field}': {problem}"
    return make_error(message, "INVALID_INPUT", f"{message}. The request was not sent.", 0)
