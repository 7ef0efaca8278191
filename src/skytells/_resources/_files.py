"""File inputs of the prediction methods: local paths and file objects read, everything encoded.

The core encodes (``_core._file_inputs``); this module does the reading, which is I/O: the sync
namespaces read in the calling thread, the async ones in a worker thread (``asyncio.to_thread``), so
an event loop never waits on a disk.

>>> file_input(Path("photo.png"))
'data:image/png;base64,iVBORw0KGgo...'
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from .._core._file_inputs import (
    FileData,
    encode_body_files,
    encode_file_inputs,
    encoded_size,
    has_file_inputs,
    invalid_file,
    is_file_value,
    too_large,
)
from .._exceptions import SkytellsError
from ..types._files import FileInput

__all__ = ["aencode_body", "encode_body", "file_input", "read_file"]


def file_input(source: FileInput | str, *, mime: str | None = None) -> str:
    """One file as the ``data:`` URI the SDK sends for it: a path (``str`` or ``Path`` here), bytes, or
    a binary file object. The MIME type comes from ``mime``, the file name, or the first bytes.

    At most 10 MiB once encoded (the request body limit); larger is ``INVALID_INPUT``.

    >>> import skytells
    >>> skytells.file_input("photo.png")[:22]
    'data:image/png;base64,'
    """
    if isinstance(source, str):
        source = Path(source)
    if not is_file_value(source):
        raise invalid_file("file", f"expected a path, bytes or a binary file, not {type(source).__name__}")
    encoded = encode_file_inputs({"file": source}, read_file)["file"]
    assert isinstance(encoded, str)
    if mime is not None:
        encoded = f"data:{mime};base64,{encoded.partition(',')[2]}"
    return encoded


def encode_body(body: dict[str, Any]) -> dict[str, Any]:
    """``body`` with the file values of its input sent as ``data:`` URIs (reading local files here)."""
    return encode_body_files(body, read_file) if has_file_inputs(body.get("input")) else body


async def aencode_body(body: dict[str, Any]) -> dict[str, Any]:
    """:func:`encode_body` in a worker thread when the input holds files (nothing to do otherwise)."""
    if not has_file_inputs(body.get("input")):
        return body
    import asyncio  # here: import skytells does not load asyncio

    return await asyncio.to_thread(encode_body_files, body, read_file)


def read_file(source: Any, field: str, limit: int) -> FileData:
    """The bytes of a path or binary file object (at most ``limit + 1`` of them), and its MIME type
    from its name when ``mimetypes`` knows it."""
    if isinstance(source, os.PathLike):
        return _read_path(Path(os.fspath(source)), field, limit)
    try:
        data = source.read(limit + 1)
    except (OSError, ValueError) as error:
        raise invalid_file(field, f"the file could not be read ({error})") from None
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise invalid_file(field, f"the file object gave {type(data).__name__}; open the file with 'rb'")
    name = getattr(source, "name", None)
    return FileData(bytes(data), _mime_of(name) if isinstance(name, str) else None)


def _read_path(path: Path, field: str, limit: int) -> FileData:
    try:
        size = path.stat().st_size
        if size > limit:
            raise too_large(field, encoded_size(size))
        data = path.read_bytes()
    except FileNotFoundError:
        raise invalid_file(field, f"file not found: {path}") from None
    except IsADirectoryError:
        raise invalid_file(field, f"{path} is a directory, not a file") from None
    except SkytellsError:
        raise
    except OSError as error:
        raise invalid_file(field, f"{path} could not be read ({error.strerror or error})") from None
    return FileData(data[: limit + 1], _mime_of(path.name))


def _mime_of(name: str) -> str | None:
    import mimetypes  # loads the system's type tables: only when a named file is sent

    kind = mimetypes.guess_type(name, strict=False)[0]
    return kind if kind != "application/octet-stream" else None
