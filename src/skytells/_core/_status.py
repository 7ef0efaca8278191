"""Prediction statuses: which are terminal, and the one spelling the SDK reports."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..types._statuses import TERMINAL_STATUSES

__all__ = ["TERMINAL_STATUSES", "is_terminal", "status_of"]


def status_of(prediction: Mapping[str, Any]) -> str:
    status = prediction.get("status")
    if status == "canceled":
        return "cancelled"
    return str(getattr(status, "value", status)) if status is not None else ""


def is_terminal(prediction: Mapping[str, Any]) -> bool:
    return status_of(prediction) in TERMINAL_STATUSES
