"""``POST /v1/chat/completions``: OpenAI's Chat Completions, answered by the emulator.

The request is checked field by field (`params`, `messages`, `tools`, `formats`); each of the ``n``
choices is a `generate.Answer`; the prompt and each choice carry Skytells' content filter results.
With ``stream: true`` the same answer goes out as ``chat.completion.chunk`` events: a chunk with the
role, the content word by word (or the tool calls, name first, then their arguments in pieces), a
chunk with ``finish_reason``, a usage chunk (empty ``choices``) when ``stream_options.include_usage``,
then ``data: [DONE]``. The deltas join to exactly the non-streamed answer.

>>> httpx.post(f"{base}/chat/completions", headers={"x-api-key": "sk-test-1"},
...            json={"model": "deepbrain-router", "messages": [{"role": "user", "content": "Hi"}]})
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from skytells.emulator.http import authenticate, emulator_state, read_json
from skytells.emulator.inference import params
from skytells.emulator.inference.billing import charge
from skytells.emulator.inference.conversation import Turn
from skytells.emulator.inference.filters import filter_results
from skytells.emulator.inference.formats import parse_response_format, require_json_word
from skytells.emulator.inference.generate import Answer, Settings, generate, prompt_texts
from skytells.emulator.inference.headers import inference_headers
from skytells.emulator.inference.messages import read_messages
from skytells.emulator.inference.models import ChatModel, chat_model
from skytells.emulator.inference.streaming import DONE, event_stream, sse_data
from skytells.emulator.inference.text import deltas, prompt_tokens, split_tokens
from skytells.emulator.inference.tools import parse_tool_choice, parse_tools

SYSTEM_FINGERPRINT = "fp_skytells_emulator"
MAX_CHOICES = 128
_MAX_STOPS = 4


@dataclass(frozen=True)
class Completion:
    """A finished chat completion, before it is written as JSON or chunks."""

    id: str
    created: int
    model: str
    answers: list[Answer]
    prompt_tokens: int
    prompt_filter: dict[str, Any]

    @property
    def completion_tokens(self) -> int:
        return sum(answer.completion_tokens for answer in self.answers)

    def usage(self) -> dict[str, Any]:
        return {
            "prompt_tokens": self.prompt_tokens,
            "completion_tokens": self.completion_tokens,
            "total_tokens": self.prompt_tokens + self.completion_tokens,
            "prompt_tokens_details": {"cached_tokens": 0, "audio_tokens": 0},
            "completion_tokens_details": {
                "reasoning_tokens": 0,
                "audio_tokens": 0,
                "accepted_prediction_tokens": 0,
                "rejected_prediction_tokens": 0,
            },
        }


def _stops(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    stops = [value] if isinstance(value, str) else value
    if (
        not isinstance(stops, list)
        or len(stops) > _MAX_STOPS
        or not all(isinstance(stop, str) and stop for stop in stops)
    ):
        raise params.invalid(
            f"'stop' must be a non-empty string or an array of at most {_MAX_STOPS}.", "stop"
        )
    return tuple(stops)


def _max_tokens(body: dict[str, Any], model: ChatModel) -> int | None:
    limit = model.max_output_tokens
    given = params.integer(body, "max_completion_tokens", 1, limit)
    legacy = params.integer(body, "max_tokens", 1, limit)
    return given if given is not None else legacy


def _include_usage(body: dict[str, Any], stream: bool) -> bool:
    options = params.mapping(body, "stream_options")
    if options is None:
        return False
    if not stream:
        raise params.invalid("'stream_options' is only allowed with 'stream': true.", "stream_options")
    return bool(params.boolean(options, "include_usage", "stream_options.include_usage"))


def _check_sampling(body: dict[str, Any]) -> None:
    params.number(body, "temperature", 0, 2)
    params.number(body, "top_p", 0, 1)
    params.number(body, "presence_penalty", -2, 2)
    params.number(body, "frequency_penalty", -2, 2)
    logprobs = params.boolean(body, "logprobs")
    if params.integer(body, "top_logprobs", 0, 20) is not None and not logprobs:
        raise params.invalid("'top_logprobs' needs 'logprobs': true.", "top_logprobs")
    params.mapping(body, "logit_bias")
    params.string(body, "user", 512)


@dataclass(frozen=True)
class ChatRequest:
    """A checked chat request: the conversation, how to answer, and how to send it."""

    turns: list[Turn]
    settings: Settings
    n: int
    tools: list[Any]  # the definitions as sent (their JSON counts as prompt tokens)
    stream: bool
    include_usage: bool


def read_request(body: dict[str, Any], model: ChatModel) -> ChatRequest:
    """The checked request (400 naming the first bad field)."""
    turns = read_messages(body.get("messages"), model.vision)
    _check_sampling(body)
    n = params.integer(body, "n", 1, MAX_CHOICES) or 1
    seed = params.integer(body, "seed", -(2**63), 2**63 - 1)
    tools = parse_tools(body.get("tools"), nested=True)
    choice = parse_tool_choice(body.get("tool_choice"), tools, nested=True)
    parallel = params.boolean(body, "parallel_tool_calls")
    output = parse_response_format(body.get("response_format"))
    require_json_word(output, (turn.text for turn in turns))
    stream = bool(params.boolean(body, "stream"))
    settings = Settings(
        max_tokens=_max_tokens(body, model),
        stop=_stops(body.get("stop")),
        seed=seed,
        tools=tools,
        tool_choice=choice,
        parallel_tool_calls=True if parallel is None else parallel,
        output=output,
    )
    return ChatRequest(
        turns, settings, n, list(body.get("tools") or []), stream, _include_usage(body, stream)
    )


def complete(model: ChatModel, request: ChatRequest) -> Completion:
    """The completion of a checked request: `generate` once per choice."""
    turns = request.turns
    prompt_filter = filter_results(prompt_texts(turns))
    answers = [generate(model, turns, request.settings, index, prompt_filter) for index in range(request.n)]
    return Completion(
        "chatcmpl-" + uuid.uuid4().hex[:24],
        int(time.time()),
        model.slug,
        answers,
        prompt_tokens(turns, request.tools),
        prompt_filter,
    )


def _message(answer: Answer) -> dict[str, Any]:
    message: dict[str, Any] = {
        "role": "assistant",
        "content": answer.text,
        "refusal": None,
        "annotations": [],
    }
    if answer.tool_calls:
        message["tool_calls"] = [
            {"id": c.id, "type": "function", "function": {"name": c.name, "arguments": c.arguments}}
            for c in answer.tool_calls
        ]
    return message


def completion_body(completion: Completion) -> dict[str, Any]:
    """The ``chat.completion`` object."""
    return {
        "id": completion.id,
        "object": "chat.completion",
        "created": completion.created,
        "model": completion.model,
        "system_fingerprint": SYSTEM_FINGERPRINT,
        "choices": [
            {
                "index": index,
                "message": _message(answer),
                "logprobs": None,
                "finish_reason": answer.finish_reason,
                "content_filter_results": answer.filter_results,
            }
            for index, answer in enumerate(completion.answers)
        ],
        "usage": completion.usage(),
        "prompt_filter_results": [{"prompt_index": 0, "content_filter_results": completion.prompt_filter}],
    }


def completion_chunks(completion: Completion, include_usage: bool) -> Iterator[bytes]:
    """The ``chat.completion.chunk`` events of a completion, then ``[DONE]`` (see the module docstring)."""
    base: dict[str, Any] = {
        "id": completion.id,
        "object": "chat.completion.chunk",
        "created": completion.created,
        "model": completion.model,
        "system_fingerprint": SYSTEM_FINGERPRINT,
    }
    if include_usage:
        base["usage"] = None

    def chunk(index: int, delta: dict[str, Any], finish: str | None = None, **extra: Any) -> bytes:
        choice = {"index": index, "delta": delta, "logprobs": None, "finish_reason": finish, **extra}
        return sse_data({**base, "choices": [choice]})

    prompt_results = [{"prompt_index": 0, "content_filter_results": completion.prompt_filter}]
    for index, answer in enumerate(completion.answers):
        role = {"role": "assistant", "content": "" if answer.text is not None else None, "refusal": None}
        if index == 0:  # the prompt's results travel on the very first chunk
            base_first = {**base, "prompt_filter_results": prompt_results}
            choice = {"index": 0, "delta": role, "logprobs": None, "finish_reason": None}
            yield sse_data({**base_first, "choices": [choice]})
        else:
            yield chunk(index, role)
        for piece in deltas(answer.text) if answer.text else ():
            yield chunk(index, {"content": piece})
        for number, call in enumerate(answer.tool_calls):
            function = {"name": call.name, "arguments": ""}
            yield chunk(
                index,
                {"tool_calls": [{"index": number, "id": call.id, "type": "function", "function": function}]},
            )
            for piece in split_tokens(call.arguments):
                yield chunk(index, {"tool_calls": [{"index": number, "function": {"arguments": piece}}]})
        yield chunk(index, {}, answer.finish_reason, content_filter_results=answer.filter_results)
    if include_usage:
        yield sse_data({**base, "choices": [], "usage": completion.usage()})
    yield DONE


async def create_chat_completion(request: Request) -> Response:
    """``POST /v1/chat/completions``."""
    state = emulator_state(request)
    account = authenticate(request)
    body = params.request_object(await read_json(request))
    model = chat_model(state.catalog, params.model_name(body))
    chat = read_request(body, model)
    completion = complete(model, chat)
    tokens = completion.prompt_tokens + completion.completion_tokens
    charge(state.accounts, account, tokens=tokens, price_per_token=model.price_per_token)
    headers = inference_headers(request, tokens)
    if chat.stream:
        return event_stream(completion_chunks(completion, chat.include_usage), headers)
    return JSONResponse(completion_body(completion), headers=headers)
