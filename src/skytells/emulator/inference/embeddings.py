"""``POST /v1/embeddings``: deterministic unit vectors.

``input`` is a string, an array of strings (up to 2048, none empty), or token ids: an array of
integers (one input) or an array of such arrays. Each vector is drawn from a normal distribution
seeded by a SHA-256 of the model and the input (for token ids, of their list), cut to
``dimensions`` when asked (at most the model's own; the first components, as OpenAI's shortened
embeddings are), and scaled to length 1. ``encoding_format: "base64"`` sends the little-endian
float32 bytes in base64, exactly the floats ``"float"`` sends. ``usage.prompt_tokens`` counts the
texts by the token rule of `text` (token ids count one each).

>>> vector = embed("deepbrain-embed-small", "hello", 256, 256)
>>> round(float((vector ** 2).sum()), 5)
1.0
"""

from __future__ import annotations

import base64
import hashlib
from typing import Any

import numpy as np
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from skytells.emulator.http import authenticate, emulator_state, read_json
from skytells.emulator.inference import params
from skytells.emulator.inference.billing import charge
from skytells.emulator.inference.headers import inference_headers
from skytells.emulator.inference.models import embedding_model
from skytells.emulator.inference.text import count_tokens

MAX_INPUTS = 2048
MAX_TOKENS_PER_INPUT = 8192
ENCODINGS = ("float", "base64")


def embed(model: str, text: str | list[int], full: int, dimensions: int) -> np.ndarray:
    """The unit vector of `text` (a string or token ids) for `model`, as little-endian float32."""
    key = text if isinstance(text, str) else "tokens:" + ",".join(map(str, text))
    seed = int.from_bytes(hashlib.sha256(f"{model}\x00{key}".encode()).digest()[:8], "little")
    vector = np.random.default_rng(seed).standard_normal(full)[:dimensions]
    vector /= np.linalg.norm(vector)
    return vector.astype("<f4")


def _is_ids(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(params.is_int(v) and v >= 0 for v in value)


def read_inputs(value: Any) -> list[str | list[int]]:
    """``input`` as a list of texts or token id lists (400 naming ``input`` when malformed)."""
    if isinstance(value, str):
        inputs: list[Any] = [value]
    elif _is_ids(value):
        inputs = [value]
    elif isinstance(value, list) and value and all(isinstance(v, str) or _is_ids(v) for v in value):
        inputs = value
    else:
        raise params.invalid(
            "'input' must be a string, an array of strings, or token ids "
            "(an array of integers, or an array of such arrays).",
            "input",
        )
    if len(inputs) > MAX_INPUTS:
        raise params.invalid(f"'input' may hold at most {MAX_INPUTS} items (got {len(inputs)}).", "input")
    for index, item in enumerate(inputs):
        tokens = _tokens(item)
        if tokens == 0:
            raise params.invalid(f"'input[{index}]' is empty: there is nothing to embed.", "input")
        if tokens > MAX_TOKENS_PER_INPUT:
            raise params.invalid(
                f"'input[{index}]' has {tokens} tokens, more than the {MAX_TOKENS_PER_INPUT} allowed.",
                "input",
            )
    return inputs


def _tokens(item: str | list[int]) -> int:
    return count_tokens(item) if isinstance(item, str) else len(item)


async def create_embeddings(request: Request) -> Response:
    """``POST /v1/embeddings``."""
    state = emulator_state(request)
    account = authenticate(request)
    body = params.request_object(await read_json(request))
    model = embedding_model(state.catalog, params.model_name(body))
    if body.get("input") is None:
        raise params.invalid("'input' is required: a string or an array of strings.", "input")
    inputs = read_inputs(body["input"])
    encoding = body.get("encoding_format") or "float"
    if encoding not in ENCODINGS:
        raise params.invalid(
            f"'encoding_format' must be 'float' or 'base64' (got {params.shown(encoding)}).",
            "encoding_format",
        )
    dimensions = params.integer(body, "dimensions", 1, model.dimensions) or model.dimensions
    params.string(body, "user", 512)
    tokens = sum(_tokens(item) for item in inputs)
    charge(state.accounts, account, tokens=tokens, price_per_token=model.price_per_token)
    data = []
    for index, item in enumerate(inputs):
        vector = embed(model.slug, item, model.dimensions, dimensions)
        encoded: Any = (
            base64.b64encode(vector.tobytes()).decode() if encoding == "base64" else vector.tolist()
        )
        data.append({"object": "embedding", "index": index, "embedding": encoded})
    body_out = {
        "object": "list",
        "data": data,
        "model": model.slug,
        "usage": {"prompt_tokens": tokens, "total_tokens": tokens},
    }
    return JSONResponse(body_out, headers=inference_headers(request, tokens))
