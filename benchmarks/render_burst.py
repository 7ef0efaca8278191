"""1,000 concurrent ``await client.run("flux-pro", ...)`` with distinct prompts: real image outputs.

    .venv/bin/python benchmarks/render_burst.py [--n 1000] [--model flux-pro] [--rounds 3] [--json F]

The emulator runs in its own process with its clock set so that the model's whole latency is 1 s
(speed 4.4 for ``flux-pro``), rate limit off, in its default rendering mode (every prediction has its
own 1024x1024 WebP, showing the label and its prompt) and again with ``--shared-outputs`` (one file per
model and shape, prompts not drawn). Each client runs in its own process; the reference is a bare
asyncio HTTP/1.1 client with no SDK doing the same awaited creates. The outputs are only downloaded
once per round, at the end (one file, checked against its announced size), as a burst does not read
them. Rounds are interleaved and each gets a fresh emulator; medians are kept.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import httpx
from async_concurrency import BARE, WORKER, run_worker, speed_for_one_second


def check_one_output(base_url: str, key: str) -> int:
    """Download one output of the burst; its size must be the one the prediction announced."""
    with httpx.Client(timeout=60) as http:
        page = http.get(f"{base_url}/predictions", params={"per_page": 1}, headers={"x-api-key": key}).json()
        prediction = page["data"][0]
        announced = prediction["metadata"]["storage"]["files"][0]["size"]
        data = http.get(prediction["output"][0]).content
    if len(data) != announced:
        raise RuntimeError(f"downloaded {len(data)} bytes, announced {announced}")
    return announced


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--model", default="flux-pro")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args()
    from async_concurrency import KEY
    from emulator_process import EmulatorProcess

    speed = speed_for_one_second(args.model)
    cases = [
        ("ours, default rendering", WORKER, ()),
        ("ours, --shared-outputs", WORKER, ("--shared-outputs",)),
        ("bare asyncio, default rendering", BARE, ()),
    ]
    walls: dict[str, list[float]] = {name: [] for name, _, _ in cases}
    outcomes: dict[str, Any] = {}
    size = 0
    for round_no in range(1, args.rounds + 1):
        for name, code, extra in cases if round_no % 2 else cases[::-1]:
            with EmulatorProcess(speed=speed, extra=extra) as emu:
                result = run_worker(sys.executable, emu.base_url, args.model, args.n, code)
                if name == "ours, default rendering":
                    size = check_one_output(emu.base_url, KEY)
            walls[name].append(float(result["wall_s"]))  # type: ignore[arg-type]
            outcomes[name] = result["outcome"]
            print(f"round {round_no}: {name:32} {result['wall_s']:6.2f} s  {result['outcome']}", flush=True)
    medians = {name: statistics.median(values) for name, values in walls.items()}
    ours = medians["ours, default rendering"]
    print(
        f"\n{args.n} concurrent run() on {args.model} (1 s latency, speed {speed:g}), median of {args.rounds}"
    )
    for name, wall in medians.items():
        print(f"{name:32} {wall:6.2f} s  {wall / ours:5.2f}x ours")
    print(f"one output file: {size:,} bytes, as announced")
    print(f"target ours <= 3 s with default rendering: {'met' if ours <= 3 else 'MISSED'}")
    print(time.strftime("measured %Y-%m-%d %H:%M UTC", time.gmtime()))
    if args.json:
        figures = {"n": args.n, "model": args.model, "rounds": args.rounds, "median_s": medians}
        args.json.write_text(json.dumps({**figures, "outcomes": outcomes, "file_bytes": size}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
