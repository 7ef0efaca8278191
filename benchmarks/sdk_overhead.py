"""Per-call overhead of the SDK: `predictions.get` in a loop against the emulator.

Compares calls per second of our SkytellsClient, a raw httpx.Client doing the same GET and JSON decode
(the limit for an SDK built on httpx), and the published skytells 1.0.0 (urllib, in its own venv).
The emulator runs in its own process; each client runs in its own process too, one after another,
in rounds, and the best round of each is reported. Wall-clock rates depend on the emulator and on
whatever else the machine runs; the client's CPU time per call (also reported) isolates the SDK's own
overhead. Target: ours >= 0.9x raw httpx.

    .venv/bin/python benchmarks/sdk_overhead.py [--calls 3000] [--rounds 3] [--skip-published]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests" / "conformance"))  # for published_env

KEY = "sk-test-benchmark-overhead"

WORKER = r"""
import json, sys, time
kind, base, key, pid, calls = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5])
if kind == "raw-httpx":
    import httpx
    http = httpx.Client(headers={"x-api-key": key, "Content-Type": "application/json"})
    url = f"{base}/predictions/{pid}"
    def call():
        r = http.get(url)
        r.raise_for_status()
        return r.json()
else:
    from skytells import SkytellsClient
    client = SkytellsClient(key, base_url=base)
    def call():
        return client.predictions.get(pid)
assert call()["id"] == pid
for _ in range(min(200, calls // 10)):
    call()
start, cpu = time.perf_counter(), time.process_time()
for _ in range(calls):
    call()
elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
print(json.dumps({"calls_per_s": calls / elapsed, "cpu_us_per_call": cpu / calls * 1e6}))
"""


def measure(python: str, kind: str, base: str, pid: str, calls: int) -> tuple[float, float]:
    """(calls per second, client CPU microseconds per call) of one worker process."""
    done = subprocess.run(
        [python, "-c", WORKER, kind, base, KEY, pid, str(calls)], capture_output=True, text=True, timeout=600
    )
    if done.returncode != 0:
        raise RuntimeError(f"{kind} worker failed:\n{done.stderr[-2000:]}")
    result = json.loads(done.stdout.strip().splitlines()[-1])
    return float(result["calls_per_s"]), float(result["cpu_us_per_call"])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=3000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--skip-published", action="store_true", help="leave out skytells 1.0.0")
    args = parser.parse_args()

    import httpx
    from emulator_process import EmulatorProcess
    from published_env import published_python

    published = None if args.skip_published else str(published_python())
    with EmulatorProcess(speed=100.0) as emu:
        created = httpx.post(
            f"{emu.base_url}/predictions",
            headers={"x-api-key": KEY},
            json={"model": "flux-pro", "input": {"prompt": "overhead"}, "await": True},
            timeout=60,
        ).json()
        pid = created["id"]
        clients = {"raw httpx.Client": (sys.executable, "raw-httpx"), "ours": (sys.executable, "sdk")}
        if published is not None:
            clients["published 1.0.0"] = (published, "sdk")
        best: dict[str, float] = {name: 0.0 for name in clients}
        cpu: dict[str, float] = {name: float("inf") for name in clients}
        for round_no in range(1, args.rounds + 1):
            order = list(clients.items())
            for name, (python, kind) in order if round_no % 2 else order[::-1]:
                rate, us = measure(python, kind, emu.base_url, pid, args.calls)
                best[name], cpu[name] = max(best[name], rate), min(cpu[name], us)
                print(f"round {round_no}: {name:<18} {rate:8.0f} calls/s {us:8.0f} us CPU/call", flush=True)
    raw = best["raw httpx.Client"]
    print(f"\npredictions.get, {args.calls} sequential calls, best of {args.rounds} rounds")
    print(f"{'client':<18} {'calls/s':>9} {'x raw httpx':>12} {'CPU us/call':>12} {'x raw (CPU)':>12}")
    for name, rate in best.items():
        cpu_ratio = cpu["raw httpx.Client"] / cpu[name]
        print(f"{name:<18} {rate:9.0f} {rate / raw:12.2f} {cpu[name]:12.0f} {cpu_ratio:12.2f}")
    ours_cpu = cpu["raw httpx.Client"] / cpu["ours"]
    verdict = "met" if best["ours"] >= 0.9 * raw else "MISSED"
    print(
        f"target ours >= 0.90x raw httpx: {verdict} "
        f"({best['ours'] / raw:.2f}x calls/s, {ours_cpu:.2f}x by CPU)"
    )
    if "published 1.0.0" in best:
        print(f"ours vs published 1.0.0: {best['ours'] / best['published 1.0.0']:.2f}x calls/s")
    print(time.strftime("measured %Y-%m-%d %H:%M UTC", time.gmtime()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
