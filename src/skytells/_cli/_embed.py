"""``skytells embed``: embeddings of texts from an embedding model of the Inference API."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Sequence

import click

from ._options import api_options
from ._render import count, emit_json
from ._session import open_session

SHOWN_VALUES = 8
"""How many leading components of each vector the default output shows."""


@click.command()
@click.argument("model")
@click.argument("texts", nargs=-1, required=True, metavar="TEXT...")
@click.option(
    "--dimensions",
    type=int,
    metavar="N",
    help="Shorter vectors: the first N components, scaled to length 1 (at most the model's own).",
)
@api_options
def embed(
    model: str,
    texts: tuple[str, ...],
    dimensions: int | None,
    as_json: bool,
    local: bool,
    base_url: str | None,
) -> None:
    """Embed each TEXT with MODEL: one vector per text. TEXT - reads one text per line of stdin.

    \b
    Examples:
      skytells embed deepbrain-embed "a cat" "a dog"
      skytells embed deepbrain-embed "a cat" --dimensions 256 --json
      cut -f2 titles.tsv | skytells embed deepbrain-embed -
    """
    inputs = gather_texts(texts, lambda: sys.stdin.read().splitlines())
    with open_session(local=local, base_url=base_url) as session:
        result = session.client.embeddings.create(model=model, input=inputs, dimensions=dimensions)
    if as_json:
        emit_json(result)
        return
    for item in result.data:
        click.echo(vector_line(item.index, item.embedding))
    tokens = result.usage.total_tokens if result.usage else None
    used = f" · {count(tokens, 'token')}" if isinstance(tokens, int) else ""
    click.echo(f"{count(len(result.data), 'embedding')} from {result.model}{used}", err=True)


def gather_texts(texts: Sequence[str], stdin_lines: Callable[[], Iterable[str]]) -> list[str]:
    """The texts to embed: each TEXT, with ``-`` standing for the non-blank lines of stdin (read once)."""
    if texts.count("-") > 1:
        raise click.UsageError("'-' (the lines of stdin) can be given only once")
    gathered: list[str] = []
    for text in texts:
        if text == "-":
            gathered.extend(line for line in stdin_lines() if line.strip())
        else:
            gathered.append(text)
    if not gathered:
        raise click.UsageError("nothing to embed: stdin had no text")
    return gathered


def vector_line(index: int, vector: Sequence[float]) -> str:
    """``[0] 1024 dims  0.0123 -0.0456 …``: the vector's index, length and first values."""
    shown = " ".join(f"{value:.4f}" for value in vector[:SHOWN_VALUES])
    more = " …" if len(vector) > SHOWN_VALUES else ""
    return f"[{index}] {len(vector)} dims  {shown}{more}"
