"""The ``skytells`` command group: wires the commands and turns every failure into one error line."""

from __future__ import annotations

from typing import Any

import click

from skytells import SkytellsError

from ._chat import chat
from ._embed import embed
from ._emulator import emulator
from ._errors import CliError, ExitCode, from_sdk_error
from ._models import models
from ._predictions import predictions
from ._run import run


class _Group(click.Group):
    """A group that reports SDK errors and Ctrl-C as one line with an exit code by kind."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except SkytellsError as error:
            raise from_sdk_error(error) from None
        except KeyboardInterrupt:
            raise CliError("interrupted", "INTERRUPTED", ExitCode.INTERRUPTED) from None


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="skytells", prog_name="skytells")
def cli() -> None:
    """Run Skytells models, follow and manage predictions, chat, embed, browse models, run an emulator.

    The API key is read from SKYTELLS_API_KEY (never printed); --local runs everything on an
    embedded emulator instead, with no key and no network. Exit codes: 0 ok, 1 API error,
    2 usage, 3 authentication, 4 not found, 5 invalid input, 6 prediction failed or cancelled,
    7 network, 130 interrupted.

    \b
    Examples:
      skytells run truefusion -i prompt="A lighthouse at dawn" --local
      skytells models get truefusion-pro --schema
      skytells predictions list --status succeeded --json
      skytells chat deepbrain-router "Write a haiku about rain" --local
      skytells embed deepbrain-embed "a cat" "a dog" --local
    """


cli.add_command(run)
cli.add_command(predictions)
cli.add_command(models)
cli.add_command(chat)
cli.add_command(embed)
cli.add_command(emulator)
