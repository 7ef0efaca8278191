"""``skytells emulator …``: start the local API emulator (the flags of ``python -m skytells.emulator``)."""

from __future__ import annotations

import click

from ._errors import CliError, ExitCode


@click.command(
    context_settings={"ignore_unknown_options": True, "allow_interspersed_args": False},
    add_help_option=False,
    short_help="Start the local Skytells API emulator (flags: skytells emulator --help).",
)
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
@click.pass_context
def emulator(ctx: click.Context, args: tuple[str, ...]) -> None:
    """Start a local emulator of the Skytells API (see: skytells emulator --help).

    \b
    Examples:
      skytells emulator --port 8790 --speed 10
      skytells emulator --data-dir ./emulator-data --api-key sk-test-local
    """
    try:
        from skytells.emulator import main
    except ImportError as error:
        raise CliError(
            f"the emulator needs its extra: pip install 'skytells[emulator]' ({error})",
            "SDK_ERROR",
            ExitCode.ERROR,
        ) from error
    ctx.exit(main(list(args), prog="skytells emulator"))
