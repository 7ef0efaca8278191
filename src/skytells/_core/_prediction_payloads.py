"""Create-request bodies from every call shape the SDK accepts."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..types._options import PredictionRequest, PredictionSdkOptions
from ._errors import sdk_error

#: SDK-side keys that may appear in a payload dict and are never sent
SDK_ONLY_KEYS = frozenset({"compatibility_check", "compatibilityCheck", "auto_await", "autoAwait"})


def split_positional(payload: Any, input: Any, options: Any) -> tuple[Any, Any]:
    """``predict(payload, {"compatibility_check": True})``: a second positional dict holding only SDK
    option keys is the SDK options (as in the TypeScript SDK), not the model input."""
    if (
        options is None
        and isinstance(payload, (Mapping, PredictionRequest))
        and isinstance(input, Mapping)
        and input
        and all(k in SDK_ONLY_KEYS for k in input)
    ):
        return None, input
    return input, options


def create_body(
    payload: PredictionRequest | Mapping[str, Any] | str | None,
    input: Mapping[str, Any] | None = None,
    *,
    model: str | None = None,
    webhook: Mapping[str, Any] | str | None = None,
    stream: bool | None = None,
    await_: bool | None = None,
) -> dict[str, Any]:
    """One body from ``create(payload)``, ``create("slug", input=...)``, ``create(model=..., input=...)``."""
    if isinstance(payload, PredictionRequest):
        body = payload.to_dict()
    elif isinstance(payload, Mapping):
        body = {k: v for k, v in payload.items() if k not in SDK_ONLY_KEYS}
        if "await_" in body:
            body["await"] = body.pop("await_")
    elif isinstance(payload, str):
        body = {"model": payload}
    elif payload is None:
        body = {}
    else:
        raise sdk_error(
            f"A prediction payload must be a dict or PredictionRequest, not {type(payload).__name__}"
        )
    if model is not None:
        body["model"] = model
    if input is not None and "input" in body and not isinstance(payload, str):
        raise sdk_error(
            "The payload already has an 'input'; pass the input once "
            "(SDK options go in options=..., e.g. options={'compatibility_check': True})"
        )
    if input is not None:
        body["input"] = input
    if webhook is not None:
        body["webhook"] = webhook
    if stream is not None:
        body["stream"] = stream
    if await_ is not None:
        body["await"] = await_
    if not isinstance(body.get("model"), str) or not body["model"].strip():
        raise sdk_error("A prediction needs a model slug, e.g. create(model='flux-pro', input={...})")
    if body.get("input") is None:
        body["input"] = {}
    if not isinstance(body["input"], Mapping):
        raise sdk_error(f"input must be a dict, not {type(body['input']).__name__}")
    body["input"] = dict(body["input"])
    if isinstance(body.get("webhook"), Mapping):
        body["webhook"] = dict(body["webhook"])
    return body


def sdk_options(
    options: PredictionSdkOptions | Mapping[str, Any] | None,
    payload: Any = None,
    compatibility_check: bool | None = None,
    auto_await: bool | None = None,
) -> PredictionSdkOptions:
    """SDK options from ``options=``, keyword flags, or SDK-only keys left in a payload dict."""
    if isinstance(options, PredictionSdkOptions):
        result = PredictionSdkOptions(options.compatibility_check, options.auto_await)
    else:
        result = PredictionSdkOptions.from_dict(options or {})
    if isinstance(payload, Mapping):
        extra = {k: v for k, v in payload.items() if k in SDK_ONLY_KEYS}
        if extra:
            found = PredictionSdkOptions.from_dict(extra)
            result.compatibility_check = result.compatibility_check or found.compatibility_check
            result.auto_await = result.auto_await or found.auto_await
    if compatibility_check is not None:
        result.compatibility_check = compatibility_check
    if auto_await is not None:
        result.auto_await = auto_await
    return result
