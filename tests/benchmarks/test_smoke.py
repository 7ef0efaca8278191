"""Every benchmark script runs at its smallest settings, so none can rot. No figure is checked: the
benchmarks measure, they never assert on time."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"

SMALLEST = {
    "sdk_overhead.py": ["--calls", "5", "--rounds", "1", "--skip-published"],
    "async_concurrency.py": ["--n", "3", "--rounds", "1", "--skip-published"],
    "inference_stream.py": ["--quick"],
    "emulator_load.py": ["--predictions", "5", "--duration", "0.3", "--drivers", "1", "--concurrency", "1"],
    "media_webhooks.py": ["--renders", "2", "--deliveries", "2"],
    "live_progress.py": ["--runs", "1", "--models", "truefusion-edge,truefusion", "--speed", "50"],
    "render_burst.py": ["--n", "3", "--rounds", "1"],
    "import_time.py": ["--runs", "1", "--here"],
}


def _run(args: list[str]) -> str:
    done = subprocess.run(
        [sys.executable, *args], capture_output=True, text=True, timeout=300, cwd=BENCHMARKS
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-3000:]
    return done.stdout


def test_every_benchmark_script_is_smoke_run() -> None:
    scripts = {p.name for p in BENCHMARKS.glob("*.py")} - {"emulator_process.py", "run_all.py"}
    assert scripts == set(SMALLEST), "a new benchmark script needs its smallest settings here"


@pytest.mark.parametrize("script", sorted(SMALLEST))
def test_a_benchmark_runs_at_its_smallest_settings(script: str) -> None:
    assert "measured" in _run([str(BENCHMARKS / script), *SMALLEST[script]]) or script in (
        "media_webhooks.py",
        "emulator_load.py",
    )


def test_the_bench_command_writes_its_figures_section_and_chart(tmp_path: Path) -> None:
    readme = tmp_path / "README.md"
    readme.write_text(
        "# Benchmarks\n\n## Figures\n\n<!-- figures:begin -->\nold\n<!-- figures:end -->\n\nkept\n"
    )
    chart = tmp_path / "figures.png"

    _run([str(BENCHMARKS / "run_all.py"), "--quick", "--readme", str(readme), "--chart", str(chart)])

    text = readme.read_text()
    assert "old" not in text and text.endswith("kept\n") and "| figure | ours |" in text
    assert "![The figures above as bars](figures.png)" in text
    assert chart.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
