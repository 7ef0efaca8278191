"""``GET /v1/files/{prediction_id}/{name}``: an output file (no key needed: prediction ids are secret).

A file is rendered on its first download (off the event loop), then served from the data directory.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import BaseRoute

from skytells.emulator.errors import ApiError
from skytells.emulator.http import emulator_state, method_route


async def get_file(request: Request) -> Response:
    state = emulator_state(request)
    prediction_id, name = request.path_params["prediction_id"], request.path_params["name"]
    stored = state.engine.get(prediction_id)
    files = (stored.body["metadata"].get("storage") or {}).get("files", []) if stored else []
    match = next((f for f in files if f["name"] == name), None)
    path = state.store.file_path(prediction_id, name)
    if match is not None and stored is not None and not path.is_file():
        await state.engine.materialize(stored, name)
    if match is None or not path.is_file():
        raise ApiError("FILE_NOT_FOUND", f"File '{name[:200]}' was not found.")
    return FileResponse(path, media_type=match["type"])


def file_routes() -> list[BaseRoute]:
    """The output file route."""
    return [method_route("/v1/files/{prediction_id}/{name}", GET=get_file)]
