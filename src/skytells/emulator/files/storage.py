"""Output files: render a prediction's outputs, write them under the data directory, and their URLs.

>>> files, text = write_outputs(store, model, prediction_id, inputs, unique=True)
>>> files[0]["url"]
'/v1/files/<prediction id>/output-0.webp'
"""

from __future__ import annotations

from typing import Any

from skytells.emulator.catalog import CatalogModel
from skytells.emulator.store import Store


def file_url(prediction_id: str, name: str) -> str:
    """The path an output file is served at (made absolute with the request's origin)."""
    return f"/v1/files/{prediction_id}/{name}"


def write_outputs(
    store: Store, model: CatalogModel, prediction_id: str, inputs: dict[str, Any], unique: bool
) -> tuple[list[dict[str, Any]], str | None]:
    """Render outputs and write them under the data directory (in the thread pool, but for text)."""
    from skytells.emulator.media import render  # Pillow and PyAV load on first use

    rendered = render(model, inputs, unique=unique)
    files: list[dict[str, Any]] = []
    for item in rendered.files:
        path = store.file_path(prediction_id, item.name)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(item.data)
        url = file_url(prediction_id, item.name)
        files.append({"name": item.name, "type": item.content_type, "size": len(item.data), "url": url})
    return files, rendered.text
