"""Helpers shared by the command-line tests."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from click.testing import Result

from tests.ports import refused_url

__all__ = ["Invoke", "parse_json", "refused_url"]

Invoke = Callable[..., Result]


def parse_json(result: Result) -> Any:
    """The command's stdout as JSON (fails the test when stdout holds anything else)."""
    return json.loads(result.stdout)
