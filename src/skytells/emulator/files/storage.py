"""Output files: planned when a prediction completes, made and written on their first download.

A completing prediction gets its files' names, types, exact sizes and URLs from :func:`plan_outputs`
without any rendering (the sizes are known in advance, see ``media.plan``), so a burst of predictions
finishes as fast as its timers; :func:`write_output` renders one file into the data directory when it
is first asked for. Outputs that show file inputs (an edit of an input image, a lip-sync) are the
exception: their sizes depend on what the inputs hold, so they are rendered and written when the
prediction completes.

>>> files, text = plan_outputs(store, model, prediction_id, inputs, unique=True)
>>> files[0]
{'name': 'output-0.webp', 'type': 'image/webp', 'size': 81234, 'url': '/v1/files/<id>/output-0.webp'}
>>> write_output(store, model, prediction_id, inputs, "output-0.webp", unique=True).stat().st_size
81234
"""

from __future__ import annotations

import contextlib
import os
import sys
from pathlib import Path
from typing import Any

from skytells.emulator.catalog import PER_PREDICTION_INPUTS, CatalogModel
from skytells.emulator.store import Store


def file_url(prediction_id: str, name: str) -> str:
    """The path an output file is served at (made absolute with the request's origin)."""
    return f"/v1/files/{prediction_id}/{name}"


def plan_outputs(
    store: Store, model: CatalogModel, prediction_id: str, inputs: dict[str, Any], unique: bool
) -> tuple[list[dict[str, Any]], str | None]:
    """The ``metadata.storage.files`` of a completed prediction, and its text (text models).

    Outputs that show file inputs (``media.uses_inputs``) cannot be sized without reading those
    inputs: they are rendered and written here, whole, so their sizes are their real ones."""
    from skytells.emulator import media  # Pillow and PyAV load on first use

    if model.produces_text:
        return [], media.render_text(model, inputs)
    if media.uses_inputs(model, inputs):
        rendered = media.render(model, inputs, unique=unique).files
        for item in rendered:
            _write(store.file_path(prediction_id, item.name), item.data)
        return [
            {"name": f.name, "type": f.content_type, "size": f.size, "url": file_url(prediction_id, f.name)}
            for f in rendered
        ], None
    files = [
        {"name": f.name, "type": f.content_type, "size": f.size, "url": file_url(prediction_id, f.name)}
        for f in media.plan(model, inputs, unique=unique)
    ]
    return files, None


def size_outputs(model: CatalogModel, inputs: dict[str, Any], unique: bool) -> None:
    """Size the shapes of a new prediction's outputs ahead of its completion (in the thread pool), so
    that :func:`plan_outputs` renders nothing when it completes. Best effort: a failure here shows
    again, and is reported, when the prediction completes."""
    from skytells.emulator import media

    with contextlib.suppress(Exception):
        if not model.produces_text and not media.uses_inputs(model, inputs):
            media.plan(model, inputs, unique=unique)


def shape_key(model: CatalogModel, inputs: dict[str, Any], unique: bool) -> tuple[Any, ...]:
    """What decides the shapes of a prediction's outputs, loosely (long or nested values by type):
    predictions with equal keys need sizing once."""
    shape = sorted(
        (name, value if isinstance(value, bool | int | float) or value is None else _short(value))
        for name, value in inputs.items()
        if name not in PER_PREDICTION_INPUTS
    )
    return (model.slug, unique, *shape)


def _short(value: Any) -> str:
    return value[:64] if isinstance(value, str) else type(value).__name__


def plan_is_cheap(model: CatalogModel, inputs: dict[str, Any], unique: bool) -> bool:
    """True when :func:`plan_outputs` renders nothing (so it may run on the event loop)."""
    media = sys.modules.get("skytells.emulator.media")  # not loaded yet: loading it is not cheap
    return media is not None and bool(media.sizes_known(model, inputs, unique=unique))


def write_output(
    store: Store, model: CatalogModel, prediction_id: str, inputs: dict[str, Any], name: str, unique: bool
) -> Path:
    """Render one planned file and write it (whole, then renamed into place); its path."""
    from skytells.emulator import media

    path = store.file_path(prediction_id, name)
    _write(path, media.render_file(model, inputs, name, unique=unique))
    return path


def _write(path: Path, data: bytes) -> None:
    """Write ``data`` whole, then rename it into place (a download never sees half a file)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.{os.getpid()}.part")
    partial.write_bytes(data)
    partial.replace(path)
