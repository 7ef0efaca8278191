"""Resolving the many accepted call shapes into flow arguments (shared by both clients)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ..types._options import (
    ModelFieldsOptions,
    PredictionRequest,
    PredictionSdkOptions,
    PredictionsListOptions,
    RunOptions,
    WaitOptions,
    to_wait_options,
)
from ._errors import sdk_error
from ._frozen import Frozen
from ._prediction_payloads import create_body, sdk_options, split_positional


class Polling(Frozen):
    """How a call waits: poll interval and limit (ms), abort signal, and whether to follow live events."""

    __slots__ = ("interval_ms", "max_wait_ms", "signal", "live")  # noqa: RUF023
    interval_ms: float | None
    max_wait_ms: float | None
    signal: Any
    #: follow the live events (with a progress callback) rather than poll
    live: bool

    def __init__(
        self, interval_ms: float | None, max_wait_ms: float | None, signal: Any, live: bool = True
    ) -> None:
        self._init(interval_ms=interval_ms, max_wait_ms=max_wait_ms, signal=signal, live=live)


def create_call(
    payload: PredictionRequest | Mapping[str, Any] | str | None,
    input: Mapping[str, Any] | None,
    options: PredictionSdkOptions | Mapping[str, Any] | None,
    model: str | None,
    webhook: Mapping[str, Any] | str | None,
    stream: bool | None,
    await_: bool | None,
    compatibility_check: bool | None,
    auto_await: bool | None,
) -> tuple[dict[str, Any], PredictionSdkOptions]:
    """The create body and SDK options of ``predict()`` and ``predictions.create()``."""
    input, options = split_positional(payload, input, options)
    body = create_body(payload, input, model=model, webhook=webhook, stream=stream, await_=await_)
    return body, sdk_options(options, payload, compatibility_check, auto_await)


def queue_call(
    payload: PredictionRequest | Mapping[str, Any] | str | None,
    input: Mapping[str, Any] | None,
    model: str | None,
    webhook: Mapping[str, Any] | str | None,
    stream: bool | None,
) -> tuple[dict[str, Any], bool]:
    """The create body of ``queue()``, and whether it starts at once (a slug or ``model=`` was given)."""
    body = create_body(payload, input, model=model, webhook=webhook, stream=stream)
    return body, isinstance(payload, str) or (payload is None and model is not None)


def run_call(
    model: str,
    input: Mapping[str, Any] | None,
    webhook: Mapping[str, Any] | str | None,
    stream: bool,
    options: RunOptions | Mapping[str, Any] | None,
    interval: float | None,
    max_wait: float | None,
    signal: Any,
    live: bool | None = None,
) -> tuple[dict[str, Any], Polling]:
    """The create body and polling of ``run()``: explicit arguments win over ``options``."""
    if isinstance(model, (Mapping, PredictionRequest)):  # run({"model": ..., "input": ...}) or a request
        body = create_body(model)
        model, input = body["model"], input if input is not None else body["input"]
        webhook = webhook if webhook is not None else body.get("webhook")
        stream = stream or bool(body.get("stream"))
    opts = options if isinstance(options, RunOptions) else RunOptions.from_dict(options or {})
    if not isinstance(model, str):
        raise sdk_error(f"run() needs a model slug string, not {type(model).__name__}")
    body = create_body(
        model,
        input if input is not None else (opts.input or {}),
        webhook=webhook if webhook is not None else opts.webhook,
        stream=True if (stream or opts.stream) else None,
    )
    polling = Polling(
        interval if interval is not None else opts.interval,
        max_wait if max_wait is not None else opts.max_wait,
        signal if signal is not None else opts.signal,
        bool(opts.live) if live is None else live,
    )
    return body, polling


def wait_call(
    options: WaitOptions | Mapping[str, Any] | None,
    interval: float | None,
    max_wait: float | None,
    signal: Any,
    live: bool | None = None,
) -> Polling:
    opts = to_wait_options(options)
    return Polling(
        interval if interval is not None else opts.interval,
        max_wait if max_wait is not None else opts.max_wait,
        signal if signal is not None else opts.signal,
        bool(opts.live) if live is None else live,
    )


def list_call(
    page: int | PredictionsListOptions | Mapping[str, Any] | None,
    since: str | None,
    until: str | None,
    model: str | None,
    options: PredictionsListOptions | Mapping[str, Any] | None,
    per_page: int | None = None,
    status: str | None = None,
) -> dict[str, Any]:
    """The filters of ``predictions.list()``: explicit arguments win over ``options``.

    ``list(PredictionsListOptions(...))`` and ``list({"model": ...})`` (seed 002) pass the options in
    first position; an int there is the page, as in 1.0.0.
    """
    if isinstance(page, (PredictionsListOptions, Mapping)):
        if options is not None:
            raise sdk_error("list() got options twice: in first position and as options=")
        page, options = None, page
    opts = (
        options
        if isinstance(options, PredictionsListOptions)
        else PredictionsListOptions.from_dict(options or {})
    )
    return {
        "page": page if page is not None else opts.page,
        "since": since if since is not None else opts.since,
        "until": until if until is not None else opts.until,
        "model": model if model is not None else opts.model,
        "per_page": per_page if per_page is not None else opts.per_page,
        "status": status if status is not None else opts.status,
    }


def fields_call(
    fields: Sequence[str] | str | None, options: ModelFieldsOptions | Mapping[str, Any] | None
) -> list[str]:
    if isinstance(fields, str):
        return [f.strip() for f in fields.split(",") if f.strip()]
    if fields:
        return list(fields)
    if isinstance(options, ModelFieldsOptions):
        return list(options.fields)
    if isinstance(options, Mapping):
        return list(options.get("fields") or [])
    return []
