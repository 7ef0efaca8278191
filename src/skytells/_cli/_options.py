"""Options shared by every command that talks to the API."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])


def api_options(command: F) -> F:
    """Add ``--json``, ``--local`` and ``--base-url`` to a command."""
    command = click.option(
        "--base-url",
        envvar="SKYTELLS_BASE_URL",
        metavar="URL",
        help="API base URL [env: SKYTELLS_BASE_URL; default: https://api.skytells.ai/v1].",
    )(command)
    command = click.option(
        "--local",
        is_flag=True,
        help="Use an embedded local emulator (no API key, no network; state kept under "
        "~/.cache/skytells, or the folder SKYTELLS_LOCAL_DIR names).",
    )(command)
    command = click.option(
        "--json", "as_json", is_flag=True, help="Print the result as JSON on stdout, for scripts."
    )(command)
    return command
