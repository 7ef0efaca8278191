"""1,000 concurrent `await client.run(...)` on an emulated model whose latency is 1 s.

The emulator runs in its own process with its clock set so that the model's whole lifecycle
(queue + boot + run) takes 1 s; each client runs in its own process (ours in this venv, the published
skytells 1.0.0 AsyncSkytellsClient in its own venv) and reports wall time and peak memory (max RSS).
Targets: ours under 2.5 s (the limit is about 1 s) and at least 30x faster than the published one.
The default model is a text model, whose output costs the emulator nothing to render, so the figure is
the clients' (an image model adds ~60 ms of emulator-side rendering per prediction).

    .venv/bin/python benchmarks/async_concurrency.py [--n 1000] [--model gpt-5-mini] [--skip-published]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests" / "conformance"))

KEY = "sk-test-benchmark-concurrency"

# Runs in the client's own interpreter: standard library + that interpreter's skytells only.
WORKER = r"""
import asyncio, json, resource, sys, time
from collections import Counter
from skytells import AsyncSkytellsClient
base, key, model, n = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

async def main():
    client = AsyncSkytellsClient(key, base_url=base)
    start = time.perf_counter()
    results = await asyncio.gather(
        *(client.run(model, input={"prompt": f"concurrency {i}"}) for i in range(n)), return_exceptions=True
    )
    wall = time.perf_counter() - start
    outcome = Counter(r.status if not isinstance(r, BaseException) else type(r).__name__ for r in results)
    close = getattr(client, "aclose", None)
    if close is not None:
        await close()
    return wall, outcome

wall, outcome = asyncio.run(main())
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"wall_s": wall, "peak_rss_mb": peak / 1024, "rss_before_mb": rss_before / 1024,
                  "outcome": dict(outcome)}))
"""


def run_worker(python: str, base: str, model: str, n: int) -> dict[str, object]:
    done = subprocess.run(
        [python, "-c", WORKER, base, KEY, model, str(n)], capture_output=True, text=True, timeout=1800
    )
    if done.returncode != 0:
        raise RuntimeError(f"worker failed:\n{done.stderr[-3000:]}")
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def speed_for_one_second(model: str) -> float:
    """The emulator speed at which `model`'s queue + boot + run latency totals 1 s."""
    from skytells.emulator.catalog import Catalog

    found = Catalog.load().get(model)
    if found is None:
        raise SystemExit(f"unknown model {model!r}")
    latency = found.latency
    total = float(latency.queue_s + latency.boot_s + latency.run_s)
    return total / 1.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--model", default="gpt-5-mini")
    parser.add_argument("--skip-published", action="store_true")
    args = parser.parse_args()

    from emulator_process import EmulatorProcess
    from published_env import published_python

    speed = speed_for_one_second(args.model)
    clients = {"ours": sys.executable}
    if not args.skip_published:
        clients["published 1.0.0"] = str(published_python())
    results: dict[str, dict[str, object]] = {}
    with EmulatorProcess(speed=speed) as emu:
        single = run_worker(sys.executable, emu.base_url, args.model, 1)
        print(f"one run alone: {single['wall_s']:.2f} s (model latency at speed {speed:g})", flush=True)
        for name, python in clients.items():
            results[name] = run_worker(python, emu.base_url, args.model, args.n)
            r = results[name]
            print(
                f"{name:<16} {r['wall_s']:8.2f} s  peak RSS {r['peak_rss_mb']:6.1f} MB  {r['outcome']}",
                flush=True,
            )
    ours = results["ours"]
    print(f"\n{args.n} concurrent run() on {args.model} (1 s latency)")
    print(f"{'client':<16} {'wall s':>8} {'peak MB':>8} {'MB at start':>12}")
    for name, r in results.items():
        print(f"{name:<16} {r['wall_s']:8.2f} {r['peak_rss_mb']:8.1f} {r['rss_before_mb']:12.1f}")
    print(f"target ours < 2.5 s: {'met' if float(ours['wall_s']) < 2.5 else 'MISSED'}")  # type: ignore[arg-type]
    if "published 1.0.0" in results:
        ratio = float(results["published 1.0.0"]["wall_s"]) / float(ours["wall_s"])  # type: ignore[arg-type]
        print(f"target >= 30x faster than published: {'met' if ratio >= 30 else 'MISSED'} ({ratio:.1f}x)")
    print(time.strftime("measured %Y-%m-%d %H:%M UTC", time.gmtime()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
