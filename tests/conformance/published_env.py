"""Cached installs of the published Skytells SDKs, for conformance tests and benchmarks.

Both live under ``.cache/`` in the repository (gitignored) and are built once:

- ``.cache/published-py``: a virtual environment with ``skytells==1.0.0`` from the package index;
- ``.cache/ts-sdk``: a folder with the npm package ``skytells`` at ``TS_SDK_VERSION`` installed (pinned:
  a new release changes nothing here until this pin is moved; a cache of another version is rebuilt).

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
#: The npm package ``skytells`` the TypeScript scenario runs (the only release when this was pinned).
TS_SDK_VERSION = "1.0.0"
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


def _installed_ts_version(folder: Path) -> str | None:
    import json

    package = folder / "node_modules" / "skytells" / "package.json"
    try:
        return str(json.loads(package.read_text())["version"])
    except (OSError, ValueError, KeyError):
        return None


def ts_sdk_dir() -> Path:
    """A folder whose ``node_modules`` holds npm ``skytells@TS_SDK_VERSION`` (installed on first use)."""
    if _installed_ts_version(TS_DIR) == TS_SDK_VERSION:
        return TS_DIR
    tools = node_tools()
    if tools is None:
        raise InstallError("node and npm are needed for the TypeScript SDK")
    CACHE.mkdir(exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix="ts-sdk-", dir=CACHE))
    try:
        (staging / "package.json").write_text('{"name": "skytells-conformance", "private": true}\n')
        done = subprocess.run(
            [
                *(tools[1], "install", "--no-audit", "--no-fund", "--loglevel=error", "--save-exact"),
                f"skytells@{TS_SDK_VERSION}",
            ],
            cwd=staging,
            capture_output=True,
            text=True,
        )
        if done.returncode != 0:
            raise InstallError(f"npm install skytells@{TS_SDK_VERSION} failed: {done.stderr[-800:]}")
        shutil.rmtree(TS_DIR, ignore_errors=True)
        staging.rename(TS_DIR)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return TS_DIR


def ts_sdk_version() -> str | None:
    """The version of the npm package ``skytells`` installed in the cache (None when there is none)."""
    return _installed_ts_version(TS_DIR)


if __name__ == "__main__":
    print("published python:", published_python())
    if node_tools():
        print("typescript sdk:", ts_sdk_dir(), ts_sdk_version())
    sys.exit(0)
