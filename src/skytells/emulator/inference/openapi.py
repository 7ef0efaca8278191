"""The OpenAPI fragment of the inference routes: their ``paths`` and the components they use.

``skytells.emulator.openapi`` merges it into ``/openapi.json``. Errors on these paths have the
``InferenceError`` body; a streamed answer is ``text/event-stream``.

>>> sorted(fragment()["paths"])
['/v1/chat/completions', '/v1/embeddings', '/v1/responses', '/v1/responses/{response_id}']
"""

from __future__ import annotations

from typing import Any

from skytells.emulator.inference.filters import DETECTION_TRIGGERS, SEVERITIES, SEVERITY_TRIGGERS
from skytells.emulator.openapi_parts import nullable, rate_headers, ref

_REASONS = {
    400: "A field is missing or invalid (`param` names it), or the model cannot serve this route",
    401: "No API key, or an unknown one",
    402: "Not enough credits",
    403: "The account is suspended",
    404: "Unknown model (or response)",
    413: "The request body is too large",
    429: "Too many requests; see Retry-After",
}
_ROLES = ["system", "developer", "user", "assistant", "tool"]
_REQUEST_ID = {"description": "The request's id (equals `error.request_id`)", "schema": {"type": "string"}}


def _headers() -> dict[str, Any]:
    return {**rate_headers(), "x-request-id": _REQUEST_ID}


def _errors(*statuses: int) -> dict[str, Any]:
    responses = {}
    for status in (400, 401, 402, 403, 404, 413, 429):
        if status in statuses or status in (401, 403, 429):
            response: dict[str, Any] = {
                "description": _REASONS[status],
                "headers": {"x-request-id": _REQUEST_ID},
                "content": {"application/json": {"schema": ref("InferenceError")}},
            }
            if status == 429:
                response["headers"]["Retry-After"] = {"$ref": "#/components/headers/Retry-After"}
            responses[str(status)] = response
    return responses


def _ok(schema: dict[str, Any], description: str, stream: bool = False) -> dict[str, Any]:
    content: dict[str, Any] = {"application/json": {"schema": schema}}
    if stream:
        content["text/event-stream"] = {"schema": {"type": "string"}}
    return {"200": {"description": description, "headers": _headers(), "content": content}}


def _operation(operation_id: str, summary: str, responses: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {
        "operationId": operation_id,
        "summary": summary,
        "tags": ["inference"],
        "responses": responses,
        **extra,
    }


def _body(name: str) -> dict[str, Any]:
    return {"required": True, "content": {"application/json": {"schema": ref(name)}}}


def _paths() -> dict[str, Any]:
    response_id = {
        "name": "response_id",
        "in": "path",
        "required": True,
        "description": "The response's id (`resp_…`).",
        "schema": {"type": "string"},
    }
    stored = {**_ok(ref("Response"), "The stored response"), **_errors(404)}
    return {
        "/v1/chat/completions": {
            "post": _operation(
                "createChatCompletion",
                "Chat Completions (OpenAI-compatible); `stream: true` answers Server-Sent Events",
                {
                    **_ok(ref("ChatCompletion"), "The completion, or its chunks", stream=True),
                    **_errors(400, 402, 404, 413),
                },
                requestBody=_body("ChatCompletionRequest"),
            )
        },
        "/v1/responses": {
            "post": _operation(
                "createResponse",
                "Create a response (OpenAI Responses API); `stream: true` answers Server-Sent Events",
                {
                    **_ok(ref("Response"), "The response, or its events", stream=True),
                    **_errors(400, 402, 404, 413),
                },
                requestBody=_body("ResponseRequest"),
            )
        },
        "/v1/responses/{response_id}": {
            "parameters": [response_id],
            "get": _operation("getResponse", "Get a stored response", stored),
            "delete": _operation(
                "deleteResponse",
                "Delete a stored response",
                {**_ok(ref("ResponseDeleted"), "The response was deleted"), **_errors(404)},
            ),
        },
        "/v1/embeddings": {
            "post": _operation(
                "createEmbeddings",
                "Embed texts (OpenAI-compatible)",
                {**_ok(ref("EmbeddingList"), "One vector per input"), **_errors(400, 402, 404, 413)},
                requestBody=_body("EmbeddingRequest"),
            )
        },
    }


def _filter_results() -> dict[str, Any]:
    severity = {
        "type": "object",
        "required": ["filtered", "severity"],
        "properties": {"filtered": {"type": "boolean"}, "severity": {"enum": list(SEVERITIES)}},
    }
    detection = {
        "type": "object",
        "required": ["filtered", "detected"],
        "properties": {"filtered": {"type": "boolean"}, "detected": {"type": "boolean"}},
    }
    properties = {name: severity for name in SEVERITY_TRIGGERS} | {
        name: detection for name in DETECTION_TRIGGERS
    }
    return {"type": "object", "required": list(properties), "properties": properties}


def _request_schemas() -> dict[str, Any]:
    text_part = {
        "type": "object",
        "required": ["type", "text"],
        "properties": {"type": {"const": "text"}, "text": {"type": "string"}},
    }
    image_part = {
        "type": "object",
        "required": ["type", "image_url"],
        "properties": {
            "type": {"const": "image_url"},
            "image_url": {
                "type": "object",
                "required": ["url"],
                "properties": {
                    "url": {"type": "string", "examples": ["https://example.com/cat.png"]},
                    "detail": {"enum": ["auto", "low", "high"]},
                },
            },
        },
    }
    tool_call = {
        "type": "object",
        "required": ["id", "type", "function"],
        "properties": {
            "id": {"type": "string"},
            "type": {"const": "function"},
            "function": {
                "type": "object",
                "required": ["name", "arguments"],
                "properties": {"name": {"type": "string"}, "arguments": {"type": "string"}},
            },
        },
    }
    message = {
        "type": "object",
        "required": ["role"],
        "properties": {
            "role": {"enum": _ROLES},
            "content": {
                "anyOf": [
                    {"type": "string"},
                    {"type": "array", "items": {"anyOf": [text_part, image_part]}},
                    {"type": "null"},
                ]
            },
            "name": {"type": "string"},
            "tool_calls": {"type": "array", "items": tool_call},
            "tool_call_id": {"type": "string"},
        },
    }
    function: dict[str, Any] = {
        "type": "object",
        "required": ["name"],
        "properties": {
            "name": {"type": "string", "pattern": "^[A-Za-z0-9_-]{1,64}$"},
            "description": {"type": "string"},
            "parameters": {"type": "object"},
            "strict": {"type": "boolean"},
        },
    }
    chat_tool = {
        "type": "object",
        "required": ["type", "function"],
        "properties": {"type": {"const": "function"}, "function": function},
    }
    named = {"type": "object", "required": ["type"], "properties": {"type": {"const": "function"}}}
    choice = {"anyOf": [{"enum": ["none", "auto", "required"]}, named]}
    chat_format = {
        "type": "object",
        "required": ["type"],
        "properties": {
            "type": {"enum": ["text", "json_object", "json_schema"]},
            "json_schema": {"type": "object"},
        },
    }
    common = {
        "model": {
            "type": "string",
            "description": "A chat model, e.g. `deepbrain-router`",
            "examples": ["deepbrain-router"],
        },
        "temperature": nullable({"type": "number", "minimum": 0, "maximum": 2}),
        "top_p": nullable({"type": "number", "minimum": 0, "maximum": 1}),
        "stream": nullable({"type": "boolean"}),
        "parallel_tool_calls": nullable({"type": "boolean"}),
        "tool_choice": choice,
        "user": {"type": "string"},
    }
    return {
        "ChatCompletionRequest": {
            "type": "object",
            "required": ["model", "messages"],
            "properties": {
                **common,
                "messages": {"type": "array", "minItems": 1, "items": message},
                "max_tokens": nullable({"type": "integer", "minimum": 1}),
                "max_completion_tokens": nullable({"type": "integer", "minimum": 1}),
                "n": nullable({"type": "integer", "minimum": 1, "maximum": 128}),
                "stop": {
                    "anyOf": [
                        {"type": "string"},
                        {"type": "array", "maxItems": 4, "items": {"type": "string"}},
                        {"type": "null"},
                    ]
                },
                "seed": nullable({"type": "integer"}),
                "tools": {"type": "array", "items": chat_tool},
                "response_format": chat_format,
                "stream_options": nullable(
                    {"type": "object", "properties": {"include_usage": {"type": "boolean"}}}
                ),
                "presence_penalty": nullable({"type": "number", "minimum": -2, "maximum": 2}),
                "frequency_penalty": nullable({"type": "number", "minimum": -2, "maximum": 2}),
                "logprobs": nullable({"type": "boolean"}),
                "top_logprobs": nullable({"type": "integer", "minimum": 0, "maximum": 20}),
            },
        },
        "ResponseRequest": {
            "type": "object",
            "required": ["model", "input"],
            "properties": {
                **common,
                "input": {
                    "anyOf": [
                        {"type": "string"},
                        {"type": "array", "minItems": 1, "items": {"type": "object"}},
                    ]
                },
                "instructions": nullable({"type": "string"}),
                "previous_response_id": nullable({"type": "string"}),
                "max_output_tokens": nullable({"type": "integer", "minimum": 1}),
                "tools": {
                    "type": "array",
                    "items": {
                        **function,
                        "required": ["type", "name"],
                        "properties": {**function["properties"], "type": {"const": "function"}},
                    },
                },
                "text": {"type": "object", "properties": {"format": {"type": "object"}}},
                "store": nullable({"type": "boolean"}),
                "metadata": nullable(
                    {"type": "object", "maxProperties": 16, "additionalProperties": {"type": "string"}}
                ),
            },
        },
        "EmbeddingRequest": {
            "type": "object",
            "required": ["model", "input"],
            "properties": {
                "model": {"type": "string", "examples": ["deepbrain-embed"]},
                "input": {
                    "anyOf": [
                        {"type": "string", "minLength": 1},
                        {
                            "type": "array",
                            "minItems": 1,
                            "maxItems": 2048,
                            "items": {"type": "string", "minLength": 1},
                        },
                        {"type": "array", "minItems": 1, "items": {"type": "integer", "minimum": 0}},
                    ]
                },
                "encoding_format": {"enum": ["float", "base64"]},
                "dimensions": {"type": "integer", "minimum": 1},
                "user": {"type": "string"},
            },
        },
    }


def _answer_schemas() -> dict[str, Any]:
    usage = {
        "type": "object",
        "required": ["prompt_tokens", "completion_tokens", "total_tokens"],
        "properties": {
            name: {"type": "integer", "minimum": 0}
            for name in ("prompt_tokens", "completion_tokens", "total_tokens")
        },
    }
    choice = {
        "type": "object",
        "required": ["index", "message", "finish_reason", "content_filter_results"],
        "properties": {
            "index": {"type": "integer"},
            "message": {
                "type": "object",
                "required": ["role", "content"],
                "properties": {
                    "role": {"const": "assistant"},
                    "content": {"type": ["string", "null"]},
                    "tool_calls": {"type": "array"},
                },
            },
            "finish_reason": {"enum": ["stop", "length", "tool_calls", "content_filter"]},
            "content_filter_results": ref("ContentFilterResults"),
        },
    }
    output_tokens = {"type": "integer", "minimum": 0}
    return {
        "ContentFilterResults": _filter_results(),
        "ChatCompletion": {
            "type": "object",
            "required": ["id", "object", "created", "model", "choices", "usage", "prompt_filter_results"],
            "properties": {
                "id": {"type": "string"},
                "object": {"const": "chat.completion"},
                "created": {"type": "integer"},
                "model": {"type": "string"},
                "choices": {"type": "array", "items": choice},
                "usage": usage,
                "prompt_filter_results": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "required": ["prompt_index", "content_filter_results"],
                        "properties": {
                            "prompt_index": {"type": "integer"},
                            "content_filter_results": ref("ContentFilterResults"),
                        },
                    },
                },
            },
        },
        "Response": {
            "type": "object",
            "required": [
                "id",
                "object",
                "created_at",
                "status",
                "model",
                "output",
                "usage",
                "content_filters",
            ],
            "properties": {
                "id": {"type": "string", "pattern": "^resp_"},
                "object": {"const": "response"},
                "created_at": {"type": "integer"},
                "status": {"enum": ["completed", "incomplete"]},
                "model": {"type": "string"},
                "output": {"type": "array", "items": {"type": "object", "required": ["id", "type"]}},
                "previous_response_id": {"type": ["string", "null"]},
                "incomplete_details": nullable(
                    {"type": "object", "properties": {"reason": {"type": "string"}}}
                ),
                "usage": {
                    "type": "object",
                    "required": ["input_tokens", "output_tokens", "total_tokens"],
                    "properties": {
                        "input_tokens": output_tokens,
                        "output_tokens": output_tokens,
                        "total_tokens": output_tokens,
                    },
                },
                "content_filters": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "required": ["blocked", "source_type", "content_filter_results"],
                        "properties": {
                            "blocked": {"type": "boolean"},
                            "source_type": {"enum": ["prompt", "completion"]},
                            "content_filter_results": ref("ContentFilterResults"),
                        },
                    },
                },
            },
        },
        "ResponseDeleted": {
            "type": "object",
            "required": ["id", "object", "deleted"],
            "properties": {
                "id": {"type": "string"},
                "object": {"const": "response.deleted"},
                "deleted": {"const": True},
            },
        },
        "EmbeddingList": {
            "type": "object",
            "required": ["object", "data", "model", "usage"],
            "properties": {
                "object": {"const": "list"},
                "model": {"type": "string"},
                "data": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "required": ["object", "index", "embedding"],
                        "properties": {
                            "object": {"const": "embedding"},
                            "index": {"type": "integer"},
                            "embedding": {
                                "anyOf": [{"type": "array", "items": {"type": "number"}}, {"type": "string"}]
                            },
                        },
                    },
                },
                "usage": {
                    "type": "object",
                    "required": ["prompt_tokens", "total_tokens"],
                    "properties": {"prompt_tokens": output_tokens, "total_tokens": output_tokens},
                },
            },
        },
        "InferenceError": {
            "type": "object",
            "required": ["error"],
            "properties": {
                "error": {
                    "type": "object",
                    "required": ["message", "type", "code", "error_id", "status", "param", "request_id"],
                    "properties": {
                        "message": {"type": "string"},
                        "type": {"type": "string"},
                        "code": {"type": "string"},
                        "error_id": {"type": "string"},
                        "status": {"type": "integer"},
                        "param": {"type": ["string", "null"]},
                        "request_id": {"type": "string"},
                    },
                }
            },
        },
    }


def fragment() -> dict[str, Any]:
    """``{"tags", "paths", "schemas"}`` of the inference routes."""
    return {
        "tags": [
            {
                "name": "inference",
                "description": "OpenAI-compatible chat completions, responses and embeddings",
            }
        ],
        "paths": _paths(),
        "schemas": {**_request_schemas(), **_answer_schemas()},
    }
