"""The emulator's command line: ``python -m skytells.emulator [flags]`` and ``skytells emulator [flags]``.

`config_from_args` turns the flags into an `EmulatorConfig`; `main` then serves until interrupted::

    python -m skytells.emulator --port 8790 --speed 10 --fault "POST /v1/predict* status=503 first=1"
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from skytells.emulator.catalog import Catalog
from skytells.emulator.config import DEFAULT_PORT, LOOPBACK_HOSTS, EmulatorConfig
from skytells.emulator.faults.spec import parse_fault_spec
from skytells.emulator.server import serve


def build_parser(prog: str = "python -m skytells.emulator") -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=prog, description="Run the local Skytells API emulator.")
    parser.add_argument("--host", default="127.0.0.1", help="interface to bind (default 127.0.0.1)")
    parser.add_argument(
        "--port", type=int, default=DEFAULT_PORT, help=f"port (default {DEFAULT_PORT}; 0 = any)"
    )
    parser.add_argument("--data-dir", help="where state is kept (default: a fresh temporary directory)")
    parser.add_argument("--speed", type=float, default=1.0, help="divide every simulated duration by this")
    parser.add_argument(
        "--api-key", action="append", default=[], dest="api_keys", help="accept only these keys (repeatable)"
    )
    parser.add_argument(
        "--webhook-allow", action="append", default=[], help="host webhooks may be sent to (repeatable)"
    )
    parser.add_argument(
        "--await-cap", type=float, default=60.0, help="seconds an `await: true` create is held"
    )
    parser.add_argument("--rate-limit", type=int, default=600, help="requests per key per minute (0 = off)")
    parser.add_argument(
        "--fault", action="append", default=[], dest="faults", help="a fault rule (repeatable)"
    )
    parser.add_argument("--seed", type=int, help="seed for fault probabilities")
    parser.add_argument("--catalog", help="a models JSON file to use instead of the packaged catalog")
    parser.add_argument(
        "--shared-outputs",
        action="store_true",
        help="predictions of a model share one cached output file (cheap rendering for load tests)",
    )
    return parser


def config_from_args(
    argv: Sequence[str] | None = None, prog: str = "python -m skytells.emulator"
) -> EmulatorConfig:
    """Parse command-line flags into an `EmulatorConfig` (exits with a message on bad flags)."""
    parser = build_parser(prog)
    args = parser.parse_args(argv)
    if args.catalog:
        try:
            Catalog.load(args.catalog)
        except (OSError, ValueError, KeyError, TypeError) as exc:
            parser.error(f"cannot read the catalog {args.catalog}: {exc}")
    try:
        faults = tuple(parse_fault_spec(spec) for spec in args.faults)
        return EmulatorConfig(
            host=args.host,
            port=args.port,
            data_dir=args.data_dir,
            speed=args.speed,
            api_keys=tuple(args.api_keys),
            webhook_allow=tuple(args.webhook_allow) or LOOPBACK_HOSTS,
            await_cap=args.await_cap,
            rate_limit=args.rate_limit,
            faults=faults,
            seed=args.seed,
            catalog_path=args.catalog,
            shared_outputs=args.shared_outputs,
        )
    except ValueError as exc:
        parser.error(str(exc))


def main(argv: Sequence[str] | None = None, prog: str = "python -m skytells.emulator") -> int:
    """``python -m skytells.emulator [flags]``: parse flags and serve until interrupted."""
    config = config_from_args(argv, prog)
    try:
        serve(config)
    except OSError as exc:
        print(
            f"{prog}: error: cannot listen on {config.host}:{config.port}: {exc.strerror or exc}",
            file=sys.stderr,
        )
        return 1
    return 0
