"""How soon ``run(..., on_progress=cb)`` returns once the prediction has ended: live events vs polling.

    .venv/bin/python benchmarks/live_progress.py [--runs 3] [--models truefusion,truefusion-edge] [--json F]

The emulator runs in its own process at speed 1 (each model's real latency). For each model, sync
``SkytellsClient.run(model, on_progress=cb)`` following the live event stream (the default), the
same with ``live=False`` (the documented polling: every 5 s), and a raw httpx reference that creates
the prediction and reads its event stream until the ``done`` event (the floor for any client). The
figure is the time from the prediction's ``completed_at`` (set by the emulator) to the moment the call
returns, on the same machine's clock; medians over ``--runs`` interleaved runs. A fast model
(``truefusion-edge``, whole latency 0.9 s) answers its create already finished, so both paths return
at once for it; ``truefusion`` (3.3 s) shows the polling gap.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx

from skytells import SkytellsClient

KEY = "sk-test-benchmark-live-progress"


def _lag(prediction: Any, returned: float) -> float:
    return returned - datetime.fromisoformat(str(prediction["completed_at"])).timestamp()


def sdk_run(client: SkytellsClient, model: str, live: bool) -> tuple[float, int]:
    """Seconds from completed_at to the return, and how many progress callbacks came."""
    calls: list[str] = []
    prediction = client.run(
        model,
        input={"prompt": f"live progress {time.time()}"},
        on_progress=lambda p: calls.append(p.status),
        live=live,
    )
    return _lag(prediction, time.time()), len(calls)


def raw_stream(base_url: str, model: str) -> tuple[float, int]:
    """The reference: create, then read the event stream with plain httpx until ``done``."""
    headers = {"x-api-key": KEY}
    with httpx.Client(base_url=base_url, headers=headers, timeout=60) as http:
        created = http.post("/predictions", json={"model": model, "input": {"prompt": "raw"}}).json()
        if created["status"] in ("succeeded", "failed", "cancelled"):
            return _lag(created, time.time()), 0
        events = 0
        with http.stream(
            "GET", f"/predictions/{created['id']}/stream", headers={"accept": "text/event-stream"}
        ) as r:
            name = ""
            for line in r.iter_lines():
                if line.startswith("event:"):
                    name = line[6:].strip()
                elif line.startswith("data:") and name == "done":
                    return _lag(json.loads(line[5:]), time.time()), events
                elif line.startswith("data:"):
                    events += 1
    raise RuntimeError("the stream ended without a done event")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--runs", type=int, default=3, help="runs of each path per model (medians kept)")
    parser.add_argument("--models", default="truefusion,truefusion-edge")
    parser.add_argument("--speed", type=float, default=1.0, help="the emulator's speed (1: real latencies)")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args()
    from emulator_process import EmulatorProcess

    models = [m for m in args.models.split(",") if m]
    results: dict[str, dict[str, Any]] = {}
    with EmulatorProcess(speed=args.speed) as emu, SkytellsClient(KEY, base_url=emu.base_url) as client:
        for model in models:
            lags: dict[str, list[float]] = {"live": [], "polling": [], "raw httpx stream": []}
            callbacks: dict[str, list[int]] = {name: [] for name in lags}
            for run in range(args.runs):
                paths = ["live", "polling", "raw httpx stream"]
                for path in paths if run % 2 == 0 else paths[::-1]:
                    if path == "raw httpx stream":
                        lag, count = raw_stream(emu.base_url, model)
                    else:
                        lag, count = sdk_run(client, model, live=path == "live")
                    lags[path].append(lag)
                    callbacks[path].append(count)
                    print(
                        f"{model:16} {path:17} {lag * 1000:8.1f} ms after completed_at, {count} callbacks",
                        flush=True,
                    )
            results[model] = {
                path: {"median_s": statistics.median(values), "callbacks": statistics.median(callbacks[path])}
                for path, values in lags.items()
            }
    print(
        f"\nrun(on_progress=...) at speed {args.speed:g}: median time from completed_at to return, "
        f"{args.runs} runs"
    )
    print(f"{'model':16} {'live ms':>9} {'polling ms':>11} {'raw httpx ms':>13} {'polling / live':>15}")
    for model, r in results.items():
        live, polling, raw = (r[p]["median_s"] for p in ("live", "polling", "raw httpx stream"))
        ratio = polling / live if live > 0 else float("inf")
        print(f"{model:16} {live * 1000:9.1f} {polling * 1000:11.1f} {raw * 1000:13.1f} {ratio:15.1f}")
        print(f"target live <= 100 ms on {model}: {'met' if live <= 0.1 else 'MISSED'}")
    print(time.strftime("measured %Y-%m-%d %H:%M UTC", time.gmtime()))
    if args.json:
        args.json.write_text(
            json.dumps({"runs": args.runs, "speed": args.speed, "models": results}, indent=2)
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
