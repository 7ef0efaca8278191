"""The prediction family's flows: create, get, cancel, delete, list, wait, run, stream, download.

Each flow is a generator that yields effects and returns the result (see ``_effects``); the sync and
async drivers run the very same code.

>>> prediction = yield from create(ctx, {"model": "flux-pro", "input": {"prompt": "A cat"}})
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from itertools import chain, repeat
from typing import Any
from urllib.parse import quote

from .._exceptions import DispatchError, PredictionFailedError, SkytellsError, WaitTimeoutError
from ..types._options import DEFAULT_POLL_INTERVAL_MS, PredictionSdkOptions
from ._effects import Flow, Listen, Notify, Reply, Request, Sleep, StreamEnd
from ._errors import sdk_error
from ._event_stream import EventStream, logger, malformed_event
from ._json import encode_json
from ._model_flows import model_cached
from ._outputs import file_name_for, output_urls
from ._progress import LiveState
from ._send import Context, check_abort, check_key, send
from ._sse import StreamEvent
from ._status import TERMINAL_STATUSES, is_terminal, status_of

#: extra seconds an awaited create may take beyond the client timeout: a server that stops holding at
#: its own limit (often the same 60 s) answers before the client gives up
AWAIT_GRACE_S = 10.0
#: poll delays of run() when no interval is given: quick at first, then every 5 s
ADAPTIVE_DELAYS = (0.2, 0.4, 0.8, 1.6, 3.2)


def _q(value: str) -> str:
    return quote(str(value), safe="")


def _action_url(ctx: Context, prediction: Mapping[str, Any] | str, name: str, fallback: str) -> str:
    """``urls.<name>`` of a prediction object when it is on our own origin, else the built path."""
    if isinstance(prediction, str):
        return fallback
    urls = prediction.get("urls")
    url = urls.get(name) if isinstance(urls, Mapping) else None
    if isinstance(url, str) and url.startswith(ctx.config.base_url + "/"):
        return url
    return fallback


def prediction_id(prediction: Mapping[str, Any] | str) -> str:
    pid = prediction if isinstance(prediction, str) else prediction.get("id")
    if not isinstance(pid, str) or not pid:
        raise sdk_error("A prediction id is required (a prediction dict with an 'id', or the id itself)")
    return pid


# ---- predictions -------------------------------------------------------------------------------


def create(
    ctx: Context,
    body: dict[str, Any],
    sdk: PredictionSdkOptions | None = None,
    *,
    default_await: bool | None = None,
) -> Flow[dict[str, Any]]:
    """POST /predictions with a fresh Idempotency-Key (kept across retries).

    ``await`` is the payload's when set; else true for image models with ``auto_await``; else
    ``default_await`` (omitted when None).
    """
    sdk = sdk or PredictionSdkOptions()
    model_info: Mapping[str, Any] | None = None
    if sdk.compatibility_check or (sdk.auto_await and body.get("await") is None):
        model_info = yield from model_cached(ctx, body["model"])
        metadata = model_info.get("metadata") if isinstance(model_info, Mapping) else None
        if isinstance(metadata, Mapping) and metadata.get("openai_compatible"):
            raise sdk_error(
                f"Model '{body['model']}' is a chat model and cannot run as a prediction. "
                "Use client.chat.completions.create() instead."
            )
    if body.get("await") is None:
        if sdk.auto_await and model_info is not None and model_info.get("type") == "image":
            body = {**body, "await": True}
        elif default_await is not None:
            body = {**body, "await": default_await}
    timeout = ctx.config.timeout
    if body.get("await") is True and timeout is not None:
        timeout += AWAIT_GRACE_S
    request = Request(
        "POST",
        "/predictions",
        content=encode_json(body),
        headers={"Idempotency-Key": ctx.new_key()},
        timeout=timeout,
        labels={"model": str(body["model"])},
    )
    data = yield from send(ctx, request)
    return _prediction_dict(data)


def _prediction_dict(data: Any) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise SkytellsError(
            "Expected a prediction object in the response", "INVALID_JSON", f"Got: {type(data).__name__}"
        )
    return data


def get(ctx: Context, prediction: Mapping[str, Any] | str, signal: Any = None) -> Flow[dict[str, Any]]:
    pid = prediction_id(prediction)
    url = _action_url(ctx, prediction, "get", f"/predictions/{_q(pid)}")
    return _prediction_dict((yield from send(ctx, Request("GET", url, labels=_about(pid)), signal)))


def cancel(ctx: Context, prediction: Mapping[str, Any] | str) -> Flow[dict[str, Any]]:
    pid = prediction_id(prediction)
    url = _action_url(ctx, prediction, "cancel", f"/predictions/{_q(pid)}/cancel")
    return _prediction_dict((yield from send(ctx, Request("POST", url, labels=_about(pid)))))


def delete(ctx: Context, prediction: Mapping[str, Any] | str) -> Flow[dict[str, Any]]:
    pid = prediction_id(prediction)
    url = _action_url(ctx, prediction, "delete", f"/predictions/{_q(pid)}")
    data = yield from send(ctx, Request("DELETE", url, labels=_about(pid)))
    return data if isinstance(data, dict) else {"id": pid, "deleted": True}


def _about(pid: str) -> dict[str, str]:
    """The tracing labels of a request about one prediction."""
    return {"prediction.id": pid}


#: event names that end a prediction stream
FINAL_EVENTS = frozenset({"done", "end", "complete", "completed", "final", "prediction"})


class PredictionEventStream(EventStream):
    """A prediction's live events: resumed from ``Last-Event-ID`` up to 3 times, ends with the
    prediction (a final event name, or a terminal prediction as a plain message)."""

    max_reconnects = 3
    requires_end = False
    answer_event = "done"

    def check(self, event: StreamEvent) -> None:
        """JSON that does not parse is a malformed event (plain text data, such as a log line, is fine)."""
        if isinstance(event.data, str) and event.data.lstrip().startswith(("{", "[")):
            raise malformed_event(event, self._secret)

    def is_final(self, event: StreamEvent) -> bool:
        if event.event in FINAL_EVENTS:
            return True
        prediction = event.prediction
        return (
            prediction is not None
            and event.event == "message"
            and prediction.get("status") in TERMINAL_STATUSES
        )


def event_stream(
    ctx: Context, prediction: Mapping[str, Any] | str, last_event_id: str | None = None
) -> PredictionEventStream:
    """The stream machine of ``GET /predictions/{id}/stream`` (after the key check every call gets)."""
    check_key(ctx.config)
    pid = prediction_id(prediction)
    request = Request("GET", f"/predictions/{_q(pid)}/stream", labels=_about(pid))
    return PredictionEventStream(request, ctx.config.api_key, last_event_id)


def stream_info(ctx: Context, prediction: Mapping[str, Any] | str) -> Flow[dict[str, Any]]:
    pid = prediction_id(prediction)
    url = _action_url(ctx, prediction, "stream", f"/predictions/{_q(pid)}/stream")
    return _prediction_dict((yield from send(ctx, Request("GET", url))))


def list_params(
    page: int | None = None,
    since: str | None = None,
    until: str | None = None,
    model: str | None = None,
    per_page: int | None = None,
    status: str | None = None,
) -> dict[str, str]:
    """Query parameters of GET /predictions (``since``/``until`` are sent as ``from``/``to``)."""
    params: dict[str, str] = {}
    for key, value in (
        ("page", page),
        ("per_page", per_page),
        ("from", since),
        ("to", until),
        ("model", model),
        ("status", status),
    ):
        if value is not None:
            params[key] = str(getattr(value, "value", value))
    return params


def list_page(ctx: Context, params: Mapping[str, str]) -> Flow[Any]:
    return (yield from send(ctx, Request("GET", "/predictions", params=dict(params) or None)))


def next_page(page_body: Any, params: Mapping[str, str]) -> dict[str, str] | None:
    """Params of the page after ``page_body``, or None when it was the last one."""
    if not isinstance(page_body, Mapping):
        return None
    pagination = page_body.get("pagination") or {}
    current = int(pagination.get("current_page") or params.get("page") or 1)
    last = int(pagination.get("last_page") or current)
    if current >= last or not page_body.get("data"):
        return None
    return {**params, "page": str(current + 1)}


# ---- waiting -------------------------------------------------------------------------------------


def wait(
    ctx: Context,
    prediction: Mapping[str, Any] | str,
    *,
    interval_ms: float | None = None,
    max_wait_ms: float | None = None,
    signal: Any = None,
    on_progress: Callable[[Any], Any] | None = None,
    delays: Iterator[float] | None = None,
    started: float | None = None,
) -> Flow[dict[str, Any]]:
    """Poll until a terminal status: first GET at once, then every ``min(interval, time left)``.

    Follows ``urls.get``; ``WAIT_TIMEOUT`` (408) after ``max_wait_ms``; ``ABORTED`` once ``signal``
    is set. Returns at once, with no request, when ``prediction`` is already terminal.
    """
    prediction_id(prediction)
    if not isinstance(prediction, str) and is_terminal(prediction):
        return dict(prediction)
    current: Mapping[str, Any] | str = prediction
    interval = max(0.0, (DEFAULT_POLL_INTERVAL_MS if interval_ms is None else interval_ms) / 1000.0)
    schedule = delays if delays is not None else repeat(interval)
    start = ctx.clock() if started is None else started
    deadline = None if max_wait_ms is None else start + max(0.0, max_wait_ms) / 1000.0
    first = True
    while True:
        check_abort(signal)
        if not first:
            delay = next(schedule)
            if deadline is not None:
                remaining = deadline - ctx.clock()
                if remaining <= 0:
                    raise _wait_timeout(current, max_wait_ms)
                delay = min(delay, remaining)
            yield Sleep(delay, signal)
            check_abort(signal)
        first = False
        latest = yield from get(ctx, current, signal)
        current = latest
        if on_progress is not None:
            yield Notify(on_progress, latest)
        if is_terminal(latest):
            return latest
        if deadline is not None and ctx.clock() >= deadline:
            raise _wait_timeout(latest, max_wait_ms)


def _wait_timeout(prediction: Mapping[str, Any] | str, max_wait_ms: float | None) -> WaitTimeoutError:
    pid = prediction if isinstance(prediction, str) else prediction.get("id")
    status = "unknown" if isinstance(prediction, str) else status_of(prediction)
    ms = _ms(max_wait_ms)
    error = WaitTimeoutError(
        f"Prediction {pid} did not complete within {ms}ms",
        "WAIT_TIMEOUT",
        f"Timed out after {ms}ms. Last status: {status}",
        408,
    )
    error.prediction = None if isinstance(prediction, str) else dict(prediction)
    return error


def _ms(value: float | None) -> str:
    if value is None:
        return "?"
    return str(int(value)) if float(value).is_integer() else str(value)


def raise_if_failed(prediction: dict[str, Any]) -> dict[str, Any]:
    """``PREDICTION_FAILED`` carrying the prediction when its status is ``failed``."""
    if status_of(prediction) == "failed":
        message = prediction.get("error") or prediction.get("response") or "Prediction failed"
        error = PredictionFailedError(
            str(message), "PREDICTION_FAILED", f"Prediction {prediction.get('id')} failed", 0
        )
        error.prediction = prediction
        raise error
    return prediction


def run(
    ctx: Context,
    body: dict[str, Any],
    *,
    on_progress: Callable[[Any], Any] | None = None,
    interval_ms: float | None = None,
    max_wait_ms: float | None = None,
    signal: Any = None,
    live: bool = True,
) -> Flow[dict[str, Any]]:
    """Create and wait. Without ``on_progress``: one ``await: true`` create, then polling only if
    the answer is not terminal yet (video models). With it: create, then follow the prediction's
    live events (``live``, see :func:`follow`) or poll, reporting each state (a create answered
    already finished is reported once)."""
    started = ctx.clock()
    check_abort(signal)
    if on_progress is None:
        data = yield from create(ctx, {**body, "await": True})
        if not is_terminal(data):
            delays = None if interval_ms is not None else chain(ADAPTIVE_DELAYS, repeat(5.0))
            data = yield from wait(
                ctx,
                data,
                interval_ms=interval_ms,
                max_wait_ms=max_wait_ms,
                signal=signal,
                delays=delays,
                started=started,
            )
    else:
        data = yield from create(ctx, {**body, "await": False})
        if is_terminal(data):  # finished at once: report the final state anyway
            yield Notify(on_progress, data)
        elif live:
            data = yield from follow(
                ctx,
                data,
                on_progress=on_progress,
                interval_ms=interval_ms,
                max_wait_ms=max_wait_ms,
                signal=signal,
                started=started,
            )
        else:
            data = yield from wait(
                ctx,
                data,
                interval_ms=interval_ms,
                max_wait_ms=max_wait_ms,
                signal=signal,
                on_progress=on_progress,
                started=started,
            )
    return raise_if_failed(data)


def follow(
    ctx: Context,
    prediction: Mapping[str, Any] | str,
    *,
    on_progress: Callable[[Any], Any] | None = None,
    interval_ms: float | None = None,
    max_wait_ms: float | None = None,
    signal: Any = None,
    started: float | None = None,
) -> Flow[dict[str, Any]]:
    """Wait for a prediction by following its live events; poll (:func:`wait`) where there are none.

    Each event is merged into the last known state (:class:`LiveState`), and ``on_progress`` hears
    every state that changed, once, the finished prediction last and whole; the result returns as
    soon as the stream says the prediction ended. A server without a live stream (an error, or JSON
    instead of events), a malformed event, or a stream that stays broken after its reconnects from
    ``Last-Event-ID`` hands over to polling, which goes on from the same state (so nothing is
    reported twice). ``max_wait_ms`` and ``signal`` apply throughout. The first state reported is the
    one the wait starts from: ``prediction`` itself, or, given its id, the prediction fetched first.
    """
    prediction_id(prediction)
    if not isinstance(prediction, str) and is_terminal(prediction):
        return dict(prediction)
    start = ctx.clock() if started is None else started
    deadline = None if max_wait_ms is None else start + max(0.0, max_wait_ms) / 1000.0
    check_abort(signal)
    if isinstance(prediction, str):  # nothing known yet: fetch it first
        prediction = yield from get(ctx, prediction, signal)
    live = LiveState(prediction)
    if on_progress is not None:
        yield Notify(on_progress, live.report())
    if is_terminal(prediction):
        return dict(prediction)
    machine = event_stream(ctx, prediction)
    ending: StreamEnd | None = None
    while ending is None:
        check_abort(signal)
        left = None if deadline is None else deadline - ctx.clock()
        if left is not None and left <= 0:
            raise _wait_timeout(live.state, max_wait_ms)
        answer = yield Listen(machine, left, signal)
        if isinstance(answer, StreamEnd):
            ending = answer
        elif isinstance(answer, StreamEvent):
            if live.apply(answer) and on_progress is not None:
                yield Notify(on_progress, live.report())
            if live.final is not None:
                return live.final
    if ending.error is not None:
        logger.info("prediction events unavailable (%s); polling instead", type(ending.error).__name__)
    return (
        yield from wait(
            ctx,
            live.state,
            interval_ms=interval_ms,
            max_wait_ms=max_wait_ms,
            signal=signal,
            on_progress=None if on_progress is None else _changes_only(live, on_progress),
            started=start,
        )
    )


def _changes_only(live: LiveState, on_progress: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """``on_progress`` for polls that go on from ``live``: called only with a state not reported yet."""

    def report(prediction: dict[str, Any]) -> Any:
        return on_progress(live.report()) if live.replace(prediction) else None

    return report


def combine_dispatch(outcomes: Sequence[Any]) -> list[Any]:
    """Results of concurrent sends in queue order; ``DispatchError`` keeps the created ones."""
    errors = [o if isinstance(o, SkytellsError) else None for o in outcomes]
    for o in outcomes:
        if isinstance(o, BaseException) and not isinstance(o, SkytellsError):
            raise o
    if any(e is not None for e in errors):
        raise DispatchError(
            [None if e is not None else o for o, e in zip(outcomes, errors, strict=True)], errors
        )
    return list(outcomes)


# ---- downloads -------------------------------------------------------------------------------------


def download(ctx: Context, prediction: Mapping[str, Any]) -> Flow[list[tuple[str, bytes]]]:
    """Fetch every output file: ``[(safe file name, bytes), ...]``. The key goes to our origin only.

    A text output with no file behind it (text and code models) is saved as ``output.txt``.
    """
    pid = str(prediction.get("id") or "prediction")
    files: list[tuple[str, bytes]] = []
    used: set[str] = set()
    urls = output_urls(prediction)
    text = prediction.get("output")
    if not urls and isinstance(text, str) and text:
        return [("output.txt", text.encode())]
    for index, url in enumerate(urls):
        reply = yield from send(ctx, Request("GET", url, auth=ctx.config.same_origin(url), expect="bytes"))
        assert isinstance(reply, Reply)
        files.append((file_name_for(url, index, pid, used), reply.content))
    return files
