"""Cached installs of the published Skytells SDKs, for conformance tests and benchmarks.

Both live under ``.cache/`` in the repository (gitignored) and are built once:

- ``.cache/published-py``: a virtual environment with ``skytells==1.0.0`` from the package index;
- ``.cache/ts-sdk``: a folder with the npm package ``skytells`` installed.

A build goes to a temporary sibling folder first and is renamed into place, so an interrupted install
never leaves a half-built cache behind.

Run as a script to build both and print where they are::

    python tests/conformance/published_env.py
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import venv
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
CACHE = REPO / ".cache"
PUBLISHED_VERSION = "1.0.0"
PY_ENV = CACHE / "published-py"
TS_DIR = CACHE / "ts-sdk"


class InstallError(RuntimeError):
    """An install from a package registry failed (no network, registry refused, ...)."""


def _python_in(env: Path) -> Path:
    return env / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def published_python() -> Path:
    """The interpreter of a venv holding the published ``skytells`` 1.0.0 (built on first use)."""
    marker = PY_ENV / f".skytells-{PUBLISHED_VERSION}"
    if marker.exists():
        return _python_in(PY_ENV)
    CACHE.mkdir(exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix="published-py-", dir=CACHE))
    try:
        venv.EnvBuilder(with_pip=True, symlinks=os.name != "nt").create(staging)
        cmd = [str(_python_in(staging)), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
        done = subprocess.run([*cmd, f"skytells=={PUBLISHED_VERSION}"], capture_output=True, text=True)
        if done.returncode != 0:
            raise InstallError(f"pip install skytells=={PUBLISHED_VERSION} failed: {done.stderr[-800:]}")
        (staging / marker.name).touch()
        # The venv's scripts hold absolute paths, so rebuild them in place after the rename.
        shutil.rmtree(PY_ENV, ignore_errors=True)
        staging.rename(PY_ENV)
        venv.EnvBuilder(with_pip=False, symlinks=os.name != "nt", upgrade=True).create(PY_ENV)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return _python_in(PY_ENV)


def node_tools() -> tuple[str, str] | None:
    """Paths of ``node`` and ``npm``, or None when either is missing."""
    node, npm = shutil.which("node"), shutil.which("npm")
    return (node, npm) if node and npm else None


def ts_sdk_dir() -> Path:
    """A folder whose ``node_modules`` holds the npm package ``skytells`` (installed on first use)."""
    package = TS_DIR / "node_modules" / "skytells" / "package.json"
    if package.exists():
        return TS_DIR
    tools = node_tools()
    if tools is None:
        raise InstallError("node and npm are needed for the TypeScript SDK")
    CACHE.mkdir(exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix="ts-sdk-", dir=CACHE))
    try:
        (staging / "package.json").write_text('{"name": "skytells-conformance", "private": true}\n')
        done = subprocess.run(
            [tools[1], "install", "--no-audit", "--no-fund", "--loglevel=error", "skytells"],
            cwd=staging,
            capture_output=True,
            text=True,
        )
        if done.returncode != 0:
            raise InstallError(f"npm install skytells failed: {done.stderr[-800:]}")
        shutil.rmtree(TS_DIR, ignore_errors=True)
        staging.rename(TS_DIR)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return TS_DIR


def ts_sdk_version() -> str:
    """The version of the installed npm package ``skytells``."""
    import json

    package = ts_sdk_dir() / "node_modules" / "skytells" / "package.json"
    return str(json.loads(package.read_text())["version"])


if __name__ == "__main__":
    print("published python:", published_python())
    if node_tools():
        print("typescript sdk:", ts_sdk_dir(), ts_sdk_version())
    sys.exit(0)
