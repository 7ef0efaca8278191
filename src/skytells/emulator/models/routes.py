"""Model routes: ``GET /v1/models``, ``GET /v1/model/{slug}`` and ``GET /v1/models/{slug}``.

``?fields=input_schema,output_schema`` (comma-separated or repeated) adds the schemas.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from skytells.emulator.errors import ApiError
from skytells.emulator.http import authenticate, emulator_state


def _fields(request: Request) -> tuple[str, ...]:
    names: list[str] = []
    for value in request.query_params.getlist("fields"):
        names.extend(part.strip() for part in value.split(",") if part.strip())
    return tuple(names)


async def list_models(request: Request) -> Response:
    authenticate(request)
    fields = _fields(request)
    return JSONResponse([model.public(fields=fields) for model in emulator_state(request).catalog.all()])


async def get_model(request: Request) -> Response:
    authenticate(request)
    slug = request.path_params["slug"]
    model = emulator_state(request).catalog.get(slug)
    if model is None:
        raise ApiError("MODEL_NOT_FOUND", f"Model '{slug[:200]}' was not found.")
    return JSONResponse(model.public(fields=_fields(request)))


def model_routes() -> list[BaseRoute]:
    """The public model routes (``{slug:path}`` also accepts ``owner/slug``)."""
    return [
        Route("/v1/models", list_models, methods=["GET"]),
        Route("/v1/model/{slug:path}", get_model, methods=["GET"]),
        Route("/v1/models/{slug:path}", get_model, methods=["GET"]),
    ]
