"""Run the `skytells` command on a pseudo-terminal, as a person at a keyboard would.

    with Terminal(["chat", "deepbrain-router"], env) as term:
        term.expect("you> ")
        term.send("Hello\\n")

The command is the terminal's foreground process, so ``\\x03`` (Ctrl-C) sends it SIGINT and ``\\x04``
(Ctrl-D) ends its input, exactly as typed keys do.
"""

from __future__ import annotations

import os
import select
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from types import TracebackType

# Makes the pseudo-terminal the command's controlling terminal (after the new session Popen starts),
# so the terminal's Ctrl-C reaches it, then runs the command line.
_START = (
    "import fcntl, sys, termios; fcntl.ioctl(0, termios.TIOCSCTTY, 0); "
    "from skytells._cli import main; main(sys.argv[1:])"
)


class Terminal:
    """A command on a pseudo-terminal: `send` keys, `expect` text on its screen."""

    def __init__(self, args: Sequence[str], env: Mapping[str, str]) -> None:
        self._master, slave = os.openpty()
        self.process = subprocess.Popen(
            [sys.executable, "-c", _START, *args],
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=dict(env),
            start_new_session=True,
        )
        os.close(slave)
        self.screen = ""
        self._seen = 0

    def send(self, keys: str) -> None:
        os.write(self._master, keys.encode())

    def expect(self, text: str, timeout: float = 20.0) -> str:
        """Wait until `text` appears after what earlier calls matched; the screen up to it."""
        deadline = time.monotonic() + timeout
        while (found := self.screen.find(text, self._seen)) < 0:
            left = deadline - time.monotonic()
            if left <= 0 or not self._read(left):
                raise AssertionError(f"{text!r} did not appear; the terminal shows:\n{self.screen}")
        start, self._seen = self._seen, found + len(text)
        return self.screen[start : self._seen]

    def wait(self, timeout: float = 20.0) -> int:
        """The command's exit code, once it ended (reading what it still prints)."""
        deadline = time.monotonic() + timeout
        while self.process.poll() is None and time.monotonic() < deadline:
            self._read(0.1)
        return self.process.wait(timeout=max(deadline - time.monotonic(), 0.1))

    def _read(self, timeout: float) -> bool:
        ready, _, _ = select.select([self._master], [], [], timeout)
        if not ready:
            return False
        try:
            data = os.read(self._master, 65536)
        except OSError:  # the command ended and closed the terminal
            return False
        self.screen += data.decode(errors="replace").replace("\r\n", "\n")
        return bool(data)

    def __enter__(self) -> Terminal:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)
        os.close(self._master)
