"""How results look: rich tables and panels for people, plain JSON on stdout for scripts."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import IO, Any, TextIO, cast

import click
from rich import box
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from skytells.types import TERMINAL_STATUSES

from ._download import output_values
from ._secrets import RedactingFile, redact_value

STATUS_STYLES = {
    "succeeded": "green",
    "failed": "red",
    "cancelled": "yellow",
    "canceled": "yellow",
    "processing": "cyan",
    "started": "cyan",
    "starting": "cyan",
    "pending": "dim",
    "operational": "green",
}


def stdout() -> Console:
    """A console on the current stdout (looked up per call, so test runners can capture it); keys redacted."""
    return Console(file=_redacting(sys.stdout), highlight=False, soft_wrap=False)


def stderr() -> Console:
    """A console on the current stderr; keys redacted."""
    return Console(file=_redacting(sys.stderr), stderr=True, highlight=False)


def _redacting(file: TextIO) -> IO[str]:
    return cast("IO[str]", RedactingFile(file))  # a file as far as rich is concerned (write + the rest)


def emit_json(value: Any) -> None:
    """Print `value` as indented JSON on stdout, and nothing else (keys redacted)."""
    click.echo(json.dumps(redact_value(value), indent=2, ensure_ascii=False, default=str))


def count(n: int, noun: str) -> str:
    """``1 prediction``, ``3 predictions``."""
    return f"{n} {noun}{'' if n == 1 else 's'}"


def plain(value: Any) -> Text:
    """`value` as text that is shown as is (never read as rich markup)."""
    return Text(str(value if value is not None else ""))


def status_text(status: Any) -> Text:
    text = str(status or "")
    return Text(text, style=STATUS_STYLES.get(text, ""))


def model_slug(prediction: Mapping[str, Any]) -> str:
    model = prediction.get("model")
    if isinstance(model, Mapping):
        return str(model.get("name") or "")
    return str(model or "")


def predictions_table(
    predictions: Iterable[Mapping[str, Any]], title: str | None = None, width: int = 120
) -> Table:
    """One row per prediction; narrow terminals (under 100 columns) get a shorter date and no Time column."""
    wide = width >= 100
    table = Table(title=title, title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False)
    table.add_column("ID", no_wrap=True, min_width=36)
    table.add_column("Model", no_wrap=True, min_width=10)
    table.add_column("Status", no_wrap=True, min_width=9)
    table.add_column("Created", no_wrap=True)
    if wide:
        table.add_column("Time", justify="right", no_wrap=True)
    for p in predictions:
        metrics = p.get("metrics") if isinstance(p.get("metrics"), Mapping) else {}
        seconds = (metrics or {}).get("predict_time")
        created = _short_time(p.get("created_at"))
        row: list[Any] = [plain(p.get("id", "")), plain(model_slug(p)), status_text(p.get("status"))]
        row.append(created[:16] if wide else created[5:16])
        if wide:
            row.append(f"{seconds:.1f}s" if isinstance(seconds, (int, float)) else "")
        table.add_row(*row)
    return table


def models_table(models: Iterable[Mapping[str, Any]]) -> Table:
    table = Table()
    table.add_column("Slug", no_wrap=True)
    table.add_column("Name", min_width=12)
    table.add_column("Type", no_wrap=True)
    table.add_column("Price", min_width=10)
    table.add_column("Status", no_wrap=True)
    for m in models:
        table.add_row(
            plain(m.get("namespace", "")),
            plain(m.get("name", "")),
            plain(m.get("type", "")),
            plain(price_text(m.get("pricing"))),
            status_text(m.get("status")),
        )
    return table


def price_text(pricing: Any) -> str:
    """``0.05 USD/image``; small per-token prices in plain decimals, not ``6e-07``."""
    if not isinstance(pricing, Mapping) or not isinstance(pricing.get("amount"), (int, float)):
        return ""
    amount = f"{pricing['amount']:.10f}".rstrip("0").rstrip(".")
    return f"{amount} {pricing.get('currency', '')}/{pricing.get('unit', '')}".replace(" /", "/")


def model_details(model: Mapping[str, Any]) -> Table:
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column()
    vendor = model.get("vendor") if isinstance(model.get("vendor"), Mapping) else {}
    rows = [
        ("Slug", model.get("namespace")),
        ("Name", model.get("name")),
        ("Type", model.get("type")),
        ("Vendor", (vendor or {}).get("name")),
        ("Price", price_text(model.get("pricing"))),
        ("Capabilities", ", ".join(str(c) for c in model.get("capabilities") or [])),
        ("Status", model.get("status")),
        ("Description", model.get("description")),
    ]
    for label, value in rows:
        if value not in (None, ""):
            grid.add_row(label, value if isinstance(value, Text) else plain(value))
    return grid


def schema_table(schema: Mapping[str, Any] | None) -> Table:
    """The inputs a model takes: name, type, default, allowed values or range, description."""
    table = Table(title="Inputs", title_justify="left")
    table.add_column("Input", no_wrap=True)
    table.add_column("Type", no_wrap=True)
    table.add_column("Default")
    table.add_column("Allowed")
    table.add_column("Description")
    properties: Mapping[str, Any] = (schema or {}).get("properties") or {}
    required = set((schema or {}).get("required") or ())
    ordered = sorted(properties.items(), key=lambda item: (item[1].get("x-order", 1_000), item[0]))
    for name, spec in ordered:
        table.add_row(
            Text(name + (" *" if name in required else ""), style="bold" if name in required else ""),
            plain(_type_text(spec)),
            plain("" if "default" not in spec else json.dumps(spec["default"])),
            plain(_allowed_text(spec)),
            plain(spec.get("description") or spec.get("title") or ""),
        )
    return table


def prediction_details(prediction: Mapping[str, Any]) -> Table:
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column(overflow="fold")
    metrics = prediction.get("metrics") if isinstance(prediction.get("metrics"), Mapping) else {}
    progress = (metrics or {}).get("progress")
    grid.add_row("ID", plain(prediction.get("id", "")))
    grid.add_row("Model", plain(model_slug(prediction)))
    grid.add_row("Status", status_text(prediction.get("status")))
    if isinstance(progress, (int, float)) and prediction.get("status") not in TERMINAL_STATUSES:
        grid.add_row("Progress", f"{progress:.0f}%")
    grid.add_row("Created", _short_time(prediction.get("created_at")))
    if prediction.get("completed_at"):
        grid.add_row("Completed", _short_time(prediction.get("completed_at")))
    if isinstance((metrics or {}).get("predict_time"), (int, float)):
        grid.add_row("Predict time", f"{(metrics or {})['predict_time']:.2f}s")
    error = prediction.get("error")
    if error:
        grid.add_row("Error", Text(str(error), style="red"))
    for index, value in enumerate(_outputs(prediction)):
        grid.add_row("Output" if index == 0 else "", plain(value))
    return grid


def saved_paths(console: Console, paths: Sequence[Path]) -> None:
    for path in paths:
        console.print(f"Saved [bold]{escape(_display_path(path))}[/bold]")


def _display_path(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def _outputs(prediction: Mapping[str, Any]) -> list[str]:
    return [v if len(v) <= 500 else v[:500] + "…" for v in output_values(prediction)]


def _type_text(spec: Mapping[str, Any]) -> str:
    kind = spec.get("type", "")
    text = "|".join(kind) if isinstance(kind, list) else str(kind)
    if spec.get("format"):
        text += f" ({spec['format']})"
    return text


def _allowed_text(spec: Mapping[str, Any]) -> str:
    if spec.get("enum"):
        return ", ".join(str(v) for v in spec["enum"])
    low, high = spec.get("minimum"), spec.get("maximum")
    if low is not None or high is not None:
        return f"{'' if low is None else low} to {'' if high is None else high}".strip()
    return ""


def _short_time(value: Any) -> str:
    text = str(value or "")
    return text.replace("T", " ")[:19] if text else ""
