"""A stored prediction as the API returns it: `present` makes its URLs absolute on the caller's origin."""

from __future__ import annotations

from typing import Any

from skytells.emulator.store import StoredPrediction


def present(stored: StoredPrediction, origin: str) -> dict[str, Any]:
    """The prediction as the API returns it, with absolute URLs on `origin` (``http://host:port``)."""
    body = dict(stored.body)
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
    body["urls"] = {
        "get": base,
        "cancel": f"{base}/cancel",
        "stream": f"{base}/stream",
        "delete": f"{base}/delete",
    }
    return body


def _absolute(origin: str, value: Any) -> Any:
    return origin + value if isinstance(value, str) and value.startswith("/v1/") else value
