"""Run the benchmarks of the figures a user notices and write them into ``benchmarks/README.md``.

    .venv/bin/python benchmarks/run_all.py [--quick] [--readme PATH] [--chart PATH]

(``scripts/bench`` runs this.) Four benchmarks, each against its baseline and a reference in the same
run, all on loopback, the whole in a few minutes:

- ``live_progress.py``: ``run(on_progress=cb)``'s return after the prediction ended, live events vs
  the documented polling, and a raw httpx stream reader;
- ``render_burst.py``: 1,000 concurrent ``run("flux-pro")`` with the emulator's default rendering,
  vs ``--shared-outputs`` and a bare asyncio client;
- ``import_time.py``: ``import skytells`` vs ``import httpx`` in an install of the SDK alone;
- ``sdk_overhead.py``: the sync client's CPU per ``predictions.get``, vs the published 1.0.0 package
  and a raw ``httpx.Client``.

The README's section between the ``figures`` markers is replaced with the date, the machine's load
and each ratio, and the chart (PNG, matplotlib) is redrawn. ``--quick`` runs each at its smallest
size (what the test suite does, writing elsewhere): its figures mean nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
BEGIN, END = "<!-- figures:begin -->", "<!-- figures:end -->"
FULL = {
    "live_progress": ["--runs", "3"],
    "render_burst": ["--rounds", "3"],
    "import_time": ["--runs", "31"],
    "sdk_overhead": ["--calls", "3000", "--rounds", "5"],
}
QUICK = {
    "live_progress": ["--runs", "1", "--models", "truefusion-edge,truefusion", "--speed", "50"],
    "render_burst": ["--n", "4", "--rounds", "1"],
    "import_time": ["--runs", "1", "--here"],
    "sdk_overhead": ["--calls", "5", "--rounds", "1", "--skip-published"],
}


def run(name: str, args: list[str], out: Path) -> dict[str, Any]:
    """One benchmark script, its output echoed; the figures it wrote as JSON."""
    target = out / f"{name}.json"
    command = [sys.executable, str(HERE / f"{name}.py"), *args, "--json", str(target)]
    print(f"$ {' '.join(command[1:])}", flush=True)
    subprocess.run(command, check=True, timeout=900)
    result: dict[str, Any] = json.loads(target.read_text())
    return result


def rows(figures: dict[str, dict[str, Any]]) -> list[tuple[str, str, str, str, str]]:
    """(figure, ours, baseline, reference, ratio) for the README table."""
    out = []
    live = figures["live_progress"]
    for model, paths in live["models"].items():
        ours, base = paths["live"]["median_s"], paths["polling"]["median_s"]
        raw = paths["raw httpx stream"]["median_s"]
        ratio = (
            f"{base / ours:.0f}x sooner" if ours > 0 and base / ours >= 2 else "same (finished in the create)"
        )
        out.append(
            (
                f"`run(on_progress=cb)` on `{model}`, speed {live['speed']:g}: completed_at to return",
                f"{ours * 1000:.1f} ms live",
                f"{base * 1000:.0f} ms polling (`live=False`)",
                f"{raw * 1000:.1f} ms raw httpx stream",
                ratio,
            )
        )
    burst = figures["render_burst"]
    medians = burst["median_s"]
    ours = medians["ours, default rendering"]
    out.append(
        (
            f'{burst["n"]:,} concurrent `run("{burst["model"]}")`, 1 s latency, default rendering',
            f"{ours:.2f} s",
            f"{medians['ours, --shared-outputs']:.2f} s with `--shared-outputs`",
            f"{medians['bare asyncio, default rendering']:.2f} s bare asyncio",
            f"{ours / medians['ours, --shared-outputs']:.2f}x shared outputs",
        )
    )
    shared = medians["ours, --shared-outputs"]
    out.append(
        (
            f"the same {burst['n']:,} runs with `--shared-outputs`",
            f"{shared:.2f} s",
            "",
            "1.00 s the model's latency",
            f"{shared:.2f}x the latency",
        )
    )
    imports = figures["import_time"]
    ms = imports["median_ms"]
    out.append(
        (
            "`import skytells` vs `import httpx` (SDK alone, `-X importtime` medians)",
            f"{ms['skytells']:.1f} ms",
            "",
            f"{ms['httpx']:.1f} ms `import httpx`",
            f"{imports['ratio']:.2f}x httpx (fastest runs {imports['fastest_ratio']:.2f}x)",
        )
    )
    cpu = figures["sdk_overhead"]["cpu_us_median"]
    published = cpu.get("published 1.0.0")
    out.append(
        (
            "sync `predictions.get` in a loop: client CPU per call",
            f"{cpu['ours']:.0f} µs",
            "not run" if published is None else f"{published:.0f} µs published 1.0.0",
            f"{cpu['raw httpx.Client']:.0f} µs raw `httpx.Client`",
            "" if published is None else f"{cpu['ours'] / published:.2f}x published",
        )
    )
    return out


def section(figures: dict[str, dict[str, Any]], chart: Path, readme: Path, quick: bool) -> str:
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    stamp = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    sizes = "quick smoke sizes: not figures" if quick else "full sizes"
    lines = [
        BEGIN,
        f"Measured {stamp} by `scripts/bench` ({sizes}), "
        f"load average {load}, {os.cpu_count()} cores. Medians; each row's baseline and reference ran in "
        "the same run.",
        "",
        "| figure | ours | baseline | reference | ratio |",
        "|---|---:|---:|---:|---:|",
        *(f"| {' | '.join(row)} |" for row in rows(figures)),
        "",
        f"![The figures above as bars]({os.path.relpath(chart, readme.parent)})",
        END,
    ]
    return "\n".join(lines)


def draw(figures: dict[str, dict[str, Any]], chart: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 4, figsize=(17, 4))
    model, paths = next(iter(figures["live_progress"]["models"].items()))
    for item in figures["live_progress"]["models"].items():
        if item[1]["polling"]["median_s"] > paths["polling"]["median_s"]:
            model, paths = item
    labels = ["live", "polling", "raw httpx stream"]
    axes[0].bar(labels, [paths[p]["median_s"] * 1000 for p in labels], color=["#2a7", "#c55", "#888"])
    axes[0].set_title(f"run(on_progress) on {model}:\ncompleted_at to return (ms)")
    burst = figures["render_burst"]["median_s"]
    labels = list(burst)
    axes[1].bar(
        [b.replace(", ", "\n") for b in labels], [burst[b] for b in labels], color=["#2a7", "#58c", "#888"]
    )
    axes[1].set_title(f'{figures["render_burst"]["n"]:,} concurrent run("flux-pro"), 1 s latency (s)')
    ms = figures["import_time"]["median_ms"]
    axes[2].bar(["import skytells", "import httpx"], [ms["skytells"], ms["httpx"]], color=["#2a7", "#888"])
    axes[2].set_title(f"import time (ms), ratio {figures['import_time']['ratio']:.2f}x")
    cpu = figures["sdk_overhead"]["cpu_us_median"]
    clients = [name for name in ("ours", "published 1.0.0", "raw httpx.Client") if name in cpu]
    colors = {"ours": "#2a7", "published 1.0.0": "#c55", "raw httpx.Client": "#888"}
    axes[3].bar(clients, [cpu[name] for name in clients], color=[colors[name] for name in clients])
    axes[3].set_title("sync predictions.get: client CPU per call (µs)")
    for axis, unit in zip(axes, ("%.0f ms", "%.2f s", "%.0f ms", "%.0f µs"), strict=True):
        axis.tick_params(axis="x", labelsize=8)
        axis.bar_label(axis.containers[0], fmt=unit, fontsize=8)
    fig.tight_layout()
    fig.savefig(chart, dpi=90)
    plt.close(fig)


def write_readme(readme: Path, text: str) -> None:
    current = readme.read_text() if readme.exists() else ""
    if BEGIN in current and END in current:
        head, rest = current.split(BEGIN, 1)
        current = head + text + rest.split(END, 1)[1]
    else:
        current = current.rstrip() + "\n\n## Figures\n\n" + text + "\n"
    readme.write_text(current)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="smallest sizes (a smoke run)")
    parser.add_argument("--readme", type=Path, default=HERE / "README.md")
    parser.add_argument("--chart", type=Path, default=HERE / "figures.png")
    args = parser.parse_args()
    settings = QUICK if args.quick else FULL
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="skytells-bench-") as tmp:
        figures = {name: run(name, extra, Path(tmp)) for name, extra in settings.items()}
    draw(figures, args.chart)
    text = section(figures, args.chart, args.readme, args.quick)
    write_readme(args.readme, text)
    print(f"\n{text}\n\nwrote {args.readme} and {args.chart} in {time.monotonic() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
