"""``skytells chat``: talk to a chat model of the Inference API, its reply streamed as it is written."""

from __future__ import annotations

import sys

import click
from rich.markup import escape

from ._conversation import Chat, Sampling, enable_line_editing, run_session, terminal_line
from ._options import api_options
from ._render import emit_json, stderr
from ._session import open_session


@click.command()
@click.argument("model")
@click.argument("prompt", required=False)
@click.option("--system", metavar="TEXT", help="A system message, sent first in the conversation.")
@click.option("--max-tokens", type=int, metavar="N", help="Stop each reply after N tokens.")
@click.option("--temperature", type=float, metavar="F", help="Sampling temperature (0 to 2).")
@click.option("--seed", type=int, metavar="N", help="Seed for reproducible replies.")
@api_options
def chat(
    model: str,
    prompt: str | None,
    system: str | None,
    max_tokens: int | None,
    temperature: float | None,
    seed: int | None,
    as_json: bool,
    local: bool,
    base_url: str | None,
) -> None:
    """Chat with MODEL: send PROMPT and stream the reply.

    Without PROMPT, a terminal starts a session (`you> `; /exit or Ctrl-D ends it, Ctrl-C stops a
    reply), and piped stdin is read whole as the prompt. --json prints the whole chat completion
    object instead of streaming.

    \b
    Examples:
      skytells chat deepbrain-router "Write a haiku about rain"
      skytells chat gpt-5 --system "Answer in French"
      git diff | skytells chat deepbrain-coder --system "Review this patch"
    """
    sampling = Sampling(max_tokens=max_tokens, temperature=temperature, seed=seed)
    interactive = prompt is None and bool(sys.stdin and sys.stdin.isatty())
    if interactive and as_json:
        raise click.UsageError("--json needs a PROMPT (or one piped on stdin)")
    if prompt is None and not interactive:
        prompt = (sys.stdin.read() if sys.stdin else "").rstrip()
        if not prompt:
            raise click.UsageError("nothing to send: give a PROMPT, or pipe one on stdin")
    with open_session(local=local, base_url=base_url) as session:
        conversation = Chat(session.client, model, system=system, sampling=sampling, write=_write_out)
        if prompt is not None and as_json:
            emit_json(conversation.complete(prompt))
            return
        if prompt is not None:
            conversation.ask(prompt)
            return
        enable_line_editing()
        hint = "/exit or Ctrl-D ends, Ctrl-C stops a reply"
        stderr().print(f"Chatting with [bold]{escape(model)}[/bold] · {hint}")
        run_session(conversation, terminal_line, _notice)


def _write_out(text: str) -> None:
    click.echo(text, nl=False)  # click flushes after each write: every delta shows at once


def _notice(text: str) -> None:
    click.echo(text, err=True)
