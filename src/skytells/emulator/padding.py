"""Grow an encoded file to an exact size with the padding its own format provides, so decoders skip it.

An output's size is announced when its prediction completes, before its bytes exist (they are made on
the first download); the file made later is padded up to that size:

============  ===========================================================================
WebP          an extended (``VP8X``) file whose ``XMP`` chunk is an XMP packet with whitespace padding
PNG           an ``iTXt`` chunk holding the same XMP packet, before ``IEND``
JPEG          ``COM`` (comment) segments after the start of image
MP3           an ID3v2.4 tag in front: one ``TSSE`` frame, then zero padding
MP4           a top-level ``free`` box at the end
WAV, PCM      never padded: their size follows from the sample rate and length alone
============  ===========================================================================

>>> padded = pad(png_bytes, "png", 40_000)
>>> len(padded)
40000
"""

from __future__ import annotations

import struct
import zlib

__all__ = ["PADDED_FORMATS", "TooLarge", "min_overhead", "pad"]

NOTE = "Skytells emulator output; padded to the size announced when its prediction completed."
_XMP_HEAD = (
    '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>\n'
    '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
    '<rdf:Description rdf:about="" xmlns:xmp="http://ns.adobe.com/xap/1.0/">'
    f"<xmp:CreatorTool>{NOTE}</xmp:CreatorTool></rdf:Description></rdf:RDF></x:xmpmeta>\n"
).encode()
_XMP_TAIL = b'\n<?xpacket end="w"?>'
_XMP_KEYWORD = b"XML:com.adobe.xmp\x00\x00\x00\x00\x00"  # iTXt: keyword, no compression, no language
_ID3_FRAME_TEXT = b"\x03" + NOTE.encode()  # UTF-8 text of a TSSE frame
_COM_MAX = 65533  # bytes of text in one JPEG comment segment

#: the formats :func:`pad` grows (the others' sizes never vary)
PADDED_FORMATS = frozenset({"webp", "png", "jpeg", "jpg", "mp3", "mp4"})


class TooLarge(ValueError):
    """The encoded file does not fit in the size announced for it."""


def min_overhead(fmt: str) -> int:
    """The fewest bytes padding adds to a file of format ``fmt``."""
    return {
        "webp": 18 + 8 + len(_XMP_HEAD) + len(_XMP_TAIL),
        "png": 12 + len(_XMP_KEYWORD) + len(_XMP_HEAD) + len(_XMP_TAIL),
        "jpeg": 4 + len(NOTE),
        "jpg": 4 + len(NOTE),
        "mp3": 10 + 10 + len(_ID3_FRAME_TEXT),
        "mp4": 8,
    }.get(fmt, 0)


def pad(data: bytes, fmt: str, size: int) -> bytes:
    """``data`` grown to exactly ``size`` bytes; :class:`TooLarge` when it cannot fit."""
    if fmt not in PADDED_FORMATS:
        if len(data) != size:
            raise TooLarge(f"a {fmt} file of {len(data)} bytes cannot be made {size} bytes")
        return data
    room = size - len(data) - min_overhead(fmt)
    if room < 0:
        raise TooLarge(f"a {fmt} file of {len(data)} bytes does not fit in {size} bytes")
    if fmt == "webp":
        return _webp(data, size)
    if fmt == "png":
        return _png(data, room)
    if fmt in ("jpeg", "jpg"):
        return _jpeg(data, size - len(data))
    if fmt == "mp3":
        return _mp3(data, room)
    return data + struct.pack(">I", size - len(data)) + b"free" + bytes(size - len(data) - 8)


def _xmp(extra: int) -> bytes:
    """An XMP packet with ``extra`` bytes of whitespace padding (the packet's own provision for it)."""
    return _XMP_HEAD + (b" " * 99 + b"\n") * (extra // 100) + b" " * (extra % 100) + _XMP_TAIL


def _webp(data: bytes, size: int) -> bytes:
    if data[:4] != b"RIFF" or data[8:12] != b"WEBP" or data[12:16] not in (b"VP8 ", b"VP8L"):
        raise ValueError("not a simple WebP file")
    if size % 2:
        raise TooLarge("a WebP file is always an even number of bytes")
    image = data[12:]
    width, height = _webp_size(image)
    vp8x = b"VP8X" + struct.pack("<I", 10) + bytes([0x04, 0, 0, 0])  # flags: XMP metadata present
    vp8x += (width - 1).to_bytes(3, "little") + (height - 1).to_bytes(3, "little")
    packet = _xmp(size - 12 - len(vp8x) - len(image) - 8 - len(_XMP_HEAD) - len(_XMP_TAIL))
    body = b"WEBP" + vp8x + image + b"XMP " + struct.pack("<I", len(packet)) + packet
    return b"RIFF" + struct.pack("<I", len(body)) + body


def _webp_size(chunk: bytes) -> tuple[int, int]:
    payload = chunk[8:]
    if chunk[:4] == b"VP8L":
        bits = int.from_bytes(payload[1:5], "little")
        return (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
    return (int.from_bytes(payload[6:8], "little") & 0x3FFF, int.from_bytes(payload[8:10], "little") & 0x3FFF)


def _png(data: bytes, room: int) -> bytes:
    end = data.rfind(b"IEND") - 4
    if end < 8:
        raise ValueError("not a PNG file")
    text = _XMP_KEYWORD + _xmp(room)
    chunk = struct.pack(">I", len(text)) + b"iTXt" + text + struct.pack(">I", zlib.crc32(b"iTXt" + text))
    return data[:end] + chunk + data[end:]


def _jpeg(data: bytes, extra: int) -> bytes:
    """Comment segments (each 4 bytes of marker and length, then up to 65,533 of text) adding ``extra``."""
    if data[:2] != b"\xff\xd8":
        raise ValueError("not a JPEG file")
    at = 2
    if data[2:4] == b"\xff\xe0":  # JFIF wants its APP0 segment right after the start of image
        at = 4 + int.from_bytes(data[4:6], "big")
    count = -(-extra // (_COM_MAX + 4))
    sizes = [extra // count + (1 if i < extra % count else 0) for i in range(count)]
    segments = b""
    for total in sizes:
        text = (NOTE.encode() + b" " * total)[: total - 4]
        segments += b"\xff\xfe" + struct.pack(">H", total - 2) + text
    return data[:at] + segments + data[at:]


def _mp3(data: bytes, room: int) -> bytes:
    frame = b"TSSE" + _syncsafe(len(_ID3_FRAME_TEXT)) + b"\x00\x00" + _ID3_FRAME_TEXT
    body = frame + bytes(room)
    return b"ID3\x04\x00\x00" + _syncsafe(len(body)) + body + data


def _syncsafe(value: int) -> bytes:
    if value >= 1 << 28:
        raise TooLarge("an ID3 tag holds at most 256 MiB")
    return bytes((value >> shift) & 0x7F for shift in (21, 14, 7, 0))
