"""``skytells run``: run a model, watch it, save its outputs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click
from rich.markup import escape

from ._download import download_outputs, output_urls, output_values
from ._errors import CliError, ExitCode
from ._inputs import build_input, load_input_file
from ._options import api_options
from ._render import emit_json, saved_paths, stderr, stdout
from ._session import Session, open_session
from ._watch import wait_for

WEBHOOK_EVENTS = ["completed", "failed"]


@click.command()
@click.argument("model")
@click.option(
    "-i",
    "--input",
    "pairs",
    multiple=True,
    metavar="KEY=VALUE",
    help="A model input, typed by the model's schema; repeat for more. VALUE @path reads a local file.",
)
@click.option("--input-file", metavar="FILE.json", help="A JSON object of inputs (-i values override it).")
@click.option("--webhook", metavar="URL", help="POST the prediction to URL when it completes or fails.")
@click.option("--no-wait", is_flag=True, help="Create the prediction and return without waiting.")
@click.option(
    "--output-dir",
    default="skytells-output",
    show_default=True,
    type=click.Path(file_okay=False),
    metavar="DIR",
    help="Where outputs are saved (in a folder named after the prediction).",
)
@api_options
def run(
    model: str,
    pairs: tuple[str, ...],
    input_file: str | None,
    webhook: str | None,
    no_wait: bool,
    output_dir: str,
    as_json: bool,
    local: bool,
    base_url: str | None,
) -> None:
    """Run MODEL and save its outputs.

    \b
    Examples:
      skytells run truefusion-pro -i prompt="A lighthouse at dawn" -i num_outputs=2
      skytells run flux-pro --input-file input.json --output-dir out/
      skytells run truefusion -i prompt="A cat" --local
    """
    if webhook is not None and not webhook.startswith(("http://", "https://")):
        raise click.BadParameter("must be an http:// or https:// URL", param_hint="--webhook")
    base_input = load_input_file(input_file) if input_file else {}
    with open_session(local=local, base_url=base_url) as session:
        schema = session.client.models.get(model, fields=["input_schema"]).get("input_schema")
        payload: dict[str, Any] = {"model": model, "input": build_input(pairs, schema, base_input)}
        if webhook:
            payload["webhook"] = {"url": webhook, "events": WEBHOOK_EVENTS}
        created = dict(session.client.predictions.create(payload))
        if no_wait:
            _report_created(created, as_json)
            return
        if not as_json:
            stderr().print(f"Running [bold]{escape(model)}[/bold] · prediction {escape(str(created['id']))}")
        final = follow(session, created, as_json=as_json)
        finish(session, final, Path(output_dir), as_json=as_json)


def follow(session: Session, prediction: dict[str, Any], *, as_json: bool) -> dict[str, Any]:
    """Wait for the prediction, with a progress display unless the output is JSON."""
    interval = 200 if session.local else 1000
    return wait_for(session.client, prediction, console=None if as_json else stderr(), interval_ms=interval)


def finish(session: Session, prediction: dict[str, Any], output_dir: Path | None, *, as_json: bool) -> None:
    """Report a finished prediction: save its outputs, print them, fail with exit 6 if it did not succeed."""
    status = prediction.get("status")
    paths: list[Path] = []
    if status == "succeeded" and output_dir is not None:
        paths = download_outputs(prediction, output_dir, session.client)
    if as_json:
        emit_json({**prediction, "downloaded_files": [str(p) for p in paths]} if output_dir else prediction)
    else:
        _print_result(prediction, paths)
    ensure_succeeded(prediction)


def ensure_succeeded(prediction: dict[str, Any]) -> None:
    status = prediction.get("status")
    if status == "failed":
        reason = prediction.get("error") or prediction.get("response") or "no reason given"
        raise CliError(
            f"prediction {prediction.get('id')} failed: {reason}",
            "PREDICTION_FAILED",
            ExitCode.PREDICTION_FAILED,
        )
    if status in ("cancelled", "canceled"):
        raise CliError(
            f"prediction {prediction.get('id')} was cancelled",
            "PREDICTION_CANCELLED",
            ExitCode.PREDICTION_FAILED,
        )


def _print_result(prediction: dict[str, Any], paths: list[Path]) -> None:
    """``✔ ID succeeded in 3.1s``, then text outputs, then saved files (or the output URLs when not saved)."""
    if prediction.get("status") != "succeeded":
        return
    console = stdout()
    metrics = prediction.get("metrics") or {}
    seconds = metrics.get("predict_time") if isinstance(metrics, dict) else None
    took = f" in {seconds:.1f}s" if isinstance(seconds, (int, float)) else ""
    console.print(f"[green]✔[/green] {escape(str(prediction.get('id')))} succeeded{took}")
    urls = output_urls(prediction)
    for value in output_values(prediction):
        if value not in urls:
            console.print(value, markup=False, highlight=False)
        elif not paths:
            console.print(f"Output {value}", markup=False, highlight=False, overflow="ignore", crop=False)
    saved_paths(console, paths)


def _report_created(prediction: dict[str, Any], as_json: bool) -> None:
    if as_json:
        emit_json(prediction)
        return
    pid = prediction.get("id")
    stdout().print(f"{pid} {prediction.get('status')}", markup=False)
    stderr().print(f"Follow it with: skytells predictions wait {pid}", markup=False)
