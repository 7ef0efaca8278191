"""What ``import skytells`` costs next to ``import httpx``, in an install of the SDK alone (no extras).

    .venv/bin/python benchmarks/import_time.py [--runs 15] [--json F]

Builds (once) a virtual environment under ``.cache/sdk-alone-py`` holding only httpx (the version of
this venv) and its dependencies, and points it at a byte-compiled copy of ``src/skytells`` (made
afresh each run, as a wheel install compiles it: the benchmark does not depend on
``PYTHONDONTWRITEBYTECODE``). Then ``python -X importtime -c "import skytells"`` and ``-c "import
httpx"`` run alternately, ``--runs`` times each, and the medians of their cumulative import times are
compared. Also lists which of the modules the SDK loads only on use were loaded by the import.
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import shutil
import statistics
import subprocess
import sys
import sysconfig
import time
import venv
from importlib import metadata
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CACHE = REPO / ".cache"
ENV = CACHE / "sdk-alone-py"
SRC = CACHE / "sdk-alone-src"
LAZY = ("asyncio", "skytells._async_client", "skytells._cli", "skytells.emulator", "anyio", "httpcore")


def environment() -> Path:
    """The interpreter of a venv with httpx only, the SDK's source on its path (built on first use)."""
    python = ENV / "bin" / "python"
    httpx_version = metadata.version("httpx")
    marker = ENV / f".httpx-{httpx_version}"
    if not marker.exists():
        shutil.rmtree(ENV, ignore_errors=True)
        venv.EnvBuilder(with_pip=True, symlinks=True).create(ENV)
        pip = [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
        subprocess.run([*pip, f"httpx=={httpx_version}"], check=True, capture_output=True)
        marker.touch()
    shutil.rmtree(SRC, ignore_errors=True)
    shutil.copytree(REPO / "src" / "skytells", SRC / "skytells", ignore=shutil.ignore_patterns("__pycache__"))
    compileall.compile_dir(SRC, quiet=1)
    purelib = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    Path(purelib, "skytells-src.pth").write_text(str(SRC) + "\n")
    return python


def import_ms(python: Path, module: str) -> float:
    """The cumulative -X importtime of ``module`` (milliseconds)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    done = subprocess.run(
        [str(python), "-X", "importtime", "-c", f"import {module}"], capture_output=True, text=True, env=env
    )
    for line in done.stderr.splitlines():
        parts = line.split("|")
        if len(parts) == 3 and parts[2].strip() == module:
            return int(parts[1]) / 1000
    raise RuntimeError(f"no import time for {module}: {done.stderr[-500:]}")


def loaded_on_import(python: Path) -> list[str]:
    code = f"import sys, skytells; print(' '.join(m for m in {LAZY!r} if m in sys.modules))"
    return subprocess.run(
        [str(python), "-c", code], capture_output=True, text=True, check=True
    ).stdout.split()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    parser.add_argument("--here", action="store_true", help="measure in this interpreter (no separate venv)")
    args = parser.parse_args()
    python = Path(sys.executable) if args.here else environment()
    times: dict[str, list[float]] = {"skytells": [], "httpx": []}
    for run in range(args.runs):
        for module in ("skytells", "httpx") if run % 2 == 0 else ("httpx", "skytells"):
            times[module].append(import_ms(python, module))
    medians = {module: statistics.median(values) for module, values in times.items()}
    ratio = medians["skytells"] / medians["httpx"]
    fastest = min(times["skytells"]) / min(times["httpx"])
    loaded = loaded_on_import(python)
    print(
        f"python {sysconfig.get_python_version()}, httpx {metadata.version('httpx')}, {args.runs} runs each"
    )
    print(f"import skytells {medians['skytells']:6.1f} ms (median)")
    print(f"import httpx    {medians['httpx']:6.1f} ms (median)")
    print(f"ratio {ratio:.2f}x; target <= 1.25x: {'met' if ratio <= 1.25 else 'MISSED'}")
    print(f"ratio of the fastest runs {fastest:.2f}x (a check on the medians: noise only ever adds time)")
    print(f"loaded by import skytells, of {', '.join(LAZY)}: {', '.join(loaded) or 'none'}")
    print(time.strftime("measured %Y-%m-%d %H:%M UTC", time.gmtime()))
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "runs": args.runs,
                    "median_ms": medians,
                    "ratio": ratio,
                    "fastest_ratio": fastest,
                    "loaded": loaded,
                }
            )
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
