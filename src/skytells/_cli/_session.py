"""Build the SDK client a command talks through: the remote API, or an embedded local emulator."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

from skytells import SkytellsClient

from . import _secrets
from ._errors import CliError, ExitCode

LOCAL_API_KEY = "sk-local-skytells-cli"
"""The key every ``--local`` command uses, so successive commands share one local account."""

LOCAL_SPEED = 2.0
"""How much faster than the real platform the embedded emulator runs (an image takes a few seconds)."""


@dataclass(frozen=True)
class Session:
    """An open SDK client and what the command needs to know about where it points."""

    client: SkytellsClient
    base_url: str
    api_key: str
    local: bool


LOCAL_DIR_VARIABLE = "SKYTELLS_LOCAL_DIR"
"""Names a separate folder for ``--local`` state (one per project, CI job or test run)."""


def local_data_dir() -> Path:
    """Where ``--local`` keeps its emulator state: ``$SKYTELLS_LOCAL_DIR`` when set, else
    ``$XDG_CACHE_HOME/skytells/emulator``, one folder shared by every ``--local`` command of the user."""
    chosen = os.environ.get(LOCAL_DIR_VARIABLE, "").strip()
    if chosen:
        return Path(chosen).expanduser()
    cache = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(cache) / "skytells" / "emulator"


@contextmanager
def open_session(*, local: bool, base_url: str | None) -> Iterator[Session]:
    """Open a client on the remote API (key from ``SKYTELLS_API_KEY``) or on an embedded emulator."""
    with ExitStack() as stack:
        if local:
            base_url, api_key = stack.enter_context(_local_emulator()), LOCAL_API_KEY
        else:
            api_key = _remote_key()
        _secrets.register(api_key)
        client = stack.enter_context(SkytellsClient(api_key, base_url=base_url))
        yield Session(client=client, base_url=client.base_url, api_key=api_key, local=local)


def _remote_key() -> str:
    key = os.environ.get("SKYTELLS_API_KEY", "").strip()
    if not key:
        raise CliError(
            "no API key: set SKYTELLS_API_KEY, or add --local to use the embedded emulator",
            "UNAUTHORIZED",
            ExitCode.AUTHENTICATION,
        )
    return key


@contextmanager
def _local_emulator() -> Iterator[str]:
    try:
        from skytells.emulator import EmulatorConfig, EmulatorServer
    except ImportError as error:
        raise CliError(
            f"--local needs the emulator extra: pip install 'skytells[emulator]' ({error})",
            "SDK_ERROR",
            ExitCode.ERROR,
        ) from error
    data_dir = local_data_dir()
    data_dir.mkdir(parents=True, exist_ok=True)
    config = EmulatorConfig(host="127.0.0.1", port=0, data_dir=str(data_dir), speed=LOCAL_SPEED)
    with EmulatorServer(config) as server:
        yield server.base_url
