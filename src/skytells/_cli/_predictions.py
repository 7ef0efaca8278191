"""``skytells predictions …``: list, get, wait for, cancel and delete predictions."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from ._options import api_options
from ._render import count, emit_json, plain, prediction_details, predictions_table, status_text, stdout
from ._run import finish, follow
from ._session import open_session

STATUSES = ["pending", "starting", "started", "processing", "succeeded", "failed", "cancelled", "canceled"]


@click.group()
def predictions() -> None:
    """List, inspect, wait for, cancel and delete predictions."""


@predictions.command("list")
@click.option("--model", metavar="SLUG", help="Only predictions of this model.")
@click.option(
    "--since", metavar="DATE", help="Only predictions created from this day (YYYY-MM-DD) or ISO 8601 time."
)
@click.option(
    "--until", metavar="DATE", help="Only predictions created up to this day (YYYY-MM-DD) or ISO 8601 time."
)
@click.option("--status", type=click.Choice(STATUSES), help="Only predictions with this status.")
@click.option("--page", type=click.IntRange(min=1), help="Page to show (newest first; 20 per page).")
@click.option("--all", "all_pages", is_flag=True, help="Every page, one after the other.")
@api_options
def list_predictions(
    model: str | None,
    since: str | None,
    until: str | None,
    status: str | None,
    page: int | None,
    all_pages: bool,
    as_json: bool,
    local: bool,
    base_url: str | None,
) -> None:
    """List predictions, newest first.

    \b
    Examples:
      skytells predictions list --model flux-pro --since 2026-01-01
      skytells predictions list --status failed --all --json
    """
    if page is not None and all_pages:
        raise click.UsageError("--page and --all cannot be used together")
    filters: dict[str, Any] = {"model": model, "since": since, "until": until, "status": status}
    with open_session(local=local, base_url=base_url) as session:
        if all_pages:
            items = [dict(item) for item in session.client.predictions.list_all(**filters)]
            if as_json:
                emit_json(items)
            else:
                console = stdout()
                console.print(predictions_table(items, count(len(items), "prediction"), console.width))
            return
        result = session.client.predictions.list(page=page or 1, **filters)
        if as_json:
            emit_json(result.to_dict())
            return
        pagination = result.pagination
        title = f"Page {pagination.current_page} of {pagination.last_page}"
        title += f" · {count(pagination.total or len(result.data), 'prediction')}"
        console = stdout()
        console.print(predictions_table(result.data, title, console.width))


@predictions.command("get")
@click.argument("prediction_id", metavar="ID")
@api_options
def get_prediction(prediction_id: str, as_json: bool, local: bool, base_url: str | None) -> None:
    """Show one prediction."""
    with open_session(local=local, base_url=base_url) as session:
        prediction = dict(session.client.predictions.get(prediction_id))
    if as_json:
        emit_json(prediction)
    else:
        stdout().print(prediction_details(prediction))


@predictions.command("wait")
@click.argument("prediction_id", metavar="ID")
@click.option(
    "--output-dir",
    type=click.Path(file_okay=False),
    metavar="DIR",
    help="Also save the outputs here (in a folder named after the prediction).",
)
@api_options
def wait_prediction(
    prediction_id: str, output_dir: str | None, as_json: bool, local: bool, base_url: str | None
) -> None:
    """Wait for a prediction to finish, with a progress display; Ctrl-C offers to cancel it."""
    with open_session(local=local, base_url=base_url) as session:
        current = dict(session.client.predictions.get(prediction_id))
        final = follow(session, current, as_json=as_json)
        finish(session, final, Path(output_dir) if output_dir else None, as_json=as_json)


@predictions.command("cancel")
@click.argument("prediction_id", metavar="ID")
@api_options
def cancel_prediction(prediction_id: str, as_json: bool, local: bool, base_url: str | None) -> None:
    """Cancel a prediction (a finished one is left as it is)."""
    with open_session(local=local, base_url=base_url) as session:
        prediction = dict(session.client.cancel_prediction(prediction_id))
    if as_json:
        emit_json(prediction)
    else:
        stdout().print(plain(prediction.get("id", prediction_id)), status_text(prediction.get("status")))


@predictions.command("delete")
@click.argument("prediction_id", metavar="ID")
@api_options
def delete_prediction(prediction_id: str, as_json: bool, local: bool, base_url: str | None) -> None:
    """Delete a prediction and its stored output files."""
    with open_session(local=local, base_url=base_url) as session:
        prediction = dict(session.client.delete_prediction(prediction_id))
    if as_json:
        emit_json(prediction)
    else:
        stdout().print(f"{prediction.get('id', prediction_id)} deleted", markup=False)
