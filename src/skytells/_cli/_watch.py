"""Wait for a prediction with a live progress display; Ctrl-C offers to cancel it."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, NoReturn

import click
from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    Progress,
    ProgressColumn,
    SpinnerColumn,
    Task,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)
from rich.text import Text

from skytells import SkytellsClient, SkytellsError
from skytells.types import TERMINAL_STATUSES

from ._errors import CliError, ExitCode


def wait_for(
    client: SkytellsClient,
    prediction: Mapping[str, Any],
    *,
    console: Console | None,
    interval_ms: int,
) -> dict[str, Any]:
    """Follow `prediction` until it ends and return its final state.

    Live Server-Sent Events are followed where the server offers them; otherwise (or when the stream
    breaks off) the SDK's ``wait`` polls every `interval_ms`. With a `console`, a live bar shows status,
    percent and elapsed time. On Ctrl-C the user is asked whether to cancel the prediction; either way
    the command then ends with exit code 130.
    """
    display = _Display(console, prediction) if console is not None else None
    try:
        if display:
            display.start()
        final = follow_events(client, prediction, display)
        if final is None:
            final = dict(
                client.wait(
                    dict(prediction), options={"interval": interval_ms, "live": False}, on_progress=display
                )
            )
        if display:
            display(final)
        return final
    except KeyboardInterrupt:
        if display:
            display.stop()
        offer_cancel(client, str(prediction["id"]))
    finally:
        if display:
            display.stop()


def follow_events(
    client: SkytellsClient, prediction: Mapping[str, Any], on_update: Callable[[dict[str, Any]], None] | None
) -> dict[str, Any] | None:
    """The final prediction as its event stream delivers it, or None when the stream cannot tell."""
    if prediction.get("status") in TERMINAL_STATUSES:
        return dict(prediction)
    state: dict[str, Any] = dict(prediction)
    events = client.stream_events(str(prediction["id"]))
    try:
        for event in events:
            state = _apply(state, event.event, event.data)
            if on_update:
                on_update(state)
    except SkytellsError:
        return None  # polling takes over, and reports the error if there really is one
    finally:
        close = getattr(events, "close", None)
        if close is not None:
            close()  # ends the HTTP stream at once, also on Ctrl-C
    return state if state.get("status") in TERMINAL_STATUSES else None


def _apply(state: dict[str, Any], name: str, data: Any) -> dict[str, Any]:
    """The prediction as known after one stream event (status, progress, output or a whole prediction)."""
    if not isinstance(data, Mapping):
        return state
    if "id" in data and "status" in data and ("model" in data or "input" in data):
        return dict(data)
    if name == "status" and data.get("status"):
        return {**state, "status": data["status"]}
    if name == "progress" and isinstance(data.get("progress"), (int, float)):
        metrics = state.get("metrics") if isinstance(state.get("metrics"), Mapping) else {}
        return {**state, "metrics": {**(metrics or {}), "progress": data["progress"]}}
    return state


def offer_cancel(client: SkytellsClient, prediction_id: str) -> NoReturn:
    """Ask whether to cancel an interrupted prediction, do so if told, and end with exit code 130."""
    try:
        cancel = click.confirm(f"\nInterrupted. Cancel prediction {prediction_id}?", default=True, err=True)
    except (click.Abort, KeyboardInterrupt, EOFError):
        cancel = False
    if cancel:
        client.cancel_prediction(prediction_id)
        message = f"prediction {prediction_id} cancelled"
    else:
        follow = f"skytells predictions wait {prediction_id}"
        message = f"prediction {prediction_id} left running; follow it with: {follow}"
    raise CliError(message, "INTERRUPTED", ExitCode.INTERRUPTED)


def progress_of(prediction: Mapping[str, Any]) -> float | None:
    """The prediction's progress in percent, 100 once it succeeded, None when unknown."""
    if prediction.get("status") == "succeeded":
        return 100.0
    metrics = prediction.get("metrics")
    value = metrics.get("progress") if isinstance(metrics, Mapping) else None
    return float(value) if isinstance(value, (int, float)) else None


class _Display:
    """A one-line rich progress bar fed by the SDK's ``on_progress`` callback."""

    def __init__(self, console: Console, prediction: Mapping[str, Any]) -> None:
        model = prediction.get("model")
        label = model.get("name") if isinstance(model, Mapping) else None
        self._progress = Progress(
            _StatusMark(),
            TextColumn("[bold]{task.description}"),
            TextColumn("{task.fields[status]:<10}"),
            BarColumn(),
            TextColumn("{task.percentage:>3.0f}%"),
            TimeElapsedColumn(),
            console=console,
        )
        self._task: TaskID = self._progress.add_task(
            escape(str(label or prediction.get("id"))),
            total=100,
            status=str(prediction.get("status", "")),
            start=True,
        )
        self._started = False
        self(prediction)

    def start(self) -> None:
        if not self._started:
            self._progress.start()
            self._started = True

    def stop(self) -> None:
        if self._started:
            self._progress.stop()
            self._started = False

    def __call__(self, prediction: Mapping[str, Any]) -> None:
        status = str(prediction.get("status", ""))
        percent = progress_of(prediction)
        update: dict[str, Any] = {"status": status}
        if percent is not None:
            update["completed"] = percent
        self._progress.update(self._task, **update)
        if status in TERMINAL_STATUSES:
            self._progress.stop_task(self._task)


class _StatusMark(ProgressColumn):
    """A spinner while the prediction runs, then a mark for how it ended."""

    _MARKS = {"succeeded": Text("✔", style="green"), "failed": Text("✖", style="red")}

    def __init__(self) -> None:
        super().__init__()
        self._spinner = SpinnerColumn()

    def render(self, task: Task) -> Any:
        status = task.fields.get("status")
        if status in TERMINAL_STATUSES:
            return self._MARKS.get(status, Text("■", style="yellow"))
        return self._spinner.render(task)
