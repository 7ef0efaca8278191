"""Prediction outputs: normalised values, the URLs of the output files, safe local file names."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import unquote, urlsplit


def normalise_outputs(output: Any) -> Any:
    """``None`` -> None, ``"u"`` -> "u", ``["u"]`` -> "u", ``["a", "b"]`` -> same list, ``[]`` -> []."""
    if isinstance(output, (list, tuple)):
        return output[0] if len(output) == 1 else list(output)
    return output


def output_urls(prediction: Mapping[str, Any]) -> list[str]:
    """Every URL of the output files: ``output`` URLs, else ``metadata.storage.files``."""
    output = prediction.get("output")
    items = output if isinstance(output, (list, tuple)) else [output]
    urls = [u for u in items if isinstance(u, str) and u.startswith(("http://", "https://"))]
    if urls:
        return urls
    metadata = prediction.get("metadata") or {}
    files = ((metadata.get("storage") or {}) if isinstance(metadata, dict) else {}).get("files") or []
    return [f["url"] for f in files if isinstance(f, dict) and isinstance(f.get("url"), str)]


_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def folder_name_for(prediction_id: str) -> str:
    """The folder a prediction's files are saved in: its id, made safe (no path parts, no dots first)."""
    return _UNSAFE.sub("_", posixpath.basename(prediction_id.replace("\\", "/"))).lstrip(".") or "prediction"


def file_name_for(url: str, index: int, prediction_id: str, used: set[str]) -> str:
    """A safe, unique local file name for an output URL (no directories, no traversal)."""
    base = posixpath.basename(unquote(urlsplit(url).path)) or f"output-{index}"
    base = _UNSAFE.sub("_", base).lstrip(".") or f"output-{index}"
    name = base
    stem, dot, ext = base.rpartition(".")
    if not dot:
        stem, ext = base, ""
    n = 1
    while name in used:
        name = f"{stem}-{n}{dot}{ext}"
        n += 1
    used.add(name)
    return name
