"""A stored prediction as the API returns it: `present` makes its URLs absolute on the caller's origin.

``started_at`` and ``completed_at`` are left out until they are known, and ``urls.stream`` is there only
for a prediction created with ``stream: true``.
"""

from __future__ import annotations

from typing import Any

from skytells.emulator.store import StoredPrediction


def present(stored: StoredPrediction, origin: str) -> dict[str, Any]:
    """The prediction as the API returns it, with absolute URLs on `origin` (``http://host:port``)."""
    body = dict(stored.body)
    for name in ("started_at", "completed_at"):  # absent until known (stores of earlier versions: null)
        if body.get(name, 0) is None:
            del body[name]
    output = body.get("output")
    if isinstance(output, list):
        body["output"] = [_absolute(origin, item) for item in output]
    elif isinstance(output, str) and stored.plan.get("files"):
        body["output"] = _absolute(origin, output)
    metadata = dict(body["metadata"])
    storage = metadata.get("storage") or {}
    metadata["storage"] = {
        "files": [{**f, "url": _absolute(origin, f["url"])} for f in storage.get("files", [])]
    }
    body["metadata"] = metadata
    base = f"{origin}/v1/predictions/{stored.id}"
    urls = {"get": base, "cancel": f"{base}/cancel", "stream": f"{base}/stream", "delete": f"{base}/delete"}
    if not body.get("stream"):  # seed 002: `stream: true` "populates urls["stream"]"
        del urls["stream"]
    body["urls"] = urls
    return body


def _absolute(origin: str, value: Any) -> Any:
    return origin + value if isinstance(value, str) and value.startswith("/v1/") else value
