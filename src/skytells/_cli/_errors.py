"""Exit codes and the one-line error report of the command line.

Every failure leaves the command as a `CliError`: one line on stderr, ``Error [ERROR_ID]: message``,
and an exit code that tells its kind.

| code | kind |
|---|---|
| 0 | success |
| 1 | any other API or server error (rate limit, credits, 5xx, …) |
| 2 | usage: unknown option, missing argument, bad option value (click's own errors) |
| 3 | authentication: no key, key rejected, account suspended |
| 4 | not found: unknown model or prediction |
| 5 | invalid input: a value the schema or the API rejects, a missing `@file`, a model of the wrong kind |
| 6 | the prediction failed or was cancelled |
| 7 | network: no answer from the API, or a timeout |
| 130 | interrupted with Ctrl-C |
"""

from __future__ import annotations

from enum import IntEnum
from typing import IO, Any

import click

from skytells import SkytellsError

from ._secrets import redact


class ExitCode(IntEnum):
    """Exit status of `skytells`, by kind of error."""

    OK = 0
    ERROR = 1
    USAGE = 2
    AUTHENTICATION = 3
    NOT_FOUND = 4
    INVALID_INPUT = 5
    PREDICTION_FAILED = 6
    NETWORK = 7
    INTERRUPTED = 130


_BY_ERROR_ID = {
    "UNAUTHORIZED": ExitCode.AUTHENTICATION,
    "ACCOUNT_SUSPENDED": ExitCode.AUTHENTICATION,
    "MODEL_NOT_FOUND": ExitCode.NOT_FOUND,
    "PREDICTION_NOT_FOUND": ExitCode.NOT_FOUND,
    "NOT_FOUND": ExitCode.NOT_FOUND,
    "INVALID_INPUT": ExitCode.INVALID_INPUT,
    "INVALID_PARAMETER": ExitCode.INVALID_INPUT,
    "INVALID_DATE_FORMAT": ExitCode.INVALID_INPUT,
    "INVALID_DATE_RANGE": ExitCode.INVALID_INPUT,
    "VALIDATION_ERROR": ExitCode.INVALID_INPUT,
    "MODEL_NOT_SUPPORTED": ExitCode.INVALID_INPUT,
    "INVALID_REQUEST": ExitCode.INVALID_INPUT,
    "PREDICTION_FAILED": ExitCode.PREDICTION_FAILED,
    "NETWORK_ERROR": ExitCode.NETWORK,
    "REQUEST_TIMEOUT": ExitCode.NETWORK,
    "WAIT_TIMEOUT": ExitCode.NETWORK,
}

_BY_HTTP_STATUS = {
    400: ExitCode.INVALID_INPUT,
    401: ExitCode.AUTHENTICATION,
    404: ExitCode.NOT_FOUND,
    408: ExitCode.NETWORK,
    422: ExitCode.INVALID_INPUT,
}


class CliError(click.ClickException):
    """A failure shown as one line with its error id, ending the command with `exit_code`."""

    def __init__(self, message: str, error_id: str, exit_code: int = ExitCode.ERROR) -> None:
        super().__init__(_one_line(redact(message)))
        self.error_id = error_id
        # click declares `exit_code` as a class variable; each of these errors carries its own.
        self.__dict__["exit_code"] = int(exit_code)

    def format_message(self) -> str:
        return f"[{self.error_id}] {self.message}"

    def show(self, file: IO[Any] | None = None) -> None:
        click.echo(f"Error {self.format_message()}", file=file, err=file is None)


def exit_code_for(error_id: str, http_status: int | None) -> ExitCode:
    """The exit code for an API error: by its error id, else by its HTTP status."""
    if error_id in _BY_ERROR_ID:
        return _BY_ERROR_ID[error_id]
    if http_status is not None and http_status in _BY_HTTP_STATUS:
        return _BY_HTTP_STATUS[http_status]
    return ExitCode.ERROR


def from_sdk_error(error: SkytellsError) -> CliError:
    """Translate an SDK error into the command line's one-line error."""
    error_id = str(getattr(error, "error_id", None) or "SDK_ERROR")
    status = getattr(error, "http_status", None)
    message = str(getattr(error, "message", None) or error) or error_id
    details = getattr(error, "details", None)
    if isinstance(details, str) and details and details not in message and message not in details:
        message = f"{message}: {details}"
    return CliError(message, error_id, exit_code_for(error_id, status if isinstance(status, int) else None))


def _one_line(text: str) -> str:
    return " ".join(text.split())
