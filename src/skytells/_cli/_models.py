"""``skytells models …``: browse the model catalog."""

from __future__ import annotations

import click

from ._options import api_options
from ._render import emit_json, model_details, models_table, schema_table, stdout
from ._session import open_session

MODEL_TYPES = ["image", "video", "audio", "music", "text", "code", "multimodal", "embedding"]


@click.group()
def models() -> None:
    """Browse the models you can run."""


@models.command("list")
@click.option("--type", "model_type", type=click.Choice(MODEL_TYPES), help="Only models of this type.")
@api_options
def list_models(model_type: str | None, as_json: bool, local: bool, base_url: str | None) -> None:
    """List the available models.

    \b
    Examples:
      skytells models list --type video
      skytells models list --json
    """
    with open_session(local=local, base_url=base_url) as session:
        found = [dict(m) for m in session.client.models.list()]
    if model_type:
        found = [m for m in found if m.get("type") == model_type]
    if as_json:
        emit_json(found)
    else:
        stdout().print(models_table(found))


@models.command("get")
@click.argument("slug")
@click.option("--schema", is_flag=True, help="Also show the inputs the model takes (its input schema).")
@api_options
def get_model(slug: str, schema: bool, as_json: bool, local: bool, base_url: str | None) -> None:
    """Show one model; with --schema, the inputs it takes.

    \b
    Examples:
      skytells models get truefusion-pro --schema
    """
    fields = ["input_schema", "output_schema"] if schema else None
    with open_session(local=local, base_url=base_url) as session:
        model = dict(session.client.models.get(slug, fields=fields))
    if as_json:
        emit_json(model)
        return
    console = stdout()
    console.print(model_details(model))
    if schema:
        console.print()
        console.print(schema_table(model.get("input_schema")))
