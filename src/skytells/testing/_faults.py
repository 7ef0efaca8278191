"""Fault rules of the emulator from a test: ``emulator.fault("POST /v1/predict* status=503 first=2")``.

A rule is a ``--fault`` spec string or its fields (``action``, ``route``, ``method``, ``model``,
``status``, ``first``, ``probability``, ...: see docs/emulator-faults.md).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ._admin import EmulatorLike


class Fault:
    """One fault rule as the emulator stored it; ``matched`` reads how often it has fired so far."""

    def __init__(self, server: EmulatorLike, rule: Mapping[str, Any]) -> None:
        self._server = server
        self.rule = dict(rule)
        self.id = str(rule["id"])

    @property
    def matched(self) -> int:
        """How many requests the rule has matched (read from the emulator now)."""
        for rule in self._server.admin("GET", "/faults")["faults"]:
            if rule["id"] == self.id:
                return int(rule.get("matched") or 0)
        return int(self.rule.get("matched") or 0)

    def remove(self) -> None:
        """Delete the rule."""
        self._server.admin("DELETE", f"/faults/{self.id}")

    def __repr__(self) -> str:
        return f"Fault({self.rule!r})"


class Faults:
    """The emulator's fault rules: ``add``, ``list``, ``clear``.

    >>> emulator.faults.add("POST /v1/predict* status=503 first=2")
    >>> emulator.faults.add(action="drop_after_store", model="flux-pro", first=1)
    """

    def __init__(self, server: EmulatorLike) -> None:
        self._server = server

    def add(self, spec: str | Mapping[str, Any] | None = None, /, **fields: Any) -> Fault:
        """Add a rule: a ``--fault`` spec string, a rule dict, or its fields as keywords."""
        if isinstance(spec, str):
            if fields:
                raise TypeError("give a spec string or rule fields, not both")
            payload: dict[str, Any] = {"spec": spec}
        else:
            payload = {**(spec or {}), **fields}
            if not payload:
                raise TypeError("give a spec string or rule fields")
        return Fault(self._server, self._server.admin("POST", "/faults", payload))

    def list(self) -> list[dict[str, Any]]:
        """Every rule, with how often it has matched."""
        rules: list[dict[str, Any]] = self._server.admin("GET", "/faults")["faults"]
        return rules

    def clear(self) -> None:
        """Delete every rule."""
        self._server.admin("DELETE", "/faults")
