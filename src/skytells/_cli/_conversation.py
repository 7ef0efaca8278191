"""A chat on the terminal: stream one reply as it arrives, and the ``you> `` loop of a session.

`Chat` keeps the conversation as a list of messages and streams each reply through a `write`
function; `run_session` is the interactive loop, fed by a `read_line` function, so both can be driven
by scripted input in tests. Neither looks at the terminal itself.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from skytells import ChatCompletion, SkytellsClient, SkytellsError

from ._errors import ExitCode, from_sdk_error

Write = Callable[[str], None]
ReadLine = Callable[[str], str]

PROMPT = "you> "
EXIT_COMMANDS = frozenset({"/exit", "/quit"})
#: exit codes of errors that the next message cannot fix (bad key, unknown model): they end a session
FATAL_EXIT_CODES = frozenset({ExitCode.AUTHENTICATION, ExitCode.NOT_FOUND})
#: error ids that end a session too (a model that cannot chat will not start to)
FATAL_ERROR_IDS = frozenset({"MODEL_NOT_SUPPORTED"})


@dataclass(frozen=True)
class Sampling:
    """How every reply is made (None: the model's default, and nothing is sent)."""

    max_tokens: int | None = None
    temperature: float | None = None
    seed: int | None = None


@dataclass(frozen=True)
class Reply:
    """The text of a reply as shown, and whether Ctrl-C stopped it before its end."""

    text: str
    stopped: bool = False


def delta_text(chunk: Mapping[str, Any]) -> str:
    """The text a stream chunk adds to the first choice ('' for the role, finish and usage chunks)."""
    for choice in chunk.get("choices") or ():
        if isinstance(choice, Mapping) and choice.get("index", 0) == 0:
            delta = choice.get("delta")
            content = delta.get("content") if isinstance(delta, Mapping) else None
            return content if isinstance(content, str) else ""
    return ""


class Chat:
    """A conversation with one model: the messages so far, and `ask` to stream the next reply."""

    def __init__(
        self,
        client: SkytellsClient,
        model: str,
        *,
        system: str | None = None,
        sampling: Sampling = Sampling(),
        write: Write,
    ) -> None:
        self.model = model
        self.messages: list[dict[str, str]] = [{"role": "system", "content": system}] if system else []
        self._client = client
        self.sampling = sampling
        self._write = write

    def ask(self, prompt: str, *, interruptible: bool = False) -> Reply:
        """Send `prompt`, write the reply delta by delta and a newline at its end, and keep both turns.

        With `interruptible`, Ctrl-C stops the reply where it is: the stream is closed at once and the
        part already shown stays in the conversation. Otherwise (and on any error) the exception goes on
        and the turn is dropped from the conversation.
        """
        self.messages.append({"role": "user", "content": prompt})
        parts: list[str] = []
        try:
            self._relay(parts)
        except KeyboardInterrupt:
            if not interruptible:
                self._drop_turn(parts)
                raise
            self._end_line(parts)
            return self._keep(parts, stopped=True)
        except BaseException:
            self._drop_turn(parts)
            raise
        self._write("\n")
        return self._keep(parts, stopped=False)

    def complete(self, prompt: str) -> ChatCompletion:
        """The whole chat completion of the conversation and `prompt`, not streamed (nothing is kept)."""
        return self._client.chat.completions.create(
            model=self.model,
            messages=[*self.messages, {"role": "user", "content": prompt}],
            max_tokens=self.sampling.max_tokens,
            temperature=self.sampling.temperature,
            seed=self.sampling.seed,
        )

    def _relay(self, parts: list[str]) -> None:
        stream = self._client.chat.completions.create(
            model=self.model,
            messages=list(self.messages),
            stream=True,
            max_tokens=self.sampling.max_tokens,
            temperature=self.sampling.temperature,
            seed=self.sampling.seed,
        )
        with stream:  # leaving it closes the HTTP response at once, also when Ctrl-C stopped the reply
            for chunk in stream:
                piece = delta_text(chunk)
                if piece:
                    parts.append(piece)
                    self._write(piece)

    def _keep(self, parts: list[str], *, stopped: bool) -> Reply:
        text = "".join(parts)
        if text:
            self.messages.append({"role": "assistant", "content": text})
        elif stopped:
            self.messages.pop()  # nothing came back: as if the message was never sent
        return Reply(text, stopped)

    def _drop_turn(self, parts: list[str]) -> None:
        self._end_line(parts)
        self.messages.pop()

    def _end_line(self, parts: list[str]) -> None:
        if parts:
            self._write("\n")


def run_session(chat: Chat, read_line: ReadLine, notice: Write) -> None:
    """The interactive loop: read a message after ``you> ``, stream the reply, until `/exit` or Ctrl-D.

    Ctrl-C at the prompt drops the line; Ctrl-C during a reply stops that reply (the session goes on).
    An API error is shown as one line and the session goes on, unless it cannot be fixed by the next
    message (authentication, unknown model, a model that does not chat): then it ends the command.
    """
    while True:
        try:
            line = read_line(PROMPT)
        except EOFError:
            notice("")
            return
        except KeyboardInterrupt:
            notice("\n(/exit or Ctrl-D ends the session)")
            continue
        text = line.strip()
        if not text:
            continue
        if text in EXIT_COMMANDS:
            return
        try:
            reply = chat.ask(text, interruptible=True)
        except SkytellsError as error:
            failure = from_sdk_error(error)
            if failure.exit_code in FATAL_EXIT_CODES or failure.error_id in FATAL_ERROR_IDS:
                raise
            failure.show()
            continue
        if reply.stopped:
            notice("(reply stopped)")


def terminal_line(prompt: str) -> str:
    """Read one line from the terminal (line editing where ``readline`` exists); the prompt goes to
    stdout when it is the terminal, else to stderr, so a redirected stdout holds only the replies."""
    if sys.stdout.isatty():
        return input(prompt)
    sys.stderr.write(prompt)
    sys.stderr.flush()
    return input()


def enable_line_editing() -> None:
    """Give `input` line editing and history, where the platform has ``readline``."""
    with contextlib.suppress(ImportError):
        import readline  # noqa: F401  (importing it is what turns it on)
