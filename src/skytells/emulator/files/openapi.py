"""The OpenAPI fragment of the output file route: ``/v1/files/{prediction_id}/{name}``."""

from __future__ import annotations

from typing import Any

from skytells.emulator.openapi_parts import error, operation, path_param
from skytells.emulator.predictions.openapi import PREDICTION_ID


def fragment() -> dict[str, Any]:
    """The file route's path, schema and tag."""
    return {
        "tags": [{"name": "files", "description": "Prediction output files"}],
        "paths": {
            "/v1/files/{prediction_id}/{name}": {
                "parameters": [
                    PREDICTION_ID,
                    path_param("name", "The file name from `metadata.storage.files`."),
                ],
                "get": operation(
                    "getFile",
                    "Download an output file",
                    "files",
                    {
                        "200": {"description": "The file", "content": {"*/*": {"schema": {}}}},
                        "404": error(404),
                        # No key is needed, but a request that sends one counts against its rate limit.
                        "429": error(429),
                    },
                    security=[],
                ),
            },
        },
        "schemas": {
            "File": {
                "type": "object",
                "required": ["name", "type", "size", "url"],
                "properties": {
                    "name": {"type": "string"},
                    "type": {"type": "string"},
                    "size": {"type": "integer", "minimum": 0},
                    "url": {"type": "string", "format": "uri"},
                },
            },
        },
    }
