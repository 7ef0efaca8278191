"""The message an adapter gives when its web framework is not installed."""

from __future__ import annotations


def missing(adapter: str, framework: str, install: str) -> ImportError:
    """``ImportError`` saying that ``skytells.webhooks.<adapter>`` needs ``framework``."""
    return ImportError(f"skytells.webhooks.{adapter} needs {framework}: pip install {install}")
