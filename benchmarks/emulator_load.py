"""Load figures of the emulator on this machine (run by hand; prints figures, asserts nothing).

    .venv/bin/python benchmarks/emulator_load.py [--predictions 2000] [--duration 10] [--drivers 2]

It starts ``python -m skytells.emulator`` as a separate process (rate limit off, fresh data
directory) and drives it with ``httpx.AsyncClient``:

1. **in flight**: create N predictions of a slow video model at speed 1 (each runs ~2 minutes), check
   that every one is accepted and still running, sample GETs while they tick, and read the server's
   RSS before and after (per-prediction memory); then cancel them all.
2. **create + get**: for D seconds, P driver processes with C workers each create a prediction and
   GET it back, in two flavours: held ``pending`` by an outcome rule (the API and store alone), and a
   text model that runs its whole lifecycle at speed 1.

The drivers share the machine's cores with the server, so the rates are a floor for the server; the
server's own CPU time per request is printed too.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import httpx

KEY = {"x-api-key": "sk-test-load-benchmark"}
SLOW_MODEL = "sora-2-pro"  # queue 3 s + run 120 s at speed 1
QUICK_MODEL = "gpt-5-mini"  # text, ~1.3 s at speed 1


@dataclass
class Tally:
    """Counts and latencies of one phase."""

    ok: int = 0
    errors: dict[str, int] = field(default_factory=dict)
    latencies: list[float] = field(default_factory=list)
    cpu: float = 0.0

    def error(self, kind: str) -> None:
        self.errors[kind] = self.errors.get(kind, 0) + 1

    def summary(self) -> str:
        return f"p50 {self.percentile(0.5):.1f} ms, p99 {self.percentile(0.99):.1f} ms, errors {self.errors}"

    def percentile(self, share: float) -> float:
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(share * len(ordered)))] * 1000


class Emulator:
    """``python -m skytells.emulator`` in a child process on a free port."""

    def __init__(self, data_dir: str) -> None:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = sock.getsockname()[1]
        command = [sys.executable, "-m", "skytells.emulator", "--port", str(self.port)]
        command += ["--data-dir", data_dir, "--rate-limit", "0", "--speed", "1"]
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        self.root = f"http://127.0.0.1:{self.port}"

    def wait_ready(self, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"emulator exited: {self.process.stderr.read().decode()[-2000:]}")  # type: ignore[union-attr]
            try:
                if httpx.get(f"{self.root}/_emulator/health", timeout=1).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.1)
        raise SystemExit("emulator did not become healthy")

    def rss_mib(self) -> float:
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        return float("nan")

    def cpu_seconds(self) -> float:
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()


async def timed(
    tally: Tally, call: Callable[[], Awaitable[httpx.Response]], expect: tuple[int, ...]
) -> httpx.Response | None:
    started = time.perf_counter()
    try:
        response = await call()
    except httpx.HTTPError as error:
        tally.error(type(error).__name__)
        return None
    tally.latencies.append(time.perf_counter() - started)
    if response.status_code not in expect:
        tally.error(f"HTTP {response.status_code}")
        return None
    tally.ok += 1
    return response


async def in_flight(client: httpx.AsyncClient, emulator: Emulator, count: int, concurrency: int) -> None:
    print(f"\n## {count} predictions in flight at once ({SLOW_MODEL}, speed 1)")
    rss_before = emulator.rss_mib()
    creates, ids = Tally(), []
    gate = asyncio.Semaphore(concurrency)
    body = {"model": SLOW_MODEL, "input": {"prompt": "a slow pan over a glacier"}}

    async def create_one() -> None:
        async with gate:
            response = await timed(creates, lambda: client.post("/v1/predictions", json=body), (200,))
            if response is not None:
                ids.append(response.json()["id"])

    started = time.perf_counter()
    await asyncio.gather(*(create_one() for _ in range(count)))
    took = time.perf_counter() - started
    cpu_before = emulator.cpu_seconds()
    await asyncio.sleep(5)
    holding_cpu = (emulator.cpu_seconds() - cpu_before) / 5
    rss_after = emulator.rss_mib()
    rate = creates.ok / took
    print(f"created          {creates.ok}/{count} in {took:.2f} s ({rate:.0f}/s), errors {creates.errors}")
    print(f"create latency   {creates.summary()}")

    polls = Tally()
    sample = ids[:: max(1, len(ids) // 400)]
    statuses: dict[str, int] = {}

    async def poll(prediction_id: str) -> None:
        async with gate:
            response = await timed(polls, lambda: client.get(f"/v1/predictions/{prediction_id}"), (200,))
            if response is not None:
                status = response.json()["status"]
                statuses[status] = statuses.get(status, 0) + 1

    await asyncio.gather(*(poll(prediction_id) for prediction_id in sample))
    listed = (await client.get("/v1/predictions", params={"per_page": 1})).json()["pagination"]["total"]
    running = sum(
        count for status, count in statuses.items() if status not in ("succeeded", "failed", "cancelled")
    )
    print(f"stored           {listed}; sampled {len(sample)}: {statuses} (running: {running}/{len(sample)})")
    print(f"get latency      {polls.summary()}")
    per_prediction = (rss_after - rss_before) * 1024 / max(1, len(ids))
    print(f"server RSS       {rss_before:.1f} MiB -> {rss_after:.1f} MiB: {per_prediction:.1f} KiB each")

    print(f"holding them     server CPU {holding_cpu:.0%} of a core (lifecycle timers, progress updates)")
    cancels = Tally()

    async def cancel(prediction_id: str) -> None:
        async with gate:
            await timed(cancels, lambda: client.post(f"/v1/predictions/{prediction_id}/cancel"), (200,))

    started = time.perf_counter()
    await asyncio.gather(*(cancel(prediction_id) for prediction_id in ids))
    took = time.perf_counter() - started
    print(
        f"cancelled        {cancels.ok} in {took:.2f} s ({cancels.ok / took:.0f}/s), errors {cancels.errors}"
    )


def create_get_worker(root: str, model: str, seconds: float, concurrency: int) -> Tally:
    """One driver process: ``concurrency`` loops of create then get, for ``seconds``."""

    async def run() -> Tally:
        tally = Tally()
        body = {"model": model, "input": {"prompt": "count to three"}}
        limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
        async with httpx.AsyncClient(base_url=root, headers=KEY, limits=limits, timeout=60) as client:
            deadline = time.perf_counter() + seconds

            async def loop() -> None:
                while time.perf_counter() < deadline:
                    created = await timed(tally, lambda: client.post("/v1/predictions", json=body), (200,))
                    if created is not None:
                        url = f"/v1/predictions/{created.json()['id']}"
                        await timed(tally, lambda url=url: client.get(url), (200,))  # type: ignore[misc]

            await asyncio.gather(*(loop() for _ in range(concurrency)))
        tally.cpu = time.process_time()
        return tally

    return asyncio.run(run())


def create_and_get(emulator: Emulator, label: str, model: str, args: argparse.Namespace) -> None:
    drivers, seconds = args.drivers, args.duration
    print(f"\n## create + get for {seconds:g} s, {drivers} driver(s) x {args.concurrency} workers: {label}")
    cpu_before = emulator.cpu_seconds()
    started = time.perf_counter()
    with ProcessPoolExecutor(drivers) as pool:
        jobs = [
            pool.submit(create_get_worker, emulator.root, model, seconds, args.concurrency)
            for _ in range(drivers)
        ]
        tallies = [job.result() for job in jobs]
    took = time.perf_counter() - started
    server_cpu = emulator.cpu_seconds() - cpu_before
    tally = Tally()
    for part in tallies:
        tally.ok += part.ok
        tally.latencies += part.latencies
        for kind, count in part.errors.items():
            tally.errors[kind] = tally.errors.get(kind, 0) + count
    rate = tally.ok / took
    print(f"requests         {tally.ok} in {took:.2f} s: {rate:.0f} requests/s ({rate / 2:.0f} pairs/s)")
    print(f"latency          {tally.summary()}")
    driver_cpu = sum(part.cpu for part in tallies)
    print(f"CPU              server {server_cpu / took:.0%} of a core, drivers {driver_cpu / took:.0%}")
    per_request = server_cpu / max(1, tally.ok) * 1000
    capacity = 1000 / per_request
    print(
        f"server cost      {per_request:.2f} ms CPU per request (~{capacity:.0f} requests/s on a free core)"
    )
    print(f"server RSS       {emulator.rss_mib():.1f} MiB")


async def in_flight_phase(emulator: Emulator, args: argparse.Namespace) -> None:
    limits = httpx.Limits(max_connections=args.concurrency, max_keepalive_connections=args.concurrency)
    async with httpx.AsyncClient(base_url=emulator.root, headers=KEY, limits=limits, timeout=60) as client:
        await client.get("/v1/models")  # open the account
        await in_flight(client, emulator, args.predictions, args.concurrency)


def admin(emulator: Emulator, path: str, body: object = None) -> None:
    httpx.post(f"{emulator.root}/_emulator{path}", json=body, timeout=30).raise_for_status()


def drive(emulator: Emulator, args: argparse.Namespace) -> None:
    if args.predictions:
        asyncio.run(in_flight_phase(emulator, args))
    admin(emulator, "/reset")
    admin(emulator, "/outcomes", {"model": QUICK_MODEL, "outcome": "pending", "count": 10**9})
    create_and_get(emulator, "held pending (API + store)", QUICK_MODEL, args)
    admin(emulator, "/reset")
    create_and_get(emulator, f"{QUICK_MODEL} running to the end", QUICK_MODEL, args)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--predictions", type=int, default=2000, help="predictions held in flight (0 skips)")
    parser.add_argument("--duration", type=float, default=10.0, help="seconds of each create+get run")
    parser.add_argument("--concurrency", type=int, default=8, help="concurrent requests per driver")
    parser.add_argument("--drivers", type=int, default=2, help="driver processes for create + get")
    args = parser.parse_args()
    python = sys.version.split()[0]
    print(f"emulator load benchmark: {os.cpu_count()} CPUs, Python {python}, httpx {httpx.__version__}")
    print(f"load average at start: {os.getloadavg()[0]:.2f}")
    with tempfile.TemporaryDirectory(prefix="skytells-load-") as data_dir:
        emulator = Emulator(data_dir)
        try:
            emulator.wait_ready()
            print(f"server           pid {emulator.process.pid}, RSS at start {emulator.rss_mib():.1f} MiB")
            drive(emulator, args)
        finally:
            emulator.stop()


if __name__ == "__main__":
    main()
