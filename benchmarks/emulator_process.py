"""Run the emulator in its own process (``python -m skytells.emulator``), for benchmarks.

A separate process keeps the server's work off the measuring process's interpreter lock.

Example::

    with EmulatorProcess(speed=10, rate_limit=10**9) as emu:
        print(emu.base_url)
"""

from __future__ import annotations

import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from types import TracebackType


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class EmulatorProcess:
    """``python -m skytells.emulator`` on a free loopback port, stopped on exit."""

    def __init__(self, *, speed: float = 1.0, rate_limit: int = 10**9, extra: tuple[str, ...] = ()) -> None:
        self.port = free_port()
        self.root_url = f"http://127.0.0.1:{self.port}"
        self.base_url = f"{self.root_url}/v1"
        self._data = tempfile.TemporaryDirectory(prefix="skytells-bench-")
        self._args = [
            sys.executable,
            "-m",
            "skytells.emulator",
            "--host",
            "127.0.0.1",
            "--port",
            str(self.port),
            "--data-dir",
            self._data.name,
            "--speed",
            repr(speed),
            "--rate-limit",
            str(rate_limit),
            *extra,
        ]
        self._log = Path(self._data.name) / "emulator.log"
        self._proc: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> EmulatorProcess:
        log = self._log.open("wb")
        self._proc = subprocess.Popen(self._args, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self._proc.poll() is not None:
                raise RuntimeError(f"emulator exited: {self._log.read_text()[-2000:]}")
            try:
                with urllib.request.urlopen(f"{self.root_url}/_emulator/health", timeout=1) as r:
                    if r.status == 200:
                        return self
            except OSError:
                time.sleep(0.05)
        raise RuntimeError(f"emulator did not become healthy: {self._log.read_text()[-2000:]}")

    def __exit__(
        self, t: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._proc is not None:
            self._proc.terminate()
            try:
                self._proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait()
        self._data.cleanup()
