"""Save a prediction's outputs into a local directory.

URL outputs are downloaded (named as in ``metadata.storage.files`` when listed there); a text output
is written to ``output.txt``. Files land in ``<directory>/<prediction id>/``; a download is written to a
``.part`` file first, so an interrupted one never leaves a truncated file under the real name.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import unquote, urlsplit

import httpx

from ._errors import CliError, ExitCode


def output_values(prediction: Mapping[str, Any]) -> list[str]:
    """The prediction's output as a list of strings (URLs or text)."""
    output = prediction.get("output")
    if output is None:
        return []
    if isinstance(output, list):
        return [str(item) for item in output if item is not None]
    return [str(output)]


def is_url(value: str) -> bool:
    return value.startswith(("http://", "https://"))


def download_outputs(
    prediction: Mapping[str, Any], directory: Path, *, api_base_url: str, api_key: str
) -> list[Path]:
    """Save every output of `prediction` under ``directory/<id>/`` and return the paths written.

    The API key is sent only to the API's own origin (where emulator files are served), never elsewhere.
    """
    try:
        return _save_all(prediction, directory, api_base_url, api_key)
    except OSError as error:
        pid = prediction.get("id")
        retry = f"skytells predictions wait {pid} --output-dir DIR"
        message = f"could not save the outputs in {directory}: {error} (prediction {pid} is kept: {retry})"
        raise CliError(message, "DOWNLOAD_FAILED") from error


def _save_all(prediction: Mapping[str, Any], directory: Path, api_base_url: str, api_key: str) -> list[Path]:
    values = output_values(prediction)
    if not values:
        return []
    target = directory / _safe_name(str(prediction.get("id") or "prediction"))
    target.mkdir(parents=True, exist_ok=True)
    names = _storage_names(prediction)
    paths: list[Path] = []
    texts = [value for value in values if not is_url(value)]
    with httpx.Client(timeout=httpx.Timeout(60.0), follow_redirects=True) as http:
        for index, url in enumerate(value for value in values if is_url(value)):
            name = _unique(names.get(url) or _name_from_url(url, index), paths)
            headers = {"x-api-key": api_key} if _same_origin(url, api_base_url) else {}
            paths.append(_fetch(http, url, target / name, headers))
    if texts:
        path = target / _unique("output.txt", paths)
        path.write_text("\n".join(texts), encoding="utf-8")
        paths.append(path)
    return paths


def _fetch(http: httpx.Client, url: str, path: Path, headers: dict[str, str]) -> Path:
    partial = path.with_name(path.name + ".part")
    try:
        with http.stream("GET", url, headers=headers) as response:
            if response.status_code >= 400:
                raise CliError(
                    f"could not download {url}: HTTP {response.status_code}",
                    "DOWNLOAD_FAILED",
                    ExitCode.ERROR,
                )
            with partial.open("wb") as file:
                for chunk in response.iter_bytes():
                    file.write(chunk)
    except httpx.HTTPError as error:
        partial.unlink(missing_ok=True)
        raise CliError(f"could not download {url}: {error}", "NETWORK_ERROR", ExitCode.NETWORK) from error
    partial.replace(path)
    return path


def _storage_names(prediction: Mapping[str, Any]) -> dict[str, str]:
    metadata = prediction.get("metadata") or {}
    storage = (metadata.get("storage") or {}) if isinstance(metadata, Mapping) else {}
    files = (storage.get("files") or []) if isinstance(storage, Mapping) else []
    return {
        str(f["url"]): _safe_name(str(f["name"]))
        for f in files
        if isinstance(f, Mapping) and f.get("url") and f.get("name")
    }


def _name_from_url(url: str, index: int) -> str:
    name = PurePosixPath(unquote(urlsplit(url).path)).name
    return _safe_name(name) if name else f"output-{index}"


def _safe_name(name: str) -> str:
    """A file name with no directory parts, so an output can never be written outside its folder."""
    cleaned = PurePosixPath(name.replace("\\", "/")).name.strip().lstrip(".")
    return cleaned or "output"


def _unique(name: str, taken: list[Path]) -> str:
    used = {path.name for path in taken}
    stem, dot, suffix = name.rpartition(".")
    candidate, n = name, 1
    while candidate in used:
        candidate = f"{stem}-{n}.{suffix}" if dot else f"{name}-{n}"
        n += 1
    return candidate


def _same_origin(url: str, base_url: str) -> bool:
    a, b = urlsplit(url), urlsplit(base_url)
    return (a.scheme, a.hostname, a.port) == (b.scheme, b.hostname, b.port)
