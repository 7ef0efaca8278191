"""Cost of the emulator's catalog validation, output rendering and webhook delivery (prints figures).

    .venv/bin/python benchmarks/media_webhooks.py [--renders 20] [--deliveries 1000]

1. **validate**: `Catalog.validate` of a typical image input, per call.
2. **render**: median wall time of `media.plan` per unique prompt (what a completing prediction pays:
   its files' names and sizes), of `media.render` (what a first download pays), for a repeated request
   (served from the render cache) and `unique=False` (shared outputs).
3. **webhooks**: `WebhookDispatcher.notify` per call, and N signed deliveries to a local receiver
   (a threaded http.server in this process, so the figure is a floor for the dispatcher).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from skytells.emulator import media
from skytells.emulator.catalog import Catalog
from skytells.emulator.webhooks.dispatcher import WebhookDispatcher
from skytells.emulator.webhooks.signing import new_secret

RENDER_CASES: list[tuple[str, dict[str, Any]]] = [
    ("flux-fast", {"output_format": "jpg"}),
    ("flux-pro", {"output_format": "webp"}),
    ("flux-pro", {"output_format": "png"}),
    ("flux-pro", {"output_format": "webp", "num_outputs": 4}),
    ("mera", {"size": "1280x720"}),
    ("veo-3.1", {"resolution": "1080p"}),
    ("beatfusion-2.0", {"audio_format": "mp3"}),
    ("beatfusion-2.0", {"audio_format": "wav"}),
    ("gpt-5", {}),
]


def bench_validate(catalog: Catalog) -> None:
    model = catalog.get("truefusion-pro")
    assert model is not None
    rounds = 2000
    started = time.perf_counter()
    for _ in range(rounds):
        catalog.validate(model, {"prompt": "A lake", "aspect_ratio": "16:9", "num_outputs": 2})
    print(f"validate truefusion-pro input: {(time.perf_counter() - started) / rounds * 1e6:.0f} us")


def bench_render(catalog: Catalog, renders: int) -> None:
    print(f"\n{'model':16} {'inputs':44} {'plan':>9} {'unique':>9} {'repeat':>9} {'shared':>9} {'bytes':>9}")
    for slug, extra in RENDER_CASES:
        model = catalog.get(slug)
        assert model is not None
        key = "lyrics" if slug.startswith("beatfusion") else "prompt"
        inputs = [catalog.validate(model, {key: f"Benchmark {i}", **extra}) for i in range(renders)]
        media.render(model, inputs[0])  # load fonts and codecs, size the shape
        media.clear_cache()
        plans = []
        for item in inputs:
            started = time.perf_counter()
            media.plan(model, item)
            plans.append(time.perf_counter() - started)
        times = []
        for item in inputs:
            started = time.perf_counter()
            rendered = media.render(model, item)
            times.append(time.perf_counter() - started)
        started = time.perf_counter()
        media.render(model, inputs[-1])
        repeat = time.perf_counter() - started
        media.render(model, inputs[0], unique=False)
        started = time.perf_counter()
        media.render(model, inputs[1], unique=False)
        shared = time.perf_counter() - started
        size = sum(f.size for f in rendered.files) or len(rendered.text or "")
        print(
            f"{slug:16} {str(extra)[:44]:44} {statistics.median(plans) * 1000:7.2f}ms"
            f" {statistics.median(times) * 1000:7.1f}ms"
            f" {repeat * 1000:7.2f}ms {shared * 1000:7.2f}ms {size:9,d}"
        )


def bench_webhooks(deliveries: int) -> None:
    received = 0

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:
            nonlocal received
            self.rfile.read(int(self.headers["Content-Length"]))
            received += 1
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/hook"

    async def run() -> None:
        dispatcher = WebhookDispatcher(allow_hosts=("127.0.0.1",))
        await dispatcher.start()
        prediction = {"id": "bench", "status": "succeeded", "output": ["http://127.0.0.1/o.webp"]}
        secret = new_secret()
        started = time.perf_counter()
        for _ in range(deliveries):
            dispatcher.notify(
                signing_key="sk-test-bench", secret=secret, webhook={"url": url, "events": ["completed"]},
                event="completed", prediction=prediction,
            )  # fmt: skip
        queued = time.perf_counter()
        await dispatcher.wait_idle()
        done = time.perf_counter()
        statuses = {entry["status"] for entry in dispatcher.deliveries()}
        await dispatcher.stop()
        print(f"\nwebhooks: notify {(queued - started) / deliveries * 1e6:.0f} us per call (returns at once)")
        print(
            f"webhooks: {deliveries} signed deliveries in {done - started:.2f} s "
            f"({deliveries / (done - started):.0f}/s), received {received}, statuses {sorted(statuses)}"
        )

    asyncio.run(run())
    server.shutdown()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--renders", type=int, default=20, help="unique prompts per case (at least 2)")
    parser.add_argument("--deliveries", type=int, default=1000)
    args = parser.parse_args()
    catalog = Catalog.load()
    bench_validate(catalog)
    bench_render(catalog, args.renders)
    bench_webhooks(args.deliveries)


if __name__ == "__main__":
    main()
