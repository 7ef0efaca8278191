"""The I/O-free file input encoder: which values are files, MIME sniffing, the body limit."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from skytells import InvalidInputError
from skytells._core._file_inputs import (
    MAX_REQUEST_BYTES,
    FileData,
    encode_body_files,
    encode_file_inputs,
    has_file_inputs,
    sniff_mime,
)


@pytest.mark.parametrize(
    ("head", "mime"),
    [
        (b"\x89PNG\r\n\x1a\n", "image/png"),
        (b"\xff\xd8\xff\xe0", "image/jpeg"),
        (b"RIFF\0\0\0\0WEBPVP8 ", "image/webp"),
        (b"RIFF\0\0\0\0WAVEfmt ", "audio/wav"),
        (b"RIFF\0\0\0\0AVI LIST", "video/x-msvideo"),
        (b"ID3\x04", "audio/mpeg"),
        (b"\xff\xfb\x90\x00", "audio/mpeg"),
        (b"\xff\xf1\x50\x80", "audio/aac"),
        (b"OggS\0", "audio/ogg"),
        (b"fLaC", "audio/flac"),
        (b"\0\0\0\x18ftypisom", "video/mp4"),
        (b"\0\0\0\x14ftypqt  ", "video/quicktime"),
        (b"\0\0\0\x20ftypM4A ", "audio/mp4"),
        (b"\0\0\0\x1cftypavif", "image/avif"),
        (b"\0\0\0\x18ftypheic", "image/heic"),
        (b"\x1a\x45\xdf\xa3\x93\x42\x82\x88webm", "video/webm"),
        (b"\x1a\x45\xdf\xa3\x93\x42\x82\x88matroska", "video/x-matroska"),
        (b"hello", "application/octet-stream"),
        (b"", "application/octet-stream"),
    ],
)
def test_the_mime_type_is_sniffed_from_the_first_bytes(head: bytes, mime: str) -> None:
    assert sniff_mime(head) == mime


def test_which_values_are_files() -> None:
    assert has_file_inputs({"a": [1, {"b": Path("x")}]}) and has_file_inputs({"a": io.BytesIO()})
    assert has_file_inputs({"a": b""}) and not has_file_inputs({"a": b""}, local=True)
    assert not has_file_inputs({"a": "photo.png", "b": [1, "x"], "c": None})


def test_nested_files_are_encoded_and_everything_else_kept() -> None:
    encoded = encode_file_inputs({"images": [b"GIF89a", FileData(b"x", "text/plain")], "n": 2}, read=None)
    assert encoded == {"images": ["data:image/gif;base64,R0lGODlh", "data:text/plain;base64,eA=="], "n": 2}


def test_the_whole_body_must_fit_the_limit() -> None:
    rest = {"model": "m", "input": {"prompt": "p" * 1000, "image": b""}}
    room = MAX_REQUEST_BYTES - len(b'{"model":"m","input":{"prompt":"' + b"p" * 1000 + b'","image":""}}')
    fits = (room - len("data:application/octet-stream;base64,")) // 4 * 3
    assert encode_body_files({**rest, "input": {**rest["input"], "image": bytes(fits)}}, read=None)
    with pytest.raises(InvalidInputError, match="Input 'image': too large") as error:
        encode_body_files({**rest, "input": {**rest["input"], "image": bytes(fits + 3)}}, read=None)
    assert error.value.http_status == 0


def test_a_path_needs_a_reader() -> None:
    with pytest.raises(InvalidInputError, match="cannot be read here"):
        encode_file_inputs({"image": Path("x.png")}, read=None)
