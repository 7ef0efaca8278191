"""The inference routes, ready to mount: ``inference_routes()``.

>>> app = Starlette(routes=[*inference_routes(), ...])
"""

from __future__ import annotations

from starlette.routing import BaseRoute

from skytells.emulator.http import method_route
from skytells.emulator.inference.chat import create_chat_completion
from skytells.emulator.inference.embeddings import create_embeddings
from skytells.emulator.inference.responses import create_response, delete_response, get_response


def inference_routes() -> list[BaseRoute]:
    """``POST /v1/chat/completions``, ``POST /v1/responses``, ``GET/DELETE /v1/responses/{id}``,
    ``POST /v1/embeddings``."""
    return [
        method_route("/v1/chat/completions", POST=create_chat_completion),
        method_route("/v1/responses", POST=create_response),
        method_route("/v1/responses/{response_id}", GET=get_response, DELETE=delete_response),
        method_route("/v1/embeddings", POST=create_embeddings),
    ]
