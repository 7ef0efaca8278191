"""Streamed chat completions: time to first token and chunks per second, ours against the openai
package and raw httpx.

The emulator runs in its own process on loopback; each client runs in its own process too, one after
another, in rounds (the order reversed every other round), and the best round of each is kept. A
client first streams ``--streams`` long completions one after the other (``n`` choices each, so a
stream is a few hundred chunks) and reads every chunk's content: chunks per second over the whole
streams, and the client's CPU time per chunk (the emulator shares the machine's cores, so CPU isolates
the client's own cost). Then it streams ``--ttft-streams`` short completions (one choice, 16 tokens):
the median time to first token, from the call to the first chunk with content. Target: ours at least as
fast as the openai package.

    .venv/bin/python benchmarks/inference_stream.py [--streams 40] [--choices 8] [--ttft-streams 100]
                                                    [--rounds 3] [--quick]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

KEY = "sk-test-benchmark-inference"
MODEL = "deepbrain-router"
WORKER_TIMEOUT_S = 300

WORKER = r"""
import asyncio, json, statistics, sys, time
kind, base, key, model, streams, choices, ttft_streams = sys.argv[1:8]
streams, choices, ttft_streams = int(streams), int(choices), int(ttft_streams)
messages = [{"role": "user", "content": "Tell me a long story about a lighthouse keeper"}]
long_params = dict(model=model, messages=messages, n=choices, stream=True)
short_params = dict(model=model, messages=messages, max_tokens=16, stream=True)
params = long_params

def sync_streams(open_stream):
    ttfts, durations, chunks = [], [], 0
    for _ in range(streams):
        start = time.perf_counter()
        first = None
        for chunk in open_stream():
            chunks += 1
            if first is None and chunk.choices and chunk.choices[0].delta.content:
                first = time.perf_counter() - start
        durations.append(time.perf_counter() - start)
        ttfts.append(first)
    return ttfts, durations, chunks

async def async_streams(open_stream):
    ttfts, durations, chunks = [], [], 0
    for _ in range(streams):
        start = time.perf_counter()
        first = None
        async for chunk in await open_stream():
            chunks += 1
            if first is None and chunk.choices and chunk.choices[0].delta.content:
                first = time.perf_counter() - start
        durations.append(time.perf_counter() - start)
        ttfts.append(first)
    return ttfts, durations, chunks

def raw_httpx():
    import httpx
    http = httpx.Client(headers={"x-api-key": key})
    url = f"{base}/chat/completions"
    ttfts, durations, chunks = [], [], 0
    for _ in range(streams):
        start = time.perf_counter()
        first = None
        with http.stream("POST", url, json=params) as response:
            response.raise_for_status()
            for line in response.iter_lines():
                if not line.startswith("data: "):
                    continue
                data = line[6:]
                if data == "[DONE]":
                    break
                chunk = json.loads(data)
                chunks += 1
                if first is None and chunk["choices"] and chunk["choices"][0]["delta"].get("content"):
                    first = time.perf_counter() - start
        durations.append(time.perf_counter() - start)
        ttfts.append(first)
    return ttfts, durations, chunks

def run():
    if kind == "raw-httpx":
        return raw_httpx()
    if kind == "ours-sync":
        from skytells import SkytellsClient
        client = SkytellsClient(key, base_url=base)
        return sync_streams(lambda: client.chat.completions.create(**params))
    if kind == "openai-sync":
        import openai
        client = openai.OpenAI(api_key=key, base_url=base, max_retries=0)
        return sync_streams(lambda: client.chat.completions.create(**params))
    if kind == "ours-async":
        from skytells import AsyncSkytellsClient
        async def main():
            async with AsyncSkytellsClient(key, base_url=base) as client:
                return await async_streams(lambda: client.chat.completions.create(**params))
        return asyncio.run(main())
    if kind == "openai-async":
        import openai
        async def main():
            async with openai.AsyncOpenAI(api_key=key, base_url=base, max_retries=0) as client:
                return await async_streams(lambda: client.chat.completions.create(**params))
        return asyncio.run(main())
    raise SystemExit(f"unknown client {kind}")

count = streams
streams = 2
run()                       # warm up: imports, connections, first-call paths
streams = count
cpu = time.process_time()
ttfts, durations, chunks = run()
cpu = time.process_time() - cpu
params, streams = short_params, ttft_streams
short_ttfts = run()[0]
print(json.dumps({
    "ttft_ms": statistics.median(short_ttfts) * 1000,
    "chunks_per_s": chunks / sum(durations),
    "cpu_us_per_chunk": cpu / chunks * 1e6,
    "chunks": chunks,
}))
"""

CLIENTS = {
    "raw httpx (sync)": "raw-httpx",
    "ours (sync)": "ours-sync",
    "openai (sync)": "openai-sync",
    "ours (async)": "ours-async",
    "openai (async)": "openai-async",
}


def measure(kind: str, base: str, streams: int, choices: int, ttft_streams: int) -> dict[str, float]:
    """The figures of one worker process."""
    done = subprocess.run(
        [sys.executable, "-c", WORKER, kind, base, KEY, MODEL, str(streams), str(choices), str(ttft_streams)],
        capture_output=True,
        text=True,
        timeout=WORKER_TIMEOUT_S,
    )
    if done.returncode != 0:
        raise RuntimeError(f"{kind} worker failed:\n{done.stderr[-2000:]}")
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def available(kind: str) -> bool:
    if not kind.startswith("openai"):
        return True
    probe = subprocess.run([sys.executable, "-c", "import openai"], capture_output=True)
    return probe.returncode == 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--streams", type=int, default=40, help="streams per client per round")
    parser.add_argument("--choices", type=int, default=8, help="n: choices per stream")
    parser.add_argument("--ttft-streams", type=int, default=100, help="short streams for TTFT")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="a smoke run: 2 streams, 1 round")
    args = parser.parse_args(argv)
    if args.quick:
        args.streams, args.ttft_streams, args.rounds = 2, 3, 1
    # bounded: at most 500 long streams of 32 choices and 2,000 short ones per client and round, 10 rounds
    args.streams, args.choices = min(args.streams, 500), min(args.choices, 32)
    args.ttft_streams = min(args.ttft_streams, 2000)
    args.rounds = min(args.rounds, 10)

    from emulator_process import EmulatorProcess

    clients = {name: kind for name, kind in CLIENTS.items() if available(kind)}
    best: dict[str, dict[str, float]] = {}
    with EmulatorProcess(speed=100.0) as emu:
        for round_no in range(1, args.rounds + 1):
            order = list(clients.items())
            for name, kind in order if round_no % 2 else order[::-1]:
                figures = measure(kind, emu.base_url, args.streams, args.choices, args.ttft_streams)
                kept = best.setdefault(name, dict(figures))
                kept["ttft_ms"] = min(kept["ttft_ms"], figures["ttft_ms"])
                kept["chunks_per_s"] = max(kept["chunks_per_s"], figures["chunks_per_s"])
                kept["cpu_us_per_chunk"] = min(kept["cpu_us_per_chunk"], figures["cpu_us_per_chunk"])
                print(
                    f"round {round_no}: {name:<17} TTFT {figures['ttft_ms']:6.2f} ms  "
                    f"{figures['chunks_per_s']:8.0f} chunks/s  "
                    f"{figures['cpu_us_per_chunk']:6.1f} us CPU/chunk",
                    flush=True,
                )
    chunks = int(next(iter(best.values()))["chunks"]) if best else 0
    print(
        f"\n{args.streams} streamed chat completions per client ({chunks} chunks, n={args.choices}), "
        f"TTFT: median of {args.ttft_streams} short streams; best of {args.rounds} rounds"
    )
    print(f"{'client':<17} {'TTFT ms':>8} {'chunks/s':>9} {'CPU us/chunk':>13}")
    for name, figures in best.items():
        print(
            f"{name:<17} {figures['ttft_ms']:8.2f} {figures['chunks_per_s']:9.0f} "
            f"{figures['cpu_us_per_chunk']:13.1f}"
        )
    for mode in ("sync", "async"):
        ours, theirs = best.get(f"ours ({mode})"), best.get(f"openai ({mode})")
        if ours and theirs:
            ratio = ours["chunks_per_s"] / theirs["chunks_per_s"]
            verdict = "met" if ratio >= 1.0 else "MISSED"
            print(
                f"target ours ({mode}) >= openai ({mode}): {verdict} ({ratio:.2f}x chunks/s, "
                f"TTFT {ours['ttft_ms']:.2f} vs {theirs['ttft_ms']:.2f} ms)"
            )
    print(time.strftime("measured %Y-%m-%d %H:%M UTC", time.gmtime()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
