"""The ``skytells`` command line (extra ``skytells[cli]``: click and rich).

Example:
    $ skytells run truefusion -i prompt="A lighthouse at dawn" --local
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from importlib.util import find_spec

__all__ = ["main"]


def main(argv: Sequence[str] | None = None) -> None:
    """Entry point of the ``skytells`` console script."""
    missing = [name for name in ("click", "rich") if find_spec(name) is None]
    if missing:
        sys.stderr.write(
            f"The skytells command line needs {' and '.join(missing)}: pip install 'skytells[cli]'\n"
        )
        sys.exit(1)
    from ._app import cli

    cli.main(args=list(argv) if argv is not None else None, prog_name="skytells")
