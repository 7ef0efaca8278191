"""Span names: an SDK call's from its flow, an HTTP attempt's from its method and route.

>>> operation_name("skytells._core._prediction_flows", "run")
'predictions.run'
>>> route_template("/predictions/pred_123/cancel")
'/predictions/{id}/cancel'
"""

from __future__ import annotations

from typing import Any

#: the API family of each flows module
FAMILIES = {
    "_prediction_flows": "predictions",
    "_model_flows": "models",
    "_chat_flows": "chat.completions",
    "_response_flows": "responses",
    "_embedding_flows": "embeddings",
    "_safety": "safety",
}
#: flow names that read better under their family's name
RENAMES = {"list_models": "list", "get_model": "get", "list_page": "list"}
#: path segments followed by an identifier
COLLECTIONS = frozenset({"predictions", "models", "model", "responses", "files"})
ACTIONS = frozenset({"cancel", "stream", "delete", "input_items"})


def operation_name(module: str, function: str) -> str:
    """``family.operation`` of a flow defined as ``function`` in ``module``."""
    family = FAMILIES.get(module.rpartition(".")[2], module.rpartition(".")[2].strip("_"))
    return f"{family}.{RENAMES.get(function, function)}"


def flow_name(flow: Any) -> str:
    """The operation a flow (a generator of a ``_core`` flows module) performs."""
    frame = getattr(flow, "gi_frame", None)
    module = frame.f_globals.get("__name__", "") if frame is not None else ""
    return operation_name(str(module), getattr(flow, "__name__", "call"))


def stream_name(machine: Any) -> str:
    """The operation of an event stream machine: ``<family>.stream``."""
    return operation_name(type(machine).__module__, "stream")


def route_template(path: str) -> str:
    """``path`` with its identifiers replaced by ``{id}`` (a low-cardinality span name)."""
    parts = path.split("/")
    for i in range(1, len(parts)):
        if parts[i - 1] in COLLECTIONS and parts[i] and parts[i] not in ACTIONS:
            parts[i] = "{id}"
    return "/".join(parts)
