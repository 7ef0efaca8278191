"""``POST /v1/responses``, ``GET`` and ``DELETE /v1/responses/{id}``: OpenAI's Responses API.

A response answers ``input`` (after ``instructions``, and after the whole conversation of
``previous_response_id`` when given: its input and output count as context and as input tokens). Its
``output`` is a message with one ``output_text`` part, or ``function_call`` items when a tool is
called (`tools`). ``max_output_tokens`` cuts the text: ``status: "incomplete"`` with
``incomplete_details.reason: "max_output_tokens"``. ``store`` (default true) keeps it per account in
`ResponseStore`; a ``store: false`` response cannot be retrieved or continued. Skytells'
``content_filters`` holds the prompt's and the completion's filter results.

With ``stream: true`` the events are ``response.created``, ``response.in_progress``, per output item
``response.output_item.added``, ``response.content_part.added``, ``response.output_text.delta``
(one per word), ``response.output_text.done``, ``response.content_part.done`` (function calls:
``response.function_call_arguments.delta``/``.done``), ``response.output_item.done``, and
``response.completed`` (``response.incomplete`` when cut); each has ``type`` and a
``sequence_number`` counting from 0.

>>> httpx.post(f"{base}/responses", headers={"x-api-key": "sk-test-1"},
...            json={"model": "gpt-5", "input": "Hello"}).json()["output"][0]["content"][0]["text"]
'[Skytells emulator · gpt-5] You said: "Hello". …'
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from skytells.emulator.accounts import Account
from skytells.emulator.errors import ApiError
from skytells.emulator.http import authenticate, emulator_state, read_json
from skytells.emulator.inference import params
from skytells.emulator.inference.billing import charge
from skytells.emulator.inference.conversation import Turn
from skytells.emulator.inference.filters import blocked, filter_results
from skytells.emulator.inference.formats import parse_text_format, require_json_word
from skytells.emulator.inference.generate import Answer, Settings, generate, prompt_texts
from skytells.emulator.inference.headers import inference_headers
from skytells.emulator.inference.items import output_items, output_turns, read_input
from skytells.emulator.inference.models import ChatModel, chat_model
from skytells.emulator.inference.response_store import ResponseStore, StoredResponse
from skytells.emulator.inference.streaming import event_stream, sse_event
from skytells.emulator.inference.text import deltas, prompt_tokens, split_tokens
from skytells.emulator.inference.tools import ToolChoice, parse_tool_choice, parse_tools

_INCOMPLETE = {"length": "max_output_tokens", "content_filter": "content_filter"}


def response_store(request: Request) -> ResponseStore:
    store: ResponseStore = emulator_state(request).responses
    return store


def _not_found(response_id: str, param: str | None = None) -> ApiError:
    return ApiError(
        "RESPONSE_NOT_FOUND", f"Response with id '{response_id[:100]}' not found.", status=404, param=param
    )


def _previous(request: Request, account: Account, body: dict[str, Any]) -> StoredResponse | None:
    previous_id = params.string(body, "previous_response_id", 200)
    if previous_id is None:
        return None
    found = response_store(request).get(account.id, previous_id)
    if found is None:
        raise _not_found(previous_id, "previous_response_id")
    return found


def _tool_choice_public(choice: ToolChoice) -> Any:
    return {"type": "function", "name": choice.name} if choice.mode == "function" else choice.mode


def _usage(input_tokens: int, output_tokens: int) -> dict[str, Any]:
    return {
        "input_tokens": input_tokens,
        "input_tokens_details": {"cached_tokens": 0},
        "output_tokens": output_tokens,
        "output_tokens_details": {"reasoning_tokens": 0},
        "total_tokens": input_tokens + output_tokens,
    }


def _content_filters(prompt: dict[str, Any], answer: Answer) -> list[dict[str, Any]]:
    return [
        {"blocked": bool(blocked(prompt)), "source_type": "prompt", "content_filter_results": prompt},
        {
            "blocked": answer.finish_reason == "content_filter" or bool(blocked(answer.filter_results)),
            "source_type": "completion",
            "content_filter_results": answer.filter_results,
        },
    ]


@dataclass(frozen=True)
class ResponseRequest:
    """A checked create request."""

    previous: StoredResponse | None
    instructions: str | None
    context: list[Turn]  # the earlier conversation and this input (what the next response continues)
    settings: Settings
    stream: bool
    store: bool
    echoed: dict[str, Any]  # the settings the response object repeats


def read_request(body: dict[str, Any], model: ChatModel, previous: StoredResponse | None) -> ResponseRequest:
    """The checked request (400 naming the first bad field)."""
    earlier = previous.context if previous else []
    instructions = params.string(body, "instructions")
    context = [*earlier, *read_input(body.get("input"), model.vision, earlier)]
    max_output = params.integer(body, "max_output_tokens", 1, model.max_output_tokens)
    temperature = params.number(body, "temperature", 0, 2)
    top_p = params.number(body, "top_p", 0, 1)
    tools = parse_tools(body.get("tools"), nested=False)
    choice = parse_tool_choice(body.get("tool_choice"), tools, nested=False)
    parallel = params.boolean(body, "parallel_tool_calls") is not False
    output = parse_text_format(body.get("text"))
    require_json_word(output, [instructions or "", *(turn.text for turn in context)])
    store = params.boolean(body, "store") is not False
    echoed: dict[str, Any] = {
        "instructions": instructions,
        "max_output_tokens": max_output,
        "max_tool_calls": None,
        "parallel_tool_calls": parallel,
        "previous_response_id": previous.id if previous else None,
        "reasoning": {"effort": None, "summary": None},
        "service_tier": "default",
        "store": store,
        "temperature": 1.0 if temperature is None else temperature,
        "text": {"format": output.public(nested=False)},
        "tool_choice": _tool_choice_public(choice) if tools else body.get("tool_choice") or "auto",
        "tools": list(body.get("tools") or []),
        "top_p": 1.0 if top_p is None else top_p,
        "truncation": "disabled",
        "user": params.string(body, "user", 512),
        "metadata": params.metadata(body),
    }
    settings = Settings(
        max_tokens=max_output,
        tools=tools,
        tool_choice=choice,
        parallel_tool_calls=parallel,
        output=output,
    )
    stream = bool(params.boolean(body, "stream"))
    return ResponseRequest(previous, instructions, context, settings, stream, store, echoed)


def respond(model: ChatModel, request: ResponseRequest) -> tuple[dict[str, Any], Answer]:
    """The response object of a checked request, and the answer in it."""
    seen = [*([Turn("system", request.instructions)] if request.instructions else []), *request.context]
    prompt_filter = filter_results(prompt_texts(seen))
    answer = generate(model, seen, request.settings, 0, prompt_filter)
    input_tokens = prompt_tokens(seen, request.echoed["tools"])
    reason = _INCOMPLETE.get(answer.finish_reason)
    status = "incomplete" if reason else "completed"
    created = int(time.time())
    response = {
        "id": "resp_" + uuid.uuid4().hex,
        "object": "response",
        "created_at": created,
        "status": status,
        "background": False,
        "completed_at": created if status == "completed" else None,
        "error": None,
        "incomplete_details": {"reason": reason} if reason else None,
        "model": model.slug,
        "output": output_items(answer, status),
        **request.echoed,
        "usage": _usage(input_tokens, answer.completion_tokens),
        "content_filters": _content_filters(prompt_filter, answer),
    }
    return response, answer


async def create_response(request: Request) -> Response:
    """``POST /v1/responses``."""
    state = emulator_state(request)
    account = authenticate(request)
    body = params.request_object(await read_json(request))
    model = chat_model(state.catalog, params.model_name(body))
    checked = read_request(body, model, _previous(request, account, body))
    response, answer = respond(model, checked)
    tokens = int(response["usage"]["total_tokens"])
    charge(state.accounts, account, tokens=tokens, price_per_token=model.price_per_token)
    if checked.store:
        response_store(request).save(account.id, response, [*checked.context, *output_turns(answer)])
    headers = inference_headers(request, tokens)
    if checked.stream:
        return event_stream(response_events(response), headers)
    return JSONResponse(response, headers=headers)


def response_events(response: dict[str, Any]) -> Iterator[bytes]:
    """The stream of a finished response, event by event (see the module docstring)."""
    counter = iter(range(1_000_000))

    def event(kind: str, **payload: Any) -> bytes:
        return sse_event(kind, {"type": kind, "sequence_number": next(counter), **payload})

    opening = {**response, "status": "in_progress", "output": [], "usage": None, "completed_at": None}
    opening["incomplete_details"] = None
    opening["content_filters"] = response["content_filters"][:1]  # the completion is not filtered yet
    yield event("response.created", response=opening)
    yield event("response.in_progress", response=opening)
    for index, item in enumerate(response["output"]):
        yield from _item_events(event, index, item)
    final = "response.completed" if response["status"] == "completed" else "response.incomplete"
    yield event(final, response=response)


def _item_events(event: Any, index: int, item: dict[str, Any]) -> Iterator[bytes]:
    ids = {"item_id": item["id"], "output_index": index}
    if item["type"] == "function_call":
        yield event(
            "response.output_item.added",
            output_index=index,
            item={**item, "arguments": "", "status": "in_progress"},
        )
        for piece in split_tokens(item["arguments"]):
            yield event("response.function_call_arguments.delta", **ids, delta=piece)
        yield event(
            "response.function_call_arguments.done", **ids, name=item["name"], arguments=item["arguments"]
        )
        yield event("response.output_item.done", output_index=index, item=item)
        return
    text = item["content"][0]["text"]
    yield event(
        "response.output_item.added",
        output_index=index,
        item={**item, "status": "in_progress", "content": []},
    )
    part = {"type": "output_text", "text": "", "annotations": [], "logprobs": []}
    yield event("response.content_part.added", **ids, content_index=0, part=part)
    for piece in deltas(text):
        yield event("response.output_text.delta", **ids, content_index=0, delta=piece, logprobs=[])
    yield event("response.output_text.done", **ids, content_index=0, text=text, logprobs=[])
    yield event("response.content_part.done", **ids, content_index=0, part={**part, "text": text})
    yield event("response.output_item.done", output_index=index, item=item)


async def get_response(request: Request) -> Response:
    """``GET /v1/responses/{response_id}``: a stored response of the caller's account."""
    account = authenticate(request)
    response_id = request.path_params["response_id"]
    found = response_store(request).get(account.id, response_id)
    if found is None:
        raise _not_found(response_id)
    return JSONResponse(found.body, headers=inference_headers(request, 0))


async def delete_response(request: Request) -> Response:
    """``DELETE /v1/responses/{response_id}``: ``{"id", "object": "response.deleted", "deleted": true}``."""
    account = authenticate(request)
    response_id = request.path_params["response_id"]
    if not response_store(request).delete(account.id, response_id):
        raise _not_found(response_id)
    body = {"id": response_id, "object": "response.deleted", "deleted": True}
    return JSONResponse(body, headers=inference_headers(request, 0))
